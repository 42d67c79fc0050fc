/* A kernel that never exits: the grader must say HANG, with the last lines. */
#include "kprintf.h"
#include "stage.h"

void program_main(void)
{
    kprintf("selftest: about to hang\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}
