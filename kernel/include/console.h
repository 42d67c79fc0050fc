/* console.h - the kernel console: every byte goes to the VGA screen and to COM1. */
#ifndef CAIRN_CONSOLE_H
#define CAIRN_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

void console_init(void);
void console_putc(char c);
void console_write(const char *s, size_t n);    /* one print: whole, as kprintf's */

/*
 * The prints under way: each kprintf and console_write call is one print
 * (console.c says why a count is enough on one CPU). Lab 6 defers a
 * preemption while the count is above 0, and the hook, called as the last
 * print ends (interrupts as the printer had them), lets the deferred switch
 * happen. A line built from several calls can still be cut between them.
 */
void console_lock(void);
void console_unlock(void);
bool console_locked(void);
void console_set_unlocked_hook(void (*fn)(void));

#endif
