/*
 * test_lab6_alarm.c - the sleep queue (exercises 7 and 8 of handouts/lab6.md,
 * alarm.c) on the fake machine of lab6_fake.h: a sleeper is made ready on the
 * very tick now + n, never before or after; sleepers run in the order they
 * fall due, first come first among equals, whatever order they slept in;
 * alarm_next_tick is the first deadline (the idle's one-shot aims at it); and
 * a tick that comes at any moment of thread_sleep_ticks - between reading
 * the clock and masking, say - neither loses the wake nor makes it early or
 * late. Tickless (the default), then with tick=periodic.
 */
#include "host.h"
#include "lab6_fake.h"

struct nap {
    uint64_t ticks, start, woke, wake_tick, ready_on;
    char name;
};

/* Sleep n ticks; note when it began and ended, the deadline and the tick it was made ready on. */
static void nap(struct nap *n)
{
    n->start = timer_ticks();
    thread_sleep_ticks(n->ticks);
    n->woke = timer_ticks();
    n->wake_tick = thread_current()->wake_tick;
    n->ready_on = thread_current()->alarm_tick;
    record(n->name);
}

static void napper(void *arg)
{
    nap(arg);
}

static void check_on_its_tick(const struct nap *n)
{
    CHECK_EQ(n->wake_tick, n->start + n->ticks);    /* not early: the whole n ticks */
    CHECK_EQ(n->ready_on, n->wake_tick);            /* not late: ready on that very tick */
    CHECK_EQ(n->woke, n->wake_tick);                /* and ran on it (they outrank main) */
}

/* ---- order: by deadline, first come first among equals ---------------------- */
static struct nap naps[6];

static void same_start_main(void)
{
    static const uint64_t ticks[] = { 5, 3, 5, 3, 1, 8 };
    struct thread *t[6];
    for (int i = 0; i < 6; i++) {
        naps[i] = (struct nap){ .ticks = ticks[i], .name = (char)('0' + i) };
        t[i] = spawn_thread(napper, &naps[i], "napper", 40);    /* runs and sleeps at tick 0 */
    }
    for (int i = 0; i < 6; i++)
        thread_join(t[i]);
}

TEST(sleepers_wake_by_deadline_and_in_sleep_order_on_one_tick)
{
    norder = 0;
    CHECK_EQ(fake_run(same_start_main, false), 0);
    CHECK_STR(order, "413025");
    for (int i = 0; i < 6; i++)
        check_on_its_tick(&naps[i]);
}

/* Sleepers that start on different ticks: each new one goes in front, between and behind. */
static void staggered_main(void)
{
    static const uint64_t ticks[] = { 20, 6, 30, 11, 1 };
    struct thread *t[5];
    for (int i = 0; i < 5; i++) {
        naps[i] = (struct nap){ .ticks = ticks[i], .name = (char)('a' + i) };
        t[i] = spawn_thread(napper, &naps[i], "napper", 40);
        thread_sleep_ticks(2);              /* the next one starts 2 ticks later */
    }
    for (int i = 0; i < 5; i++)
        thread_join(t[i]);
}

TEST(sleepers_that_start_on_different_ticks_each_wake_on_their_own)
{
    norder = 0;
    CHECK_EQ(fake_run(staggered_main, false), 0);
    /* due: a 20, b 8, c 34, d 17, e 9 */
    CHECK_STR(order, "bedac");
    for (int i = 0; i < 5; i++)
        check_on_its_tick(&naps[i]);
}

/* ---- alarm_next_tick: the idle's one-shot aims at it ---------------------------- */
static uint64_t next_seen[4];

static uint64_t next_tick_masked(void)
{
    intr_state_t fl = intr_disable();
    uint64_t next = alarm_next_tick();
    intr_restore(fl);
    return next;
}

static void next_tick_main(void)
{
    static const uint64_t ticks[] = { 30, 10, 20 };
    struct thread *t[3];
    next_seen[0] = next_tick_masked();              /* nobody sleeps */
    for (int i = 0; i < 3; i++) {
        naps[i] = (struct nap){ .ticks = ticks[i], .name = (char)('x' + i) };
        t[i] = spawn_thread(napper, &naps[i], "napper", 40);
    }
    next_seen[1] = next_tick_masked();              /* 10, 20, 30 */
    thread_sleep_ticks(15);
    next_seen[2] = next_tick_masked();              /* 10 woke: 20, 30 */
    for (int i = 0; i < 3; i++)
        thread_join(t[i]);
    next_seen[3] = next_tick_masked();
}

TEST(alarm_next_tick_is_the_first_deadline_or_none)
{
    norder = 0;
    CHECK_EQ(fake_run(next_tick_main, false), 0);
    CHECK(next_seen[0] == UINT64_MAX);
    CHECK_EQ(next_seen[1], 10);
    CHECK_EQ(next_seen[2], 20);
    CHECK(next_seen[3] == UINT64_MAX);
    CHECK_STR(order, "yzx");
}

/* ---- a tick at any moment of thread_sleep_ticks ---------------------------------- */
static struct nap racer;

static void race_main(void)
{
    racer = (struct nap){ .ticks = 1, .name = 'r' };
    nap(&racer);
}

/* The tick just before main's k-th intr_disable: wherever the sleep masks, one k is
   the moment between its check of the clock and its mask. */
TEST(a_tick_between_reading_the_clock_and_blocking_is_never_lost)
{
    for (int k = 1; k <= 6; k++) {
        norder = 0;
        fake_want_raise_tick = true;
        fake_want_raise_after = k;
        fake_want_idle_limit = 20;          /* a lost wake: the idle halts for good */
        int why = fake_run(race_main, false);
        if (why != 0)
            printf("  tick before save %d: %s\n", k, fake_panic_msg);
        CHECK_EQ(why, 0);
        CHECK_STR(order, "r");
        CHECK_EQ(racer.ready_on, racer.wake_tick);  /* on its tick, not the next */
        CHECK_EQ(racer.woke, racer.wake_tick);
        CHECK(racer.wake_tick >= racer.start + 1);  /* the whole tick, even if it came first */
        CHECK(racer.wake_tick <= racer.start + 2);  /* and one more, at most, if it did */
    }
}

static void run_all(void)
{
    RUN(sleepers_wake_by_deadline_and_in_sleep_order_on_one_tick);
    RUN(sleepers_that_start_on_different_ticks_each_wake_on_their_own);
    RUN(alarm_next_tick_is_the_first_deadline_or_none);
    RUN(a_tick_between_reading_the_clock_and_blocking_is_never_lost);
}

int main(void)
{
    return run_tickless_then_periodic(run_all, "lab6 alarm");
}
