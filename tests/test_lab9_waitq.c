/*
 * test_lab9_waitq.c - lab 9's sleeping and waking (labs/lab9-proc/waitq.c)
 * on lab 6's fake machine (tests/lab6_fake.h): real lab 6 threads, mutexes
 * and semaphores, a fake interrupt flag, and an interrupt raised exactly
 * where the test says.
 *
 * A lost wakeup is a race with a window of a few instructions: a boot hits it
 * now and then. Here the window is hit on purpose, every run. The fake raises
 * IRQ 1 just before (or just after) the Nth intr_disable of the scenario, for
 * every N the scenario has: wherever proc_sleep masks, one N is the moment
 * between what it looked at and its mask. The IRQ either wakes a waker thread
 * of higher priority (it preempts at the IRQ's end, takes the mutex, makes the
 * condition true and calls waitq_wake_all, as a pipe's writer does), or sends
 * a signal from the handler itself (the pending bit, then proc_wake, as
 * signal_send does). A wake that is lost leaves the sleeper asleep for good:
 * the idle thread halts past its limit and the run stops, naming N.
 */
#include "host.h"
#include "lab6_fake.h"
#include "kproc.h"
#include "lab9_names.h"

static struct proc sleeper;             /* the main thread's process */
static struct waitq q;
static struct mutex mu;
static struct semaphore go;             /* the IRQ ups it: the waker runs */
static volatile bool ready;             /* the condition the sleeper waits for */
static int fired, sleep_result, sleeps;

struct proc *proc_current(void)
{
    return (struct proc *)thread_current()->process;
}

/* Every N of a scenario: its masks, counted once in a run with no IRQ raised. */
static int masks_in(void (*fn)(void))
{
    fake_want_idle_limit = 30;
    CHECK_RUN(fake_run(fn, false), 0);
    return fake_saves;
}

static void setup(void (*handler)(int irq))
{
    memset(&sleeper, 0, sizeof sleeper);
    sema_init(&sleeper.wake, 0);
    q.first = NULL;
    mutex_init(&mu, "waitq");
    sema_init(&go, 0);
    ready = false;
    fired = sleeps = 0;
    sleep_result = 1;
    fake_handler = handler;
    fake_irq_at = 10;                   /* no mask N left to raise it at: when the CPU idles */
}

/*
 * The sleeper is a thread of its own, which main joins: a panic in it (a handout's
 * stub) goes back to fake_run as a thread's panic does, and a lost wake leaves main
 * in thread_join with the sleeper, and the idle thread halting.
 */
static void run_sleeper(thread_fn body)
{
    thread_join(spawn_thread(body, NULL, "sleeper", THREAD_PRIO_DEFAULT));
}

static void become_the_sleeper(void *arg)
{
    (void)arg;
    thread_current()->process = &sleeper.base;
}

/* After the run: asleep no more, off the queue, and no wake left over for the next sleep. */
static void check_clean(void)
{
    CHECK(q.first == NULL);
    CHECK(!sleeper.sleeping);
    CHECK_EQ(sleeper.wake.count, 0);
}

/* ---- a waitq_wake_all from another thread ------------------------------------- */
static void wake_once(int irq)
{
    if (irq == 1 && fired++ == 0)
        sema_up(&go);
}

static void waker(void *arg)
{
    (void)arg;
    sema_down(&go);
    mutex_lock(&mu);
    ready = true;
    waitq_wake_all(&q);
    mutex_unlock(&mu);
}

static void waits_for_the_condition(void *arg)
{
    become_the_sleeper(arg);
    mutex_lock(&mu);
    while (!ready && (sleep_result = proc_sleep(&q, &mu)) == 0)
        sleeps++;
    mutex_unlock(&mu);
}

static void waits_for_the_condition_main(void)
{
    setup(wake_once);
    sleep_result = 0;                   /* the waker may finish before any sleep */
    spawn_thread(waker, NULL, "waker", THREAD_PRIO_DEFAULT + 10);
    run_sleeper(waits_for_the_condition);
}

