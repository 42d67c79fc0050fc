/*
 * console.c - one console, two sinks: the VGA screen for people and COM1 for
 * the grader. Interrupts are masked per character so that a handler printing
 * in the middle of a line cannot corrupt the screen's cursor state.
 *
 * A whole kprintf or console_write is one print, held by console_lock. On
 * one CPU the lock is a count of prints under way, not a wait: nothing can
 * run inside a print but an interrupt handler, whose own print nests and ends
 * before the handler returns. What the count buys is whole prints once lab 6
 * preempts threads: lab 6 asks console_locked() before it switches at the end
 * of an interrupt, and holds the switch back until the print ends, when the
 * hook set here runs. A handler may still print between two characters of a
 * thread's line; handlers print only when something has gone wrong.
 */
#include "console.h"
#include "panic.h"
#include "serial.h"
#include "vga.h"
#include "x86.h"

/* Prints under way. A handler's ++ and -- pair up before it returns, so a
   thread's read-modify-write of the count is never torn by one. */
static volatile uint32_t printing;
static void (*unlocked_hook)(void);

void console_init(void)
{
    vga_init();
    serial_init();
}

void console_putc(char c)
{
    intr_state_t f = intr_disable();
    vga_putc(c);
    serial_putc(c);
    intr_restore(f);
}

void console_write(const char *s, size_t n)
{
    console_lock();
    while (n--)
        console_putc(*s++);
    console_unlock();
}

void console_lock(void)
{
    printing++;
}

void console_unlock(void)
{
    assert(printing > 0);
    if (--printing == 0 && unlocked_hook)
        unlocked_hook();
}

bool console_locked(void)
{
    return printing != 0;
}

void console_set_unlocked_hook(void (*fn)(void))
{
    unlocked_hook = fn;
}
