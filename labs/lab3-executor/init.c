/*
 * init.c - lab 3's boot hook: an empty executor, the timer queue hung off
 * lab 1's PIT tick and the scancode stream off lab 2's IRQ1 notify hook.
 */
#include "executor.h"
#include "interrupts.h"
#include "labinit.h"
#include "scancodes.h"

void lab3_init(void)
{
    executor_init();
    timer_set_hook(timerq_expire);
    scancodes_init();
}
LAB_INIT(lab3_init);
