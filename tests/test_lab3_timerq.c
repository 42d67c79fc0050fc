/*
 * test_lab3_timerq.c - lab 3's timer queue (sleep.c, handouts/lab3.md §5
 * "Timers" and §6 exercises 8-10) on the fake machine of lab3_fake.h.
 *
 * The queue is looked at directly (timerq_head, each task's timer_next and
 * deadline) after sleeps inserted out of order, with ties that went to sleep
 * in the wrong order, every task slot asleep at once, deadlines that move
 * forward and back, tasks that finish while asleep (cancellation, at the
 * head, in the middle, at the tail, then the slot reused), the tick's
 * expiry with several timers due at once, and a sleep whose deadline would
 * wrap past UINT64_MAX. Each bug class fails a check of its own.
 */
#include "host.h"
#include "lab3_fake.h"
#include "tasks.h"                  /* task_find: the lab's private header */

/* --- a task that sleeps until its deadline ------------------------------ */
struct sleeper {
    struct future base;
    char name;
    uint64_t deadline;
    bool started, finish_at_once;   /* finish_at_once: READY while still on the queue */
    struct sleep_future s;
};

static struct sleeper zs[EXECUTOR_MAX_TASKS];
static char woke[4 * EXECUTOR_MAX_TASKS + 1];   /* names of the sleepers polled READY, in order */
static int nwoke;

static enum poll sleeper_poll(struct future *self, struct context *cx)
{
    struct sleeper *z = (struct sleeper *)self;

    if (!z->started) {
        z->started = true;
        sleep_until_init(&z->s, z->deadline);
    }
    if (future_poll(&z->s.base, cx) == POLL_PENDING && !z->finish_at_once)
        return POLL_PENDING;
    woke[nwoke++] = z->name;
    return POLL_READY;
}

/* zs[i] is named 'a', 'b', ... (i < 26), then '0', '1', ... */
static char name_of(int i)
{
    return (char)(i < 26 ? 'a' + i : '0' + (i - 26));
}

static void setup(void)
{
    fake_reset();
    fake_timer_on = false;              /* the tests drive the tick themselves */
    nwoke = 0;
    woke[0] = 0;
}

/* Spawn zs[i] sleeping until deadline[i]: ids follow i. */
static void spawn_sleepers(const uint64_t *deadline, int n)
{
    for (int i = 0; i < n; i++) {
        zs[i] = (struct sleeper){ .base.poll = sleeper_poll, .name = name_of(i),
                                  .deadline = deadline[i] };
        CHECK_EQ(spawn(&zs[i].base), i + 1);
    }
}

/* Poll what is ready, never sleeping; false if the code under test panicked. */
static bool run_ready(void)
{
    int why = setjmp(fake_escape);
    if (why == 0) {
        fake_escape_set = true;
        executor_run_ready();
    }
    fake_escape_set = false;
    woke[nwoke] = 0;
    return why == 0;
}

/* The timer interrupt at tick `now` (IF=0, as in a handler), then the polls it causes. */
static bool tick_to(uint64_t now)
{
    int why = setjmp(fake_escape);
    if (why == 0) {
        fake_escape_set = true;
        fake_set_ticks(now);
        fake_if = false;
        timerq_expire(now);
        fake_if = true;
        executor_run_ready();
    }
    fake_escape_set = false;
    fake_if = true;
    woke[nwoke] = 0;
    return why == 0;
}

/* The queue as a string of names, checking its links, flags and order on the way. */
static const char *queue(void)
{
    static char out[EXECUTOR_MAX_TASKS + 2];
    int n = 0;
    for (struct task *t = timerq_head(); t && n <= EXECUTOR_MAX_TASKS; t = t->timer_next) {
        CHECK(t->state & TASK_TIMER);
        struct task *u = t->timer_next;
        CHECK(!u || t->deadline < u->deadline || (t->deadline == u->deadline && t->id < u->id));
        bool ours = t->root && t->root->poll == sleeper_poll;   /* NULL: a freed slot */
        out[n++] = ours ? ((struct sleeper *)t->root)->name : '?';
    }
    out[n] = 0;
    struct task *h = timerq_head();
    CHECK_EQ(timerq_next_deadline(), h ? h->deadline : UINT64_MAX);    /* the tick's cache */
    return out;
}

