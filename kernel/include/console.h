/* console.h - the kernel console: every byte goes to the VGA screen and to COM1. */
#ifndef CAIRN_CONSOLE_H
#define CAIRN_CONSOLE_H

#include <stddef.h>

void console_init(void);
void console_putc(char c);
void console_write(const char *s, size_t n);

#endif
