/*
 * tss.h - the 32-bit task-state segment (Intel SDM Vol. 3A, 7.2.1,
 * Figure 7-2) and the pure part of preparing one (task.c). Lab 1's inside:
 * tss.c keeps the boot task's and the double-fault task's.
 */
#ifndef CAIRN_LAB1_TSS_H
#define CAIRN_LAB1_TSS_H

#include <stdint.h>

/* A 32-bit task-state segment (SDM Vol. 3A, 7.2.1, Figure 7-2). */
struct tss {
    uint16_t link, reserved0;
    uint32_t esp0;
    uint16_t ss0, reserved1;
    uint32_t esp1;
    uint16_t ss1, reserved2;
    uint32_t esp2;
    uint16_t ss2, reserved3;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, reserved4, cs, reserved5, ss, reserved6;
    uint16_t ds, reserved7, fs, reserved8, gs, reserved9;
    uint16_t ldt, reserved10;
    uint16_t trap, iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "a 32-bit TSS is 104 bytes");

#define EFLAGS_RESERVED1 0x2            /* bit 1 of EFLAGS always reads as 1 */

/*
 * Makes *t a task the CPU can switch to through a task gate: it starts at
 * `eip` in the kernel's code segment, with interrupts off, on the stack whose
 * highest address (one past its last byte) is `stack_top`, in the address
 * space `cr3`, with the kernel's data segments, no LDT, no debug trap and no
 * I/O permission bitmap. Every other field is zero. Pure.
 */
void tss_init_task(struct tss *t, uint32_t eip, uint32_t stack_top, uint32_t cr3);

#endif
