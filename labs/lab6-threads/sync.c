/*
 * sync.c - spinlock, mutex, counting semaphore and condition variable.
 *
 * On one CPU a "spinlock" never spins: the only thing that can run while a
 * critical section is half done is an interrupt handler (or, through it, a
 * preempting thread), so masking interrupts is the whole lock. It is kept as
 * a named lock anyway, because it documents what is protected, catches a
 * second locking (which on a multiprocessor would spin forever) and marks
 * where no switch may happen: schedule() panics while one is held.
 *
 * A sleeping lock blocks its thread instead: the check ("is it free?") and
 * the block happen with interrupts masked, so a release cannot slip between
 * them (the lost wakeup). The mutex hands itself to the highest-priority
 * waiter on release (no barging), and lends that waiter's priority to its
 * holder while it waits (donate.c).
 */
#include "kprintf.h"
#include "panic.h"
#include "scheduler.h"

#define DEADLOCK_MAX 32                 /* longest wait-for cycle reported in full */

void spin_init(struct spinlock *l, const char *name)
{
    *l = (struct spinlock){ .name = name };
}

void spin_lock(struct spinlock *l)
{
    intr_state_t fl = intr_disable();
    if (l->locked)
        panic("lab6: thread %s locks spinlock %s twice", thread_current()->name, l->name);
    l->locked = true;
    l->saved_flags = (uint32_t)fl;
    spin_depth++;
}

void spin_unlock(struct spinlock *l)
{
    if (!l->locked)
        panic("lab6: thread %s unlocks spinlock %s, which is not locked",
              thread_current()->name, l->name);
    l->locked = false;
    spin_depth--;
    intr_restore((intr_state_t)l->saved_flags);
}

void mutex_init(struct mutex *m, const char *name)
{
    *m = (struct mutex){ .name = name };
}

static void report_deadlock(struct thread *t, struct mutex *m, struct mutex **locks, int n)
{
    kprintf("lab6: deadlock: %d threads wait for each other:\n", n);
    for (int i = 0; i < n; i++) {
        struct thread *waiter = i == 0 ? t : locks[i - 1]->owner;
        kprintf("  thread %s waits for mutex %s, held by thread %s\n", waiter->name,
                locks[i]->name, locks[i]->owner->name);
    }
    panic("lab6: deadlock when thread %s locked mutex %s", t->name, m->name);
}

/* The mutex is now t's: on its list of held locks (their waiters donate to t). */
static void take(struct mutex *m, struct thread *t)
{
    m->owner = t;
    m->held_next = t->held;
    t->held = m;
    t->waiting_on = 0;
}

void mutex_lock(struct mutex *m)
{
    struct thread *self = thread_current();
    assert(!intr_context());            /* a handler never blocks (interrupts.h) */
    intr_state_t fl = intr_disable();

    if (m->owner == self)
        panic("lab6: thread %s locks mutex %s, which it already holds", self->name, m->name);
    /* LAB 6: BEGIN SOLUTION */
    if (!m->owner) {
        take(m, self);
    } else {
        struct mutex *cycle[DEADLOCK_MAX];
        int n = deadlock_cycle(self, m, cycle, DEADLOCK_MAX);
        if (n)
            report_deadlock(self, m, cycle, n);
        donate_before_block(self, m);
        waitq_push(&m->waiters, self);
        sched_block();
        assert(m->owner == self);       /* handed over by mutex_unlock */
    }
    /* LAB 6: STUB
    (void)take; (void)report_deadlock;
    panic("lab6: mutex_lock not implemented");
    LAB 6: END SOLUTION */
    intr_restore(fl);
}

void mutex_unlock(struct mutex *m)
{
    struct thread *self = thread_current();
    intr_state_t fl = intr_disable();

    if (m->owner != self)
        panic("lab6: thread %s unlocks mutex %s, held by %s", self->name, m->name,
              m->owner ? m->owner->name : "nobody");
    /* LAB 6: BEGIN SOLUTION */
    struct mutex **p = &self->held;
    while (*p != m)
        p = &(*p)->held_next;
    *p = m->held_next;
    m->owner = 0;
    struct thread *next = waitq_pop(&m->waiters);
    if (next) {
        take(m, next);                  /* hand-off: nobody can barge in before it runs */
        donate_after_release(next);     /* the others now lend to it (donate.c says why) */
        sched_unblock(next);
    }
    donate_after_release(self);         /* give back what m's waiters lent */
    /* LAB 6: STUB
    (void)take;
    panic("lab6: mutex_unlock not implemented");
    LAB 6: END SOLUTION */
    intr_restore(fl);
    sched_preempt_if_outranked();
}

void sema_init(struct semaphore *s, uint32_t count)
{
    *s = (struct semaphore){ .count = count };
}

void sema_down(struct semaphore *s)
{
    assert(!intr_context());            /* a handler never blocks (interrupts.h) */
    intr_state_t fl = intr_disable();
    /* LAB 6: BEGIN SOLUTION */
    while (s->count == 0) {             /* Mesa: someone may have taken it before we ran */
        waitq_push(&s->waiters, thread_current());
        sched_block();
    }
    s->count--;
    /* LAB 6: STUB
    (void)s;
    panic("lab6: sema_down not implemented");
    LAB 6: END SOLUTION */
    intr_restore(fl);
}

void sema_up(struct semaphore *s)
{
    intr_state_t fl = intr_disable();
    /* LAB 6: BEGIN SOLUTION */
    s->count++;
    struct thread *t = waitq_pop(&s->waiters);
    if (t)
        sched_unblock(t);
    /* LAB 6: STUB
    (void)s;
    panic("lab6: sema_up not implemented");
    LAB 6: END SOLUTION */
    intr_restore(fl);
    sched_preempt_if_outranked();
}

/* Each waiter waits on its own semaphore: a signal between the unlock and the
   sleep is counted there, not lost. */
struct cv_waiter {
    struct cv_waiter *next;
    struct thread *thread;
    struct semaphore sema;
};

void cond_init(struct condvar *c)
{
    c->waiters = 0;
}

void cond_wait(struct condvar *c, struct mutex *m)
{
    struct cv_waiter w = { .thread = thread_current() };

    if (m->owner != w.thread)
        panic("lab6: thread %s waits on a condition without holding mutex %s", w.thread->name,
              m->name);
    sema_init(&w.sema, 0);
    intr_state_t fl = intr_disable();
    struct cv_waiter **p = &c->waiters;
    while (*p)
        p = &(*p)->next;
    *p = &w;
    intr_restore(fl);
    mutex_unlock(m);
    sema_down(&w.sema);
    mutex_lock(m);
}

void cond_signal(struct condvar *c, struct mutex *m)
{
    if (m->owner != thread_current())
        panic("lab6: thread %s signals a condition without holding mutex %s",
              thread_current()->name, m->name);
    intr_state_t fl = intr_disable();
    struct cv_waiter **best = 0;
    for (struct cv_waiter **p = &c->waiters; *p; p = &(*p)->next)
        if (!best || (*p)->thread->prio > (*best)->thread->prio)
            best = p;
    struct cv_waiter *w = best ? *best : 0;
    if (w)
        *best = w->next;
    intr_restore(fl);
    if (w)
        sema_up(&w->sema);
}

void cond_broadcast(struct condvar *c, struct mutex *m)
{
    while (c->waiters)
        cond_signal(c, m);
}
