/*
 * test_lab6_sched.c - lab 6's scheduler and locks on the host, on the fake
 * machine of lab6_fake.h (real stacks, a fake interrupt flag and clock):
 * the ready queue by priority, round-robin by preemption, sleeping on the
 * clock, the mutex, donation and its undo through chains, deadlock reports,
 * the lost wakeup, condition variables and the bridge to lab 3's executor
 * (whose wait() returns with interrupts on, for the polls that follow), and
 * thread_block_on (two switches a wait, no wake lost between poll and block).
 * Every scenario runs twice: with the idle thread tickless (the default), and
 * with tick=periodic (test_lab6_tickless.c checks the halts themselves).
 */
#include "host.h"
#include "lab6_fake.h"
#include "sleep.h"

/* ---- the ready queue alone ------------------------------------------------ */
TEST(readyq_pops_highest_priority_then_oldest)
{
    struct readyq q;
    struct thread t[5] = { { .prio = 3 }, { .prio = 63 }, { .prio = 3 }, { .prio = 0 },
                           { .prio = 63 } };
    readyq_init(&q);
    CHECK_EQ(readyq_top(&q), -1);
    CHECK(readyq_pop(&q) == NULL);
    for (int i = 0; i < 5; i++)
        readyq_push(&q, &t[i]);
    CHECK_EQ(readyq_top(&q), 63);
    struct thread *want[] = { &t[1], &t[4], &t[0], &t[2], &t[3] };
    for (int i = 0; i < 5; i++)
        CHECK(readyq_pop(&q) == want[i]);
    CHECK_EQ(readyq_top(&q), -1);
}

TEST(readyq_remove_keeps_the_rest_in_order)
{
    struct readyq q;
    struct thread t[3] = { { .prio = 5 }, { .prio = 5 }, { .prio = 5 } };
    readyq_init(&q);
    for (int i = 0; i < 3; i++)
        readyq_push(&q, &t[i]);
    readyq_remove(&q, &t[1]);
    readyq_remove(&q, &t[2]);              /* the tail: the next push must still append */
    readyq_push(&q, &t[2]);
    CHECK(readyq_pop(&q) == &t[0]);
    CHECK(readyq_pop(&q) == &t[2]);
    CHECK_EQ(readyq_top(&q), -1);
}

TEST(waitq_wakes_highest_first_fifo_among_equals)
{
    struct thread *q = NULL;
    struct thread t[4] = { { .prio = 1 }, { .prio = 9 }, { .prio = 9 }, { .prio = 4 } };
    for (int i = 0; i < 4; i++)
        waitq_push(&q, &t[i]);
    CHECK_EQ(waitq_top(&q), 9);
    CHECK(waitq_pop(&q) == &t[1]);
    CHECK(waitq_pop(&q) == &t[2]);
    CHECK(waitq_pop(&q) == &t[3]);
    CHECK(waitq_pop(&q) == &t[0]);
    CHECK(waitq_pop(&q) == NULL);
}

/* ---- threads on the fake machine ------------------------------------------ */
static void say_arg(void *arg)
{
    record(*(const char *)arg);
}

static void priorities_main(void)
{
    static const char names[] = "abcde";
    static const int prio[] = { 10, 40, 10, 63, 0 };
    struct thread *t[5];
    thread_set_priority(THREAD_PRIO_MAX);
    for (int i = 0; i < 5; i++)
        t[i] = spawn_thread(say_arg, (void *)&names[i], "p", prio[i]);
    record('M');                            /* nobody outranks main (63, created before d) */
    thread_set_priority(THREAD_PRIO_MIN);   /* now everyone does but e, its equal */
    record('m');
    for (int i = 0; i < 5; i++)
        thread_join(t[i]);
}

TEST(highest_priority_runs_first_round_robin_among_equals)
{
    norder = 0;
    CHECK_RUN(fake_run(priorities_main, false), 0);
    /* d (63) ties main and waits; at 0, main goes behind d, b, a, c and e, its older equal. */
    CHECK_STR(order, "Mdbacem");
}

static volatile bool stop_spinning;
static int spin_ticks[3];

static void spinner(void *arg)
{
    int i = (int)(intptr_t)arg;
    while (!stop_spinning) {
        fake_spin();
        (void)i;
    }
}

