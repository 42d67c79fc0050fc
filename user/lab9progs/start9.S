/* start9.S - _start for lab 9's test programs: t9_start(the initial stack pointer). */
        .text
        .globl _start
_start:
        xorl    %ebp, %ebp
        movl    %esp, %eax
        andl    $-16, %esp
        subl    $12, %esp
        pushl   %eax
        call    t9_start
        ud2
        .section .note.GNU-stack, "", @progbits
