/*
 * ring3.c - the two moments the CPU's protection needs the kernel's help: the
 * first entry into ring 3, and every switch to a process (Intel SDM Vol. 3A,
 * 6.12.1 "Exception- or Interrupt-Handler Procedures" and its Figure 6-4;
 * 7.2.1 "Task-State Segment (TSS)"; 4.3 for CR3; xv6's switchuvm does both
 * halves of the switch too).
 *
 * Entering: ring 0 cannot call or jump to ring 3; it can only return there.
 * iret pops eip, cs and eflags, and when the cs it pops has a higher RPL than
 * the current privilege level, esp and ss too: so the kernel builds by hand
 * the frame an interrupt from ring 3 would have pushed (user_frame_init), and
 * userentry.S returns through it (user_iret).
 *
 * Switching: a trap from ring 3 cannot trust the user's stack, so the CPU
 * loads SS0:ESP0 from the TSS before it pushes anything. Each process traps
 * onto its own thread's kernel stack, and each has its own page directory:
 * ESP0 and CR3 must name the next process's before it runs.
 *
 * Pure code: tests/test_lab8_ring3.c checks the frame, and the switches on
 * fakes of the TSS and CR3.
 */
#include "gdt.h"
#include "interrupts.h"
#include "panic.h"
#include "uvm.h"
#include "x86.h"

/*
 * Exercise 3b: the frame user_iret returns through to start a program at eip
 * with its stack at esp: ring 3's code and stack segments, each selector with
 * RPL 3 (the RPL of the cs popped is the privilege iret returns to, and ss's
 * must match it), and eflags with IF, so that the timer can preempt the
 * program, and the bit that is always 1. Nothing else: IOPL 0 keeps in, out,
 * cli and sti from ring 3 (they fault), and a stray TF, NT or VM would trap,
 * fail the iret or leave protected mode.
 */
void user_frame_init(struct iret_frame *f, uint32_t eip, uint32_t esp)
{
    /* LAB 8: BEGIN SOLUTION */
    f->eip = eip;
    f->cs = GDT_USER_CODE | GDT_RPL_USER;
    f->eflags = EFLAGS_IF | EFLAGS_RESERVED1;
    f->esp = esp;
    f->ss = GDT_USER_DATA | GDT_RPL_USER;
    /* LAB 8: STUB
    (void)f;
    (void)eip;
    (void)esp;
    panic("lab8: user_frame_init not implemented");
    LAB 8: END SOLUTION */
}

/* userentry.S's stub jumps here in the students' tree. */
void user_iret_not_implemented(void)
{
    panic("lab8: user_iret (userentry.S) not implemented");
}

/*
 * Exercise 2f: make the next thread's address space the CPU's; interrupts are
 * masked (lab 6's switch hook, or a process's first run). For a process p:
 * ESP0 is kernel_stack_top, its thread's kernel stack, so that its next trap
 * from ring 3 lands there and not on a stack another thread is using; and CR3
 * is its directory. For a kernel thread (p NULL), the kernel's directory: the
 * directory of the process that ran last may be freed while it runs. Every
 * directory maps the kernel the same way, so this code, its stack and its data
 * stay where they were across the CR3 load.
 */
void uvm_switch(const struct process *p, uint32_t kernel_stack_top)
{
    /* LAB 8: BEGIN SOLUTION */
    if (p) {
        trap_set_kernel_stack(kernel_stack_top);
        paging_switch(p->pgdir);
    } else {
        paging_switch(kernel_pgdir);
    }
    /* LAB 8: STUB
    (void)p;
    (void)kernel_stack_top;
    panic("lab8: uvm_switch not implemented");
    LAB 8: END SOLUTION */
}
