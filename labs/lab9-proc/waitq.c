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

/* Interrupt handlers run with IF clear (every gate is an interrupt gate): never sleep there. */
void assert_may_block(void)
{
    assert(read_eflags() & EFLAGS_IF);
}

/*
 * Exercise 3a: sleep on q (Linux's wait queues; mu guards q and is held).
 * A pending signal: -EINTR at once. Else mark the process sleeping (with
 * interrupts masked: proc_wake tests and clears the mark from any thread),
 * put it on q, release mu and sleep on its own semaphore (p->wake: a wake
 * that comes between the unlock and the sleep is counted, not lost), then
 * take mu again and leave q if a signal, not waitq_wake_all, woke it.
 * 0, or -EINTR if a signal is pending now.
 */
int proc_sleep(struct waitq *q, struct mutex *mu)
{
    struct proc *p = proc_current();

    assert_may_block();
    /* LAB 9: BEGIN SOLUTION */
    if (p->pending)
        return -EINTR;
    irq_flags_t fl = irq_save();
    p->sleeping = true;
    irq_restore(fl);
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
 * with interrupts masked, so that two wakers never up it twice for one sleep
 * (a second up would let its next sleep return at once).
 */
void proc_wake(struct proc *p)
{
    /* LAB 9: BEGIN SOLUTION */
    irq_flags_t fl = irq_save();

    if (p->sleeping) {
        p->sleeping = false;
        sema_up(&p->wake);
    }
    irq_restore(fl);
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

