/*
 * test_lab3_tickless.c - the tickless idle (lab 1's timer_idle_until, pit.c
 * itself, on tests/fake_pit.h's 8254, glued by fake_oneshot.h) on the fake
 * machine of lab3_fake.h, called as the executor calls it (interrupts masked,
 * nothing ready) with a deadline: when it stops the tick and when it keeps it, the
 * ticks it accounts after each kind of wake-up, the cap on one one-shot, and
 * an interrupt between its decision and its hlt. Given code only (no lab 3
 * exercise runs here): the end-to-end checks, timers firing on the same tick
 * as with the periodic tick, are in test_lab3_executor.c.
 *
 * grade: given code only, no points (the tickless idle has no stub; it passes on the handout's).
 */
#include "host.h"
#include "lab3_fake.h"

static uint64_t hook_calls[64];
static int nhook;
static int irqs;
static struct tickless_stats before;        /* the idle's counters only grow */

static void record_tick(uint64_t now)
{
    CHECK(!fake_if);                        /* a subscriber runs like the tick: IF=0 */
    if (nhook < 64)
        hook_calls[nhook++] = now;
}

static void count_irq(void)
{
    irqs++;
}

static void setup(void)
{
    fake_reset();
    fake_nsubscribers = 0;                  /* the tick's only subscriber: */
    fake_subscribers[fake_nsubscribers++] = record_tick;
    fake_irq = count_irq;
    tickless_set_periodic(false);
    nhook = irqs = 0;
    before = tickless_stats();
}

static uint32_t capped(void)
{
    return tickless_stats().capped - before.capped;
}

/* One idle, as wait_for_work calls it: interrupts masked first. */
static void idle_once(uint64_t deadline)
{
    fake_if = false;
    timer_idle_until(deadline);
    CHECK(fake_if);                         /* returns with interrupts on */
    CHECK(!fake_tick_stopped);              /* and the tick running */
}

TEST(far_deadline_stops_the_tick_and_counts_every_tick)
{
    setup();
    idle_once(30);
    CHECK_EQ(fake_tick_stops, 1);
    CHECK_EQ(fake_waits, 1);                /* one wake-up instead of 30 */
    CHECK_EQ(fake_ticks, 30);               /* the one-shot ends on the deadline's tick */
    CHECK_EQ(nhook, 1);
    CHECK_EQ(hook_calls[0], 30);            /* the hook sees the deadline: the timer fires */
    CHECK_EQ(capped(), 0);
}

TEST(a_long_sleep_takes_capped_one_shots_and_lands_on_its_tick)
{
    setup();
    int idles = 0;
    while (fake_ticks < 500 && idles < 1000) {
        uint64_t before = fake_ticks;
        idle_once(500);
        CHECK(fake_ticks > before);         /* monotonic, and progress every time */
        idles++;
    }
    CHECK_EQ(fake_ticks, 500);
    CHECK_EQ(idles, 10);                    /* 9 x 54 = 486, then the last 14 */
    CHECK_EQ(fake_tick_stops, 10);
    CHECK_EQ(capped(), 9);
    CHECK_EQ(hook_calls[nhook - 1], 500);
}

TEST(deadline_within_a_tick_keeps_the_tick)
{
    setup();
    fake_clock = 10;
    fake_set_ticks(10);
    idle_once(11);                          /* the next tick is the one: no gain */
    CHECK_EQ(fake_tick_stops, 0);
    CHECK_EQ(fake_ticks, 11);
    idle_once(5);                           /* already past: the tick, not a stop */
    CHECK_EQ(fake_tick_stops, 0);
    CHECK_EQ(fake_ticks, 12);
    CHECK_EQ(tickless_stats().periodic_halts - before.periodic_halts, 2);
}

TEST(tick_periodic_keeps_todays_behaviour)
{
    setup();
    tickless_set_periodic(true);
    for (int i = 0; i < 30; i++)
        idle_once(30);
    CHECK_EQ(fake_tick_stops, 0);
    CHECK_EQ(fake_waits, 30);               /* a wake-up a tick */
    CHECK_EQ(fake_ticks, 30);
    tickless_set_periodic(false);
}

TEST(no_deadline_sleeps_one_capped_shot_at_a_time)
{
    setup();
    idle_once(UINT64_MAX);
    CHECK_EQ(fake_ticks, 54);
    CHECK_EQ(fake_oneshots_fired, 1);
    CHECK_EQ(capped(), 1);
}

TEST(interrupt_while_stopped_counts_only_the_ticks_that_passed)
{
    setup();
    fake_irq_at = 37;                       /* a key, 37 ticks into a 54-tick one-shot */
    idle_once(UINT64_MAX);
    CHECK_EQ(irqs, 1);
    CHECK_EQ(fake_ticks, 37);               /* not 54: the one-shot had not ended */
    CHECK_EQ(fake_oneshots_fired, 0);
    CHECK_EQ(nhook, 1);
    CHECK_EQ(hook_calls[0], 37);
    idle_once(100);                         /* and on from there, to the deadline exactly */
    idle_once(100);
    CHECK_EQ(fake_ticks, 100);
    CHECK_EQ(hook_calls[nhook - 1], 100);
}

static void raise_after_stop(void)
{
    fake_pending++;                         /* IF=0: it must stay pending and end the hlt */
}

TEST(interrupt_between_the_decision_and_the_hlt_ends_the_hlt)
{
    setup();
    fake_on_tick_stop = raise_after_stop;
    idle_once(UINT64_MAX);
    CHECK_EQ(irqs, 1);
    CHECK_EQ(fake_waits_cut_short, 1);      /* not slept through */
    CHECK_EQ(fake_clock, 0);                /* no time passed */
    CHECK_EQ(fake_ticks, 0);
    CHECK_EQ(nhook, 0);                     /* no tick passed: the hook is not called */
    CHECK_EQ(fake_tick_restarts, 1);        /* but the tick runs again */
}

int main(void)
{
    RUN(far_deadline_stops_the_tick_and_counts_every_tick);
    RUN(a_long_sleep_takes_capped_one_shots_and_lands_on_its_tick);
    RUN(deadline_within_a_tick_keeps_the_tick);
    RUN(tick_periodic_keeps_todays_behaviour);
    RUN(no_deadline_sleeps_one_capped_shot_at_a_time);
    RUN(interrupt_while_stopped_counts_only_the_ticks_that_passed);
    RUN(interrupt_between_the_decision_and_the_hlt_ends_the_hlt);
    return host_summary("lab3 tickless");
}
