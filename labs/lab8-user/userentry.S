/*
 * userentry.S - the first entry into ring 3: an iret through a frame built by
 * hand (ring3.c's user_frame_init; Intel SDM Vol. 3A, 6.12.1, Figure 6-4
 * "Stack Usage on Transfers to Interrupt and Exception-Handling Routines",
 * read backwards: an iret to a less privileged ring pops eip, cs, eflags,
 * then esp and ss; and the IRET instruction's page in Vol. 2A).
 *
 *     void user_iret(const struct iret_frame *f);     never returns
 *
 * The general registers are zeroed as Linux leaves them (edx = 0 means "no
 * function for atexit"), and hold nothing of the kernel's; interrupts come on
 * with the iret (IF in the frame's eflags).
 */
#include "gdt.h"

        .text
        .globl user_iret
        .type user_iret, @function
user_iret:
        /*
         * Exercise 3c: point esp at the frame, so that iret pops it; load ds,
         * es, fs and gs with ring 3's data selector (a ring 0 selector left in
         * one would be zeroed by the iret, and the program's first memory
         * access through it would fault); zero the general registers; iret.
         */
        /* LAB 8: BEGIN SOLUTION */
        movl    4(%esp), %esp           /* the frame: nothing below it is needed again */
        movw    $(GDT_USER_DATA | GDT_RPL_USER), %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %fs
        movw    %ax, %gs
        xorl    %eax, %eax
        xorl    %ebx, %ebx
        xorl    %ecx, %ecx
        xorl    %edx, %edx
        xorl    %esi, %esi
        xorl    %edi, %edi
        xorl    %ebp, %ebp
        iret
        /* LAB 8: STUB
        jmp     user_iret_not_implemented
        LAB 8: END SOLUTION */
        .size user_iret, . - user_iret

        .section .note.GNU-stack, "", @progbits
