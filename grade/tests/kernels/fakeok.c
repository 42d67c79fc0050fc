/* A kernel that prints the success line and then triple faults instead of
 * exiting: only the emulator's own account of the ending may count, on QEMU
 * (its status) and on Bochs (its shutdown port), never the text alone. */
#include <stdint.h>
#include "kprintf.h"
#include "stage.h"

void program_main(void)
{
    static const struct { uint16_t limit; uint32_t base; } __attribute__((packed)) empty = { 0, 0 };
    kprintf("cairn: exit 0 (success)\n");
    __asm__ volatile("lidt %0; int3" : : "m"(empty));
}
