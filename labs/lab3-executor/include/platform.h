/*
 * platform.h - the little the executor core needs beyond x86.h's interrupt
 * masking and lab 1's tick: where its idle goes, and whom a queued task
 * tells. The kernel's version is platform_x86.c (lab 6's idle hooks, or lab
 * 3's own tickless halt); the host tests supply a fake machine that can raise
 * "interrupts" at the worst moments (tests/lab3_fake.h, tests/lab6_fake.h).
 * executor.c, future.c and sleep.c include nothing else machine-specific.
 *
 * Code that must not be interrupted (it edits a queue an interrupt handler
 * also edits) states it as Pintos does, assert(!intr_enabled()): checked,
 * panicking with the caller's file and line, in the kernel and on the fake.
 */
#ifndef CAIRN_LAB3_PLATFORM_H
#define CAIRN_LAB3_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include "interrupts.h"              /* lab 1's tick: timer_ticks, timer_tick_stop, ... */
#include "panic.h"
#include "x86.h"                     /* intr_disable, intr_restore, intr_enable_and_halt */

/*
 * Called with interrupts masked: enable them and sleep until the next
 * interrupt, with no gap between the two in which an interrupt could be
 * taken and then slept through (x86: "sti; hlt" in one asm statement).
 * Returns with interrupts enabled.
 */
void plat_enable_and_wait(void);
/* A task was just queued (interrupts masked): lab 6 makes the executor's thread ready. */
void plat_task_queued(void);

#endif
