/*
 * idle.c - the idle thread's halt without the tick (NO_HZ idle: lab 1's
 * timer_idle_until, handouts/lab3.md section 9, for the thread that runs when no
 * other can; handouts/lab6.md, "Tickless idle").
 *
 * With only the idle thread runnable, nothing needs the tick before the first
 * of two deadlines: a sleeping thread's wake tick (queue.c's sleep queue) and
 * a lab 3 timer's (the executor's thread is blocked, but its timers still fall
 * due).
 * No time slice bounds the halt: a slice runs out only for a running thread,
 * and any interrupt that makes one ready ends the halt. So lab 1's
 * timer_idle_until, the one place the tick is stopped, halts until that tick
 * (one one-shot, capped at ~55 ms) or any other interrupt.
 *
 * While the tick is stopped (timer_tick_stopped()) the IRQ exit hook switches
 * no thread: the one-shot's IRQ 0 is no tick, and no thread may run before the
 * ticks that passed are counted. timer_idle_until restarts the tick right after
 * the hlt, and lab 1 then tells its subscribers once: lab 3's timers fire and
 * sched_tick charges the ticks to idle and wakes the sleepers due; then the
 * idle loop switches to whoever is ready.
 */
#include "interrupts.h"
#include "scheduler.h"
#include "sleep.h"

uint64_t idle_deadline(void)
{
    uint64_t sleeper = alarm_next_tick(), timer = timerq_next_deadline();
    return sleeper < timer ? sleeper : timer;
}

void idle_halt(void)
{
    assert(!intr_enabled());
    timer_idle_until(idle_deadline());  /* returns with IF=1, every tick that passed counted */
}
