/*
 * donate.c - priority donation through mutexes, and the wait-for cycle check
 * (Pintos' "priority donation", nested; see handouts/lab6.md).
 *
 * Priority inversion: a low-priority thread L holds a mutex that a high one,
 * H, needs; a medium one, M, never blocks, so L never runs, never releases,
 * and H waits behind M forever. Donation lends H's priority to L while H
 * waits, so L runs, releases, and the loan ends.
 *
 * The loan follows the chain: if L is itself blocked on a mutex held by K, K
 * gets it too, and so on (DONATE_DEPTH deep). The effective priority of a
 * thread is never stored as a list of loans: it is recomputed when a loan may
 * end, as the larger of its base priority and the best waiter of each mutex it
 * still holds. Everything here runs with interrupts masked.
 */
#include "panic.h"
#include "scheduler.h"

#define DONATE_DEPTH 16                 /* the issue asks for chains at least 8 deep */

/* t is about to block on m (held by someone else): lend t's priority down the chain. */
void donate_before_block(struct thread *t, struct mutex *m)
{
    t->waiting_on = m;
    /* LAB 6: BEGIN SOLUTION */
    struct mutex *link = m;
    for (int depth = 0; link && link->owner && depth < DONATE_DEPTH; depth++) {
        struct thread *holder = link->owner;
        if (holder->prio >= t->prio)
            break;                      /* it (and so everyone after it) runs high enough */
        sched_set_prio(holder, t->prio);
        link = holder->waiting_on;
    }
    /* LAB 6: STUB
    panic("lab6: priority donation (donate_before_block) not implemented");
    LAB 6: END SOLUTION */
}

/*
 * t released a mutex, got one handed over, or changed its base: recompute its
 * priority. On a hand-over (mutex_unlock) this changes nothing today: the new
 * owner is the mutex's best waiter, so none of the waiters left outranks it.
 * The call is there because the rule (effective = max(base, best waiter of
 * each mutex held)) must be restored wherever the set of held mutexes changes;
 * a wait queue that handed over in any other order would need it.
 */
void donate_after_release(struct thread *t)
{
    /* LAB 6: BEGIN SOLUTION */
    int prio = t->base_prio;
    for (struct mutex *m = t->held; m; m = m->held_next) {
        int top = waitq_top(&m->waiters);
        if (top > prio)
            prio = top;
    }
    sched_set_prio(t, prio);
    /* LAB 6: STUB
    (void)t;
    panic("lab6: undoing a donation (donate_after_release) not implemented");
    LAB 6: END SOLUTION */
}

/*
 * Would t waiting for m close a cycle? Follow m's holder, the mutex that
 * holder waits for, its holder... A cycle is a chain that comes back to t.
 * Returns its length with its mutexes in locks[] (m first), or 0.
 */
int deadlock_cycle(struct thread *t, struct mutex *m, struct mutex **locks, int max)
{
    int n = 0;
    for (struct mutex *link = m; link && link->owner && n < max; n++) {
        locks[n] = link;
        if (link->owner == t)
            return n + 1;
        link = link->owner->waiting_on;
    }
    return 0;
}

void thread_set_priority(int prio)
{
    struct thread *cur = thread_current();

    if (prio < THREAD_PRIO_MIN || prio > THREAD_PRIO_MAX)
        panic("lab6: thread %s: priority %d is outside %d-%d", cur->name, prio,
              THREAD_PRIO_MIN, THREAD_PRIO_MAX);
    intr_state_t fl = intr_disable();
    cur->base_prio = prio;
    donate_after_release(cur);          /* effective = max(base, donations) */
    intr_restore(fl);
    sched_preempt_if_outranked();
}

int thread_get_priority(void)
{
    return thread_current()->prio;
}
