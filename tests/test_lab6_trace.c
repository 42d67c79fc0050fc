/*
 * test_lab6_trace.c - lab 6's trace buffer (trace.c) on the host: events are
 * kept in order with their cycles, a full buffer drops and counts (and the
 * print says so), nothing is recorded while the trace is off, the thread table
 * drops and counts past its size, and the print is in the documented format
 * (trace.c's top comment; tools/tracesvg.py reads it). Given code: no stub.
 */
#include <stdarg.h>
#include "host.h"
#include "executor.h"
#include "kprintf.h"
#include "scheduler.h"
#include "trace.h"

/* --- the little of the kernel trace.c calls ------------------------------- */
static bool fake_if = true;
static uint64_t fake_cycles = 1000, fake_ticks = 7;
static struct thread fake_threads[3] = {
    { .name = "main", .id = 1, .state = THREAD_RUNNING, .prio = 60 },
    { .name = "idle", .id = 2, .state = THREAD_READY, .prio = -1 },
    { .name = "executor", .id = 3, .state = THREAD_BLOCKED, .prio = 48 },
};
static const struct executor_poll_hooks *fake_poll_hooks;
static char out[1 << 20];
static size_t out_len;

intr_state_t intr_disable(void)
{
    intr_state_t f = fake_if;
    fake_if = false;
    return f;
}

void intr_restore(intr_state_t f) { fake_if = f != 0; }
uint64_t timer_ticks(void) { return fake_ticks; }
uint32_t timer_hz(void) { return 1000; }
uint64_t cycles(void) { return fake_cycles; }
struct thread *thread_current(void) { return &fake_threads[0]; }
void executor_set_poll_hooks(const struct executor_poll_hooks *h) { fake_poll_hooks = h; }

void threads_foreach(void (*fn)(struct thread *t))
{
    for (int i = 0; i < 3; i++)
        fn(&fake_threads[i]);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + out_len, sizeof out - out_len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof out - out_len) {
        printf("  the test's output buffer is too small\n");
        abort();
    }
    out_len += (size_t)n;
    return n;
}

static void start(void)
{
    out_len = 0;
    out[0] = 0;
    fake_cycles = 1000;
    fake_ticks = 7;
    thread_trace_start();
}

/* The line of `out` that starts with prefix, or NULL. */
static const char *line_starting(const char *prefix)
{
    for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : 0)
        if (strncmp(p, prefix, strlen(prefix)) == 0)
            return p;
    return 0;
}

static int count_lines(void)
{
    int n = 0;
    for (const char *p = out; *p; p++)
        n += *p == '\n';
    return n;
}

/* --- tests ------------------------------------------------------------------ */
TEST(off_records_nothing)
{
    start();
    thread_trace_stop();
    struct thread t = { .id = 9 };
    trace_switch(&t, &fake_threads[0]);
    trace_record(TRACE_WAKE, 9, 0);          /* even called directly: off is off */
    CHECK_EQ(trace_counts().events, 0);
    CHECK(fake_poll_hooks == NULL);          /* lab 3's polls are no longer reported */
}

TEST(events_keep_their_order_and_cycles)
{
    start();
    CHECK(fake_poll_hooks != NULL);
    fake_cycles = 1500;
    trace_switch(&fake_threads[0], &fake_threads[2]);
    fake_cycles = 1600;
    trace_irq(0);
    fake_cycles = 1700;
    fake_poll_hooks->before(4);
    fake_poll_hooks->after(4, POLL_READY);
    trace_prio(&fake_threads[2], -1);
    thread_trace_stop();
    CHECK_EQ(trace_counts().events, 5);
    const struct trace_event *e = trace_events();
    CHECK_EQ(e[0].cycles, 500);
    CHECK_EQ(e[0].kind, TRACE_SWITCH);
    CHECK_EQ(e[0].a, 1);
    CHECK_EQ(e[0].b, 3);
    CHECK_EQ(e[1].kind, TRACE_IRQ);
    CHECK_EQ(e[1].cycles, 600);
    CHECK_EQ(e[2].kind, TRACE_POLL);
    CHECK_EQ(e[3].kind, TRACE_POLLED);
    CHECK_EQ(e[3].b, 1);
    CHECK(fake_if);                          /* every record restored the interrupt flag */
}