static void spin_main(void)
{
    struct thread *t[3];
    stop_spinning = false;
    thread_set_priority(THREAD_PRIO_MAX);
    for (int i = 0; i < 3; i++)
        t[i] = spawn_thread(spinner, (void *)(intptr_t)i, "spin", THREAD_PRIO_DEFAULT);
    thread_sleep_ms(60);
    stop_spinning = true;
    for (int i = 0; i < 3; i++)
        spin_ticks[i] = (int)t[i]->ticks;
    thread_set_priority(THREAD_PRIO_MIN);
    for (int i = 0; i < 3; i++)
        thread_join(t[i]);
}

TEST(spinners_share_the_cpu_by_slices)
{
    CHECK_RUN(fake_run(spin_main, false), 0);
    int lo = spin_ticks[0], hi = spin_ticks[0], sum = 0;
    for (int i = 0; i < 3; i++) {
        lo = spin_ticks[i] < lo ? spin_ticks[i] : lo;
        hi = spin_ticks[i] > hi ? spin_ticks[i] : hi;
        sum += spin_ticks[i];
    }
    CHECK(lo > 0);
    CHECK(hi - lo <= (int)fake_slice);
    CHECK(sum >= 58 && sum <= 60);         /* main slept 60 ticks; they had the rest */
}

static void print_waiter(void *unused)
{
    (void)unused;
    thread_sleep_ms(1);                     /* ready at the next tick, above main */
    record('H');
}

/*
 * A print masks interrupts (kvprintf, kernel/kprintf.c), and the thread that outranks
 * main falls due three ticks into it: the ticks wait at the PIC, and it runs
 * as the print ends, not inside it.
 */
static void print_main(void)
{
    struct thread *h = spawn_thread(print_waiter, 0, "high", THREAD_PRIO_DEFAULT + 10);
    uint64_t start = timer_ticks();

    intr_state_t was = intr_disable();     /* kprintf's mask */
    record('p');
    while (fake_clock < start + 3)          /* real time: lab 1 counts in the handler */
        fake_spin();
    record('q');                            /* still main: its line is not cut */
    intr_restore(was);                      /* the ticks come in: high runs now */
    record('e');
    thread_join(h);
}

TEST(a_preemption_waits_for_the_end_of_a_print)
{
    norder = 0;
    CHECK_RUN(fake_run(print_main, false), 0);
    CHECK_STR(order, "pqHe");
}

static uint64_t woke_at[3];

static void sleeper(void *arg)
{
    int ms = (int)(intptr_t)arg;
    thread_sleep_ms((uint32_t)ms);
    woke_at[ms / 10 - 1] = timer_ticks();
    record((char)('0' + ms / 10));
}

static void sleep_main(void)
{
    struct thread *t[3];
    t[0] = spawn_thread(sleeper, (void *)(intptr_t)30, "s30", 40);
    t[1] = spawn_thread(sleeper, (void *)(intptr_t)10, "s10", 40);
    t[2] = spawn_thread(sleeper, (void *)(intptr_t)20, "s20", 40);
    for (int i = 0; i < 3; i++)
        thread_join(t[i]);
}

TEST(sleepers_wake_on_their_tick_in_deadline_order)
{
    norder = 0;
    CHECK_RUN(fake_run(sleep_main, false), 0);
    CHECK_STR(order, "123");
    CHECK_EQ(woke_at[0], 10);
    CHECK_EQ(woke_at[1], 20);
    CHECK_EQ(woke_at[2], 30);
    /* The idle thread halted (nobody spun): once a tick, or once a wake with the tick stopped. */
    CHECK(fake_waits >= (fake_periodic ? 30 : 3));
}

/* ---- mutex, donation, deadlock ---------------------------------------------- */
static struct mutex m[12];
static uint32_t counter;

static void incrementer(void *unused)
{
    (void)unused;
    for (int i = 0; i < 200; i++) {
        mutex_lock(&m[0]);
        uint32_t v = counter;
        if (i % 3 == 0)
            thread_yield();
        fake_spin();                        /* ticks land inside the lock too */
        counter = v + 1;
        mutex_unlock(&m[0]);
    }
}

static void counter_main(void)
{
    struct thread *t[4];
    mutex_init(&m[0], "counter");
    counter = 0;
    for (int i = 0; i < 4; i++)
        t[i] = spawn_thread(incrementer, 0, "inc", THREAD_PRIO_DEFAULT);
    for (int i = 0; i < 4; i++)
        thread_join(t[i]);
}

