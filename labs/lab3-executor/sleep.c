/*
 * sleep.c - the timer queue and sleep futures.
 *
 * Each task has one timer node (in struct task, as in Embassy's integrated
 * timer queue, handouts/lab3.md §5): the earliest deadline any of its sleeps waits
 * for. Sleeping tasks form one list sorted by (deadline, task id). The timer
 * interrupt compares the tick with the head's deadline (O(1) per tick) and,
 * once it has passed, wakes and unlinks every expired task in list order, so
 * tasks due on the same tick are queued, and therefore polled, in id order.
 *
 * A task that sleeps on two deadlines (a join of two sleeps) keeps the
 * earlier one; when it is woken, the later sleep finds it has not expired and
 * schedules again. Wakes that turn out early are only spurious polls.
 * The tick count is 64 bits and never wraps; a deadline that would (now plus
 * a huge sleep) stops at UINT64_MAX, a tick that never comes.
 */
#include "executor.h"
#include "interrupts.h"
#include "panic.h"
#include "x86.h"

static struct task *timer_head;
static volatile uint64_t next_deadline = UINT64_MAX;   /* timer_head's, cached for the tick */

void timerq_reset(void)
{
    timer_head = 0;
    next_deadline = UINT64_MAX;
}

/*
 * (deadline, id) order: the queue's one rule. Ties go by task id, never by
 * who went to sleep first, so timers due on one tick wake in an order the
 * grader can compute (user/lab3.c's timer tasks are spawned in index order).
 */
static bool timer_before(const struct task *a, const struct task *b)
{
    /* LAB 3: BEGIN SOLUTION */
    if (a->deadline != b->deadline)
        return a->deadline < b->deadline;
    return a->id < b->id;
    /* LAB 3: STUB
    (void)a; (void)b;
    panic("lab3: timer_before not implemented");
    LAB 3: END SOLUTION */
}

/* Take t off the queue, wherever it is, and clear TASK_TIMER. */
static void timer_unlink(struct task *t)
{
    assert(!intr_enabled());
    /* LAB 3: BEGIN SOLUTION */
    struct task **pp = &timer_head;
    while (*pp && *pp != t)
        pp = &(*pp)->timer_next;
    if (*pp)                            /* a pointer to the link that names t: head or middle alike */
        *pp = t->timer_next;
    t->timer_next = 0;
    t->state &= ~TASK_TIMER;
    /* LAB 3: STUB
    (void)t;
    panic("lab3: timer_unlink not implemented");
    LAB 3: END SOLUTION */
}

/* Link t into the queue at its (deadline, id) place, and mark it TASK_TIMER. */
static void timer_insert(struct task *t)
{
    assert(!intr_enabled());
    /* LAB 3: BEGIN SOLUTION */
    struct task **pp = &timer_head;
    while (*pp && timer_before(*pp, t))  /* skip every task that is due first */
        pp = &(*pp)->timer_next;
    t->timer_next = *pp;
    *pp = t;
    t->state |= TASK_TIMER;
    /* LAB 3: STUB
    (void)t; (void)timer_before;
    panic("lab3: timer_insert not implemented");
    LAB 3: END SOLUTION */
}

/*
 * Wake t at `deadline`, or earlier if it already waits for an earlier one
 * (one node per task: a join of two sleeps keeps the first deadline, and
 * the later sleep schedules again when the task is polled). The tick reads
 * next_deadline without a lock, so it must be the head's again before
 * interrupts come back on.
 */
static void timerq_schedule(struct task *t, uint64_t deadline)
{
    intr_state_t fl = intr_disable();
    /* LAB 3: BEGIN SOLUTION */
    bool queued = t->state & TASK_TIMER;
    if (!queued || deadline < t->deadline) {
        if (queued)
            timer_unlink(t);            /* it moves forward: take it out first */
        t->deadline = deadline;
        timer_insert(t);
        next_deadline = timer_head->deadline;
    }
    /* LAB 3: STUB
    (void)t; (void)deadline; (void)timer_unlink; (void)timer_insert;
    panic("lab3: timerq_schedule not implemented");
    LAB 3: END SOLUTION */
    intr_restore(fl);
}

