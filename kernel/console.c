/*
 * console.c - one console, two sinks: the VGA screen for people and COM1 for
 * the grader.
 *
 * A print masks interrupts from its first byte to its last (xv6's cprintf
 * holds its console lock, a spinlock that masks interrupts, in the same way).
 * On one CPU that is the whole lock: a handler cannot print into the middle
 * of a line or catch the screen's cursor half moved, and once lab 6 preempts
 * threads, a tick that falls inside a print stays pending at the PIC and
 * switches threads only as the print ends. The price is latency: an IRQ waits
 * for the line in progress, and ticks that fall inside a long one merge into
 * the one IRQ 0 the PIC holds (a tick is lost, never a line cut).
 */
#include "console.h"
#include "serial.h"
#include "vga.h"
#include "x86.h"

void console_init(void)
{
    vga_init();
    serial_init();
}

void console_putc(char c)
{
    intr_state_t was = intr_disable();
    vga_putc(c);
    serial_putc(c);
    intr_restore(was);
}

void console_write(const char *s, size_t n)
{
    intr_state_t was = intr_disable();
    while (n--)
        console_putc(*s++);
    intr_restore(was);
}
