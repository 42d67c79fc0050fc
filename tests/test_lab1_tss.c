/*
 * test_lab1_tss.c - the double-fault task's TSS (tss_init_task,
 * labs/lab1-interrupts/task.c) against Intel SDM Vol. 3A, 7.2.1 (Figure 7-2)
 * and 7.3: what a task switch loads from it. Anything wrong here shows up
 * only when a kernel stack overflows, as a triple fault with no message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gdt.h"
#include "host.h"
#include "panic.h"
#include "tss.h"

#define ENTRY 0x00101234u
#define STACK 0x00204000u               /* the stack's lowest byte */
#define STACK_TOP (STACK + 4096)
#define CR3   0x00300000u

static struct tss t;

static void prepare(void)
{
    memset(&t, 0xA5, sizeof t);         /* whatever was in memory before */
    tss_init_task(&t, ENTRY, STACK_TOP, CR3);
}

/* The struct is the CPU's layout: Figure 7-2's offsets. */
TEST(layout_is_figure_7_2)
{
    CHECK_EQ(offsetof(struct tss, esp0), 0x04);
    CHECK_EQ(offsetof(struct tss, cr3), 0x1C);
    CHECK_EQ(offsetof(struct tss, eip), 0x20);
    CHECK_EQ(offsetof(struct tss, eflags), 0x24);
    CHECK_EQ(offsetof(struct tss, esp), 0x38);
    CHECK_EQ(offsetof(struct tss, es), 0x48);
    CHECK_EQ(offsetof(struct tss, cs), 0x4C);
    CHECK_EQ(offsetof(struct tss, ss), 0x50);
    CHECK_EQ(offsetof(struct tss, gs), 0x5C);
    CHECK_EQ(offsetof(struct tss, ldt), 0x60);
    CHECK_EQ(offsetof(struct tss, trap), 0x64);
    CHECK_EQ(offsetof(struct tss, iomap_base), 0x66);
}

TEST(starts_at_the_entry_in_the_kernel_code_segment)
{
    prepare();
    CHECK_EQ(t.eip, ENTRY);
    CHECK_EQ(t.cs, GDT_KERNEL_CODE);
    CHECK_EQ(t.cr3, CR3);               /* paging on: the switch loads CR3 (7.3) */
}

/* The stack grows down: esp at its base would push the error code below it. */
TEST(runs_on_the_top_of_its_own_stack)
{
    prepare();
    CHECK_EQ(t.esp, STACK_TOP);
    CHECK_EQ(t.ss, GDT_KERNEL_DATA);
}

TEST(every_data_segment_is_the_kernels)
{
    prepare();
    CHECK_EQ(t.ds, GDT_KERNEL_DATA);
    CHECK_EQ(t.es, GDT_KERNEL_DATA);
    CHECK_EQ(t.fs, GDT_KERNEL_DATA);
    CHECK_EQ(t.gs, GDT_KERNEL_DATA);
}

/* IF = 0 (an IRQ must not run on the #DF stack), bit 1 set as the CPU requires, nothing else. */
TEST(eflags_has_interrupts_off)
{
    prepare();
    CHECK_EQ(t.eflags, 0x2);
}

/* A stale LDT selector raises #TS in the switch, a T bit #DB after it (7.2.1). */
TEST(no_ldt_no_debug_trap_no_io_bitmap)
{
    prepare();
    CHECK_EQ(t.ldt, 0);
    CHECK_EQ(t.trap, 0);
    CHECK(t.iomap_base >= sizeof t);    /* at or past the limit: no I/O bitmap */
    CHECK_EQ(t.link, 0);
}

TEST(every_other_field_is_zero)
{
    prepare();
    CHECK_EQ(t.esp0 | t.esp1 | t.esp2, 0);
    CHECK_EQ(t.ss0 | t.ss1 | t.ss2, 0);
    CHECK_EQ(t.eax | t.ebx | t.ecx | t.edx | t.esi | t.edi | t.ebp, 0);
    CHECK_EQ(t.reserved0 | t.reserved1 | t.reserved4 | t.reserved5 | t.reserved10, 0);
}

int main(void)
{
    RUN(layout_is_figure_7_2);
    RUN(starts_at_the_entry_in_the_kernel_code_segment);
    RUN(runs_on_the_top_of_its_own_stack);
    RUN(every_data_segment_is_the_kernels);
    RUN(eflags_has_interrupts_off);
    RUN(no_ldt_no_debug_trap_no_io_bitmap);
    RUN(every_other_field_is_zero);
    return host_summary("lab1 tss");
}
