/* panic.c - the kernel's last words: a message, where it was raised, a failure exit. */
#include <stdarg.h>
#include "kprintf.h"
#include "machine.h"
#include "panic.h"
#include "x86.h"

void panic_at(const char *file, int line, const char *fmt, ...)
{
    static int panicking;
    va_list ap;

    intr_disable();
    if (panicking++)            /* a panic while panicking: just stop */
        machine_exit(EXIT_PANIC_CODE);
    kprintf("\npanic: ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf(" (%s:%d)\n", file, line);
    machine_exit(EXIT_PANIC_CODE);
}
