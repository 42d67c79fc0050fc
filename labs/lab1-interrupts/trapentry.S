/*
 * trapentry.S - one entry stub per vector, all ending in alltraps, which
 * builds the struct trapframe of interrupts.h and calls trap_dispatch.
 *
 * The CPU pushes eflags, cs, eip - and first, for a trap from ring 3 (lab 8's
 * processes), the user's ss and esp, the last two fields of struct trapframe,
 * which a trap from ring 0 does not have - and for some exceptions an error
 * code (Intel SDM Vol. 3A, 6.12.1, Figure 6-4; which ones: Table 6-1 and
 * 6.15). The stubs of the other vectors push a 0
 * in its place so that every frame has the same shape. A software `int N`
 * never pushes an error code, so `int $13` would build a frame one word off:
 * don't raise those vectors by hand.
 */
#include "exception.h"                  /* EXC_ERROR_CODE_MASK, EXC_VECTORS */
#include "gdt.h"                        /* GDT_KERNEL_DATA */

        .altmacro
        .macro trap_stub v
        .globl trap_stub_\v
trap_stub_\v:
        .if \v < EXC_VECTORS
        .if (EXC_ERROR_CODE_MASK >> \v) & 1
        .else
        pushl   $0                      /* the missing error code */
        .endif
        .else
        pushl   $0                      /* interrupts never push one */
        .endif
        pushl   $\v
        jmp     alltraps
        .endm

        .macro stub_address v
        .long   trap_stub_\v
        .endm

        .text
        .set    vec, 0
        .rept   256
        trap_stub %vec
        .set    vec, vec + 1
        .endr

/* Finish the frame (general and segment registers), call C, undo it all. */
        .type alltraps, @function
alltraps:
        pushal
        pushl   %ds
        pushl   %es
        pushl   %fs
        pushl   %gs
        movw    $GDT_KERNEL_DATA, %ax   /* the data segments may not be ours */
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %fs
        movw    %ax, %gs
        cld                             /* the C ABI expects DF = 0 */
        pushl   %esp                    /* trap_dispatch(struct trapframe *tf) */
        call    trap_dispatch
        addl    $4, %esp
/* The way back, from a trap frame at esp: lab 9's proc_iret enters here too. */
        .globl trapret
trapret:
        popl    %gs
        popl    %fs
        popl    %es
        popl    %ds
        popal
        addl    $8, %esp                /* vector and error code */
        iret
        .size alltraps, . - alltraps

/*
 * The #DF task starts here (its TSS's eip), on its own stack, with the error
 * code pushed on that stack: calling double_fault_report makes it the
 * argument. The report never returns.
 */
        .globl double_fault_entry
        .type double_fault_entry, @function
double_fault_entry:
        call    double_fault_report
1:      cli
        hlt
        jmp     1b
        .size double_fault_entry, . - double_fault_entry

        .section .rodata
        .align 4
        .globl trap_stubs
trap_stubs:
        .set    vec, 0
        .rept   256
        stub_address %vec
        .set    vec, vec + 1
        .endr

        .section .note.GNU-stack, "", @progbits
