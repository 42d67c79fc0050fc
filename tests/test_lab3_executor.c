/*
 * test_lab3_executor.c - lab 3's executor core on the host with a fake
 * machine (lab3_fake.h): the ready queue, wake coalescing, stale wakers, the
 * atomic waker, the executor loop's sleep (including an interrupt that races
 * it), a task unlinked from the queue's tail, the timer queue, joins (a child
 * polled once after its READY) and the coroutine macros.
 */
#include <sys/wait.h>
#include <unistd.h>
#include "host.h"
#include "lab3_fake.h"

/* --- a scriptable future: pending until `ready`, counting its polls ---- */
struct probe {
    struct future base;
    int polls;
    bool ready;
    bool wake_self_in_poll;
    struct waker last;
};

static enum poll probe_poll(struct future *self, struct context *cx)
{
    struct probe *p = (struct probe *)self;
    p->polls++;
    p->last = cx->waker;
    if (p->wake_self_in_poll) {
        p->wake_self_in_poll = false;
        waker_wake(cx->waker);
    }
    return p->ready ? POLL_READY : POLL_PENDING;
}

static void probe_init(struct probe *p)
{
    *p = (struct probe){ .base.poll = probe_poll };
}

TEST(spawned_task_runs_once_and_is_freed)
{
    fake_reset();
    struct probe p;
    probe_init(&p);
    p.ready = true;
    CHECK_EQ(spawn(&p.base), 1);
    CHECK_EQ(executor_stats().alive, 1);
    CHECK_EQ(fake_run(), 0);
    CHECK_EQ(p.polls, 1);
    CHECK_EQ(executor_stats().alive, 0);
    CHECK_EQ(executor_stats().polls, 1);
    CHECK_EQ(fake_waits, 0);
}

TEST(duplicate_wakes_coalesce_into_one_poll)
{
    fake_reset();
    struct probe p;
    probe_init(&p);
    spawn(&p.base);
    CHECK(executor_run_ready());
    CHECK_EQ(p.polls, 1);
    waker_wake(p.last);
    waker_wake(p.last);
    waker_wake(p.last);
    struct executor_stats s = executor_stats();
    CHECK_EQ(s.wakes, 3);
    CHECK_EQ(s.coalesced, 2);
    executor_run_ready();
    CHECK_EQ(p.polls, 2);
    CHECK(!executor_run_ready());          /* nothing left queued */
    CHECK_EQ(p.polls, 2);
}

/* The poll hooks (lab 6's trace): before and after every poll, with the task and result. */
static char hook_log[64];
static int nhook_log;

static void hook_before(uint32_t id)
{
    if (nhook_log < (int)sizeof hook_log - 2)
        hook_log[nhook_log++] = (char)('0' + id);
}

static void hook_after(uint32_t id, enum poll r)
{
    if (nhook_log < (int)sizeof hook_log - 2)
        hook_log[nhook_log++] = r == POLL_READY ? (char)('A' - 1 + id) : (char)('a' - 1 + id);
}

TEST(poll_hooks_see_every_poll_and_its_result)
{
    static const struct executor_poll_hooks hooks = { hook_before, hook_after };
    fake_reset();
    nhook_log = 0;
    struct probe p, q;
    probe_init(&p);
    probe_init(&q);
    q.ready = true;
    executor_set_poll_hooks(&hooks);
    spawn(&p.base);
    spawn(&q.base);
    executor_run_ready();
    p.ready = true;
    waker_wake(p.last);
    executor_run_ready();
    executor_set_poll_hooks(0);             /* off: polls go on, unreported */
    spawn(&p.base);
    executor_run_ready();
    hook_log[nhook_log] = 0;
    CHECK_STR(hook_log, "1a2B1A");          /* task 1 pending, 2 ready, 1 ready */
    CHECK_EQ(executor_stats().polls, 4);
}

TEST(wake_during_poll_is_not_lost)
{
    fake_reset();
    struct probe p;
    probe_init(&p);
    p.wake_self_in_poll = true;             /* as if an IRQ woke it mid-poll */
    spawn(&p.base);
    executor_run_ready();
    CHECK_EQ(p.polls, 2);                   /* QUEUED was clear during the poll */
    CHECK_EQ(executor_stats().coalesced, 0);
}

