/*
 * test_lab1_tick.c - the tick's subscribers (timer_subscribe, labs/lab1-interrupts/pit.c):
 * a fixed table, so one subscriber too many must stop the boot by name instead
 * of silently taking the place of another (what the one-slot hook it replaced
 * did). And tickless idle's choice (pitdiv.c's pit_idle_ticks) and pit.c's
 * timer_idle_until where it keeps the tick: masked, one "sti; hlt", counted.
 * (Where it stops the tick it programs the 8254: the fake machines' rebuild,
 * tests/fake_oneshot.h, runs that side.) pit.c is built as is; what it calls
 * of the kernel is stubbed below, and nothing here touches the 8254's ports.
 *
 * grade: given code only, no points (the table is the kit's, not the student's).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "host.h"
#include "interrupts.h"
#include "machine.h"
#include "pit.h"
#include "x86.h"

/* --- what pit.c calls of the kernel and of lab 1 -------------------------- */
const char *cmdline_str(const char *name, const char *fallback) { (void)name; return fallback; }
uint64_t cmdline_uint(const char *name, uint64_t fallback, uint64_t min, uint64_t max)
{
    (void)name; (void)min; (void)max;
    return fallback;
}
int kprintf(const char *fmt, ...) { (void)fmt; return 0; }
void machine_exit(enum exit_code code) { printf("  machine_exit(%d)\n", code); abort(); }
void irq_register(int irq, irq_handler_fn fn) { (void)irq; (void)fn; }
static bool fake_if = true;
bool intr_enabled(void) { return fake_if; }
intr_state_t intr_disable(void) { bool was = fake_if; fake_if = false; return was; }
void intr_enable(void) { fake_if = true; }
void intr_restore(intr_state_t was) { fake_if = was != 0; }
static int halts;
void intr_enable_and_halt(void) { CHECK(!fake_if); fake_if = true; halts++; }

static void subscriber(uint64_t now) { (void)now; }

TEST(a_subscriber_past_the_table_panics)
{
    for (int i = 0; i < TIMER_SUBSCRIBERS_MAX; i++)
        timer_subscribe(subscriber);        /* room for every lab that subscribes */
    jmp_buf jb;
    host_panic_catcher = &jb;
    bool panicked = setjmp(jb) != 0;
    if (!panicked)
        timer_subscribe(subscriber);        /* one more: must not replace one silently */
    host_panic_catcher = NULL;
    CHECK(panicked);
    CHECK(!timer_tick_stopped());           /* the periodic tick, as booted */
}

TEST(the_idle_stops_the_tick_only_when_a_tick_or_more_is_gained)
{
    CHECK_EQ(pit_idle_ticks(10, 12, false), 2);
    CHECK_EQ(pit_idle_ticks(10, UINT64_MAX, false), UINT64_MAX);   /* nothing due */
    CHECK_EQ(pit_idle_ticks(10, 11, false), 0);     /* the next tick is the one */
    CHECK_EQ(pit_idle_ticks(10, 10, false), 0);     /* due now, or past: */
    CHECK_EQ(pit_idle_ticks(10, 5, false), 0);
    CHECK_EQ(pit_idle_ticks(10, 100, true), 0);     /* tick=periodic */
}

/* Where the deadline gains nothing, the idle is the one "sti; hlt", the tick kept. */
TEST(the_idle_keeps_the_tick_and_halts_once)
{
    struct tickless_stats before = tickless_stats();
    int halted = halts;
    tickless_set_periodic(false);
    fake_if = false;
    timer_idle_until(timer_ticks() + 1);
    CHECK(fake_if);                         /* back with interrupts on */
    tickless_set_periodic(true);
    fake_if = false;
    timer_idle_until(UINT64_MAX);
    tickless_set_periodic(false);
    CHECK_EQ(halts - halted, 2);
    CHECK_EQ(tickless_stats().periodic_halts - before.periodic_halts, 2);
    CHECK_EQ(tickless_stats().stops - before.stops, 0);
    CHECK(!timer_tick_stopped());
}

TEST(the_idle_refuses_interrupts_on)
{
    jmp_buf jb;
    host_panic_catcher = &jb;
    int halted = halts;
    tickless_set_periodic(true);            /* the branch that reaches no chip */
    fake_if = true;
    bool panicked = setjmp(jb) != 0;
    if (!panicked)
        timer_idle_until(UINT64_MAX);       /* the hlt race: the choice must be made masked */
    host_panic_catcher = NULL;
    tickless_set_periodic(false);
    CHECK(panicked);
    CHECK_EQ(halts, halted);
}

int main(void)
{
    RUN(a_subscriber_past_the_table_panics);
    RUN(the_idle_stops_the_tick_only_when_a_tick_or_more_is_gained);
    RUN(the_idle_keeps_the_tick_and_halts_once);
    RUN(the_idle_refuses_interrupts_on);
    return host_summary("lab1 tick");
}
