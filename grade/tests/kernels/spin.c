/* A kernel that spins forever with interrupts masked: it never exits and never halts,
   so QEMU burns a CPU on it. The grader's CPU bound (Ctx.boot's cpu_bound) must end it
   as a HANG long before the wall-clock bound. */
#include "kprintf.h"
#include "stage.h"

void program_main(void)
{
    kprintf("selftest: about to spin\n");
    __asm__ volatile("cli");
    for (;;)
        __asm__ volatile("" ::: "memory");
}
