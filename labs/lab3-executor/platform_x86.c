/*
 * platform_x86.c - the executor's machine layer on i386 (platform.h): the
 * interrupt flag, the race-free sleep (tickless unless tick=periodic), lab 1's
 * tick, and lab 6's idle hooks.
 */
#include "executor.h"
#include "interrupts.h"
#include "platform.h"
#include "tickless.h"
#include "x86.h"

plat_irq_t plat_irq_save(void)
{
    return irq_save();
}

void plat_irq_restore(plat_irq_t f)
{
    irq_restore((irq_flags_t)f);
}

void plat_irq_disable(void)
{
    cli();
}

void plat_irq_enable(void)
{
    sti();
}

bool plat_irqs_enabled(void)
{
    return (read_eflags() & EFLAGS_IF) != 0;
}

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

/*
 * One asm statement, so the compiler cannot put anything between the two:
 * STI's interrupt shadow covers exactly the following instruction, the HLT
 * (Intel SDM Vol. 2B, STI; Vol. 3A 6.8.3). Any IRQ pending now ends the hlt.
 */
void plat_halt(void)
{
    __asm__ volatile("sti; hlt" ::: "memory");
}
