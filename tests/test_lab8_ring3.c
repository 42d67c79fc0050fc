/*
 * test_lab8_ring3.c - lab 8's way into ring 3 and between processes
 * (labs/lab8-user/ring3.c; handouts/lab8.md section 3; Intel SDM Vol. 3A,
 * 6.12.1 and Figure 6-4, 7.2.1). The frame iret pops must return to ring 3:
 * both selectors with RPL 3, eflags with IF and nothing that would trap or
 * hand ring 3 the I/O ports. A switch to a process must put its own kernel
 * stack in the TSS and its own directory in CR3 every time, not only the
 * first; a kernel thread gets the kernel's directory. The TSS and CR3 are
 * fakes here that remember what they were given.
 */
#include <stddef.h>
#include "gdt.h"
#include "host.h"
#include "interrupts.h"
#include "uvm.h"
#include "x86.h"

uint32_t kernel_pgdir = 0x00123000u;
static uint32_t tss_esp0, cr3, esp0_loads;

void trap_set_kernel_stack(uint32_t esp0)       /* lab 1's: the TSS's ESP0 */
{
    tss_esp0 = esp0;
    esp0_loads++;
}

void paging_switch(uint32_t pgdir)              /* paging.c's: CR3 */
{
    cr3 = pgdir;
}

TEST(the_frame_returns_to_ring_3)
{
    struct iret_frame f;

    memset(&f, 0xAA, sizeof f);
    user_frame_init(&f, 0x08048123u, 0xBFFFFFD0u);
    CHECK_EQ(f.eip, 0x08048123u);
    CHECK_EQ(f.esp, 0xBFFFFFD0u);
    CHECK_EQ(f.cs & 3, 3);                      /* RPL 3: iret's new CPL */
    CHECK_EQ(f.ss & 3, 3);                      /* must equal cs's RPL, or #GP */
    CHECK_EQ(f.cs, GDT_USER_CODE | GDT_RPL_USER);
    CHECK_EQ(f.ss, GDT_USER_DATA | GDT_RPL_USER);
}

TEST(the_frame_turns_interrupts_on_and_nothing_else)
{
    struct iret_frame f;

    memset(&f, 0xFF, sizeof f);
    user_frame_init(&f, 0x08048000u, USER_TOP - 16);
    CHECK(f.eflags & EFLAGS_IF);                /* or the timer never preempts it */
    CHECK(f.eflags & EFLAGS_RESERVED1);
    CHECK_EQ(f.eflags & EFLAGS_IOPL, 0);        /* in, out, cli, sti fault in ring 3 */
    CHECK_EQ(f.eflags, EFLAGS_IF | EFLAGS_RESERVED1);   /* no TF, NT, VM, AC ... */
}

/* The struct is given, but everything rests on it: the order iret pops. */
TEST(the_frame_is_in_the_order_iret_pops_it)
{
    CHECK_EQ(sizeof(struct iret_frame), 20);
    CHECK_EQ(offsetof(struct iret_frame, eip), 0);
    CHECK_EQ(offsetof(struct iret_frame, cs), 4);
    CHECK_EQ(offsetof(struct iret_frame, eflags), 8);
    CHECK_EQ(offsetof(struct iret_frame, esp), 12);
    CHECK_EQ(offsetof(struct iret_frame, ss), 16);
}

/* Two processes taking turns, as lab 6 switches them, with a kernel thread between. */
TEST(each_switch_gives_the_process_its_stack_and_directory)
{
    struct process a = { .pid = 1, .pgdir = 0x00200000u }, b = { .pid = 2, .pgdir = 0x00201000u };
    const uint32_t a_top = 0x00500000u, b_top = 0x00504000u;
    struct { struct process *p; uint32_t top; } turns[] = {
        { &a, a_top }, { &b, b_top }, { &a, a_top }, { NULL, 0x00508000u }, { &b, b_top },
        { &b, b_top }, { &a, a_top },
    };

    tss_esp0 = cr3 = esp0_loads = 0;
    for (size_t i = 0; i < sizeof turns / sizeof turns[0]; i++) {
        uint32_t esp0_before = tss_esp0;
        uvm_switch(turns[i].p, turns[i].top);
        if (turns[i].p) {
            if (tss_esp0 != turns[i].top)
                printf("  switch %zu to process %u: ESP0 0x%08x, its stack's top 0x%08x\n", i,
                       turns[i].p->pid, tss_esp0, turns[i].top);
            CHECK_EQ(tss_esp0, turns[i].top);
            CHECK_EQ(cr3, turns[i].p->pgdir);
        } else {
            CHECK_EQ(cr3, kernel_pgdir);        /* the last process's may be freed meanwhile */
            CHECK_EQ(tss_esp0, esp0_before);    /* a kernel thread never comes from ring 3 */
        }
    }
    CHECK(esp0_loads >= 6);                     /* once per switch to a process */
}

TEST(a_kernel_thread_runs_on_the_kernel_directory)
{
    struct process a = { .pid = 1, .pgdir = 0x00200000u };

    uvm_switch(&a, 0x00500000u);
    uvm_switch(NULL, 0);
    CHECK_EQ(cr3, kernel_pgdir);
}

int main(void)
{
    RUN_GUARDED(the_frame_returns_to_ring_3);
    RUN_GUARDED(the_frame_turns_interrupts_on_and_nothing_else);
    RUN_GUARDED(the_frame_is_in_the_order_iret_pops_it);
    RUN_GUARDED(each_switch_gives_the_process_its_stack_and_directory);
    RUN_GUARDED(a_kernel_thread_runs_on_the_kernel_directory);
    return host_summary("lab8-ring3");
}