TEST(a_wake_at_any_moment_of_the_sleep_is_never_lost)
{
    int n = masks_in(waits_for_the_condition_main);

    for (int after = 0; after <= 1; after++)
        for (int k = 1; k <= n + 1; k++) {
            fake_want_raise_after = k;
            fake_want_raise_masked = after;
            fake_want_idle_limit = 30;  /* a lost wake: the idle halts for good */
            snprintf(fake_when, sizeof fake_when, "the waker woken just %s mask %d of %d",
                     after ? "after" : "before", k, n);
            CHECK_RUN(fake_run(waits_for_the_condition_main, false), 0);
            CHECK(ready);
            CHECK_NAMED(sleep_result, 0, errno_name);
            CHECK(sleeps <= 1);         /* one wake, one sleep: a second was a stray up */
            check_clean();
            if (host_current_failed) {
                printf("  (the waker woken just %s mask %d of %d)\n", after ? "after" : "before",
                       k, n);
                return;
            }
        }
}

/* ---- a signal from an interrupt handler ---------------------------------------- */
static void signal_once(int irq)
{
    if (irq == 1 && fired++ == 0) {
        sleeper.pending |= 1u << SIGTERM;          /* signal_send's order: the bit, then the wake */
        proc_wake(&sleeper);
    }
}

static void sleeps_until_a_signal(void *arg)
{
    become_the_sleeper(arg);
    mutex_lock(&mu);
    while ((sleep_result = proc_sleep(&q, &mu)) == 0)
        sleeps++;                       /* nobody makes a condition true: only the signal ends it */
    mutex_unlock(&mu);
}

static void sleeps_until_a_signal_main(void)
{
    setup(signal_once);
    run_sleeper(sleeps_until_a_signal);
}

TEST(a_signal_at_any_moment_of_the_sleep_ends_it)
{
    int n = masks_in(sleeps_until_a_signal_main);

    for (int after = 0; after <= 1; after++)
        for (int k = 1; k <= n + 1; k++) {
            fake_want_raise_after = k;
            fake_want_raise_masked = after;
            fake_want_idle_limit = 30;
            snprintf(fake_when, sizeof fake_when, "the signal sent just %s mask %d of %d",
                     after ? "after" : "before", k, n);
            CHECK_RUN(fake_run(sleeps_until_a_signal_main, false), 0);
            CHECK_NAMED(sleep_result, -EINTR, errno_name);
            CHECK_EQ(sleeps, 0);        /* a signal's wake is no wake of the queue */
            check_clean();
            if (host_current_failed) {
                printf("  (the signal sent just %s mask %d of %d)\n", after ? "after" : "before",
                       k, n);
                return;
            }
        }
}

/* A signal already pending: no sleep at all, and the queue untouched. */
static void pending_first(void *arg)
{
    become_the_sleeper(arg);
    sleeper.pending = 1u << SIGINT;
    mutex_lock(&mu);
    sleep_result = proc_sleep(&q, &mu);
    CHECK(mu.owner == thread_current());    /* the mutex still held on return */
    mutex_unlock(&mu);
}

static void pending_first_main(void)
{
    setup(NULL);
    run_sleeper(pending_first);
}

TEST(a_pending_signal_returns_at_once_with_the_mutex_held)
{
    CHECK_RUN(fake_run(pending_first_main, false), 0);
    CHECK_NAMED(sleep_result, -EINTR, errno_name);
    check_clean();
}

static void run_all(void)
{
    RUN(a_wake_at_any_moment_of_the_sleep_is_never_lost);
    RUN(a_signal_at_any_moment_of_the_sleep_ends_it);
    RUN(a_pending_signal_returns_at_once_with_the_mutex_held);
}

int main(void)
{
    return run_tickless_then_periodic(run_all, "lab9-waitq");
}
