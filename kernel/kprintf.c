/* kprintf.c - formatted output to the console, one whole print a call (console.h). */
#include "console.h"
#include "kprintf.h"
#include "x86.h"

static void emit_console(char c, void *arg)
{
    (void)arg;
    console_putc(c);
}

/* Masked from the first byte to the last: a preempting thread's lines never land inside. */
int kvprintf(const char *fmt, va_list ap)
{
    intr_state_t was = intr_disable();
    int n = format(emit_console, NULL, fmt, ap);
    intr_restore(was);
    return n;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}
