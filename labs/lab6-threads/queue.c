/*
 * queue.c - the ready queue and the wait queues. Pure list work: the callers
 * mask interrupts (scheduler.h).
 *
 * The ready queue keeps one FIFO per priority and a 64-bit mask of the
 * non-empty ones, so the highest ready priority is one bit scan (Linux's O(1)
 * scheduler had the same shape). Round-robin among equals falls out of FIFO
 * order: a thread whose slice ends goes to the back of its own list.
 *
 * Wait queues (mutex, semaphore) are short and their waiters' priorities change
 * while they wait (donation), so they are kept unordered and searched when one
 * is woken: the highest priority wins, the oldest among equals.
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
