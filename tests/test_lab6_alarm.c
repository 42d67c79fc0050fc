/*
 * test_lab6_alarm.c - the sleep queue (exercises 7 and 8 of handouts/lab6.md,
 * in queue.c) on the fake machine of lab6_fake.h: a sleeper is made ready on the
 * very tick now + n, never before or after; sleepers run in the order they
 * fall due, first come first among equals, whatever order they slept in;
 * alarm_next_tick is the first deadline (the idle's one-shot aims at it); and
 * a tick that comes at any moment of thread_sleep_ticks - between reading
 * the clock and masking, say - neither loses the wake nor makes it early or
 * late; and a count that jumps past a deadline in one sched_tick (ticks held
 * by a mask, a one-shot that ends late) still wakes the sleeper. Tickless (the
 * default), then with tick=periodic.
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
    n->start = fake_ticks;              /* lab 1's count, read without timer_ticks' mask: */
    thread_sleep_ticks(n->ticks);       /* main's k-th mask is the sleep's own (below) */
    n->woke = fake_ticks;
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
    CHECK_RUN(fake_run(same_start_main, false), 0);
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
    CHECK_RUN(fake_run(staggered_main, false), 0);
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
    CHECK_RUN(fake_run(next_tick_main, false), 0);
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
        snprintf(fake_when, sizeof fake_when, "a tick just before main's mask number %d", k);
        CHECK_RUN(fake_run(race_main, false), 0);
        CHECK_STR(order, "r");
        CHECK_EQ(racer.ready_on, racer.wake_tick);  /* on its tick, not the next */
        CHECK_EQ(racer.woke, racer.wake_tick);
        CHECK(racer.wake_tick >= racer.start + 1);  /* the whole tick, even if it came first */
        CHECK(racer.wake_tick <= racer.start + 2);  /* and one more, at most, if it did */
    }
}

/* ---- a count that jumps past a deadline ------------------------------------------ */
/*
 * One sched_tick(now) can move the count several ticks: a tickless halt counts
 * every tick that passed at its end (lab 1's timer_tick_restart), so a one-shot
 * that ends late passes the deadline. The first run makes the count jump under a
 * long print (fake_set_ticks), in both runs; the second is the late one-shot
 * itself, in the tickless run. A sleeper whose tick
 * was passed rather than met still wakes, on that count: alarm_wake_due wakes every
 * wake_tick <= now (with ==, it sleeps for good).
 */
static struct nap jumped;

static void masked_past_the_deadline_main(void)
{
    jumped = (struct nap){ .ticks = 2, .name = 'j' };
    struct thread *t = spawn_thread(napper, &jumped, "napper", 40);     /* due on tick 2 */
    intr_state_t was = intr_disable();      /* a long print: a tick waits at the PIC */
    fake_set_ticks(4);                      /* and the count has jumped by then (as a */
    fake_tick();                            /* tickless halt's restart may make it jump) */
    record('p');
    intr_restore(was);                      /* then one sched_tick(5), past tick 2 */
    record('e');
    thread_join(t);
}

static void oneshot_ends_late(void)
{
    fake_on_tick_stop = 0;
    fake_oneshot_at += 3;                   /* the first halt's IRQ 0 comes 3 ticks late */
}

static void late_oneshot_main(void)
{
    fake_on_tick_stop = oneshot_ends_late;  /* tickless only: tick=periodic never stops */
    jumped = (struct nap){ .ticks = 10, .name = 'j' };
    nap(&jumped);                           /* due on 10; the halt's count ends at 13 */
}

/* The sleeper, due on `due`, was made ready and ran on the count `want`. */
static void check_woken_past(uint64_t due, uint64_t want)
{
    if (jumped.ready_on != want) {
        char when[64] = "was never woken";
        if (jumped.woke != 0)
            snprintf(when, sizeof when, "was made ready on tick %llu",
                     (unsigned long long)jumped.ready_on);
        printf("  %s:%d: the sleeper due on tick %llu %s, expected on tick %llu: one "
               "sched_tick(%llu) passed its deadline, and alarm_wake_due must wake every "
               "sleeper with wake_tick <= now (handouts/lab6.md section 8, step 8)\n",
               __FILE__, __LINE__, (unsigned long long)due, when, (unsigned long long)want,
               (unsigned long long)want);
        host_current_failed = 1;
        return;
    }
    CHECK_EQ(jumped.wake_tick, due);
    CHECK_EQ(jumped.woke, want);
}

TEST(a_count_that_jumps_past_a_deadline_still_wakes_the_sleeper)
{
    fake_want_idle_limit = 20;              /* a wake lost for good: the idle halts for good */
    snprintf(fake_when, sizeof fake_when, "5 ticks delivered as one, past a deadline of 2");
    CHECK_RUN(fake_run(masked_past_the_deadline_main, false), 0);
    CHECK_STR(order, "pje");                /* after the "print", before main goes on */
    check_woken_past(2, 5);

    fake_want_idle_limit = 20;
    snprintf(fake_when, sizeof fake_when, "a one-shot 3 ticks late, past a deadline of 10");
    CHECK_RUN(fake_run(late_oneshot_main, false), 0);
    check_woken_past(10, fake_periodic ? 10 : 13);
}

static void run_all(void)
{
    RUN(sleepers_wake_by_deadline_and_in_sleep_order_on_one_tick);
    RUN(sleepers_that_start_on_different_ticks_each_wake_on_their_own);
    RUN(alarm_next_tick_is_the_first_deadline_or_none);
    RUN(a_tick_between_reading_the_clock_and_blocking_is_never_lost);
    RUN(a_count_that_jumps_past_a_deadline_still_wakes_the_sleeper);
}

int main(void)
{
    return run_tickless_then_periodic(run_all, "lab6 alarm");
}
