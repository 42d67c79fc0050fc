/*
 * userentry.S - the first entry into ring 3: an iret from a frame built by
 * hand (Intel SDM Vol. 3A, 6.12.1, Figure 6-4 "Stack Usage on Transfers to
 * Interrupt and Exception-Handling Routines", read backwards: an iret to a
 * less privileged ring pops eip, cs, eflags, then esp and ss).
 *
 *     void user_enter(uint32_t eip, uint32_t esp);
 *
 * The general registers are zeroed as Linux leaves them (edx = 0 means "no
 * function for atexit"); interrupts come on with the iret (IF in eflags).
 */
#include "gdt.h"

#define EFLAGS_IF        0x200
#define EFLAGS_RESERVED1 0x2

        .text
        .globl user_enter
        .type user_enter, @function
user_enter:
        movl    4(%esp), %ecx           /* eip */
        movl    8(%esp), %edx           /* esp */
        movw    $(GDT_USER_DATA | GDT_RPL_USER), %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %fs
        movw    %ax, %gs
        pushl   $(GDT_USER_DATA | GDT_RPL_USER)         /* ss */
        pushl   %edx                                    /* esp */
        pushl   $(EFLAGS_IF | EFLAGS_RESERVED1)         /* eflags */
        pushl   $(GDT_USER_CODE | GDT_RPL_USER)         /* cs */
        pushl   %ecx                                    /* eip */
        xorl    %eax, %eax
        xorl    %ebx, %ebx
        xorl    %ecx, %ecx
        xorl    %edx, %edx
        xorl    %esi, %esi
        xorl    %edi, %edi
        xorl    %ebp, %ebp
        iret
        .size user_enter, . - user_enter

        .section .note.GNU-stack, "", @progbits
