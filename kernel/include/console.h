/* console.h - the kernel console: every byte goes to the VGA screen and to COM1. */
#ifndef CAIRN_CONSOLE_H
#define CAIRN_CONSOLE_H

#include <stddef.h>

/*
 * One print (a console_write call, or a whole kprintf) runs with interrupts
 * masked, as xv6's console lock makes it: no handler and no preempting thread
 * lands inside it (console.c says what that costs).
 */
void console_init(void);
void console_putc(char c);
void console_write(const char *s, size_t n);

#endif
