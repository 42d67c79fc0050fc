/*
 * tss.c - the two task-state segments: the boot task's, and the double-fault
 * task's (Intel SDM Vol. 3A, 7.2 "Task Management Data Structures", 6.14.2 /
 * 7.3 for task gates; 6.12.1 for the stack a trap from ring 3 switches to).
 *
 * #DF arrives through a task gate, which switches to a task with its own
 * stack. A fault while pushing a fault's frame (a kernel-stack overflow) is a
 * double fault, and a handler on the broken stack would fault a third time:
 * the CPU would shut down (a triple fault) and QEMU would reset without a
 * word. The boot task's TSS is where that switch saves the interrupted state,
 * and its SS0:ESP0 is the kernel stack a trap from ring 3 runs on (lab 8).
 */
#include <stdint.h>
#include "exception.h"
#include "gdt.h"
#include "interrupts.h"
#include "kprintf.h"
#include "machine.h"
#include "panic.h"
#include "trap.h"
#include "tss.h"
#include "x86.h"

#define DF_STACK_SIZE 4096

static struct tss boot_tss;             /* where a task switch saves the interrupted state */
static struct tss double_fault_tss;
static uint8_t double_fault_stack[DF_STACK_SIZE] __attribute__((aligned(16)));

/*
 * Exercise 4: the boot task first (where a switch saves the state it leaves),
 * then the double-fault task that task gate 8 names (tss_init_task).
 */
void double_fault_init(void)
{
    /* LAB 1: BEGIN SOLUTION */
    boot_tss.iomap_base = sizeof boot_tss;      /* no I/O bitmap */
    gdt_set_tss(GDT_TSS0, (uintptr_t)&boot_tss, sizeof boot_tss - 1);
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)GDT_TSS0));

    tss_init_task(&double_fault_tss, (uint32_t)(uintptr_t)double_fault_entry,
                  (uint32_t)(uintptr_t)(double_fault_stack + sizeof double_fault_stack),
                  read_cr3());
    gdt_set_tss(GDT_TSS1, (uintptr_t)&double_fault_tss, sizeof double_fault_tss - 1);
    /* LAB 1: STUB
    (void)double_fault_stack;
    panic("lab1: double_fault_init() not implemented (the boot TSS, ltr, the #DF task)");
    LAB 1: END SOLUTION */
}

void double_fault_set_cr3(uint32_t cr3)
{
    double_fault_tss.cr3 = cr3;
}

/* The stack a trap from ring 3 switches to (SDM Vol. 3A, 6.12.1: SS0:ESP0 of the TSS). */
void trap_set_kernel_stack(uint32_t esp0)
{
    boot_tss.ss0 = GDT_KERNEL_DATA;
    boot_tss.esp0 = esp0;
}

/*
 * Runs as the #DF task. The switch saved the interrupted state in the boot
 * task's TSS: that is the state to show (its eip is the instruction whose
 * fault could not be delivered).
 */
void double_fault_report(uint32_t error)
{
    const struct tss *b = &boot_tss;
    struct cpu_state s = {
        .eip = b->eip, .cs = b->cs, .eflags = b->eflags, .esp = b->esp, .ss = b->ss,
        .eax = b->eax, .ebx = b->ebx, .ecx = b->ecx, .edx = b->edx,
        .esi = b->esi, .edi = b->edi, .ebp = b->ebp,
        .ds = b->ds, .es = b->es, .fs = b->fs, .gs = b->gs,
    };

    trap_report_begin();
    trap_print_heading(EXC_DF, error, 0);
    kprintf("  reported by the double-fault task on its own stack; the faulting state:\n");
    trap_print_state(&s);
    kprintf("  cr2 0x%08x (the last page-fault address)\n", read_cr2());
    machine_exit(EXIT_EXCEPTION_CODE);
}
