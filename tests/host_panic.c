/*
 * host_panic.c - the kernel's panic() for host tests (list it in a test's
 * .deps). It prints the message, then jumps back to a test that expects a
 * panic (host_panic_catcher), or ends the program with status 2: a stripped
 * handout's "not implemented" stub stops its test binary, not the whole run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "host.h"
#include "panic.h"

jmp_buf *host_panic_catcher;

void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    printf("  panic at %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    if (host_panic_catcher)
        longjmp(*host_panic_catcher, 1);
    host_say_death();
    exit(2);
}
