/*
 * future.c - the small combinators yield_now and join (handouts/lab3.md §6,
 * exercise 1). The atomic waker an interrupt handler wakes is executor.c's.
 */
#include "executor.h"
#include "panic.h"
#include "x86.h"

/*
 * PENDING once, READY the next time. It wakes its own task before returning
 * PENDING: nothing else will, and the executor polls only woken tasks.
 */
static enum poll yield_poll(struct future *self, struct context *cx)
{
    /* LAB 3: BEGIN SOLUTION */
    struct yield_future *y = (struct yield_future *)self;

    if (y->yielded)
        return POLL_READY;
    y->yielded = true;
    waker_wake(cx->waker);      /* ready again at once, but behind every task already queued */
    return POLL_PENDING;
    /* LAB 3: STUB
    (void)self; (void)cx;
    panic("lab3: yield_poll not implemented");
    LAB 3: END SOLUTION */
}

void yield_now_init(struct yield_future *f)
{
    f->base.poll = yield_poll;
    f->yielded = false;
}

/*
 * READY when every child is. A child that returned READY is never polled
 * again (it may not tolerate it, and its result must stay put); the others
 * all share the task's waker, so any one's wake re-polls the rest too.
 */
static enum poll join_poll(struct future *self, struct context *cx)
{
    struct join_future *j = (struct join_future *)self;
    uint32_t all = j->n == 32 ? 0xffffffffu : (1u << j->n) - 1;   /* 1u << 32 is undefined */

    /* LAB 3: BEGIN SOLUTION */
    for (uint32_t i = 0; i < j->n; i++)
        if (!(j->done & (1u << i)) && future_poll(j->children[i], cx) == POLL_READY)
            j->done |= 1u << i;
    return j->done == all ? POLL_READY : POLL_PENDING;
    /* LAB 3: STUB
    (void)cx; (void)all;
    panic("lab3: join_poll not implemented");
    LAB 3: END SOLUTION */
}

void join_init(struct join_future *j, struct future **children, uint32_t n)
{
    if (n > JOIN_MAX)
        panic("lab3: join of %u futures (at most %d)", n, JOIN_MAX);
    j->base.poll = join_poll;
    j->children = children;
    j->n = n;
    j->done = 0;
}
