/*
 * lab1_host.h - what lab 1's host tests share: the kernel's panic, for the
 * host. The reference never panics in these modules; the handout's stubs
 * do ("not implemented"), and then the test says so and stops.
 */
#ifndef CAIRN_TESTS_LAB1_HOST_H
#define CAIRN_TESTS_LAB1_HOST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "panic.h"

void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    printf("  panic at %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    exit(2);
}

#endif
