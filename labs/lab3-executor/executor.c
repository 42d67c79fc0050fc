/*
 * executor.c - tasks, wakers, the ready queue and the executor loop
 * (handouts/lab3.md §5; Embassy's raw executor keeps the same two state bits).
 *
 * One CPU, one stack, no allocation. Tasks live in a static table; a task is
 * on the ready queue at most once, marked by its TASK_QUEUED bit, and linked
 * through its own `next` field (an intrusive FIFO), so wake() is O(1), cannot
 * fail and needs no capacity. No lock: the only code that runs concurrently
 * with a task is an interrupt handler, handlers run with IF=0 (interrupt
 * gates), and task code touches the queue and the state bits only masked
 * (intr_disable; on SMP this fails). Each spot where a wake could be lost says why not.
 */
#include "executor.h"
#include "interrupts.h"
#include "panic.h"
#include "tasks.h"
#include "x86.h"

static struct task tasks[EXECUTOR_MAX_TASKS];
static struct task *volatile ready_head;    /* interrupt handlers append here */
static struct task *ready_tail;
static struct executor_stats stats;
static struct task *current;                /* the task being polled */
static uint32_t last_id;
static const struct executor_poll_hooks *poll_hooks;   /* lab 6's trace, or NULL */

void executor_init(void)
{
    for (int i = 0; i < EXECUTOR_MAX_TASKS; i++) {
        uint32_t gen = tasks[i].gen;
        tasks[i] = (struct task){ 0 };
        tasks[i].gen = gen + 1;             /* wakers from before stay stale */
    }
    ready_head = ready_tail = 0;
    stats = (struct executor_stats){ 0 };
    current = 0;
    last_id = 0;
    timerq_reset();
}

/* Append t to the ready queue. */
static void ready_push(struct task *t)
{
    assert(!intr_enabled());
    /* LAB 3: BEGIN SOLUTION */
    t->next = 0;
    if (ready_head)
        ready_tail->next = t;
    else
        ready_head = t;
    ready_tail = t;
    /* LAB 3: STUB
    (void)t; panic("lab3: ready_push not implemented");
    LAB 3: END SOLUTION */
    executor_task_queued();
}

/* Take t off the ready queue wherever it is (a task that finished while queued). */
static void ready_unlink(struct task *t)
{
    assert(!intr_enabled());
    /* LAB 3: BEGIN SOLUTION */
    struct task *prev = 0;
    for (struct task *p = ready_head; p; prev = p, p = p->next) {
        if (p != t)
            continue;
        if (prev)
            prev->next = t->next;
        else
            ready_head = t->next;
        if (ready_tail == t)            /* the tail moves back, or the next push links a freed slot */
            ready_tail = prev;
        t->next = 0;
        return;
    }
    /* LAB 3: STUB
    (void)t; panic("lab3: ready_unlink not implemented");
    LAB 3: END SOLUTION */
}

struct task *task_find(int id)
{
    for (int i = 0; i < EXECUTOR_MAX_TASKS && id > 0; i++)
        if ((tasks[i].state & TASK_SPAWNED) && tasks[i].id == (uint32_t)id)
            return &tasks[i];
    return 0;
}

int spawn(struct future *f)
{
    struct task *t = 0;
    for (int i = 0; i < EXECUTOR_MAX_TASKS && !t; i++)
        if (tasks[i].state == 0)
            t = &tasks[i];
    if (!t)
        return -1;
    t->root = f;
    t->id = ++last_id;
    t->timer_next = 0;
    t->deadline = 0;
    t->on_exit.armed = false;

    intr_state_t fl = intr_disable();
    t->state = TASK_SPAWNED | TASK_QUEUED;
    ready_push(t);
    stats.spawned++;
    if (++stats.alive > stats.max_alive)
        stats.max_alive = stats.alive;
    intr_restore(fl);
    return (int)t->id;
}

/* Done: free the slot, make its wakers stale, tell a joiner. A slot left on
   either queue would be polled (or woken) as the slot's next task. */
static void task_finish(struct task *t)
{
    /* LAB 3: BEGIN SOLUTION */
    timerq_cancel(t);
    intr_state_t fl = intr_disable();
    if (t->state & TASK_QUEUED)             /* woken during its last poll */
        ready_unlink(t);
    t->state = 0;
    t->gen++;
    t->root = 0;
    stats.alive--;
    intr_restore(fl);
    atomic_waker_wake(&t->on_exit);         /* after gen++: the joiner sees it finished */
    /* LAB 3: STUB
    (void)t; (void)ready_unlink; panic("lab3: task_finish not implemented");
    LAB 3: END SOLUTION */
}

