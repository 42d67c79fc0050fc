/*
 * kmain.c - what every stage does: bring up the core, let each lab of the
 * stage initialise itself in order (labinit.h), run the stage's program.
 *
 * The boot order, all of it (stage N stops at lab N):
 *   boot.S          multiboot entry: our own stack and GDT (gdt_init), then kmain
 *   kmain           console, multiboot info, command line, kernel heap
 *   LAB_INIT        by lab number:
 *     lab1_init       IDT, the #DF task, PICs remapped, PIT tick; interrupts on
 *     lab2_init       the 8042 keyboard: IRQ1 into the scancode ring
 *     lab3_init       an empty executor; timer queue on the tick; scancode stream
 *     lab5_init       PCI scan; drivers bound (an IDE controller's channels to lab 4)
 *     lab6_init       threads: the boot context becomes "main", idle, the executor's
 *                     thread; the tick's charge, preemption on lab 1's IRQ exit hook
 *     lab8_init       the page-frame pool, the kernel's page tables, paging on; the
 *                     ring 3 fault hook, the switch hook, the int 0x80 gate
 *     lab9_init       processes: its own switch and fault hooks, lab 8's end hook, the
 *                     int 0x80 gate taken over, the console TTY (COM1's IRQ 4, two threads)
 *     lab10_init      the e1000 lab 5's scan found: BAR0 mapped uncached, reset, its MAC,
 *                     the descriptor rings, its legacy IRQ (the stack starts in user/lab10.c)
 *   LAB_INIT_LATE   by lab number:
 *     lab4_init_late  the legacy ATA channels, unless lab 5 attached some
 *     lab9_init_late  the Linux personality: the CMOS clock read, the random
 *                     generator seeded, the FPU and SSE on (handouts/linux.md)
 *   program_main    user/labN.c
 * then the exit (with "grade") or an idle hlt loop. `initcalls` on the command
 * line prints each lab hook as it is about to run.
 */
#include <stdint.h>
#include "bootinfo.h"
#include "cmdline.h"
#include "console.h"
#include "heap.h"
#include "kprintf.h"
#include "labinit.h"
#include "machine.h"
#include "multiboot.h"
#include "stage.h"
#include "x86.h"

CMDLINE_OPTION(initcalls, "initcalls", "print each lab's init hook as it runs, in boot order");

extern const struct lab_init __labinit_start[], __labinit_end[];

void labinit_run_all(void)
{
    bool show = cmdline_flag("initcalls");

    for (const struct lab_init *l = __labinit_start; l < __labinit_end; l++) {
        if (show)
            kprintf("initcalls: %-16s lab %d, %s\n", l->name, l->lab,
                    l->late ? "LAB_INIT_LATE" : "LAB_INIT");
        l->fn();
    }
}

void kmain(uint32_t magic, const struct multiboot_info *mbi)
{
    console_init();
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        kprintf("boot: bad multiboot magic 0x%08x (expected 0x%08x): this kernel must be\n"
                "boot: started by a multiboot loader (GRUB legacy, or qemu -kernel); halting\n",
                magic, MULTIBOOT_BOOTLOADER_MAGIC);
        machine_exit(EXIT_FAILURE_CODE);
    }
    bootinfo_init(mbi);
    cmdline_init(bootinfo.cmdline);     /* copies it before the heap may reuse its memory */
    kheap_init();

    kprintf("Cairn stage %d (%s), booted by %s\n", stage_number, stage_name, bootinfo.loader);
    labinit_run_all();
    program_main();

    if (cmdline_flag("grade"))
        machine_exit(EXIT_SUCCESS_CODE);
    kprintf("cairn: program finished; idling (add \"grade\" to the command line to exit)\n");
    for (;;)
        hlt();          /* with interrupts on (lab 1+) this sleeps until the next one */
}