TEST(stale_waker_is_a_no_op_even_after_slot_reuse)
{
    fake_reset();
    struct probe a, b;
    probe_init(&a);
    probe_init(&b);
    spawn(&a.base);
    executor_run_ready();
    struct waker old = a.last;
    a.ready = true;
    waker_wake(old);
    executor_run_ready();                   /* a finishes */
    CHECK_EQ(executor_stats().alive, 0);
    spawn(&b.base);                         /* takes a's slot */
    executor_run_ready();
    CHECK(b.last.task == old.task);
    CHECK(b.last.gen != old.gen);
    waker_wake(old);
    CHECK_EQ(executor_stats().stale_wakes, 1);
    CHECK(!executor_run_ready());
    CHECK_EQ(b.polls, 1);
    waker_wake(waker_noop());
    CHECK_EQ(executor_stats().stale_wakes, 2);
}

TEST(task_woken_during_its_last_poll_leaves_the_queue)
{
    fake_reset();
    struct probe a, b;
    probe_init(&a);
    probe_init(&b);
    a.ready = true;
    a.wake_self_in_poll = true;
    spawn(&a.base);
    spawn(&b.base);
    executor_run_ready();
    CHECK_EQ(a.polls, 1);                   /* not polled again once finished */
    CHECK_EQ(b.polls, 1);
    struct probe c;
    probe_init(&c);
    spawn(&c.base);                         /* reuses a's slot: the queue must be sound */
    executor_run_ready();
    CHECK_EQ(c.polls, 1);
    CHECK(!executor_run_ready());
}

/* A task that joins task `id` (task_join_init in its first poll). */
struct joiner {
    struct future base;
    int id;
    bool started, done;
    struct task_join_future j;
};

static enum poll joiner_poll(struct future *self, struct context *cx)
{
    struct joiner *fr = (struct joiner *)self;
    if (!fr->started) {
        fr->started = true;
        task_join_init(&fr->j, fr->id);
    }
    fr->done = future_poll(&fr->j.base, cx) == POLL_READY;
    return fr->done ? POLL_READY : POLL_PENDING;
}

TEST(a_task_finishing_at_the_tail_keeps_the_queue_whole)
{
    fake_reset();
    struct probe a, b;
    probe_init(&a);
    probe_init(&b);
    spawn(&a.base);
    spawn(&b.base);
    executor_run_ready();
    struct joiner j = { .base.poll = joiner_poll, .id = 1 };
    spawn(&j.base);
    executor_run_ready();                   /* j waits on a's on_exit */
    a.ready = true;
    a.wake_self_in_poll = true;             /* a re-queues itself behind b, then finishes */
    waker_wake(a.last);
    waker_wake(b.last);
    executor_run_ready();
    /* a was unlinked from the tail; the joiner it woke was pushed after b: a
       tail left pointing at a's slot would have hung j off the freed slot */
    CHECK(j.done);
    CHECK_EQ(b.polls, 2);
    CHECK_EQ(executor_stats().alive, 1);    /* b, still pending */
    CHECK(!executor_run_ready());
}

TEST(a_finished_join_child_is_never_polled_again)
{
    fake_reset();
    struct probe done_at_once;
    probe_init(&done_at_once);
    done_at_once.ready = true;
    struct yield_future y;
    yield_now_init(&y);
    struct future *kids[2] = { &done_at_once.base, &y.base };
    struct join_future all;
    join_init(&all, kids, 2);
    spawn(&all.base);
    executor_run_ready();
    CHECK_EQ(executor_stats().polls, 2);    /* the yield took a second poll */
    CHECK_EQ(done_at_once.polls, 1);        /* READY once: its result must stay put */
    CHECK_EQ(executor_stats().alive, 0);
}

TEST(ready_queue_is_fifo)
{
    fake_reset();
    struct probe p[4];
    for (int i = 0; i < 4; i++) {
        probe_init(&p[i]);
        spawn(&p[i].base);
    }
    executor_run_ready();
    waker_wake(p[2].last);
    waker_wake(p[0].last);
    waker_wake(p[3].last);
    /* poll one at a time through a probe that records order */
    executor_run_ready();
    CHECK_EQ(p[0].polls, 2);
    CHECK_EQ(p[1].polls, 1);
    CHECK_EQ(p[2].polls, 2);
    CHECK_EQ(p[3].polls, 2);
}