TEST(mutex_keeps_every_increment)
{
    CHECK_RUN(fake_run(counter_main, false), 0);
    CHECK_EQ(counter, 800);
}

static int prio_seen_by_low;
static struct semaphore go;

static void low_holder(void *unused)
{
    (void)unused;
    mutex_lock(&m[0]);
    record('L');
    sema_down(&go);                         /* main starts high and mid meanwhile */
    prio_seen_by_low = thread_get_priority();
    mutex_unlock(&m[0]);
    record('l');                            /* back at base: after H */
}

static void high_waiter(void *unused)
{
    (void)unused;
    mutex_lock(&m[0]);
    record('H');
    mutex_unlock(&m[0]);
}

static void medium_spinner(void *unused)
{
    (void)unused;
    record('M');                            /* never blocks, never yields... */
    while (!stop_spinning)
        fake_spin();
}

static void inversion_main(void)
{
    mutex_init(&m[0], "res");
    sema_init(&go, 0);
    stop_spinning = false;
    thread_set_priority(THREAD_PRIO_MAX);
    struct thread *lo = spawn_thread(low_holder, 0, "low", 10);
    thread_sleep_ms(1);                     /* low takes the mutex */
    struct thread *hi = spawn_thread(high_waiter, 0, "high", 50);
    struct thread *mid = spawn_thread(medium_spinner, 0, "mid", 30);
    sema_up(&go);
    thread_sleep_ms(1);
    thread_join(hi);                        /* without donation, mid starves low forever */
    stop_spinning = true;
    thread_join(mid);
    thread_join(lo);
}

TEST(donation_beats_priority_inversion_and_is_undone)
{
    norder = 0;
    prio_seen_by_low = -1;
    fake_want_idle_limit = 200;
    CHECK_RUN(fake_run(inversion_main, false), 0);
    CHECK_EQ(prio_seen_by_low, 50);
    CHECK_STR(order, "LHMl");
}

/* A chain: link k holds m[k] and waits for m[k-1]; link 0 holds m[0] and waits on go. */
#define CHAIN 10
static int chain_prio_before_release[CHAIN];

static void link_fn(void *arg)
{
    int k = (int)(intptr_t)arg;
    mutex_lock(&m[k]);
    if (k == 0)
        sema_down(&go);
    else
        mutex_lock(&m[k - 1]);
    chain_prio_before_release[k] = thread_get_priority();
    if (k > 0)
        mutex_unlock(&m[k - 1]);
    mutex_unlock(&m[k]);
    record((char)('a' + k));
}

static int chain_seen[CHAIN];

static void top_fn(void *unused)
{
    (void)unused;
    mutex_lock(&m[CHAIN - 1]);
    record('T');
    mutex_unlock(&m[CHAIN - 1]);
}

static void chain_main(void)
{
    struct thread *t[CHAIN];
    sema_init(&go, 0);
    thread_set_priority(THREAD_PRIO_MIN);   /* each link runs as soon as it is created */
    for (int k = 0; k < CHAIN; k++) {
        mutex_init(&m[k], "chain");
        t[k] = spawn_thread(link_fn, (void *)(intptr_t)k, "link", 1 + k);
    }
    struct thread *top = spawn_thread(top_fn, 0, "top", 60);
    for (int k = 0; k < CHAIN; k++)
        chain_seen[k] = t[k]->prio;         /* all blocked: the loan went all the way down */
    sema_up(&go);
    thread_join(top);
    for (int k = 0; k < CHAIN; k++)
        thread_join(t[k]);
}

TEST(donation_follows_a_chain_ten_deep_and_is_undone_link_by_link)
{
    norder = 0;
    CHECK_RUN(fake_run(chain_main, false), 0);
    for (int k = 0; k < CHAIN; k++) {
        CHECK_EQ(chain_seen[k], 60);
        CHECK_EQ(chain_prio_before_release[k], 60);
    }
    /* top gets its mutex first; then the links end by their own priorities, highest first. */
    CHECK_STR(order, "Tjihgfedcba");
}

static void lock_b(void *unused)
{
    (void)unused;
    mutex_lock(&m[1]);
    record('B');
    mutex_unlock(&m[1]);
}