static void task_poll(struct task *t)
{
    struct context cx = { .waker = { t, t->gen } };
    stats.polls++;
    current = t;
    if (poll_hooks)
        poll_hooks->before(t->id);
    enum poll r = future_poll(t->root, &cx);
    if (poll_hooks)
        poll_hooks->after(t->id, r);
    current = 0;
    if (r == POLL_READY)
        task_finish(t);
}

void waker_wake(struct waker w)
{
    if (wake_if_thread_node(w))         /* a thread's wait (lab 6): its wake, not the queue */
        return;
    /* LAB 3: BEGIN SOLUTION */
    struct task *t = w.task;
    intr_state_t fl = intr_disable();

    if (!t || t->gen != w.gen || !(t->state & TASK_SPAWNED)) {
        stats.stale_wakes++;                /* finished (maybe reused) slot, or no-op */
    } else if (t->state & TASK_QUEUED) {
        stats.wakes++;
        stats.coalesced++;                  /* one poll will serve both wakes */
    } else {
        stats.wakes++;
        t->state |= TASK_QUEUED;
        ready_push(t);
    }
    intr_restore(fl);
    /* LAB 3: STUB
    (void)w;
    panic("lab3: waker_wake not implemented");
    LAB 3: END SOLUTION */
}

/* Take the oldest ready task off the queue, with its QUEUED bit already clear. */
static struct task *ready_pop(void)
{
    /* LAB 3: BEGIN SOLUTION */
    intr_state_t fl = intr_disable();
    struct task *t = ready_head;
    if (t) {
        ready_head = t->next;
        if (!ready_head)
            ready_tail = 0;
        t->next = 0;
        t->state &= ~TASK_QUEUED;           /* before the poll: a wake during it re-queues */
    }
    intr_restore(fl);
    return t;
    /* LAB 3: STUB
    panic("lab3: ready_pop not implemented");
    LAB 3: END SOLUTION */
}

/*
 * Sleep until an interrupt (executor_idle), unless a task is ready. With
 * interrupts on, an IRQ landing between "queue is empty" and hlt would queue a
 * task and return, and the CPU would sleep with that task ready until some
 * later IRQ (the lost wakeup). So: mask interrupts, check, then "sti; hlt":
 * STI delays interrupts until after the next instruction, so an IRQ pending
 * since the check is taken only once hlt has started, and it ends the hlt.
 */
static void wait_for_work(void)
{
    /* LAB 3: BEGIN SOLUTION */
    intr_disable();
    if (ready_head) {
        intr_enable();
        return;
    }
    stats.sleeps++;
    executor_idle();
    /* LAB 3: STUB
    panic("lab3: wait_for_work not implemented");
    LAB 3: END SOLUTION */
}

/* Poll one ready task; false if none was ready. */
static bool poll_one(void)
{
    /* LAB 3: BEGIN SOLUTION */
    struct task *t = ready_pop();
    if (!t)
        return false;
    task_poll(t);
    return true;
    /* LAB 3: STUB
    (void)task_poll; (void)ready_pop;
    panic("lab3: executor loop (poll_one) not implemented");
    LAB 3: END SOLUTION */
}

bool executor_run_ready(void)
{
    bool any = false;
    while (poll_one())
        any = true;
    return any;
}

/* The executor loop: poll ready tasks until done(arg); sleep when none is ready. */
static void run_until(bool (*done)(const void *), const void *arg)
{
    assert(!intr_context());            /* it sleeps: never from a handler (interrupts.h) */
    if (current)
        panic("lab3: executor_run/block_on called from inside task %u", current->id);
    while (!done(arg)) {
        /* LAB 3: BEGIN SOLUTION */
        if (!poll_one())
            wait_for_work();
        /* LAB 3: STUB
        (void)wait_for_work;
        panic("lab3: executor loop (run_until) not implemented");
        LAB 3: END SOLUTION */
    }
}

static bool all_finished(const void *unused)
{
    (void)unused;
    return stats.alive == 0;
}

void executor_run(void)
{
    run_until(all_finished, 0);
}

static bool waker_stale(const void *arg)
{
    const struct waker *w = arg;
    return w->task->gen != w->gen;
}

void block_on(struct future *f)
{
    int id = spawn(f);
    if (id < 0)
        panic("lab3: block_on: all %d task slots are taken", EXECUTOR_MAX_TASKS);
    struct task *t = task_find(id);
    assert(t);                          /* just spawned: it has not run yet */
    struct waker w = { t, t->gen };
    run_until(waker_stale, &w);
}

struct executor_stats executor_stats(void)
{
    intr_state_t fl = intr_disable();
    struct executor_stats s = stats;
    intr_restore(fl);
    return s;
}

void executor_set_poll_hooks(const struct executor_poll_hooks *hooks)
{
    poll_hooks = hooks;
}

uint32_t task_current_id(void)
{
    return current ? current->id : 0;
}
