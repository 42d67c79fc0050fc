/*
 * lab1_fake.h - what labs/lab1-interrupts/pic.c and pit.c call outside
 * themselves, for the host tests that link them whole: trap_register
 * (trap.c; pic_init, never called here), the command line, kprintf and
 * machine_exit (pit_init's refusal of a bad hz=, never run here), and the
 * interrupt flag (x86.h's intr_*, functions on the host). Their port I/O
 * builds on the host but never runs: pic.c's tests call no pic_init, mask or
 * pic_read_isr, and pit.c reaches its chip only through a struct pit_ops.
 */
#ifndef CAIRN_TESTS_LAB1_FAKE_H
#define CAIRN_TESTS_LAB1_FAKE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "interrupts.h"
#include "machine.h"
#include "x86.h"

void trap_register(uint8_t vector, trap_handler_fn fn) { (void)vector; (void)fn; }
const char *cmdline_str(const char *name, const char *fallback) { (void)name; return fallback; }
uint64_t cmdline_uint(const char *name, uint64_t fallback, uint64_t min, uint64_t max)
{
    (void)name; (void)min; (void)max;
    return fallback;
}
int kprintf(const char *fmt, ...) { (void)fmt; return 0; }
void machine_exit(enum exit_code code) { printf("  machine_exit(%d)\n", code); abort(); }

static bool fake_if = true;
bool intr_enabled(void) { return fake_if; }
void intr_enable(void) { fake_if = true; }
intr_state_t intr_disable(void) { bool was = fake_if; fake_if = false; return was; }
void intr_restore(intr_state_t was) { fake_if = was != 0; }

#endif
