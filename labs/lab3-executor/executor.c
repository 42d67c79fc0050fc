/*
 * executor.c - wakers, the ready queue, the executor loop and its idle
 * (handouts/lab3.md §5; Embassy's raw executor keeps the same two state bits).
 *
 * One CPU, one stack, no allocation. Tasks live in join.c's static table; a task is
 * on the ready queue at most once, marked by its TASK_QUEUED bit, and linked
 * through its own `next` field (an intrusive FIFO), so wake() is O(1), cannot
 * fail and needs no capacity. No lock: the only code that runs concurrently
 * with a task is an interrupt handler, handlers run with IF=0 (interrupt
 * gates), and task code touches the queue and the state bits only masked
 * (intr_disable; on SMP this fails). Each spot where a wake could be lost says
 * why not. The atomic waker an interrupt handler wakes lives here too, and the
 * executor's idle: lab 6's hooks, or lab 1's tickless halt (timer_idle_until,
 * pit.c). A task's life (the table, spawn, finish, join, the runs that wait
 * for ends) is join.c's.
 */
#include "executor.h"
#include "interrupts.h"
#include "panic.h"
#include "tasks.h"
#include "x86.h"

static struct task *volatile ready_head;    /* interrupt handlers append here */
static struct task *ready_tail;
static struct executor_stats stats;        /* the queue's and the loop's; join.c counts the lives */
static struct task *current;                /* the task being polled */
static const struct executor_poll_hooks *poll_hooks;   /* lab 6's trace, or NULL */
static const struct executor_idle_hooks *idle_hooks;   /* lab 6's, or NULL */

void executor_init(void)
{
    tasks_reset();
    ready_head = ready_tail = 0;
    stats = (struct executor_stats){ 0 };
    current = 0;
    timerq_reset();
}

void executor_set_idle_hooks(const struct executor_idle_hooks *hooks)
{
    idle_hooks = hooks;
}

/* A task was just queued (masked, from a handler too): lab 6 makes the executor's thread ready. */
static void executor_task_queued(void)
{
    if (idle_hooks)
        idle_hooks->notify();
}

/* Nothing is ready (masked): lab 6 blocks the executor's thread, or the CPU halts in lab 1's
   tickless idle until the first timer or any interrupt. Returns with IF=1. */
void executor_idle(void)
{
    if (idle_hooks)
        idle_hooks->wait();
    else
        timer_idle_until(timerq_next_deadline());
}

/* Append t to the ready queue. */
void ready_push(struct task *t)
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
void ready_unlink(struct task *t)
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

/*
 * The one-slot waker an interrupt handler wakes (handouts/lab3.md §5): a
 * future registers the waker of the task that polls it, and the handler takes
 * it on wake (take-on-wake), so each registration wakes at most once. The
 * slot is only touched with interrupts off, so a handler never sees it
 * half-written.
 */
void atomic_waker_register(struct atomic_waker *aw, const struct context *cx)
{
    /* LAB 3: BEGIN SOLUTION */
    intr_state_t fl = intr_disable();
    aw->waker = cx->waker;                  /* replaces (does not wake) an older waker */
    aw->armed = true;
    intr_restore(fl);
    /* LAB 3: STUB
    (void)aw; (void)cx;
    panic("lab3: atomic_waker_register not implemented");
    LAB 3: END SOLUTION */
}

void atomic_waker_wake(struct atomic_waker *aw)
{
    /* LAB 3: BEGIN SOLUTION */
    intr_state_t fl = intr_disable();
    bool armed = aw->armed;
    struct waker w = aw->waker;
    aw->armed = false;                      /* take-on-wake: the future registers again */
    intr_restore(fl);
    if (armed)
        waker_wake(w);
    /* LAB 3: STUB
    (void)aw;
    panic("lab3: atomic_waker_wake not implemented");
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
void run_until(bool (*done)(const void *), const void *arg)
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

struct executor_stats executor_stats(void)
{
    intr_state_t fl = intr_disable();
    struct executor_stats s = stats;
    tasks_count_lives(&s);
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
