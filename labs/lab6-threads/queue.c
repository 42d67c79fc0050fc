/*
 * queue.c - lab 6's queues: the ready queues by priority, the wait queues,
 * and the sleep queue by deadline (handouts/lab6.md section 3). The queues
 * are pure list work whose callers mask interrupts (scheduler.h);
 * thread_sleep_ticks and thread_sleep_ms mask and block themselves.
 *
 * The ready queue keeps one FIFO per priority and a 64-bit mask of the
 * non-empty ones, so the highest ready priority is one bit scan (Linux's O(1)
 * scheduler had the same shape). Round-robin among equals falls out of FIFO
 * order: a thread whose slice ends goes to the back of its own list.
 *
 * Wait queues (mutex, semaphore) are short and their waiters' priorities change
 * while they wait (donation), so they are kept unordered and searched when one
 * is woken: the highest priority wins, the oldest among equals.
 *
 * The sleep queue is the alarm clock (Pintos' first threads exercise): a
 * thread that sleeps blocks on a list ordered by wake tick, and the PIT tick
 * (sched_tick) unblocks the ones whose tick has come, in the order they fall
 * due, onto the ready queue. Nothing spins. The idle thread halts with the
 * tick stopped until the first sleeper's tick (idle.c), so the list's head is
 * a deadline too (handouts/lab6.md section 13). The list is shared with the
 * tick, so "the deadline", "on the list" and "blocked" happen in one masked
 * stretch: a tick that fell between them would find the thread due but still
 * running (a wake lost, or sched_unblock on a running thread).
 */
#include "panic.h"
#include "scheduler.h"

void readyq_init(struct readyq *q)
{
    *q = (struct readyq){ 0 };
}

void readyq_push(struct readyq *q, struct thread *t)
{
    assert(t->prio >= THREAD_PRIO_MIN && t->prio <= THREAD_PRIO_MAX);
    /* LAB 6: BEGIN SOLUTION */
    int p = t->prio;

    t->next = 0;
    if (q->head[p])
        q->tail[p]->next = t;
    else
        q->head[p] = t;
    q->tail[p] = t;
    q->nonempty |= 1ull << p;
    /* LAB 6: STUB
    (void)q;
    panic("lab6: readyq_push not implemented");
    LAB 6: END SOLUTION */
}

int readyq_top(const struct readyq *q)
{
    if (!q->nonempty)
        return -1;
    return 63 - __builtin_clzll(q->nonempty);
}

struct thread *readyq_pop(struct readyq *q)
{
    /* LAB 6: BEGIN SOLUTION */
    int p = readyq_top(q);
    if (p < 0)
        return 0;
    struct thread *t = q->head[p];
    q->head[p] = t->next;
    if (!q->head[p]) {
        q->tail[p] = 0;
        q->nonempty &= ~(1ull << p);
    }
    t->next = 0;
    return t;
    /* LAB 6: STUB
    (void)q;
    panic("lab6: readyq_pop not implemented");
    LAB 6: END SOLUTION */
}

/* Take t out of its priority's list (its priority is about to change). */
void readyq_remove(struct readyq *q, struct thread *t)
{
    int p = t->prio;
    struct thread *prev = 0;

    for (struct thread *x = q->head[p]; x; prev = x, x = x->next) {
        if (x != t)
            continue;
        if (prev)
            prev->next = t->next;
        else
            q->head[p] = t->next;
        if (q->tail[p] == t)
            q->tail[p] = prev;
        if (!q->head[p])
            q->nonempty &= ~(1ull << p);
        t->next = 0;
        return;
    }
    panic("lab6: thread %s is not on the ready queue at priority %d", t->name, p);
}

void waitq_push(struct thread **q, struct thread *t)
{
    t->next = 0;
    while (*q)
        q = &(*q)->next;
    *q = t;
}

/* The link that points at the highest-priority waiter (the first of equals). */
static struct thread **waitq_best(struct thread **q)
{
    struct thread **best = q;
    for (; *q; q = &(*q)->next)
        if ((*q)->prio > (*best)->prio)
            best = q;
    return best;
}

struct thread *waitq_pop(struct thread **q)
{
    if (!*q)
        return 0;
    struct thread **best = waitq_best(q);
    struct thread *t = *best;
    *best = t->next;
    t->next = 0;
    return t;
}

int waitq_top(struct thread *const *q)
{
    int top = -1;
    for (const struct thread *t = *q; t; t = t->next)
        if (t->prio > top)
            top = t->prio;
    return top;
}

/* --- the sleep queue: the alarm clock, by deadline ------------------------ */

static struct thread *sleepers;         /* by (wake_tick, sleep order) */

void thread_sleep_ms(uint32_t ms)
{
    thread_sleep_ticks(((uint64_t)ms * timer_hz() + 999) / 1000);   /* never short */
}

/* Exercise 7: behind every sleeper due on or before t's tick (first come, first woken). */
static void sleepers_insert(struct thread *t)
{
    assert(!intr_enabled());
    /* LAB 6: BEGIN SOLUTION */
    struct thread **p = &sleepers;
    while (*p && (*p)->wake_tick <= t->wake_tick)
        p = &(*p)->sleep_next;
    t->sleep_next = *p;
    *p = t;
    /* LAB 6: STUB
    (void)t; (void)sleepers;
    panic("lab6: sleepers_insert not implemented");
    LAB 6: END SOLUTION */
}

/* Exercise 7: ready on tick now + ticks exactly (0 ticks: a yield, nothing more). */
void thread_sleep_ticks(uint64_t ticks)
{
    struct thread *cur = thread_current();

    assert(!intr_context());            /* a handler never blocks (interrupts.h) */
    if (ticks == 0) {
        thread_yield();                 /* give the CPU to an equal, nothing more */
        return;
    }
    /* LAB 6: BEGIN SOLUTION */
    intr_state_t fl = intr_disable();    /* before reading the tick: it may come at any line */
    cur->wake_tick = timer_ticks() + ticks;
    sleepers_insert(cur);
    sched_block();                      /* the tick that makes it due unblocks it */
    intr_restore(fl);
    /* LAB 6: STUB
    (void)cur; (void)sleepers_insert;
    panic("lab6: thread_sleep_ticks not implemented");
    LAB 6: END SOLUTION */
}

/* Exercise 8. From the tick, interrupts masked: every sleeper due by `now` becomes ready. */
void alarm_wake_due(uint64_t now)
{
    assert(!intr_enabled());
    /* LAB 6: BEGIN SOLUTION */
    while (sleepers && sleepers->wake_tick <= now) {    /* <=: restarts count several ticks */
        struct thread *t = sleepers;
        sleepers = t->sleep_next;
        t->sleep_next = 0;
        t->alarm_tick = now;
        sched_unblock(t);
    }
    /* LAB 6: STUB
    (void)now;
    panic("lab6: alarm_wake_due not implemented");
    LAB 6: END SOLUTION */
}

/* Exercise 8. The first sleeper's wake tick; UINT64_MAX when none sleeps. Interrupts masked. */
uint64_t alarm_next_tick(void)
{
    assert(!intr_enabled());
    /* LAB 6: BEGIN SOLUTION */
    return sleepers ? sleepers->wake_tick : UINT64_MAX;
    /* LAB 6: STUB
    panic("lab6: alarm_next_tick not implemented");
    LAB 6: END SOLUTION */
}
