/*
 * format.h - printf-style formatting with no I/O: every output character goes
 * to a callback. kprintf and ksnprintf are thin wrappers, and the host tests
 * call it directly.
 *
 * Conversions: %c %s %d %i %u %x %X %p %%, flags '-' and '0', a width (digits
 * or '*'), and the length modifiers l and ll.
 */
#ifndef CAIRN_FORMAT_H
#define CAIRN_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_emit_fn)(char c, void *arg);

/* Returns the number of characters emitted. */
int format(format_emit_fn emit, void *arg, const char *fmt, va_list ap);

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
