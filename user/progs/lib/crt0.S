/*
 * crt0.S - _start, where the kernel enters a program. Linux i386 (System V
 * i386 ABI, "Process Initialization") leaves esp pointing at argc, then
 * argv[0..argc-1], NULL, envp..., NULL, then the auxv pairs. We pass that
 * pointer to ulib_start (start.c) on a 16-byte aligned stack, as gcc's
 * code expects at a call, and mark the outermost frame with ebp = 0 so a
 * debugger's backtrace stops here.
 */
    .text
    .globl _start
    .type _start, @function
_start:
    xorl %ebp, %ebp
    movl %esp, %eax             /* -> argc */
    andl $-16, %esp
    subl $12, %esp
    pushl %eax
    call ulib_start             /* never returns: it calls exit */
    ud2                         /* if it did, an invalid opcode ends the program */
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
