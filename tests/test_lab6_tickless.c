/*
 * test_lab6_tickless.c - the idle thread's tickless halt (idle.c) on the fake
 * machine of lab6_fake.h: with only idle runnable, one one-shot for the first
 * of a sleeping thread's tick and a lab 3 timer's deadline, capped; the ticks
 * counted exactly whatever ends the halt; a sleeper made ready on its very
 * tick; the one-shot's IRQ 0 never counted as a tick; no thread running
 * before the tick runs again; an interrupt between the decision and the hlt
 * not slept through; and tick=periodic as before. Given code only: the
 * scheduler's exercises run here too, as in test_lab6_sched.c.
 */
#include "host.h"
#include "lab6_fake.h"
#include "sleep.h"

static uint64_t woke[4], due[4], ready_on[4];
static bool stopped_when_run;

/* Sleep, then note the tick it runs on, the tick it was due and the one it was made ready on. */
static void note_sleep(int i, uint32_t ms)
{
    thread_sleep_ms(ms);
    woke[i] = timer_ticks();
    due[i] = thread_current()->wake_tick;
    ready_on[i] = thread_current()->alarm_tick;
    stopped_when_run |= fake_tick_stopped;
}

static void sleep_500_main(void)
{
    note_sleep(0, 500);
}

static int run(void (*fn)(void), bool bridge, bool periodic)
{
    memset(woke, 0, sizeof woke);
    stopped_when_run = false;
    fake_periodic = periodic;
    int why = fake_run(fn, bridge);
    fake_periodic = false;
    return why;
}

TEST(an_idle_sleep_takes_one_one_shot_per_54_ticks_and_wakes_on_its_tick)
{
    CHECK_EQ(run(sleep_500_main, false, false), 0);
    CHECK_EQ(woke[0], 500);
    CHECK_EQ(ready_on[0], 500);             /* made ready on the tick it was due */
    CHECK_EQ(fake_tick_stops, 10);          /* 9 x 54 = 486, then the last 14 */
    CHECK_EQ(fake_oneshots_fired, 10);
    CHECK_EQ(fake_timer_irqs, 10);          /* instead of 500 */
    CHECK_EQ(thread_stats().idle_ticks, 500);   /* the one-shots' IRQ 0 are no ticks */
    CHECK(!stopped_when_run);
}

TEST(tick_periodic_takes_a_timer_interrupt_every_tick)
{
    CHECK_EQ(run(sleep_500_main, false, true), 0);
    CHECK_EQ(woke[0], 500);
    CHECK_EQ(ready_on[0], 500);
    CHECK_EQ(fake_tick_stops, 0);
    CHECK_EQ(fake_timer_irqs, 500);
    CHECK_EQ(thread_stats().idle_ticks, 500);
}

/* ---- the first of a sleeper's tick and a lab 3 timer's deadline --------------- */
static void sleeps_40(void *unused)
{
    (void)unused;
    note_sleep(0, 40);
}

static void awaits_25(void *unused)
{
    struct sleep_future nap;
    (void)unused;
    sleep_ticks_init(&nap, 25);
    thread_await(&nap.base);
    woke[1] = timer_ticks();
    stopped_when_run |= fake_tick_stopped;
}

static void sleeper_and_timer_main(void)
{
    struct thread *a = spawn_thread(sleeps_40, 0, "sleeps40", 40);
    struct thread *b = spawn_thread(awaits_25, 0, "awaits25", 40);
    thread_join(a);
    thread_join(b);
}

TEST(the_halt_ends_at_the_first_of_a_sleepers_tick_and_a_lab3_timer)
{
    CHECK_EQ(run(sleeper_and_timer_main, true, false), 0);
    CHECK_EQ(woke[1], 25);                  /* the lab 3 timer, on its tick */
    CHECK_EQ(woke[0], 40);                  /* the thread, on its tick */
    CHECK_EQ(ready_on[0], 40);
    CHECK_EQ(fake_timer_irqs, 2);           /* one one-shot for each */
    CHECK(!stopped_when_run);
}

