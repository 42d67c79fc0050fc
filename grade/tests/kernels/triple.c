/* A kernel that triple faults (an empty IDT, then int3): the grader must say
 * TRIPLE FAULT, not pass, although QEMU -no-reboot exits with status 0. */
#include <stdint.h>
#include "kprintf.h"
#include "stage.h"

void program_main(void)
{
    static const struct { uint16_t limit; uint32_t base; } __attribute__((packed)) empty = { 0, 0 };
    kprintf("selftest: loading an empty IDT\n");
    __asm__ volatile("lidt %0; int3" : : "m"(empty));
}
