/*
 * platform_x86.c - the executor's machine layer on i386 (platform.h): its
 * idle, lab 6's hooks when set, else lab 3's race-free tickless halt.
 */
#include "executor.h"
#include "interrupts.h"
#include "platform.h"
#include "tickless.h"
#include "x86.h"

static const struct executor_idle_hooks *idle_hooks;

void executor_set_idle_hooks(const struct executor_idle_hooks *hooks)
{
    idle_hooks = hooks;
}

void plat_task_queued(void)
{
    if (idle_hooks)
        idle_hooks->notify();
}

void plat_enable_and_wait(void)
{
    if (idle_hooks) {
        idle_hooks->wait();             /* block the executor's thread (lab 6) */
        return;
    }
    tickless_idle(timerq_next_deadline());
}