/* ---- sleepers due on the same tick, and on the next one -------------------------- */
static void sleeper(void *arg)
{
    int i = (int)(intptr_t)arg;
    note_sleep(i, i < 2 ? 10 : 11);
}

static void same_and_next_tick_main(void)
{
    struct thread *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = spawn_thread(sleeper, (void *)(intptr_t)i, "sleeper", 40);
    for (int i = 0; i < 3; i++)
        thread_join(t[i]);
}

TEST(sleepers_on_one_tick_share_a_one_shot_and_the_next_tick_keeps_the_tick)
{
    CHECK_EQ(run(same_and_next_tick_main, false, false), 0);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(ready_on[i], due[i]);
        CHECK_EQ(woke[i], due[i]);
    }
    CHECK_EQ(due[0], 10);
    CHECK_EQ(due[2], 11);
    CHECK_EQ(fake_tick_stops, 1);           /* due at 11 when it is 10: the tick runs */
    CHECK_EQ(fake_timer_irqs, 2);
}

/* ---- an interrupt while the tick is stopped ------------------------------------ */
static struct semaphore key;

static void key_up(int irq)
{
    if (irq == 1)
        sema_up(&key);                      /* makes the waiter ready inside the halt */
}

static void waits_for_key(void *unused)
{
    (void)unused;
    sema_down(&key);
    woke[0] = timer_ticks();
    stopped_when_run |= fake_tick_stopped;
}

static void key_main(void)
{
    sema_init(&key, 0);
    fake_handler = key_up;
    fake_irq_at = 37;                       /* 37 ticks into a 54-tick one-shot */
    thread_join(spawn_thread(waits_for_key, 0, "waiter", 40));
}

TEST(a_key_mid_halt_counts_the_ticks_that_passed_before_its_thread_runs)
{
    CHECK_EQ(run(key_main, false, false), 0);
    CHECK_EQ(woke[0], 37);                  /* not 54, and not 0: the ticks that passed */
    CHECK(!stopped_when_run);               /* the exit hook did not switch mid-halt */
    CHECK_EQ(fake_oneshots_fired, 0);
    CHECK_EQ(fake_timer_irqs, 0);
    CHECK_EQ(thread_stats().idle_ticks, 37);
}

static void raise_key_once(void)
{
    fake_on_tick_stop = 0;
    fake_pending[fake_npending++] = 1;      /* IF=0: pending; it must end the hlt */
}

static void race_main(void)
{
    sema_init(&key, 0);
    fake_handler = key_up;
    fake_on_tick_stop = raise_key_once;
    thread_join(spawn_thread(waits_for_key, 0, "waiter", 40));
}

TEST(an_interrupt_between_the_decision_and_the_hlt_ends_the_hlt)
{
    CHECK_EQ(run(race_main, false, false), 0);
    CHECK_EQ(woke[0], 0);                   /* no time passed: not slept through */
    CHECK_EQ(fake_tick_stops, 1);
    CHECK_EQ(fake_oneshots_fired, 0);
    CHECK(!stopped_when_run);
}

int main(void)
{
    RUN(an_idle_sleep_takes_one_one_shot_per_54_ticks_and_wakes_on_its_tick);
    RUN(tick_periodic_takes_a_timer_interrupt_every_tick);
    RUN(the_halt_ends_at_the_first_of_a_sleepers_tick_and_a_lab3_timer);
    RUN(sleepers_on_one_tick_share_a_one_shot_and_the_next_tick_keeps_the_tick);
    RUN(a_key_mid_halt_counts_the_ticks_that_passed_before_its_thread_runs);
    RUN(an_interrupt_between_the_decision_and_the_hlt_ends_the_hlt);
    return host_summary("lab6 tickless");
}