/* Tasks that yield record the order they run in. */
static char order[64];
static int norder;

struct yielder {
    struct future base;
    int lc;
    char name;
    int i, n;
    struct yield_future y;
};

static enum poll yielder_poll(struct future *self, struct context *cx)
{
    struct yielder *fr = (struct yielder *)self;
    ASYNC_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        order[norder++] = fr->name;
        yield_now_init(&fr->y);
        AWAIT(fr, &fr->y);
    }
    ASYNC_END(fr);
}

static void yielder_init(struct yielder *y, char name, int n)
{
    y->base.poll = yielder_poll;
    ASYNC_INIT(y);
    y->name = name;
    y->n = n;
}

TEST(yielding_tasks_take_turns)
{
    fake_reset();
    norder = 0;
    struct yielder a, b;
    yielder_init(&a, 'a', 3);
    yielder_init(&b, 'b', 2);
    spawn(&a.base);
    spawn(&b.base);
    CHECK_EQ(fake_run(), 0);
    order[norder] = 0;
    CHECK_STR(order, "ababa");
    CHECK_EQ(fake_waits, 0);                /* always something ready: never slept */
    /* a finished coroutine stays finished */
    struct context cx = { waker_noop() };
    CHECK_EQ(future_poll(&a.base, &cx), POLL_READY);
    CHECK_EQ(a.lc, -1);
}

TEST(atomic_waker_takes_on_wake)
{
    fake_reset();
    struct probe p;
    probe_init(&p);
    spawn(&p.base);
    executor_run_ready();
    struct atomic_waker aw = { 0 };
    struct context cx = { p.last };

    atomic_waker_wake(&aw);                 /* nothing registered: nothing happens */
    CHECK_EQ(executor_stats().wakes, 0);
    atomic_waker_register(&aw, &cx);
    atomic_waker_wake(&aw);
    atomic_waker_wake(&aw);                 /* taken by the first wake */
    CHECK_EQ(executor_stats().wakes, 1);
    executor_run_ready();
    CHECK_EQ(p.polls, 2);

    /* register replaces: only the newest waiter is woken */
    struct probe q;
    probe_init(&q);
    spawn(&q.base);
    executor_run_ready();
    atomic_waker_register(&aw, &(struct context){ p.last });
    atomic_waker_register(&aw, &(struct context){ q.last });
    atomic_waker_wake(&aw);
    executor_run_ready();
    CHECK_EQ(p.polls, 2);
    CHECK_EQ(q.polls, 2);
}

/* --- the loop's sleep with a fake hlt ---------------------------------- */
static struct atomic_waker irq_waker;
static int irq_events;
static void irq_sets_event(void)
{
    irq_events++;
    atomic_waker_wake(&irq_waker);
}

struct event_wait {
    struct future base;
    int seen;
};

/* check | register | check: the leaf-future pattern */
static enum poll event_wait_poll(struct future *self, struct context *cx)
{
    struct event_wait *e = (struct event_wait *)self;
    if (irq_events > e->seen)
        return POLL_READY;
    atomic_waker_register(&irq_waker, cx);
    return irq_events > e->seen ? POLL_READY : POLL_PENDING;
}

/*
 * The hlt race, at every cli in turn. The fake calls a hook at each cli that
 * finds IF on (spawn's, the queue's, the idle check's, ...); a run raises its
 * interrupt at the k-th only, for k = 1, 2, ... until a run makes fewer clis
 * than k. However the executor masks, no k may lose the wake: one raised
 * right after a cli stays pending (IF=0) and must end the sleep's sti; hlt,
 * and one raised right before a cli is taken at once and must be seen by the
 * check that follows (an executor that looked at its queue before its cli
 * sleeps through it: fake_run 3).
 */
static int cli_count, raise_at_cli;
static void raise_on_nth_cli(void)
{
    if (++cli_count == raise_at_cli)
        fake_pending++;                     /* arrives while IF=0: stays pending */
}

static void raise_now_on_nth_cli(void)
{
    if (++cli_count == raise_at_cli)
        fake_raise();                       /* IF=1: handled at once */
}