static void hold_two_main(void)
{
    /* main (base 10) holds A and B; wa (40) waits on A, wb (50) on B. */
    mutex_init(&m[0], "A");
    mutex_init(&m[1], "B");
    thread_set_priority(10);
    mutex_lock(&m[0]);
    mutex_lock(&m[1]);
    struct thread *a = spawn_thread(high_waiter, 0, "wa", 40);      /* locks m[0] */
    struct thread *b = spawn_thread(lock_b, 0, "wb", 50);
    chain_seen[0] = thread_get_priority();  /* the best of both loans */
    mutex_unlock(&m[1]);                    /* wb takes B and runs at once */
    chain_seen[1] = thread_get_priority();  /* A's loan is still there */
    mutex_unlock(&m[0]);
    chain_seen[2] = thread_get_priority();  /* no loans left */
    thread_join(a);
    thread_join(b);
}

TEST(releasing_one_mutex_keeps_the_other_ones_donation)
{
    norder = 0;
    CHECK_RUN(fake_run(hold_two_main, false), 0);
    CHECK_EQ(chain_seen[0], 50);
    CHECK_EQ(chain_seen[1], 40);
    CHECK_EQ(chain_seen[2], 10);
    CHECK_STR(order, "BH");
}

/* Cycle member k holds m[k], waits until all three do, then locks m[(k+1) % 3]. */
static struct semaphore all_hold;

static void cycle_member(void *arg)
{
    int k = (int)(intptr_t)arg;
    mutex_lock(&m[k]);
    sema_up(&all_hold);
    sema_down(&go);
    mutex_lock(&m[(k + 1) % 3]);
}

static void deadlock_main(void)
{
    static const char *const names[] = { "left", "right", "third" };
    struct thread *t[3];
    mutex_init(&m[0], "A");
    mutex_init(&m[1], "B");
    mutex_init(&m[2], "C");
    sema_init(&go, 0);
    sema_init(&all_hold, 0);
    thread_set_priority(THREAD_PRIO_MAX);
    for (int k = 0; k < 3; k++)
        t[k] = spawn_thread(cycle_member, (void *)(intptr_t)k, names[k], 20);
    for (int k = 0; k < 3; k++)
        sema_down(&all_hold);
    for (int k = 0; k < 3; k++)
        sema_up(&go);
    thread_join(t[0]);
}

TEST(deadlock_cycle_of_three_is_reported_with_every_thread_and_lock)
{
    fake_expect_panic = true;
    CHECK_RUN(fake_run(deadlock_main, false), 1);
    CHECK(strstr(fake_panic_msg, "3 threads wait for each other") != NULL);
    CHECK(strstr(fake_panic_msg, "deadlock when thread third locked mutex A") != NULL);
    CHECK(strstr(fake_panic_msg, "waits for mutex A, held by thread left") != NULL);
    CHECK(strstr(fake_panic_msg, "waits for mutex B, held by thread right") != NULL);
    CHECK(strstr(fake_panic_msg, "waits for mutex C, held by thread third") != NULL);
}

static void relock_main(void)
{
    mutex_init(&m[0], "twice");
    mutex_lock(&m[0]);
    mutex_lock(&m[0]);
}

TEST(locking_a_held_mutex_panics_naming_the_thread)
{
    fake_expect_panic = true;
    CHECK_RUN(fake_run(relock_main, false), 1);
    CHECK(strstr(fake_panic_msg, "thread main locks mutex twice") != NULL);
}

/* ---- the lost wakeup ------------------------------------------------------------ */
static struct semaphore irq_sema;
static void irq_ups(int irq)
{
    if (irq == 1)
        sema_up(&irq_sema);
}

static void waits_for_irq_main(void)
{
    sema_init(&irq_sema, 0);
    fake_handler = irq_ups;
    sema_down(&irq_sema);
    record('w');
}

TEST(an_interrupt_at_any_moment_of_sema_down_is_never_lost)
{
    /* IRQ 1 ups the semaphore just before sema_down masks interrupts (it is taken at once:
       no wait), or just after (it stays pending until the idle thread's sti; hlt, which must
       end at once and let main run). A sema_down that checked the count before masking, or
       an idle thread that checked the ready queue with interrupts on, would sleep through
       it: the CPU halts for good and the run stops. */
    for (int after = 0; after <= 1; after++) {
        norder = 0;
        fake_want_raise_after = 1;
        fake_want_raise_masked = after;
        fake_want_idle_limit = 5;
        snprintf(fake_when, sizeof fake_when, "IRQ 1 raised just %s sema_down's mask",
                 after ? "after" : "before");
        CHECK_RUN(fake_run(waits_for_irq_main, false), 0);
        CHECK_STR(order, "w");
    }
}

