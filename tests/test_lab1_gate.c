/*
 * test_lab1_gate.c - the IDT gate encoder and the table idt_init loads
 * (labs/lab1-interrupts/gate.c) against Intel SDM Vol. 3A, Figure 6-2 and 6.12.1.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "exception.h"
#include "gate.h"
#include "gdt.h"
#include "host.h"
#include "panic.h"
#include "trap.h"

/* The 8 bytes as the CPU reads them, little-endian. */
static uint64_t raw(struct idt_gate g)
{
    uint64_t v;
    memcpy(&v, &g, sizeof v);
    return v;
}

TEST(interrupt_gate_bytes)
{
    struct idt_gate g = gate_make(0x00123456, 0x08, GATE_INTR32, 0);
    /* offset 31..16 | P=1 DPL=0 type 1110 | 0 | selector | offset 15..0 */
    CHECK_EQ(raw(g), 0x00128E0000083456ull);
}

TEST(trap_gate_with_dpl3)
{
    struct idt_gate g = gate_make(0xC0DEF00D, 0x10, GATE_TRAP32, 3);
    CHECK_EQ(raw(g), 0xC0DEEF000010F00Dull);
    CHECK_EQ(gate_dpl(g), 3);
    CHECK_EQ(gate_type(g), GATE_TRAP32);
}

TEST(task_gate_has_no_offset)
{
    struct idt_gate g = gate_make(0xFFFFFFFF, 0x20, GATE_TASK, 0);
    CHECK_EQ(raw(g), 0x0000850000200000ull);
    CHECK_EQ(gate_type(g), GATE_TASK);
    CHECK_EQ(g.selector, 0x20);
}

TEST(round_trips_every_field)
{
    static const uint32_t offsets[] = { 0, 1, 0xFFFF, 0x10000, 0x00101234, 0xFFFFFFFF };
    for (unsigned i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        for (uint8_t dpl = 0; dpl < 4; dpl++) {
            struct idt_gate g = gate_make(offsets[i], 0x08, GATE_INTR32, dpl);
            CHECK_EQ(gate_offset(g), offsets[i]);
            CHECK_EQ(gate_dpl(g), dpl);
            CHECK(gate_present(g));
            CHECK_EQ(g.zero, 0);
            CHECK_EQ(g.selector, 0x08);
        }
    }
}

TEST(dpl_and_type_do_not_spill)
{
    /* Out-of-range arguments must not set P, the zero bit or the selector. */
    struct idt_gate g = gate_make(0, 0x08, GATE_INTR32, 7);
    CHECK_EQ(gate_dpl(g), 3);
    CHECK_EQ(g.type_attr & 0x10, 0);
    CHECK_EQ(gate_type(g), GATE_INTR32);
}

TEST(zeroed_gate_is_not_present)
{
    struct idt_gate g;
    memset(&g, 0, sizeof g);
    CHECK(!gate_present(g));
}

/* The table idt_init loads, from fake stub addresses. */
static struct idt_gate idt[IDT_ENTRIES];
static uint32_t stubs[IDT_ENTRIES];

static void fill(void)
{
    for (int v = 0; v < IDT_ENTRIES; v++)
        stubs[v] = 0x00101000u + 16u * (uint32_t)v;
    memset(idt, 0, sizeof idt);
    idt_fill(idt, stubs);
}

TEST(idt_has_every_vector_behind_an_interrupt_gate)
{
    fill();
    for (int v = 0; v < IDT_ENTRIES; v++) {
        if (v == EXC_DF)
            continue;
        CHECK(gate_present(idt[v]));    /* an empty gate: #NP when an IRQ arrives there */
        CHECK_EQ(gate_type(idt[v]), GATE_INTR32);   /* a trap gate leaves IF on */
        CHECK_EQ(gate_offset(idt[v]), stubs[v]);
        CHECK_EQ(idt[v].selector, GDT_KERNEL_CODE);
        if (host_current_failed) {
            printf("  (vector %d)\n", v);
            return;
        }
    }
}

/* DPL 3 on any other vector lets ring 3 fake it with int N: a #PF frame one word short. */
TEST(idt_only_breakpoint_is_reachable_from_ring_3)
{
    fill();
    for (int v = 0; v < IDT_ENTRIES; v++)
        CHECK_EQ(gate_dpl(idt[v]), v == EXC_BP ? 3 : 0);
}

TEST(idt_double_fault_is_a_task_gate_to_its_tss)
{
    fill();
    CHECK(gate_present(idt[EXC_DF]));
    CHECK_EQ(gate_type(idt[EXC_DF]), GATE_TASK);
    CHECK_EQ(idt[EXC_DF].selector, GDT_TSS1);
    CHECK_EQ(gate_offset(idt[EXC_DF]), 0);
}

int main(void)
{
    RUN(interrupt_gate_bytes);
    RUN(trap_gate_with_dpl3);
    RUN(task_gate_has_no_offset);
    RUN(round_trips_every_field);
    RUN(dpl_and_type_do_not_spill);
    RUN(zeroed_gate_is_not_present);
    RUN(idt_has_every_vector_behind_an_interrupt_gate);
    RUN(idt_only_breakpoint_is_reachable_from_ring_3);
    RUN(idt_double_fault_is_a_task_gate_to_its_tss);
    return host_summary("lab1 gate");
}
