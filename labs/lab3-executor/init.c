/*
 * init.c - lab 3's boot hook: the idle's tick mode (tick=, lab 1's tickless
 * idle), an empty executor, the timer queue subscribed to lab 1's PIT tick and
 * the scancode stream off lab 2's IRQ1 notify hook.
 */
#include "cmdline.h"
#include "executor.h"
#include "interrupts.h"
#include "kstring.h"
#include "labinit.h"
#include "scancodes.h"

CMDLINE_OPTION(tick, "tick", "tick=periodic keeps the tick while idle (default: tickless)");

void lab3_init(void)
{
    const char *tick = cmdline_str("tick", "tickless");
    if (strcmp(tick, "periodic") != 0 && strcmp(tick, "tickless") != 0)
        cmdline_refuse("tick", "not a tick mode", "periodic or tickless");
    tickless_set_periodic(strcmp(tick, "periodic") == 0);
    executor_init();
    timer_subscribe(timerq_expire);
    scancodes_init();
}
LAB_INIT(lab3_init);
