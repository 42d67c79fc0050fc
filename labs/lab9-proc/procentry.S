/*
 * procentry.S - into ring 3 with every register given (a forked child
 * resumes exactly where its parent trapped, eax 0): lab 1's trapret, the end
 * of alltraps, on a frame built elsewhere: a whole struct trapframe, with the
 * user esp and ss that an iret to ring 3 pops (Intel SDM Vol. 3A, 6.12.1 and
 * Figure 6-4).
 *
 *     void proc_iret(const struct trapframe *regs);    never returns
 */
        .text
        .globl proc_iret
        .type proc_iret, @function
proc_iret:
        movl    4(%esp), %esp           /* the frame: nothing below it is needed again */
        jmp     trapret                 /* lab 1's alltraps, from its return on */
        .size proc_iret, . - proc_iret

        .section .note.GNU-stack, "", @progbits
