/*
 * kmain.c - what every stage does: bring up the core, let each lab of the
 * stage initialise itself in order (labinit.h), run the stage's program.
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

extern const struct lab_init __labinit_start[], __labinit_end[];

void labinit_run_all(void)
{
    for (const struct lab_init *l = __labinit_start; l < __labinit_end; l++)
        l->fn();
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
