/*
 * waitq.c - how a process sleeps until something changes, as Linux's wait
 * queues have it (include/linux/wait.h): a pipe with no bytes, a parent with
 * no zombie child, a console with no line. The sleeper queues itself on the
 * object's queue, under the lock that guards the object, and sleeps on its
 * own semaphore; whoever changes the object wakes the queue. A signal wakes
 * a sleeper too, without knowing which queue it is on: the semaphore counts
 * that wake, and the sleeper takes itself off the queue and returns -EINTR.
 */
#include "panic.h"
#include "kproc.h"
#include "x86.h"

/* Interrupt handlers run with IF clear (every gate is an interrupt gate): never sleep there.
   intr_enabled() is EFLAGS.IF on the kernel, the fake machine's flag in the host tests. */
void assert_may_block(void)
{
    assert(intr_enabled());
}

/*
 * Exercise 3a: sleep on q (Linux's wait queues; mu guards q and is held).
 * With interrupts masked: a pending signal is -EINTR at once, else mark the
 * process sleeping. Then put it on q, release mu and sleep on its own
 * semaphore (p->wake), then take mu again and leave q if a signal, not
 * waitq_wake_all, woke it. 0, or -EINTR if a signal is pending now.
 *
 * Why this order. A waker finds the sleeper by the mark: proc_wake ups the
 * semaphore only if p->sleeping is set. So the mark must be set before
 * anyone can wake us: before mu is released (waitq_wake_all runs under mu),
 * and in the same masked stretch as the look at p->pending (signal_send sets
 * the bit and then calls proc_wake, from another thread or a handler: a
 * signal between an unmasked look and the mark would find no mark, and we
 * would sleep with it pending). After that the semaphore counts: a wake
 * between mutex_unlock and sema_down leaves count 1, and sema_down returns.
 * tests/test_lab9_waitq.c sends the wake at every one of these moments.
 */
int proc_sleep(struct waitq *q, struct mutex *mu)
{
    struct proc *p = proc_current();

    assert_may_block();
    /* LAB 9: BEGIN SOLUTION */
    intr_state_t fl = intr_disable();
    bool marked = p->sleeping = !p->pending;    /* the look and the mark: one masked stretch */
    intr_restore(fl);
    if (!marked)
        return -EINTR;
    p->wq_next = q->first;
    q->first = p;
    mutex_unlock(mu);
    sema_down(&p->wake);
    mutex_lock(mu);
    for (struct proc **pp = &q->first; *pp; pp = &(*pp)->wq_next)
        if (*pp == p) {                 /* a signal woke it: still queued */
            *pp = p->wq_next;
            break;
        }
    return p->pending ? -EINTR : 0;
    /* LAB 9: STUB
    (void)q;
    (void)mu;
    panic("lab9: proc_sleep not implemented (process %u)", p->base.pid);
    LAB 9: END SOLUTION */
}

/*
 * Exercise 3b: wake p wherever it sleeps, from any thread (a signal, a
 * waitq): if it is marked sleeping, clear the mark and up its semaphore, all
 * with interrupts masked. Test and clear are one step so that two wakers (a
 * pipe's writer and a signal) never up it twice for one sleep: a second up
 * would stay in the count and let its next sleep return at once, asleep on
 * nothing.
 */
void proc_wake(struct proc *p)
{
    /* LAB 9: BEGIN SOLUTION */
    intr_state_t fl = intr_disable();

    if (p->sleeping) {
        p->sleeping = false;
        sema_up(&p->wake);
    }
    intr_restore(fl);
    /* LAB 9: STUB
    panic("lab9: proc_wake not implemented (process %u)", p->base.pid);
    LAB 9: END SOLUTION */
}

/* Every sleeper of q off it and awake; the mutex guarding q is held. */
void waitq_wake_all(struct waitq *q)
{
    while (q->first) {
        struct proc *p = q->first;
        q->first = p->wq_next;
        proc_wake(p);
    }
}