/* ---- spinlocks and canaries -------------------------------------------------- */
static void switch_in_spinlock_main(void)
{
    struct spinlock l;
    spin_init(&l, "s");
    spin_lock(&l);
    CHECK(!fake_if);
    thread_yield();
}

TEST(switching_while_holding_a_spinlock_panics)
{
    fake_expect_panic = true;
    CHECK_RUN(fake_run(switch_in_spinlock_main, false), 1);
    CHECK(strstr(fake_panic_msg, "switches while holding a spinlock") != NULL);
}

static void spinlock_restores_if_main(void)
{
    struct spinlock l;
    spin_init(&l, "s");
    intr_disable();
    spin_lock(&l);
    spin_unlock(&l);
    CHECK(!fake_if);                        /* masked before: still masked */
    intr_enable();
    spin_lock(&l);
    spin_unlock(&l);
    CHECK(fake_if);
}

TEST(spinlock_restores_the_interrupt_flag_it_found)
{
    CHECK_RUN(fake_run(spinlock_restores_if_main, false), 0);
}

static void smash(void *unused)
{
    (void)unused;
    struct thread *self = thread_current();
    self->stack[STACK_GUARD - 1] ^= 0xff;   /* as a frame past the guard's top would */
    thread_yield();
}

static void canary_main(void)
{
    struct thread *t = spawn_thread(smash, 0, "smasher", THREAD_PRIO_DEFAULT);
    thread_join(t);
}

TEST(an_overwritten_canary_is_caught_at_the_next_switch)
{
    fake_expect_panic = true;
    CHECK_RUN(fake_run(canary_main, false), 1);
    CHECK(strstr(fake_panic_msg, "thread smasher overflowed its stack") != NULL);
}

/* ---- condition variables ------------------------------------------------------ */
#define CV_SLOTS 2
static struct mutex cv_lock;
static struct condvar not_full, not_empty;
static int cv_buf[CV_SLOTS], cv_count, cv_head, cv_taken[3][50], cv_bad;

static void cv_producer(void *arg)
{
    int p = (int)(intptr_t)arg;
    for (int i = 0; i < 50; i++) {
        mutex_lock(&cv_lock);
        while (cv_count == CV_SLOTS)        /* Mesa: check again after every wake */
            cond_wait(&not_full, &cv_lock);
        cv_buf[(cv_head + cv_count++) % CV_SLOTS] = p * 100 + i;
        cond_signal(&not_empty, &cv_lock);
        mutex_unlock(&cv_lock);
        if (i % 5 == 0)
            thread_yield();
    }
}

static void cv_consumer(void *arg)
{
    int n = (int)(intptr_t)arg;
    int next[3] = { 0, 0, 0 };
    for (int i = 0; i < n; i++) {
        mutex_lock(&cv_lock);
        while (cv_count == 0)
            cond_wait(&not_empty, &cv_lock);
        int item = cv_buf[cv_head];
        cv_head = (cv_head + 1) % CV_SLOTS;
        cv_count--;
        cond_signal(&not_full, &cv_lock);
        mutex_unlock(&cv_lock);
        int p = item / 100, k = item % 100;
        cv_taken[p][k]++;
        (void)next;
    }
}

static void condvar_main(void)
{
    struct thread *t[5];
    mutex_init(&cv_lock, "cv");
    cond_init(&not_full);
    cond_init(&not_empty);
    cv_count = cv_head = cv_bad = 0;
    memset(cv_taken, 0, sizeof cv_taken);
    for (int p = 0; p < 3; p++)
        t[p] = spawn_thread(cv_producer, (void *)(intptr_t)p, "prod", THREAD_PRIO_DEFAULT);
    t[3] = spawn_thread(cv_consumer, (void *)(intptr_t)75, "cons", THREAD_PRIO_DEFAULT);
    t[4] = spawn_thread(cv_consumer, (void *)(intptr_t)75, "cons", THREAD_PRIO_DEFAULT);
    for (int i = 0; i < 5; i++)
        thread_join(t[i]);
}

