/*
 * alarm.c - the alarm clock (Pintos' first threads exercise): a thread that
 * sleeps blocks on a list ordered by wake tick, and the PIT tick unblocks
 * the ones whose tick has come. Nothing spins. Runs with interrupts masked
 * wherever the list is touched. The idle thread halts with the tick stopped
 * until the first sleeper's tick (idle.c), so its head is a deadline too.
 */
#include "scheduler.h"

static struct thread *sleepers;         /* by (wake_tick, sleep order) */

void thread_sleep_ms(uint32_t ms)
{
    uint64_t ticks = ((uint64_t)ms * plat_tick_hz() + 999) / 1000;
    struct thread *cur = thread_current();

    if (ticks == 0) {
        thread_yield();                 /* 0 ms: give the CPU to an equal, nothing more */
        return;
    }
    plat_irq_t fl = plat_irq_save();
    cur->wake_tick = plat_ticks() + ticks;
    struct thread **p = &sleepers;
    while (*p && (*p)->wake_tick <= cur->wake_tick)
        p = &(*p)->sleep_next;
    cur->sleep_next = *p;
    *p = cur;
    sched_block();
    plat_irq_restore(fl);
}

/* From the tick, interrupts masked: every sleeper due by `now` becomes ready. */
void alarm_wake_due(uint64_t now)
{
    plat_assert_irqs_off();
    while (sleepers && sleepers->wake_tick <= now) {
        struct thread *t = sleepers;
        sleepers = t->sleep_next;
        t->alarm_tick = now;
        sched_unblock(t);
    }
}

/* The first sleeper's wake tick; UINT64_MAX when none sleeps. Interrupts masked. */
uint64_t alarm_next_tick(void)
{
    plat_assert_irqs_off();
    return sleepers ? sleepers->wake_tick : UINT64_MAX;
}
