/*
 * task.c - a task-state segment the CPU can switch to (Intel SDM Vol. 3A,
 * 7.2.1 "Task-State Segment", Figure 7-2; 7.3 "Task Switching": what
 * the CPU loads from the new TSS). The double-fault task (tss.c) is made here.
 * Pure: no port I/O, built on the host too.
 *
 * A task switch loads every register from the new TSS, not only eip and esp:
 * a stale segment selector, LDT selector or T bit in it raises #TS or #DB
 * while the CPU is already handling a double fault - a triple fault.
 */
#include "gdt.h"
#include "panic.h"
#include "tss.h"

/* Exercise 3 (handouts/lab1.md): the fields are in tss.h, Figure 7-2. */
void tss_init_task(struct tss *t, uint32_t eip, uint32_t stack_top, uint32_t cr3)
{
    /* LAB 1: BEGIN SOLUTION */
    *t = (struct tss){ 0 };             /* no LDT, no T bit, no ring 0-2 stacks */
    t->eip = eip;
    t->esp = stack_top;                 /* pushes go down from the top */
    t->eflags = EFLAGS_RESERVED1;       /* IF = 0: no IRQ interrupts the report */
    t->cs = GDT_KERNEL_CODE;
    t->ss = t->ds = t->es = t->fs = t->gs = GDT_KERNEL_DATA;
    t->cr3 = cr3;                       /* the switch loads CR3 when paging is on */
    t->iomap_base = sizeof *t;          /* past the limit: no I/O bitmap */
    /* LAB 1: STUB
    (void)t; (void)eip; (void)stack_top; (void)cr3;
    panic("lab1: tss_init_task() not implemented");
    LAB 1: END SOLUTION */
}
