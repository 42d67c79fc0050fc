/*
 * bridge.c - lab 3's executor as one thread among the others, and the two
 * ways across: a thread waits for a future (thread_await) and a task waits for
 * a thread (thread_join_future).
 *
 * Lab 3 knows nothing of threads. It exposes two hooks (executor.h): when its
 * loop finds nothing ready it calls wait() instead of halting the CPU, and
 * every task it queues calls notify(). Here wait() blocks the thread running
 * the executor and notify() makes it ready again. Both run with interrupts
 * masked and lab 3 checks its queue with them masked before it calls wait(),
 * so a wake cannot fall between "nothing is ready" and the block.
 *
 * The executor thread runs at EXECUTOR_PRIO, above ordinary threads: a key or
 * a disk interrupt wakes a task, and the task runs at once rather than after
 * every spinner's slice. Tasks never block, so it costs the others little.
 */
#include "executor.h"
#include "panic.h"
#include "scheduler.h"

#define EXECUTOR_PRIO 48

static struct thread *exec_thread;
static struct thread *exec_waiting;     /* the thread blocked in idle_wait, if any */

static void idle_wait(void)
{
    /* LAB 6: BEGIN SOLUTION */
    exec_waiting = thread_current();
    sched_block();
    intr_enable();
    /* LAB 6: STUB
    (void)exec_waiting;
    panic("lab6: the executor's idle hook (idle_wait) not implemented");
    LAB 6: END SOLUTION */
}

static void idle_notify(void)
{
    /* LAB 6: BEGIN SOLUTION */
    struct thread *t = exec_waiting;
    if (t) {
        exec_waiting = 0;
        sched_unblock(t);               /* the IRQ exit hook or our caller switches to it */
    }
    /* LAB 6: STUB
    panic("lab6: the executor's wake hook (idle_notify) not implemented");
    LAB 6: END SOLUTION */
}

static const struct executor_idle_hooks hooks = { idle_wait, idle_notify };

/* Run tasks forever: executor_run returns when none is alive; then wait for a spawn. */
static void executor_main(void *unused)
{
    (void)unused;
    for (;;) {
        executor_run();
        intr_state_t fl = intr_disable();
        if (executor_stats().alive == 0)
            idle_wait();                /* a spawn queues a task, and notify wakes us */
        intr_restore(fl);
    }
}

void bridge_init(void)
{
    executor_set_idle_hooks(&hooks);
    exec_thread = thread_create(executor_main, 0, "executor", EXECUTOR_PRIO);
    if (!exec_thread)
        panic("lab6: no memory for the executor thread");
}

struct thread *executor_thread(void)
{
    return exec_thread;
}

int thread_spawn(struct future *f)
{
    intr_state_t fl = intr_disable();    /* spawn's slot search must not be preempted */
    int id = spawn(f);
    intr_restore(fl);
    return id;
}

/* The task that polls a thread's future and ups its semaphore when it is done. */
struct await_task {
    struct future base;
    struct future *f;
    struct semaphore done;
};

static enum poll await_poll(struct future *self, struct context *cx)
{
    struct await_task *a = (struct await_task *)self;

    if (future_poll(a->f, cx) == POLL_PENDING)
        return POLL_PENDING;
    sema_up(&a->done);                  /* the last use of *a: the thread may return now */
    return POLL_READY;
}

void thread_await(struct future *f)
{
    struct await_task a = { .base.poll = await_poll, .f = f };

    if (thread_current() == exec_thread)
        panic("lab6: the executor thread awaits a future (it would wait for itself)");
    sema_init(&a.done, 0);
    if (thread_spawn(&a.base) < 0)
        panic("lab6: thread_await: all %d task slots are taken", EXECUTOR_MAX_TASKS);
    sema_down(&a.done);
}

static enum poll join_poll(struct future *self, struct context *cx)
{
    struct thread_join_future *j = (struct thread_join_future *)self;
    struct thread *t = j->thread;

    if (!t)
        return POLL_READY;
    atomic_waker_register(&t->on_exit, cx);
    intr_state_t fl = intr_disable();
    bool done = t->state == THREAD_DONE;
    if (done) {
        thread_reap(t);
        j->thread = 0;
    }
    intr_restore(fl);
    return done ? POLL_READY : POLL_PENDING;
}

void thread_join_future_init(struct thread_join_future *j, struct thread *t)
{
    if (t->joiner)
        panic("lab6: thread %s is joined already", t->name);
    j->base.poll = join_poll;
    j->thread = t;
}