TEST(out_of_order_inserts_keep_the_queue_sorted)
{
    setup();
    const uint64_t d[] = { 50, 10, 40, 90, 30, 20, 60, 5 };
    spawn_sleepers(d, 8);
    CHECK(run_ready());
    CHECK_STR(queue(), "hbfecagd");     /* 5 10 20 30 40 50 60 90 */
    CHECK_EQ(timerq_next_deadline(), 5);
    CHECK_STR(woke, "");
}

TEST(equal_deadlines_queue_by_id_whatever_the_order_they_slept_in)
{
    setup();
    const uint64_t d[] = { 7, 7, 3, 7, 3 };
    spawn_sleepers(d, 5);
    /* they go to sleep last id first: 5, 4, 3, 2, 1 */
    for (int i = 4; i >= 0; i--) {
        struct context cx = { .waker = { task_find(i + 1), task_find(i + 1)->gen } };
        fake_if = true;
        zs[i].started = true;
        sleep_until_init(&zs[i].s, d[i]);
        CHECK_EQ(future_poll(&zs[i].s.base, &cx), POLL_PENDING);
    }
    CHECK_STR(queue(), "ceabd");        /* 3:c,e  7:a,b,d */
    CHECK(run_ready());                 /* their first polls: nothing moves */
    CHECK_STR(queue(), "ceabd");
}

TEST(the_tick_wakes_every_due_timer_in_order_and_no_other)
{
    setup();
    const uint64_t d[] = { 30, 10, 20, 10, 40, 20 };
    spawn_sleepers(d, 6);
    CHECK(run_ready());
    CHECK(tick_to(9));                  /* before the head: nothing */
    CHECK_STR(woke, "");
    CHECK_STR(queue(), "bdcfae");
    CHECK(tick_to(25));                 /* late (a tickless catch-up): four due at once */
    CHECK_STR(woke, "bdcf");
    CHECK_STR(queue(), "ae");
    CHECK_EQ(timerq_next_deadline(), 30);
    CHECK(tick_to(30));                 /* exactly on the deadline */
    CHECK_STR(woke, "bdcfa");
    CHECK(tick_to(1000));
    CHECK_STR(woke, "bdcfae");
    CHECK_STR(queue(), "");
    CHECK_EQ(timerq_next_deadline(), UINT64_MAX);
    CHECK_EQ(executor_stats().alive, 0);
}

TEST(every_slot_asleep_fires_in_deadline_then_id_order_on_time)
{
    setup();
    uint64_t d[EXECUTOR_MAX_TASKS];
    host_rng_seed(0x1a63);
    for (int i = 0; i < EXECUTOR_MAX_TASKS; i++)
        d[i] = 1 + host_rng() % 12;     /* 32 timers on 12 ticks: many ties */
    spawn_sleepers(d, EXECUTOR_MAX_TASKS);
    CHECK(run_ready());
    CHECK_EQ((int)strlen(queue()), EXECUTOR_MAX_TASKS);
    char want[EXECUTOR_MAX_TASKS + 1];
    int n = 0;
    for (uint64_t tick = 1; tick <= 12; tick++) {
        for (int i = 0; i < EXECUTOR_MAX_TASKS; i++)
            if (d[i] == tick)
                want[n++] = name_of(i);
        want[n] = 0;
        CHECK(tick_to(tick));
        CHECK_STR(woke, want);          /* by the end of each tick, exactly those due */
    }
    CHECK_STR(queue(), "");
}

/* One task, three sleeps polled in one poll: the node keeps the earliest deadline. */
struct three_sleeps {
    struct future base;
    struct sleep_future s[3];
};

static enum poll three_sleeps_poll(struct future *self, struct context *cx)
{
    struct three_sleeps *f = (struct three_sleeps *)self;
    for (int i = 0; i < 3; i++)
        future_poll(&f->s[i].base, cx);
    return POLL_PENDING;
}

TEST(an_earlier_deadline_moves_a_task_forward_a_later_one_does_not)
{
    setup();
    const uint64_t d[] = { 15, 25 };
    spawn_sleepers(d, 2);
    struct three_sleeps t = { .base.poll = three_sleeps_poll };
    sleep_until_init(&t.s[0], 30);      /* behind both */
    sleep_until_init(&t.s[1], 10);      /* then in front of both */
    sleep_until_init(&t.s[2], 20);      /* later than 10: ignored */
    spawn(&t.base);
    CHECK(run_ready());
    struct task *me = task_find(3);
    CHECK(timerq_head() == me);
    CHECK_EQ(me->deadline, 10);
    CHECK(me->timer_next && me->timer_next->id == 1);
    int count = 0;
    for (struct task *p = timerq_head(); p; p = p->timer_next)
        count++;
    CHECK_EQ(count, 3);                 /* moved, not linked twice */
    CHECK_EQ(timerq_next_deadline(), 10);
}