TEST(a_full_buffer_drops_and_counts)
{
    start();
    for (uint32_t i = 0; i < TRACE_EVENTS + 37; i++) {
        fake_cycles++;
        trace_record(TRACE_WAKE, i % 3 + 1, 0);
    }
    struct trace_counts c = trace_counts();
    CHECK_EQ(c.events, TRACE_EVENTS);
    CHECK_EQ(c.dropped, 37);
    const struct trace_event *e = trace_events();
    CHECK_EQ(e[TRACE_EVENTS - 1].cycles, TRACE_EVENTS);      /* the oldest are kept */
    fake_ticks = 9;
    thread_trace_print();
    char header[160];
    snprintf(header, sizeof header, "trace: begin format=1 tick_hz=1000 ticks=2 cycles=%u "
             "running=1 events=%u dropped=37 capacity=%u\n", TRACE_EVENTS + 37, TRACE_EVENTS,
             TRACE_EVENTS);
    CHECK(strncmp(out, header, strlen(header)) == 0);
    CHECK(line_starting("trace: dropped 37 events: the buffer holds ") != NULL);
    CHECK_EQ(count_lines(), 1 + 3 + TRACE_EVENTS + 1 + 1);
}

TEST(print_is_in_the_documented_format)
{
    start();
    fake_cycles = 1010;
    trace_block(&fake_threads[0]);
    trace_switch(&fake_threads[0], &fake_threads[1]);
    trace_irq(1);
    trace_wake(&fake_threads[2]);
    trace_exit(&fake_threads[2]);
    trace_prio(&fake_threads[2], 31);
    fake_poll_hooks->before(2);
    fake_poll_hooks->after(2, POLL_PENDING);
    thread_trace_print();
    CHECK_STR(out,
              "trace: begin format=1 tick_hz=1000 ticks=0 cycles=10 running=1 events=8 dropped=0 "
              "capacity=4096\n"
              "trace: thread 1 60 running main\n"
              "trace: thread 2 -1 ready idle\n"
              "trace: thread 3 48 blocked executor\n"
              "10 block 1\n10 sw 1 2\n10 irq 1\n10 wake 3\n10 exit 3\n10 prio 3 31\n"
              "10 poll 2\n10 polled 2 0\n"
              "trace: end\n");
}

TEST(the_thread_table_drops_and_counts)
{
    static struct thread made[TRACE_THREADS];
    start();
    for (int i = 0; i < TRACE_THREADS; i++) {
        made[i] = (struct thread){ .id = 10 + (uint32_t)i, .prio = 31, .state = THREAD_READY };
        snprintf(made[i].name, sizeof made[i].name, "t%d", i);
        trace_new(&made[i]);
    }
    struct trace_counts c = trace_counts();
    CHECK_EQ(c.names_dropped, 3);            /* main, idle and executor took 3 of the slots */
    CHECK_EQ(c.events, TRACE_THREADS);       /* every creation is still an event */
    thread_trace_print();
    CHECK(line_starting("trace: thread 10 31 new t0\n") != NULL);
    CHECK(line_starting("trace: thread 70 ") != NULL);
    CHECK(line_starting("trace: thread 71 ") == NULL);
    CHECK(line_starting("trace: dropped 3 thread names: the table holds 64\n") != NULL);
}

TEST(a_restart_forgets_the_last_run)
{
    start();
    trace_irq(0);
    thread_trace_stop();
    start();
    CHECK_EQ(trace_counts().events, 0);
    CHECK_EQ(trace_counts().dropped, 0);
    thread_trace_stop();
}

int main(void)
{
    RUN(off_records_nothing);
    RUN(events_keep_their_order_and_cycles);
    RUN(a_full_buffer_drops_and_counts);
    RUN(print_is_in_the_documented_format);
    RUN(the_thread_table_drops_and_counts);
    RUN(a_restart_forgets_the_last_run);
    return host_summary("lab6 trace");
}
