/* kprintf.h - formatted output to the console (VGA text and COM1). */
#ifndef CAIRN_KPRINTF_H
#define CAIRN_KPRINTF_H

#include <stdarg.h>
#include "format.h"

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

#endif