TEST(condvar_bounded_buffer_delivers_every_item_once)
{
    CHECK_RUN(fake_run(condvar_main, false), 0);
    int once = 0;
    for (int p = 0; p < 3; p++)
        for (int k = 0; k < 50; k++)
            once += cv_taken[p][k] == 1;
    CHECK_EQ(once, 150);
}

static void cv_waiter(void *arg)
{
    mutex_lock(&cv_lock);
    cond_wait(&not_empty, &cv_lock);
    record(*(const char *)arg);
    mutex_unlock(&cv_lock);
}

static void signal_order_main(void)
{
    static const char names[] = "lhm";
    static const int prio[] = { 10, 50, 30 };
    struct thread *t[3];
    mutex_init(&cv_lock, "cv");
    cond_init(&not_empty);
    sema_init(&go, 0);
    thread_set_priority(THREAD_PRIO_MIN);   /* each waiter runs and waits as it is made */
    for (int i = 0; i < 3; i++)
        t[i] = spawn_thread(cv_waiter, (void *)&names[i], "w", prio[i]);
    for (int i = 0; i < 3; i++) {       /* one at a time: each runs at our unlock */
        mutex_lock(&cv_lock);
        cond_signal(&not_empty, &cv_lock);
        mutex_unlock(&cv_lock);
    }
    for (int i = 0; i < 3; i++)
        thread_join(t[i]);
}

TEST(cond_signal_and_sema_up_wake_the_highest_priority_waiter_first)
{
    norder = 0;
    CHECK_RUN(fake_run(signal_order_main, false), 0);
    CHECK_STR(order, "hml");                /* first come would be "lhm" */
}

/* ---- the bridge to lab 3 ---------------------------------------------------------- */
static uint64_t awaited_at;

static void await_main(void)
{
    struct sleep_future nap;
    CHECK(executor_thread() != NULL);
    CHECK_EQ(executor_thread()->state, THREAD_BLOCKED);    /* nothing to run: blocked, not halted */
    sleep_ticks_init(&nap, 5);
    thread_await(&nap.base);
    awaited_at = timer_ticks();
}

TEST(thread_await_sleeps_on_a_lab3_timer_without_spinning)
{
    awaited_at = 0;
    CHECK_RUN(fake_run(await_main, true), 0);
    CHECK_EQ(awaited_at, 5);
    CHECK(fake_waits >= (fake_periodic ? 5 : 1));   /* the idle thread halted: nobody polled */
}

/*
 * Lab 3's loop calls the bridge's wait() with interrupts masked and, when it returns,
 * goes straight on to poll the task that woke it: wait() returns with interrupts
 * enabled (executor.h), as lab 3's own halt does. A wait that returned masked would
 * leave every later poll, and the executor thread itself, deaf to the tick and to
 * every IRQ until the thread blocks again. A future that notes IF at each poll.
 */
struct if_probe {
    struct future base;
    struct sleep_future nap;
    int polls, polls_masked;
};
static struct if_probe probe;

static enum poll if_probe_poll(struct future *self, struct context *cx)
{
    struct if_probe *p = (struct if_probe *)self;
    p->polls++;
    p->polls_masked += !intr_enabled();
    return future_poll(&p->nap.base, cx);
}

static void polled_after_wait_main(void)
{
    probe = (struct if_probe){ .base.poll = if_probe_poll };
    sleep_ticks_init(&probe.nap, 5);
    thread_await(&probe.base);      /* polled at once, then again after the executor's wait() */
}

TEST(the_bridges_wait_returns_with_interrupts_on_for_the_next_poll)
{
    CHECK_RUN(fake_run(polled_after_wait_main, true), 0);
    CHECK(probe.polls >= 2);
    if (probe.polls_masked != 0) {
        printf("  %s:%d: %d of %d polls ran with interrupts masked, expected 0: the bridge's "
               "wait (idle_wait) must return with interrupts enabled (executor.h; "
               "handouts/lab6.md section 8, step 12)\n", __FILE__, __LINE__,
               probe.polls_masked, probe.polls);
        host_current_failed = 1;
    }
}

struct joiner_task {
    struct future base;
    struct thread_join_future join;
};

