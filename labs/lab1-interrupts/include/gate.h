/*
 * gate.h - the 8-byte IDT gate descriptor (Intel SDM Vol. 3A, 6.11
 * "IDT Descriptors", Figure 6-2). Pure: no port I/O, built on the host too.
 *
 *   63..48 offset 31..16 | 47 P | 46..45 DPL | 44 0 | 43..40 type | 39..32 0
 *   31..16 segment selector | 15..0 offset 15..0
 *
 * A task gate has no offset: its selector names a TSS descriptor in the GDT.
 */
#ifndef CAIRN_LAB1_GATE_H
#define CAIRN_LAB1_GATE_H

#include <stdint.h>

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr;          /* P, DPL, 0, type */
    uint16_t offset_hi;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 8, "an IDT gate is 8 bytes");

/* Gate types (SDM Vol. 3A, Table 3-2 "System-Segment and Gate-Descriptor Types"). */
#define GATE_TASK       0x5     /* switch to the task whose TSS the selector names */
#define GATE_INTR32     0xE     /* 32-bit interrupt gate: clears IF on entry */
#define GATE_TRAP32     0xF     /* 32-bit trap gate: leaves IF alone */
#define GATE_PRESENT    0x80
#define GATE_DPL_SHIFT  5

/* A present gate of `type` to offset in segment `selector`, callable by `int` from ring <= dpl. */
struct idt_gate gate_make(uint32_t offset, uint16_t selector, uint8_t type, uint8_t dpl);

/* The other direction, for the program's self-check and the host tests. */
uint32_t gate_offset(struct idt_gate g);
uint8_t gate_type(struct idt_gate g);
int gate_present(struct idt_gate g);
uint8_t gate_dpl(struct idt_gate g);

#endif
