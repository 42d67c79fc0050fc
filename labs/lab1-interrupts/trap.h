/*
 * trap.h - lab 1's inside: the IDT, the entry stubs and the dispatcher
 * (trap.c), the reports (excreport.c) and the task-state segments with the
 * double-fault task (tss.c).
 * The public part (trap_register, struct trapframe) is in interrupts.h.
 */
#ifndef CAIRN_LAB1_TRAP_H
#define CAIRN_LAB1_TRAP_H

#include <stdbool.h>
#include <stdint.h>
#include "gate.h"
#include "interrupts.h"

#define IDT_ENTRIES 256

/* trapentry.S: the entry stub of each vector, and the double-fault task's entry. */
extern const uint32_t trap_stubs[IDT_ENTRIES];
void double_fault_entry(void);

void idt_init(void);                    /* idt_fill, then lidt */
/*
 * The table idt_init loads (gate.c, pure): every vector's entry stub
 * (stubs[v]) behind a 32-bit interrupt gate in GDT_KERNEL_CODE with DPL 0,
 * except #BP, which ring 3 may raise with int3 (DPL 3), and #DF, a task gate
 * to the double-fault task's TSS (GDT_TSS1).
 */
void idt_fill(struct idt_gate idt[IDT_ENTRIES], const uint32_t stubs[IDT_ENTRIES]);
void double_fault_init(void);           /* the boot task's TSS (ltr) and the #DF task's */
void trap_dispatch(struct trapframe *tf);

/* Where trap_dispatch sends a trap (trap_route, pure). */
enum trap_route {
    TRAP_TO_HANDLER,                    /* the function trap_register gave this vector */
    TRAP_TO_BREAKPOINT,                 /* a kernel int3: say where, and continue */
    TRAP_TO_USER_HOOK,                  /* a fault in ring 3: lab 8 kills the process */
    TRAP_TO_REPORT,                     /* anything else: report and stop the machine */
};
/* cs: the code segment the CPU saved (its low 2 bits: the interrupted ring). */
enum trap_route trap_route(uint32_t vector, uint32_t cs, bool has_handler, bool has_user_hook);
void double_fault_report(uint32_t error) __attribute__((noreturn));

/* What a report shows, from a trap frame or from a TSS. */
struct cpu_state {
    uint32_t eip, cs, eflags, esp, ss;
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
    uint32_t ds, es, fs, gs;
};

/* trap_dispatch's two reports: a kernel int3 (and carry on), anything unhandled (and stop). */
void trap_report_breakpoint(struct trapframe *tf);
void trap_report_and_exit(struct trapframe *tf) __attribute__((noreturn));
void trap_report_begin(void);           /* from here on, a fault ends the run at once */
void trap_print_heading(uint32_t vector, uint32_t error, uint32_t cr2);
void trap_print_state(const struct cpu_state *s);

#endif
