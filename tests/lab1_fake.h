/*
 * lab1_fake.h - what labs/lab1-interrupts/pic.c needs from outside itself,
 * for the host tests that link it to test its pure part (pic_eoi_plan,
 * irq_handle, irq_run): trap_register (trap.c; pic_init, never called here)
 * and the interrupt flag (x86.h's intr_disable/intr_restore, functions on the
 * host, used by the mask API). pic.c's port I/O builds on the host but never
 * runs: no test calls pic_init, the masks or pic_read_isr.
 */
#ifndef CAIRN_TESTS_LAB1_FAKE_H
#define CAIRN_TESTS_LAB1_FAKE_H

#include <stdbool.h>
#include "interrupts.h"
#include "x86.h"

void trap_register(uint8_t vector, trap_handler_fn fn) { (void)vector; (void)fn; }
static bool fake_if = true;
intr_state_t intr_disable(void) { bool was = fake_if; fake_if = false; return was; }
void intr_restore(intr_state_t was) { fake_if = was != 0; }

#endif
