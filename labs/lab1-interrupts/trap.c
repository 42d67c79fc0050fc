/*
 * trap.c - the IDT, the dispatcher every entry stub calls, and where it sends
 * each trap (Intel SDM Vol. 3A, ch. 6 "Interrupt and Exception Handling";
 * 6.3 "Sources of Interrupts"; 6.12.1: the CS the CPU saves has the
 * interrupted code's privilege level in its RPL bits). The reports a trap
 * may end in are excreport.c's.
 *
 * Every gate is a 32-bit interrupt gate, so handlers run with IF = 0 and a
 * handler never interrupts itself. The one exception is #DF, which arrives
 * through a task gate to the double-fault task (tss.c).
 *
 * trap_route is pure (no port I/O) and tested on the host, where
 * tests/test_lab1_trap.c stands in for trapentry.S's stubs and the reports.
 */
#include <stdint.h>
#include "exception.h"
#include "gate.h"
#include "gdt.h"
#include "interrupts.h"
#include "panic.h"
#include "trap.h"

struct idt_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(8)));
static trap_handler_fn handlers[IDT_ENTRIES];
static trap_handler_fn user_fault_hook;  /* lab 8: an exception in ring 3 */

/* Exercise 2: idt_fill (gate.c) builds the table; lidt makes it the CPU's. */
void idt_init(void)
{
    /* LAB 1: BEGIN SOLUTION */
    struct idt_ptr ptr = { sizeof idt - 1, (uint32_t)(uintptr_t)idt };   /* limit: last byte */

    idt_fill(idt, trap_stubs);
    __asm__ volatile("lidt %0" : : "m"(ptr));
    /* LAB 1: STUB
    (void)idt;
    panic("lab1: idt_init() not implemented (fill the 256 gates, then lidt)");
    LAB 1: END SOLUTION */
}

/*
 * One mechanism from a vector to its handler, for every vector: an
 * exception's, a system call's, and each IRQ's too - pic_init registers its
 * irq_dispatch here for 0x20-0x2F like any other handler. A second way in
 * for IRQs (trap_dispatch calling the PIC's code itself) would save a call
 * but leave two places to look for what a vector runs.
 */
void trap_register(uint8_t vector, trap_handler_fn fn)
{
    handlers[vector] = fn;
}

/* A gate ring 3 may raise with `int` (DPL 3): lab 8's system calls. */
void trap_register_user(uint8_t vector, trap_handler_fn fn)
{
    handlers[vector] = fn;
    idt[vector] = gate_make(trap_stubs[vector], GDT_KERNEL_CODE, GATE_INTR32, 3);
}

void trap_set_user_fault_hook(trap_handler_fn fn)
{
    user_fault_hook = fn;
}

/*
 * Exercise 7: where trap_dispatch sends a trap. The order is the policy: a
 * registered handler owns its vector (system calls, IRQs, lab 8's page
 * faults); an int3 in the kernel is a probe that continues; a fault in ring
 * 3 is the process's, which lab 8's hook kills; anything left is a kernel bug
 * or an interrupt nobody expected, and stops the machine with a report.
 */
enum trap_route trap_route(uint32_t vector, uint32_t cs, bool has_handler, bool has_user_hook)
{
    /* LAB 1: BEGIN SOLUTION */
    bool from_user = (cs & 3) == GDT_RPL_USER;

    if (has_handler)
        return TRAP_TO_HANDLER;
    if (vector == EXC_BP && !from_user)
        return TRAP_TO_BREAKPOINT;      /* a user int3 is a fault (SIGTRAP), not a probe */
    if (from_user && has_user_hook)
        return TRAP_TO_USER_HOOK;       /* the process dies, not the kernel */
    return TRAP_TO_REPORT;
    /* LAB 1: STUB
    (void)vector; (void)cs; (void)has_handler; (void)has_user_hook;
    panic("lab1: trap_route() not implemented");
    LAB 1: END SOLUTION */
}

void trap_dispatch(struct trapframe *tf)
{
    trap_handler_fn fn = handlers[tf->vector & 0xFF];

    switch (trap_route(tf->vector, tf->cs, fn != 0, user_fault_hook != 0)) {
    case TRAP_TO_HANDLER:
        fn(tf);
        break;
    case TRAP_TO_BREAKPOINT:
        trap_report_breakpoint(tf);
        break;
    case TRAP_TO_USER_HOOK:
        user_fault_hook(tf);
        break;
    default:
        trap_report_and_exit(tf);   /* an exception, or an interrupt nobody registered */
    }
}
