/* lab1.c - stage 1's program (work in progress). */
#include "interrupts.h"
#include "kprintf.h"
#include "stage.h"

void program_main(void)
{
    kprintf("lab1: timer at %u Hz\n", timer_hz());
}
