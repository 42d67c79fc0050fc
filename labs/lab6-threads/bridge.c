/*
 * bridge.c - lab 3's executor as one thread among the others, and the ways
 * across: a thread waits for a future, polled by the executor's thread
 * (thread_await) or by itself (thread_block_on), and a task waits for a
 * thread (thread_join_future).
 *
 * Lab 3 knows little of threads. It exposes two hooks (executor.h): when its
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

/*
 * thread_block_on: the thread polls the future itself, and the waker it lends
 * names a node of its own (lab 3's TASK_THREAD, executor.h) whose wake
 * unblocks this thread: IRQ -> wake -> the thread is ready -> it polls again.
 * A disk wait costs two switches (away and back), not thread_await's four
 * through the executor's thread, and every poll runs on the waiting thread's
 * stack. Lab 3's timer queue takes the node as it takes a task, so sleeps
 * (lab 4's look for a lost IRQ among them) wake the thread too.
 *
 * A future may keep a waker after it is READY (lab 4's channel waker may fire
 * once more: "a spurious poll, harmless"), so a waker must never name a stack
 * frame that has gone: the nodes live in static slots with a generation, like
 * lab 3's tasks, and the wake of a freed slot does nothing.
 */
#define WAIT_SLOTS EXECUTOR_MAX_TASKS
struct thread_wait {
    struct task node;                   /* first: the waker names it (TASK_THREAD) */
    struct thread *thread;              /* NULL: the slot is free */
    bool woken;                         /* woken since its last poll began */
    bool blocked;                       /* the thread is blocked in thread_block_on */
};
static struct thread_wait waits[WAIT_SLOTS];

/* The node's wake (from an IRQ, a task or a thread): ready the thread if it waits. */
static void thread_wait_wake(struct task *node, uint32_t gen)
{
    struct thread_wait *w = (struct thread_wait *)node;
    intr_state_t fl = intr_disable();

    if (w->thread && node->gen == gen) {
        w->woken = true;
        if (w->blocked) {
            w->blocked = false;
            sched_unblock(w->thread);   /* from an IRQ, its exit hook switches to it */
        }
    }
    intr_restore(fl);
    sched_preempt_if_outranked();       /* from a thread or a task: at once if it outranks us */
}

static struct thread_wait *wait_take(void)
{
    intr_state_t fl = intr_disable();
    struct thread_wait *w = 0;

    for (int i = 0; i < WAIT_SLOTS && !w; i++)
        if (!waits[i].thread)
            w = &waits[i];
    if (!w)
        panic("lab6: thread_block_on: all %d wait slots are taken", WAIT_SLOTS);
    w->node.state = TASK_THREAD;
    w->node.wake = thread_wait_wake;
    w->node.gen++;                      /* a waker from the slot's last use is stale */
    w->thread = thread_current();
    w->woken = w->blocked = false;
    intr_restore(fl);
    return w;
}

static void wait_free(struct thread_wait *w)
{
    timerq_cancel(&w->node);            /* a sleep it polled may still be queued */
    intr_state_t fl = intr_disable();
    w->node.gen++;                      /* the future may keep our waker: stale now */
    w->thread = 0;
    intr_restore(fl);
}

void thread_block_on(struct future *f)
{
    assert(!intr_context());            /* it blocks: never from a handler */
    if (thread_current() == exec_thread)
        panic("lab6: the executor thread blocks on a future (its tasks would stop)");
    struct thread_wait *w = wait_take();
    struct context cx = { .waker = { &w->node, w->node.gen } };

    for (;;) {
        w->woken = false;               /* a wake from here on is for this poll or later */
        if (future_poll(f, &cx) == POLL_READY)
            break;
        intr_state_t fl = intr_disable();
        if (!w->woken) {                /* a wake after the poll's PENDING is not lost: */
            w->blocked = true;          /* it came (poll again) or it finds us blocked */
            sched_block();
        }
        intr_restore(fl);
    }
    wait_free(w);
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
