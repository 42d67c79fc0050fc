/* kprintf.c - formatted output to the console. */
#include "console.h"
#include "kprintf.h"

static void emit_console(char c, void *arg)
{
    (void)arg;
    console_putc(c);
}

/* One call, one print: a preempting thread's lines never land inside it. */
int kvprintf(const char *fmt, va_list ap)
{
    console_lock();
    int n = format(emit_console, NULL, fmt, ap);
    console_unlock();
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
