/*
 * trap.h - lab 1's inside: the IDT, the entry stubs, the reports (trap.c) and
 * the task-state segments with the double-fault task (tss.c).
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

/* What a report shows, from a trap frame or from a TSS. */
struct cpu_state {
    uint32_t eip, cs, eflags, esp, ss;
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
    uint32_t ds, es, fs, gs;
};

void trap_report_begin(void);           /* from here on, a fault ends the run at once */
void trap_print_heading(uint32_t vector, uint32_t error, uint32_t cr2);
void trap_print_state(const struct cpu_state *s);

#endif
