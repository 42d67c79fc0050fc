/*
 * route.c - where trap_dispatch sends a trap (Intel SDM Vol. 3A, 6.3 "Sources
 * of Interrupts", 6.12.1: the CS the CPU saves has the interrupted code's
 * privilege level in its RPL bits). Pure: no port I/O, built on the host too.
 *
 * The order is the policy: a registered handler owns its vector (system
 * calls, IRQs, lab 8's page faults); an int3 in the kernel is a probe that
 * continues; a fault in ring 3 is the process's, which lab 8's hook kills;
 * anything left is a kernel bug or an interrupt nobody expected, and stops
 * the machine with a report.
 */
#include "gdt.h"
#include "exception.h"
#include "panic.h"
#include "trap.h"

/* Exercise 7. */
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
