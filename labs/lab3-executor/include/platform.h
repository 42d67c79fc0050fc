/*
 * platform.h - the little the executor core needs from the machine. The
 * kernel's version is platform_x86.c (cli/sti/hlt, lab 1's PIT tick); the host
 * tests supply a fake one that can raise "interrupts" at the worst moments.
 * executor.c, future.c and sleep.c include nothing else machine-specific.
 */
#ifndef CAIRN_LAB3_PLATFORM_H
#define CAIRN_LAB3_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include "interrupts.h"              /* lab 1's tick: timer_ticks, timer_tick_stop, ... */
#include "panic.h"

typedef uintptr_t plat_irq_t;

plat_irq_t plat_irq_save(void);     /* mask interrupts, return the previous state */
void plat_irq_restore(plat_irq_t f);
void plat_irq_disable(void);        /* cli */
void plat_irq_enable(void);         /* sti */
bool plat_irqs_enabled(void);       /* IF */

/*
 * The precondition of code that must not be interrupted (it edits a queue an
 * interrupt handler also edits): checked, not only stated, as Pintos does
 * with ASSERT (intr_get_level () == INTR_OFF). It panics with the caller's
 * file and line, in the kernel and on the host's fake machine alike.
 */
#define plat_assert_irqs_off() assert(!plat_irqs_enabled())
/*
 * Called with interrupts masked: enable them and sleep until the next
 * interrupt, with no gap between the two in which an interrupt could be
 * taken and then slept through (x86: "sti; hlt" in one asm statement).
 * Returns with interrupts enabled.
 */
void plat_enable_and_wait(void);
/* The bare "sti; hlt" of the above, for tickless.c: no idle policy of its own. */
void plat_halt(void);
/* A task was just queued (interrupts masked): lab 6 makes the executor's thread ready. */
void plat_task_queued(void);

#endif