/*
 * A finished task leaves the timer queue (join.c's task_finish): its node is
 * in its slot, and the slot may be given to a new task at once.
 */
void timerq_cancel(struct task *t)
{
    intr_state_t fl = intr_disable();
    /* LAB 3: BEGIN SOLUTION */
    if (t->state & TASK_TIMER) {
        timer_unlink(t);
        next_deadline = timer_head ? timer_head->deadline : UINT64_MAX;
    }
    /* LAB 3: STUB
    (void)t;
    panic("lab3: timerq_cancel not implemented");
    LAB 3: END SOLUTION */
    intr_restore(fl);
}

/* Lab 1's tick subscriber (IF=0): every tick, or once after a tickless halt. */
void timerq_expire(uint64_t now)
{
    assert(!intr_enabled());
    if (now < next_deadline)            /* the common tick: nothing due */
        return;
    /* LAB 3: BEGIN SOLUTION */
    while (timer_head && timer_head->deadline <= now) {
        struct task *t = timer_head;
        timer_unlink(t);                /* off first: the woken task may sleep again */
        waker_wake((struct waker){ t, t->gen });
    }
    next_deadline = timer_head ? timer_head->deadline : UINT64_MAX;
    /* LAB 3: STUB
    panic("lab3: timerq_expire not implemented");
    LAB 3: END SOLUTION */
}

/*
 * Check | schedule | check again: the tick that makes us due may come between
 * the first check and the scheduling, and its interrupt would not have found
 * us on the queue.
 */
static enum poll sleep_poll(struct future *self, struct context *cx)
{
    /* LAB 3: BEGIN SOLUTION */
    struct sleep_future *s = (struct sleep_future *)self;

    if (timer_ticks() >= s->deadline)
        return POLL_READY;
    if (cx->waker.task)
        timerq_schedule(cx->waker.task, s->deadline);
    return timer_ticks() >= s->deadline ? POLL_READY : POLL_PENDING;
    /* LAB 3: STUB
    (void)self; (void)cx; (void)timerq_schedule;
    panic("lab3: sleep_poll not implemented");
    LAB 3: END SOLUTION */
}

void sleep_until_init(struct sleep_future *f, uint64_t deadline)
{
    f->base.poll = sleep_poll;
    f->deadline = deadline;
}

/*
 * `ticks` from now. The sum must not wrap: a deadline past UINT64_MAX would
 * come out small, in the past, and the "long" sleep would end at once. It
 * stops at UINT64_MAX instead, a tick that never comes: a sleep for ever.
 */
void sleep_ticks_init(struct sleep_future *f, uint64_t ticks)
{
    uint64_t now = timer_ticks();
    /* LAB 3: BEGIN SOLUTION */
    uint64_t deadline = ticks > UINT64_MAX - now ? UINT64_MAX : now + ticks;
    sleep_until_init(f, deadline);
    /* LAB 3: STUB
    (void)f; (void)ticks; (void)now;
    panic("lab3: sleep_ticks_init not implemented");
    LAB 3: END SOLUTION */
}

/* Rounded up: a sleep may end late (at a tick), never before the time asked. */
void sleep_ms_init(struct sleep_future *f, uint32_t ms)
{
    uint64_t hz = timer_hz();
    /* LAB 3: BEGIN SOLUTION */
    uint64_t ticks = ((uint64_t)ms * hz + 999) / 1000;    /* 64 bits: ms * hz overflows 32 */
    sleep_ticks_init(f, ticks);
    /* LAB 3: STUB
    (void)f; (void)ms; (void)hz;
    panic("lab3: sleep_ms_init not implemented");
    LAB 3: END SOLUTION */
}

/* For the idle (executor.c's, lab 6's idle.c): how long nothing is due. */
uint64_t timerq_next_deadline(void)
{
    return next_deadline;
}

/* Test hook: the task at the head of the timer queue, or NULL. */
struct task *timerq_head(void)
{
    return timer_head;
}
