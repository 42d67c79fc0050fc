/*
 * trap.h - lab 1's inside: the IDT, the entry stubs and the double-fault task.
 * The public part (trap_register, struct trapframe) is in interrupts.h.
 */
#ifndef CAIRN_LAB1_TRAP_H
#define CAIRN_LAB1_TRAP_H

#include <stdint.h>
#include "interrupts.h"

#define IDT_ENTRIES 256

/* trapentry.S: the entry stub of each vector, and the double-fault task's entry. */
extern const uint32_t trap_stubs[IDT_ENTRIES];
void double_fault_entry(void);

void idt_init(void);                    /* 256 interrupt gates, #DF by task gate; lidt */
void double_fault_init(void);           /* the boot task's TSS (ltr) and the #DF task's */
void trap_dispatch(struct trapframe *tf);
void double_fault_report(uint32_t error) __attribute__((noreturn));

#endif
