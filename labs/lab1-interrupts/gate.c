/*
 * gate.c - encoding IDT gates (Intel SDM Vol. 3A, 6.11, Figure 6-2). The
 * offset is split in two halves around the selector and the type byte: a
 * legacy of the 80286 gate, whose offset was 16 bits wide.
 */
#include "exception.h"
#include "gate.h"
#include "gdt.h"
#include "panic.h"
#include "trap.h"

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

/*
 * Exercise 2: all interrupt gates, so every handler starts with IF = 0 and no
 * IRQ can interrupt another's handler; #DF as a task gate, so that it runs on
 * a stack of its own (tss.c).
 */
void idt_fill(struct idt_gate idt[IDT_ENTRIES], const uint32_t stubs[IDT_ENTRIES])
{
    /* LAB 1: BEGIN SOLUTION */
    for (int v = 0; v < IDT_ENTRIES; v++)
        idt[v] = gate_make(stubs[v], GDT_KERNEL_CODE, GATE_INTR32, 0);
    /* int3 from any ring may ask for #BP; and #DF runs as its own task. */
    idt[EXC_BP] = gate_make(stubs[EXC_BP], GDT_KERNEL_CODE, GATE_INTR32, 3);
    idt[EXC_DF] = gate_make(0, GDT_TSS1, GATE_TASK, 0);
    /* LAB 1: STUB
    (void)idt; (void)stubs;
    panic("lab1: idt_fill() not implemented (256 gates: see trap.h)");
    LAB 1: END SOLUTION */
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