static enum poll joiner_poll(struct future *self, struct context *cx)
{
    struct joiner_task *j = (struct joiner_task *)self;
    if (future_poll(&j->join.base, cx) == POLL_PENDING)
        return POLL_PENDING;
    record('J');
    return POLL_READY;
}

static void sleeps_then_ends(void *unused)
{
    (void)unused;
    thread_sleep_ms(3);
    record('E');
}

static void join_future_main(void)
{
    static struct joiner_task jt;
    struct thread *t = spawn_thread(sleeps_then_ends, 0, "ender", THREAD_PRIO_DEFAULT);
    jt.base.poll = joiner_poll;
    thread_join_future_init(&jt.join, t);
    CHECK(thread_spawn(&jt.base) > 0);
    thread_sleep_ms(10);
    record('m');
}

TEST(a_task_awaits_a_threads_end)
{
    norder = 0;
    CHECK_RUN(fake_run(join_future_main, true), 0);
    CHECK_STR(order, "EJm");
}

/* ---- thread_block_on: a thread polls a future itself ------------------------------- */
/* A leaf future as lab 4's IRQ wait is one: check, register, check again. IRQ 1 ends it. */
static struct atomic_waker leaf_waker;
static volatile bool leaf_done;
struct leaf_future {
    struct future base;
    int polls;
};
static struct leaf_future leaf, other_leaf;

static void leaf_irq(int irq)
{
    if (irq == 1) {
        leaf_done = true;               /* the condition first, the wake second */
        atomic_waker_wake(&leaf_waker);
    }
}

static enum poll leaf_poll(struct future *self, struct context *cx)
{
    struct leaf_future *l = (struct leaf_future *)self;
    l->polls++;
    if (leaf_done)
        return POLL_READY;
    atomic_waker_register(&leaf_waker, cx);
    return leaf_done ? POLL_READY : POLL_PENDING;
}

static void leaf_setup(void)
{
    fake_handler = leaf_irq;
    leaf_done = false;
    leaf_waker = (struct atomic_waker){ 0 };
    leaf = (struct leaf_future){ .base.poll = leaf_poll };
    other_leaf = (struct leaf_future){ .base.poll = leaf_poll };
}

static int switches_waiting;

static void block_on_leaf_main(void)
{
    leaf_setup();
    fake_irq_at = fake_clock + 3;       /* the "disk" answers while we sleep */
    int before = fake_switches;
    thread_block_on(&leaf.base);
    switches_waiting = fake_switches - before;
}

/* Away to the idle thread and back: no executor thread between the IRQ and us
   (thread_await's wait costs 4: to the executor, to idle, to the executor, back). */
TEST(thread_block_on_costs_two_switches_and_no_executor_poll)
{
    switches_waiting = -1;
    CHECK_RUN(fake_run(block_on_leaf_main, true), 0);
    CHECK_EQ(switches_waiting, 2);
    CHECK_EQ(leaf.polls, 2);            /* PENDING, then READY once woken */
    CHECK_EQ(executor_stats().polls, 0);
}

static void block_on_leaf_raced_main(void)
{
    leaf_setup();                       /* no fake_irq_at: only the raised IRQ 1 ends it */
    thread_block_on(&leaf.base);
    record('w');
}

/* IRQ 1 just before (taken at once) or just after (pending until the idle's sti; hlt)
   each of main's masks: one k is the moment between the poll that returned PENDING and
   the block. A thread_block_on that blocked without looking again at its woken flag
   would sleep through it: the CPU halts for good and the run stops. */
TEST(an_irq_between_the_poll_and_the_block_is_never_lost)
{
    for (int k = 1; k <= 8; k++) {
        for (int after = 0; after <= 1; after++) {
            norder = 0;
            fake_want_raise_after = k;
            fake_want_raise_masked = after;
            fake_want_idle_limit = 5;
            snprintf(fake_when, sizeof fake_when, "IRQ 1 just %s main's mask number %d",
                     after ? "after" : "before", k);
            CHECK_RUN(fake_run(block_on_leaf_raced_main, true), 0);
            CHECK_STR(order, "w");
        }
    }
}

static uint64_t blocked_until;

static void block_on_sleep_main(void)
{
    struct sleep_future nap;
    sleep_ticks_init(&nap, 5);
    thread_block_on(&nap.base);         /* lab 3's timer queue holds the thread's node */
    blocked_until = timer_ticks();
}

