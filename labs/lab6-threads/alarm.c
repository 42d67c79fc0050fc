/*
 * alarm.c - the alarm clock (Pintos' first threads exercise): a thread that
 * sleeps blocks on a list ordered by wake tick, and the PIT tick unblocks
 * the ones whose tick has come, in the order they fall due. Nothing spins.
 * The idle thread halts with the tick stopped until the first sleeper's tick
 * (idle.c), so the list's head is a deadline too (handouts/lab6.md
 * sections 3 and 13).
 *
 * The list is shared with the tick (sched_tick), so it is touched only with
 * interrupts masked; and "the deadline", "on the list" and "blocked" happen
 * in one masked stretch: a tick that fell between them would find the thread
 * due but still running (a wake lost, or sched_unblock on a running thread).
 */
#include "panic.h"
#include "scheduler.h"

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