/* One run with the interrupt at cli number raise_at_cli; false once past the last cli. */
static bool race_once(void (**hook)(void), void (*raise)(void), bool *cut_short)
{
    fake_reset();
    irq_events = 0;
    irq_waker = (struct atomic_waker){ 0 };
    fake_irq = irq_sets_event;
    fake_timer_on = false;                  /* no other interrupt would ever come */
    cli_count = 0;
    *hook = raise;
    struct event_wait e = { .base.poll = event_wait_poll, .seen = 0 };
    spawn(&e.base);
    fake_expect_stop = true;
    int why = fake_run();
    fake_expect_stop = false;
    if (cli_count < raise_at_cli)
        return false;                       /* no interrupt came: every cli was tried */
    if (why != 0)
        printf("  interrupt at cli %d: %s\n", raise_at_cli, fake_panic_msg);
    CHECK_EQ(why, 0);                       /* 3 = slept through the wake */
    CHECK_EQ(irq_events, 1);
    CHECK(executor_stats().polls <= 2);     /* never polled without a wake */
    CHECK(fake_waits <= 1);
    *cut_short |= fake_waits_cut_short == 1;
    return true;
}

TEST(interrupt_racing_the_sleep_ends_the_hlt)
{
    bool cut_short = false;
    for (raise_at_cli = 1; raise_at_cli < 32; raise_at_cli++)
        if (!race_once(&fake_on_cli, raise_on_nth_cli, &cut_short))
            break;
    CHECK(raise_at_cli > 2);                /* spawn's cli and the executor's were tried */
    CHECK(cut_short);                       /* one landed between the idle check and the hlt */
}

TEST(interrupt_just_before_the_sleep_decision)
{
    bool cut_short = false;
    for (raise_at_cli = 1; raise_at_cli < 32; raise_at_cli++)
        if (!race_once(&fake_before_cli, raise_now_on_nth_cli, &cut_short))
            break;
    CHECK(raise_at_cli > 2);
}

TEST(interrupt_during_poll_means_no_sleep)
{
    fake_reset();
    irq_events = 0;
    irq_waker = (struct atomic_waker){ 0 };
    fake_irq = irq_sets_event;
    fake_timer_on = false;
    struct event_wait e = { .base.poll = event_wait_poll, .seen = 0 };
    spawn(&e.base);
    executor_run_ready();
    fake_raise();                           /* IF=1: delivered now, task queued */
    CHECK_EQ(fake_run(), 0);
    CHECK_EQ(fake_waits, 0);
}

TEST(executor_with_nothing_to_wake_it_is_detected)
{
    fake_reset();
    fake_timer_on = false;
    struct probe p;
    probe_init(&p);
    spawn(&p.base);
    fake_expect_stop = true;
    CHECK_EQ(fake_run(), 3);                /* the fake reports "asleep forever" */
    fake_expect_stop = false;
    CHECK(strstr(fake_panic_msg, "asleep forever") != NULL);
}

