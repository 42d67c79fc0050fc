/*
 * trace.c - a picture of lab 6 running: the scheduler's events (switch, IRQ,
 * executor poll, wake, block, priority change, exit, creation) with their TSC,
 * recorded into a fixed buffer and printed over the console at the end, for
 * tools/tracesvg.py to draw as a timeline (handouts/lab6.md, "A picture of it
 * running"). Given code, not an exercise.
 *
 * Recording never allocates and never waits: a full buffer keeps the events it
 * has and counts the ones it drops, and the print says how many. Each event is
 * recorded with interrupts masked, so an IRQ's event cannot tear a thread's.
 *
 * The printed form (format 1), one line each, numbers in decimal:
 *   trace: begin format=1 tick_hz=HZ ticks=T cycles=C running=ID events=N dropped=D capacity=CAP
 *   trace: thread ID PRIO STATE NAME    a thread alive at the start (STATE: running, ready,
 *                                       blocked, done) or made since (STATE: new)
 *   CYCLES KIND ARGS...                 N events, oldest first: CYCLES since the start, then
 *     sw FROM TO | irq N | poll TASK | polled TASK FINISHED(0/1) | wake ID | block ID |
 *     prio ID PRIO | exit ID | new ID
 *   trace: dropped D events: the buffer holds CAP (the picture stops at the last one kept)
 *   trace: dropped K thread names: the table holds 64      (each only when D or K > 0)
 *   trace: end
 * T ticks of the timer passed in C cycles: together they give the time axis.
 */
#include "executor.h"
#include "kprintf.h"
#include "kstring.h"
#include "scheduler.h"
#include "trace.h"

bool trace_on;

struct trace_name {
    uint32_t id;
    int prio;
    enum thread_state state;
    bool made_since;                    /* created while tracing */
    char name[THREAD_NAME_MAX];
};

static struct trace_event events[TRACE_EVENTS];
static struct trace_name names[TRACE_THREADS];
static struct trace_counts counts;
static uint64_t start_cycles, start_tick, stop_cycles, stop_tick;
static uint32_t start_running, nnames;

void trace_record(enum trace_kind kind, uint32_t a, uint32_t b)
{
    intr_state_t fl = intr_disable();
    if (!trace_on) {
        /* stopped between the caller's check and here: nothing to record */
    } else if (counts.events == TRACE_EVENTS) {
        counts.dropped++;
    } else {
        events[counts.events++] = (struct trace_event){ .cycles = cycles() - start_cycles,
                                                        .a = a, .b = b, .kind = (uint8_t)kind };
    }
    intr_restore(fl);
}

/* Interrupts masked. A row's name for the picture; past the table, counted. */
static void remember(struct thread *t, bool made_since)
{
    if (nnames == TRACE_THREADS) {
        counts.names_dropped++;
        return;
    }
    names[nnames++] = (struct trace_name){ .id = t->id, .prio = t->prio, .state = t->state,
                                           .made_since = made_since };
    strlcpy(names[nnames - 1].name, t->name, THREAD_NAME_MAX);
}

void trace_thread_new(struct thread *t)
{
    intr_state_t fl = intr_disable();
    if (trace_on) {
        remember(t, true);
        trace_record(TRACE_NEW, t->id, 0);
    }
    intr_restore(fl);
}

static void poll_before(uint32_t task_id)
{
    trace_record(TRACE_POLL, task_id, 0);
}

static void poll_after(uint32_t task_id, enum poll result)
{
    trace_record(TRACE_POLLED, task_id, result == POLL_READY);
}

static const struct executor_poll_hooks poll_hooks = { poll_before, poll_after };

static void remember_alive(struct thread *t)
{
    remember(t, false);
}

void thread_trace_start(void)
{
    intr_state_t fl = intr_disable();
    counts = (struct trace_counts){ 0 };
    nnames = 0;
    threads_foreach(remember_alive);
    start_running = thread_current()->id;
    start_tick = timer_ticks();
    start_cycles = cycles();
    executor_set_poll_hooks(&poll_hooks);
    trace_on = true;
    intr_restore(fl);
}

void thread_trace_stop(void)
{
    intr_state_t fl = intr_disable();
    if (trace_on) {
        trace_on = false;
        executor_set_poll_hooks(0);
        stop_tick = timer_ticks();
        stop_cycles = cycles();
    }
    intr_restore(fl);
}

static const char *const kind_names[] = {
    [TRACE_SWITCH] = "sw", [TRACE_IRQ] = "irq", [TRACE_POLL] = "poll", [TRACE_POLLED] = "polled",
    [TRACE_WAKE] = "wake", [TRACE_BLOCK] = "block", [TRACE_PRIO] = "prio", [TRACE_EXIT] = "exit",
    [TRACE_NEW] = "new",
};

static void print_event(const struct trace_event *e)
{
    kprintf("%llu %s %u", (unsigned long long)e->cycles, kind_names[e->kind], e->a);
    if (e->kind == TRACE_SWITCH || e->kind == TRACE_POLLED)
        kprintf(" %u", e->b);
    else if (e->kind == TRACE_PRIO)
        kprintf(" %d", (int)e->b);
    kprintf("\n");
}

static const char *state_word(const struct trace_name *n)
{
    static const char *const words[] = { "running", "ready", "blocked", "done" };
    return n->made_since ? "new" : n->state <= THREAD_DONE ? words[n->state] : "?";
}

void thread_trace_print(void)
{
    thread_trace_stop();
    kprintf("trace: begin format=1 tick_hz=%u ticks=%llu cycles=%llu running=%u events=%u "
            "dropped=%u capacity=%u\n", timer_hz(),
            (unsigned long long)(stop_tick - start_tick),
            (unsigned long long)(stop_cycles - start_cycles), start_running, counts.events,
            counts.dropped, TRACE_EVENTS);
    for (uint32_t i = 0; i < nnames; i++)
        kprintf("trace: thread %u %d %s %s\n", names[i].id, names[i].prio, state_word(&names[i]),
                names[i].name);
    for (uint32_t i = 0; i < counts.events; i++)
        print_event(&events[i]);
    if (counts.dropped)
        kprintf("trace: dropped %u events: the buffer holds %u (the picture stops at the last "
                "one kept)\n", counts.dropped, TRACE_EVENTS);
    if (counts.names_dropped)
        kprintf("trace: dropped %u thread names: the table holds %u\n", counts.names_dropped,
                TRACE_THREADS);
    kprintf("trace: end\n");
}

struct trace_counts trace_counts(void)
{
    return counts;
}

const struct trace_event *trace_events(void)
{
    return events;
}
