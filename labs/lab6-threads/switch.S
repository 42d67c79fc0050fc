/*
 * switch.S - the context switch, in the style of xv6's swtch.S.
 *
 *     void switch_stacks(uintptr_t *save_sp, uintptr_t new_sp);
 *
 * Saves the current thread's callee-saved registers on its own stack, stores
 * its stack pointer in *save_sp, loads new_sp and pops the other thread's
 * registers, then returns - on the other thread's stack, so into whatever
 * called switch_stacks there (or, for a new thread, into the entry its stack
 * was built with: machine_x86.c).
 *
 * Why this is enough: switch_stacks is an ordinary C call. The System V i386
 * ABI lets a callee clobber eax, ecx and edx, so the caller has already saved
 * whatever it needed of them; ebx, esi, edi and ebp must survive the call,
 * so we save them; eip is the return address the call pushed; eflags is put
 * back by the caller's intr_restore (every switch runs with interrupts
 * masked); the segment registers never change in this kernel. The thread
 * interrupted by an IRQ had its full state saved by the trap frame already.
 */
        .text
        .globl switch_stacks
        .type switch_stacks, @function
switch_stacks:
        /* LAB 6: BEGIN SOLUTION */
        movl    4(%esp), %eax           /* save_sp */
        movl    8(%esp), %edx           /* new_sp */
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        movl    %esp, (%eax)
        movl    %edx, %esp
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret
        /* LAB 6: STUB
        jmp     switch_not_implemented
        LAB 6: END SOLUTION */
        .size switch_stacks, . - switch_stacks

        .section .note.GNU-stack, "", @progbits