TEST(thread_block_on_sleeps_on_a_lab3_timer)
{
    blocked_until = 0;
    CHECK_RUN(fake_run(block_on_sleep_main, true), 0);
    CHECK_EQ(blocked_until, 5);
    CHECK_EQ(executor_stats().polls, 0);
}

/* A future that leaves its waker registered and is READY at once, as lab 4's IRQ wait
   does when its second check finds the IRQ came ("the armed waker may fire later"). */
static struct atomic_waker parked;

static enum poll park_poll(struct future *self, struct context *cx)
{
    (void)self;
    atomic_waker_register(&parked, cx);
    return POLL_READY;
}

static void fires_the_parked_waker(void *unused)
{
    (void)unused;
    thread_sleep_ticks(2);
    atomic_waker_wake(&parked);         /* main waits on the leaf meanwhile, in the same slot */
}

static void stale_waker_main(void)
{
    struct future park = { park_poll };
    leaf_setup();
    parked = (struct atomic_waker){ 0 };
    thread_block_on(&park);
    atomic_waker_wake(&parked);         /* the slot is free: nothing to wake */
    thread_block_on(&park);             /* the same slot again: this waker stays parked */
    spawn_thread(fires_the_parked_waker, 0, "stale", THREAD_PRIO_MAX);
    fake_irq_at = fake_clock + 5;
    thread_block_on(&leaf.base);
}

/* Wakers outlive their wait: a free slot's, or its last use's, wake nothing. */
TEST(a_waker_kept_past_its_wait_wakes_nothing)
{
    CHECK_RUN(fake_run(stale_waker_main, true), 0);
    CHECK_EQ(leaf.polls, 2);            /* 3: the stale wake made main poll for nothing */
}

static void run_block_on_from_irq(int irq)
{
    static struct future park = { park_poll };
    if (irq == 1)
        thread_block_on(&park);         /* READY at once: it would not even block */
}

static void block_on_in_handler_main(void)
{
    leaf_setup();
    fake_handler = run_block_on_from_irq;
    fake_raise(1);
}

TEST(thread_block_on_in_an_interrupt_handler_panics)
{
    fake_expect_panic = true;
    CHECK_RUN(fake_run(block_on_in_handler_main, true), 1);
    CHECK(strstr(fake_panic_msg, "intr_context") != NULL);
}

static void run_all(void)
{
    RUN(readyq_pops_highest_priority_then_oldest);
    RUN(readyq_remove_keeps_the_rest_in_order);
    RUN(waitq_wakes_highest_first_fifo_among_equals);
    RUN(highest_priority_runs_first_round_robin_among_equals);
    RUN(spinners_share_the_cpu_by_slices);
    RUN(a_preemption_waits_for_the_end_of_a_print);
    RUN(sleepers_wake_on_their_tick_in_deadline_order);
    RUN(mutex_keeps_every_increment);
    RUN(donation_beats_priority_inversion_and_is_undone);
    RUN(donation_follows_a_chain_ten_deep_and_is_undone_link_by_link);
    RUN(releasing_one_mutex_keeps_the_other_ones_donation);
    RUN(deadlock_cycle_of_three_is_reported_with_every_thread_and_lock);
    RUN(locking_a_held_mutex_panics_naming_the_thread);
    RUN(an_interrupt_at_any_moment_of_sema_down_is_never_lost);
    RUN(switching_while_holding_a_spinlock_panics);
    RUN(spinlock_restores_the_interrupt_flag_it_found);
    RUN(an_overwritten_canary_is_caught_at_the_next_switch);
    RUN(condvar_bounded_buffer_delivers_every_item_once);
    RUN(cond_signal_and_sema_up_wake_the_highest_priority_waiter_first);
    RUN(thread_await_sleeps_on_a_lab3_timer_without_spinning);
    RUN(the_bridges_wait_returns_with_interrupts_on_for_the_next_poll);
    RUN(a_task_awaits_a_threads_end);
    RUN(thread_block_on_costs_two_switches_and_no_executor_poll);
    RUN(an_irq_between_the_poll_and_the_block_is_never_lost);
    RUN(thread_block_on_sleeps_on_a_lab3_timer);
    RUN(a_waker_kept_past_its_wait_wakes_nothing);
    RUN(thread_block_on_in_an_interrupt_handler_panics);
}

int main(void)
{
    return run_tickless_then_periodic(run_all, "lab6 sched");
}
