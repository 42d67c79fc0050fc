/*
 * idle.c - the idle thread's halt without the tick (NO_HZ idle: lab 3's
 * tickless idle, handouts/lab3.md section 9, for the thread that runs when no
 * other can; handouts/lab6.md, "Tickless idle").
 *
 * With only the idle thread runnable, nothing needs the tick before the first
 * of two deadlines: a sleeping thread's wake tick (alarm.c) and a lab 3
 * timer's (the executor's thread is blocked, but its timers still fall due).
 * No time slice bounds the halt: a slice runs out only for a running thread,
 * and any interrupt that makes one ready ends the halt. So lab 3's decision
 * (tickless_stop) arms one one-shot for that tick, capped at ~55 ms, and the
 * CPU halts until it or any other interrupt comes.
 *
 * While the tick is stopped the IRQ exit hook does nothing: the one-shot's
 * IRQ 0 is not a tick, and no thread may run before the ticks that passed are
 * counted and the tick runs again. That is done here, right after the hlt:
 * restart the tick (lab 1 adds the ticks, lab 3's timers due by then fire),
 * charge the ticks to idle and wake the sleepers due, on the tick count they
 * fall due on; then the idle loop switches to whoever is ready. The race is
 * lab 3's hlt race: the decision is taken with interrupts masked, and "sti;
 * hlt" lets an interrupt that came meanwhile end the halt at once.
 */
#include "scheduler.h"
#include "sleep.h"
#include "tickless.h"

static bool tick_stopped;               /* set only between the decision and the restart */

bool idle_tick_stopped(void)
{
    return tick_stopped;
}

uint64_t idle_deadline(void)
{
    uint64_t sleeper = alarm_next_tick(), timer = timerq_next_deadline();
    return sleeper < timer ? sleeper : timer;
}

void idle_halt(void)
{
    plat_assert_irqs_off();
    uint64_t before = plat_ticks();
    tick_stopped = tickless_stop(idle_deadline());
    cpu_wait();                         /* sti; hlt: any interrupt, the one-shot's included */
    if (!tick_stopped)
        return;                         /* the tick ran: its exit hook charged and woke */
    plat_irq_disable();
    plat_tick_restart();                /* the ticks that passed; lab 3's timers due */
    tick_stopped = false;
    uint64_t passed = plat_ticks() - before;
    if (passed)
        sched_tick((uint32_t)passed);
    plat_irq_enable();
}