/* Outside fake_run there is nowhere to return to: the binary must say why it stops. */
TEST(asleep_forever_outside_fake_run_says_so_and_fails)
{
    fflush(stdout);
    int out[2];
    CHECK_EQ(pipe(out), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        fake_reset();
        fake_timer_on = false;
        struct probe p;
        probe_init(&p);
        spawn(&p.base);
        executor_run();                     /* nothing will ever wake p */
        _exit(0);
    }
    close(out[1]);
    char buf[512] = { 0 };
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf - 1 && (r = read(out[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)r;
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    CHECK(strstr(buf, "asleep forever") != NULL);
}

/* --- timers ------------------------------------------------------------- */
static char fired[64];
static int nfired, nlate;                   /* nlate: woken on another tick than its deadline */

struct ticker {
    struct future base;
    int lc;
    char name;
    uint64_t period, next, until;
    struct sleep_future s;
};

static enum poll ticker_poll(struct future *self, struct context *cx)
{
    struct ticker *fr = (struct ticker *)self;
    ASYNC_BEGIN(fr);
    for (fr->next = fr->period; fr->next <= fr->until; fr->next += fr->period) {
        sleep_until_init(&fr->s, fr->next);
        AWAIT(fr, &fr->s);
        if (timer_ticks() != fr->next)
            nlate++;
        fired[nfired++] = fr->name;
    }
    ASYNC_END(fr);
}

static void ticker_init(struct ticker *t, char name, uint64_t period, uint64_t until)
{
    *t = (struct ticker){ .base.poll = ticker_poll, .name = name, .period = period,
                          .until = until };
}

TEST(timers_fire_in_deadline_then_id_order)
{
    fake_reset();
    nfired = 0;
    struct ticker t[3];
    /* spawned c, a, b: ties at 6 and 12 break by id, i.e. spawn order */
    ticker_init(&t[0], 'c', 3, 12);
    ticker_init(&t[1], 'a', 2, 12);
    ticker_init(&t[2], 'b', 6, 12);
    for (int i = 0; i < 3; i++)
        spawn(&t[i].base);
    CHECK_EQ(fake_run(), 0);
    fired[nfired] = 0;
    /* 2a 3c 4a 6c 6a 6b 8a 9c 10a 12c 12a 12b */
    CHECK_STR(fired, "acacabacacab");
    CHECK_EQ(fake_ticks, 12);
    /* one poll per wake: 12 wakes + 3 first polls, no busy polling */
    CHECK_EQ(executor_stats().polls, 15);
    CHECK(timerq_head() == 0);
}

TEST(idle_ticks_cost_no_polls)
{
    fake_reset();
    struct ticker t;
    ticker_init(&t, 'x', 500, 500);
    nfired = 0;
    spawn(&t.base);
    CHECK_EQ(fake_run(), 0);
    CHECK_EQ(executor_stats().polls, 2);
    CHECK_EQ(executor_stats().sleeps, 500); /* one hlt per tick, each a single check */
}

/* The kernel's own idle (executor.c's executor_idle without hooks): tickless unless tick=periodic. */
static void tickless_wait(void)
{
    timer_idle_until(timerq_next_deadline());
}

TEST(tickless_timers_fire_on_the_same_ticks)
{
    fake_reset();
    fake_idle = tickless_wait;
    nfired = nlate = 0;
    struct ticker t[3];
    ticker_init(&t[0], 'c', 3, 12);
    ticker_init(&t[1], 'a', 2, 12);
    ticker_init(&t[2], 'b', 6, 12);
    for (int i = 0; i < 3; i++)
        spawn(&t[i].base);
    CHECK_EQ(fake_run(), 0);
    fired[nfired] = 0;
    CHECK_STR(fired, "acacabacacab");       /* as with the periodic tick */
    CHECK_EQ(nlate, 0);
    CHECK_EQ(fake_ticks, 12);
    CHECK_EQ(executor_stats().polls, 15);
    CHECK_EQ(fake_tick_stops, 4);           /* 0-2, 4-6, 6-8, 10-12: the gaps over a tick */
}

TEST(tickless_idle_wakes_once_per_one_shot)
{
    fake_reset();
    fake_idle = tickless_wait;
    struct ticker t;
    ticker_init(&t, 'x', 500, 500);
    nfired = nlate = 0;
    spawn(&t.base);
    CHECK_EQ(fake_run(), 0);
    CHECK_EQ(nlate, 0);
    CHECK_EQ(fake_ticks, 500);
    CHECK_EQ(executor_stats().polls, 2);
    CHECK_EQ(executor_stats().sleeps, 10);  /* 500 ticks in one-shots of 54: not 500 hlts */
}

/* One sleep until tick 1, polled at tick 0. */
struct one_sleep {
    struct future base;
    int lc;
    struct sleep_future s;
};

/* The tick, raised just after the mask of the clock's read (lab 1's timer_ticks): taken
   as that read unmasks, right after it. Once. */
static void tick_right_after_the_read(void)
{
    fake_on_cli = 0;
    fake_raise_tick();
}

static enum poll one_sleep_poll(struct future *self, struct context *cx)
{
    struct one_sleep *fr = (struct one_sleep *)self;
    ASYNC_BEGIN(fr);
    sleep_until_init(&fr->s, 1);
    fake_on_cli = tick_right_after_the_read;    /* sleep_poll's first look reads the clock */
    AWAIT(fr, &fr->s);
    ASYNC_END(fr);
}

TEST(tick_between_the_check_and_the_insert_is_not_lost)
{
    fake_reset();
    fake_timer_on = false;                  /* the one tick below is the only one */
    struct one_sleep o = { .base.poll = one_sleep_poll };
    spawn(&o.base);
    CHECK_EQ(fake_run(), 0);                /* 3: it joined the queue after its tick and sleeps on */
    CHECK_EQ(fake_ticks, 1);
    CHECK_EQ(fake_waits, 0);                /* the second look saw the tick: no sleep at all */
    CHECK_EQ(executor_stats().polls, 1);
}

/* A task that yields `delay` times, then sleeps until `deadline`; records its name. */
struct late_sleeper {
    struct future base;
    int lc;
    char name;
    int delay;
    uint64_t deadline;
    struct yield_future y;
    struct sleep_future s;
};

static enum poll late_sleeper_poll(struct future *self, struct context *cx)
{
    struct late_sleeper *fr = (struct late_sleeper *)self;
    ASYNC_BEGIN(fr);
    while (fr->delay-- > 0) {
        yield_now_init(&fr->y);
        AWAIT(fr, &fr->y);
    }
    sleep_until_init(&fr->s, fr->deadline);
    AWAIT(fr, &fr->s);
    fired[nfired++] = fr->name;
    ASYNC_END(fr);
}

TEST(equal_deadlines_wake_in_id_order_not_insertion_order)
{
    fake_reset();
    nfired = 0;
    /* task 1 joins the queue after task 2 (it yields first); both are due at 5 */
    struct late_sleeper a = { .base.poll = late_sleeper_poll, .name = '1', .delay = 2, .deadline = 5 };
    struct late_sleeper b = { .base.poll = late_sleeper_poll, .name = '2', .delay = 0, .deadline = 5 };
    struct late_sleeper c = { .base.poll = late_sleeper_poll, .name = '3', .delay = 0, .deadline = 3 };
    spawn(&a.base);
    spawn(&b.base);
    spawn(&c.base);
    CHECK_EQ(fake_run(), 0);
    fired[nfired] = 0;
    CHECK_STR(fired, "312");
    CHECK(timerq_head() == 0);
}

struct two_sleeps {
    struct future base;
    int lc;
    struct sleep_future s1, s2;
    struct future *kids[2];
    struct join_future j;
};

static enum poll two_sleeps_poll(struct future *self, struct context *cx)
{
    struct two_sleeps *fr = (struct two_sleeps *)self;
    ASYNC_BEGIN(fr);
    sleep_until_init(&fr->s1, 20);
    sleep_until_init(&fr->s2, 7);
    fr->kids[0] = &fr->s1.base;
    fr->kids[1] = &fr->s2.base;
    join_init(&fr->j, fr->kids, 2);
    AWAIT(fr, &fr->j);
    ASYNC_END(fr);
}

TEST(join_of_two_sleeps_keeps_the_earliest_deadline)
{
    fake_reset();
    struct two_sleeps ts = { .base.poll = two_sleeps_poll };
    spawn(&ts.base);
    CHECK_EQ(fake_run(), 0);
    CHECK_EQ(fake_ticks, 20);
    CHECK_EQ(executor_stats().polls, 3);    /* first poll, at 7, at 20 */
}

/* --- spawning from a task and joining ------------------------------------ */
struct parent {
    struct future base;
    int lc;
    int i, ids[5];
    struct yielder kids[5];
    struct task_join_future joins[5];
    struct future *jf[5];
    struct join_future all;
    bool done;
};

static enum poll parent_poll(struct future *self, struct context *cx)
{
    struct parent *fr = (struct parent *)self;
    ASYNC_BEGIN(fr);
    for (fr->i = 0; fr->i < 5; fr->i++) {
        yielder_init(&fr->kids[fr->i], (char)('0' + fr->i), fr->i + 1);
        fr->ids[fr->i] = spawn(&fr->kids[fr->i].base);
        task_join_init(&fr->joins[fr->i], fr->ids[fr->i]);
        fr->jf[fr->i] = &fr->joins[fr->i].base;
    }
    join_init(&fr->all, fr->jf, 5);
    AWAIT(fr, &fr->all);
    fr->done = true;
    ASYNC_END(fr);
}

TEST(task_spawns_children_and_joins_them)
{
    fake_reset();
    norder = 0;
    struct parent p = { .base.poll = parent_poll };
    block_on(&p.base);
    CHECK(p.done);
    order[norder] = 0;
    CHECK_STR(order, "012341234234344");
    CHECK_EQ(executor_stats().alive, 0);
    CHECK_EQ(executor_stats().spawned, 6);
    CHECK_EQ(executor_stats().max_alive, 6);
}

TEST(spawn_fails_cleanly_when_full)
{
    fake_reset();
    static struct probe p[EXECUTOR_MAX_TASKS + 1];
    for (int i = 0; i < EXECUTOR_MAX_TASKS; i++) {
        probe_init(&p[i]);
        CHECK(spawn(&p[i].base) > 0);
    }
    probe_init(&p[EXECUTOR_MAX_TASKS]);
    CHECK_EQ(spawn(&p[EXECUTOR_MAX_TASKS].base), -1);
}

static struct probe nested_inner;
static enum poll calls_block_on(struct future *self, struct context *cx)
{
    (void)self;
    (void)cx;
    block_on(&nested_inner.base);           /* re-entering the executor from a poll */
    return POLL_READY;
}

TEST(block_on_inside_a_task_panics)
{
    fake_reset();
    probe_init(&nested_inner);
    struct future outer = { calls_block_on };
    spawn(&outer);
    fake_expect_stop = true;
    CHECK_EQ(fake_run(), 1);
    fake_expect_stop = false;
    CHECK(strstr(fake_panic_msg, "inside task") != NULL);
}

/* The executor sleeps: an interrupt handler that ran it would halt inside the interrupt. */
static void irq_runs_the_executor(void)
{
    executor_run();
}

static enum poll raises_an_irq(struct future *self, struct context *cx)
{
    (void)self;
    (void)cx;
    fake_raise();                           /* IF=1: its handler runs now */
    return POLL_READY;
}

TEST(the_executor_run_from_an_interrupt_handler_panics)
{
    fake_reset();
    fake_irq = irq_runs_the_executor;
    struct future f = { raises_an_irq };
    spawn(&f);
    fake_expect_stop = true;
    CHECK_EQ(fake_run(), 1);
    fake_expect_stop = false;
    CHECK(strstr(fake_panic_msg, "!intr_context()") != NULL);
}

int main(void)
{
    RUN(spawned_task_runs_once_and_is_freed);
    RUN(duplicate_wakes_coalesce_into_one_poll);
    RUN(poll_hooks_see_every_poll_and_its_result);
    RUN(wake_during_poll_is_not_lost);
    RUN(stale_waker_is_a_no_op_even_after_slot_reuse);
    RUN(task_woken_during_its_last_poll_leaves_the_queue);
    RUN(a_task_finishing_at_the_tail_keeps_the_queue_whole);
    RUN(a_finished_join_child_is_never_polled_again);
    RUN(ready_queue_is_fifo);
    RUN(yielding_tasks_take_turns);
    RUN(atomic_waker_takes_on_wake);
    RUN(interrupt_racing_the_sleep_ends_the_hlt);
    RUN(interrupt_just_before_the_sleep_decision);
    RUN(interrupt_during_poll_means_no_sleep);
    RUN(executor_with_nothing_to_wake_it_is_detected);
    RUN(timers_fire_in_deadline_then_id_order);
    RUN(idle_ticks_cost_no_polls);
    RUN(tickless_timers_fire_on_the_same_ticks);
    RUN(tickless_idle_wakes_once_per_one_shot);
    RUN(join_of_two_sleeps_keeps_the_earliest_deadline);
    RUN(tick_between_the_check_and_the_insert_is_not_lost);
    RUN(equal_deadlines_wake_in_id_order_not_insertion_order);
    RUN(asleep_forever_outside_fake_run_says_so_and_fails);
    RUN(task_spawns_children_and_joins_them);
    RUN(spawn_fails_cleanly_when_full);
    RUN(block_on_inside_a_task_panics);
    RUN(the_executor_run_from_an_interrupt_handler_panics);
    return host_summary("lab3 executor");
}
