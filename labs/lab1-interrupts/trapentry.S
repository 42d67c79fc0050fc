/*
 * trapentry.S - one entry stub per vector, all ending in alltraps, which
 * builds the struct trapframe of interrupts.h and calls trap_dispatch.
 *
 * The CPU pushes eflags, cs, eip (no ss/esp: we never leave ring 0), and for
 * some exceptions an error code (Intel SDM Vol. 3A, 6.12.1, Figure 6-4;
 * which ones: Table 6-1 and 6.15). The stubs of the other vectors push a 0
 * in its place so that every frame has the same shape. A software `int N`
 * never pushes an error code, so `int $13` would build a frame one word off:
 * don't raise those vectors by hand.
 */
#define KERNEL_DATA_SEL 0x10            /* GDT_KERNEL_DATA in gdt.h (a C header) */

/* Vectors that push an error code: 8, 10-14, 17, 21 (Intel), 29, 30 (AMD). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                           (v) == 21 || (v) == 29 || (v) == 30)

        .altmacro
        .macro trap_stub v
        .globl trap_stub_\v
trap_stub_\v:
        .if HAS_ERROR_CODE(\v)
        .else
        pushl   $0                      /* the missing error code */
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
        movw    $KERNEL_DATA_SEL, %ax   /* the data segments may not be ours */
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %fs
        movw    %ax, %gs
        cld                             /* the C ABI expects DF = 0 */
        pushl   %esp                    /* trap_dispatch(struct trapframe *tf) */
        call    trap_dispatch
        addl    $4, %esp
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
