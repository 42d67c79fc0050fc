/*
 * tickless.c - the idle: where the executor goes when nothing is ready (lab
 * 6's hooks when it runs as a thread, else the CPU halts here), and NO_HZ idle,
 * the one place the tick is stopped and restarted: when the CPU has nothing to
 * run (lab 3's executor alone, or lab 6's idle thread), stop the periodic tick
 * and sleep until the caller's deadline or any other interrupt
 * (handouts/lab3.md, "Challenge: tickless idle"; lab 1's pit.c does the
 * 8254's part, "Mode 0").
 *
 * The periodic tick exists so that sleepers are woken on time; an idle CPU
 * with no sleeper due in the next tick has no use for it, and each tick still
 * wakes the CPU (1000 times a second). So: one one-shot for the deadline
 * (capped by lab 1 at a 16-bit count, ~55 ms: a longer sleep takes several),
 * then, whatever ended the hlt, restart the tick: lab 1 counts the ticks that
 * passed and tells its subscribers (lab 3's timers, lab 6's sched_tick) once,
 * so what is due fires exactly as the periodic tick would have made it.
 *
 * The race is lab 3's hlt race: the decision is made with interrupts masked,
 * and they are enabled only by the "sti; hlt" pair, so an interrupt that came
 * in between is pending and ends the hlt at once.
 */
#include "executor.h"
#include "interrupts.h"
#include "panic.h"
#include "sleep.h"
#include "tasks.h"
#include "tickless.h"
#include "x86.h"

static bool periodic_only;
static struct tickless_stats stats;

void tickless_set_periodic(bool periodic)
{
    periodic_only = periodic;
}

struct tickless_stats tickless_stats(void)
{
    intr_state_t fl = intr_disable();
    struct tickless_stats s = stats;
    intr_restore(fl);
    return s;
}

/* Stop the tick and arm the one-shot for `deadline` (true), or keep it (false). */
static bool tickless_stop(uint64_t deadline)
{
    assert(!intr_enabled());
    uint64_t now = timer_ticks();
    if (periodic_only || deadline <= now + 1) {     /* due within a tick: keep it */
        stats.periodic_halts++;
        return false;
    }
    uint64_t ahead = deadline == UINT64_MAX ? UINT64_MAX : deadline - now;
    uint32_t armed = timer_tick_stop(ahead);
    stats.stops++;
    if (armed < ahead)
        stats.capped++;                 /* the next idle loop arms the rest */
    return true;
}

void tickless_idle(uint64_t deadline)
{
    bool stopped = tickless_stop(deadline);
    intr_enable_and_halt();                        /* any interrupt, the one-shot's included */
    if (!stopped)
        return;
    intr_disable();
    timer_tick_restart();               /* the ticks that passed; the subscribers told */
    intr_enable();
}

static const struct executor_idle_hooks *idle_hooks;   /* lab 6's, or NULL */

void executor_set_idle_hooks(const struct executor_idle_hooks *hooks)
{
    idle_hooks = hooks;
}

void executor_task_queued(void)
{
    if (idle_hooks)
        idle_hooks->notify();
}

void executor_idle(void)
{
    if (idle_hooks)
        idle_hooks->wait();             /* block the executor's thread (lab 6) */
    else
        tickless_idle(timerq_next_deadline());
}