TEST(a_task_that_finishes_asleep_leaves_the_queue)
{
    setup();
    const uint64_t d[] = { 10, 20, 30, 40, 50 };
    spawn_sleepers(d, 5);
    CHECK(run_ready());
    const int gone[] = { 2, 0, 4 };     /* middle, head, tail */
    const char *left[] = { "abde", "bde", "bd" };
    for (int k = 0; k < 3; k++) {
        int i = gone[k];
        zs[i].finish_at_once = true;    /* READY at its next poll, its sleep still queued */
        struct task *t = task_find(i + 1);
        waker_wake((struct waker){ t, t->gen });
        CHECK(run_ready());
        CHECK(!(t->state & TASK_TIMER));
        CHECK_STR(queue(), left[k]);    /* also: next_deadline is the new head's */
    }
    /* Reuse a freed slot: the old deadline must not wake the new task. */
    struct sleeper late = { .base.poll = sleeper_poll, .name = 'L', .deadline = 1000 };
    spawn(&late.base);
    CHECK(run_ready());
    nwoke = 0;
    CHECK(tick_to(50));
    CHECK_STR(woke, "bd");
    CHECK(late.started && nwoke == 2);
}

TEST(a_sleep_too_long_for_the_clock_sleeps_for_ever)
{
    setup();
    struct sleep_future s;
    fake_set_ticks(7);
    sleep_ticks_init(&s, 5);
    CHECK_EQ(s.deadline, 12);
    sleep_ticks_init(&s, UINT64_MAX);   /* 7 + UINT64_MAX wraps to 6: in the past */
    CHECK(s.deadline == UINT64_MAX);
    fake_set_ticks(UINT64_MAX - 3);
    sleep_ticks_init(&s, 10);
    CHECK(s.deadline == UINT64_MAX);
    sleep_ticks_init(&s, 3);
    CHECK(s.deadline == UINT64_MAX);    /* exactly the last tick */
    struct context cx = { .waker = waker_noop() };
    CHECK_EQ(future_poll(&s.base, &cx), POLL_PENDING);
}

TEST(milliseconds_round_up_to_whole_ticks)
{
    setup();
    struct sleep_future s;
    fake_start_tick(100, 40);           /* the clock at 100 Hz, 10 ms a tick */
    const uint32_t ms[] = { 0, 1, 10, 11, 999, 1000, UINT32_MAX };
    const uint64_t ticks[] = { 0, 1, 1, 2, 100, 100, 429496730 };
    for (int i = 0; i < 7; i++) {
        sleep_ms_init(&s, ms[i]);
        CHECK_EQ(s.deadline, 40 + ticks[i]);
    }
}

TEST(a_long_sleeper_does_not_wake_early_near_the_end_of_time)
{
    setup();
    fake_set_ticks(UINT64_MAX - 100);
    struct sleeper z = { .base.poll = sleeper_poll, .name = 'z' };
    struct sleep_future s;
    sleep_ticks_init(&s, 1000);         /* past the last tick */
    z.deadline = s.deadline;
    spawn(&z.base);
    CHECK(run_ready());
    CHECK(timerq_head() && timerq_head()->deadline == UINT64_MAX);
    CHECK(tick_to(UINT64_MAX - 1));
    CHECK_EQ(nwoke, 0);
}

int main(void)
{
    RUN(out_of_order_inserts_keep_the_queue_sorted);
    RUN(equal_deadlines_queue_by_id_whatever_the_order_they_slept_in);
    RUN(the_tick_wakes_every_due_timer_in_order_and_no_other);
    RUN(every_slot_asleep_fires_in_deadline_then_id_order_on_time);
    RUN(an_earlier_deadline_moves_a_task_forward_a_later_one_does_not);
    RUN(a_task_that_finishes_asleep_leaves_the_queue);
    RUN(a_sleep_too_long_for_the_clock_sleeps_for_ever);
    RUN(milliseconds_round_up_to_whole_ticks);
    RUN(a_long_sleeper_does_not_wake_early_near_the_end_of_time);
    return host_summary("lab3 timerq");
}
