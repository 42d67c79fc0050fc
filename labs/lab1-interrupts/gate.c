/*
 * gate.c - encoding IDT gates (Intel SDM Vol. 3A, 6.11, Figure 6-2). The
 * offset is split in two halves around the selector and the type byte: a
 * legacy of the 80286 gate, whose offset was 16 bits wide.
 */
#include "gate.h"
#include "panic.h"

/* Exercise 1 (handouts/lab1.md): the bit layout is in gate.h. */
struct idt_gate gate_make(uint32_t offset, uint16_t selector, uint8_t type, uint8_t dpl)
{
    struct idt_gate g = { 0 };

    /* LAB 1: BEGIN SOLUTION */
    if (type == GATE_TASK)
        offset = 0;     /* a task gate's offset is reserved: the TSS says where to go */
    g.offset_lo = (uint16_t)(offset & 0xFFFF);
    g.selector = selector;
    g.zero = 0;
    g.type_attr = (uint8_t)(GATE_PRESENT | (dpl & 3) << GATE_DPL_SHIFT | (type & 0xF));
    g.offset_hi = (uint16_t)(offset >> 16);
    /* LAB 1: STUB
    (void)offset; (void)selector; (void)type; (void)dpl;
    panic("lab1: IDT gate encoder gate_make() not implemented");
    LAB 1: END SOLUTION */
    return g;
}

uint32_t gate_offset(struct idt_gate g)
{
    return (uint32_t)g.offset_hi << 16 | g.offset_lo;
}

uint8_t gate_type(struct idt_gate g)
{
    return g.type_attr & 0xF;
}

int gate_present(struct idt_gate g)
{
    return (g.type_attr & GATE_PRESENT) != 0;
}

uint8_t gate_dpl(struct idt_gate g)
{
    return (g.type_attr >> GATE_DPL_SHIFT) & 3;
}
