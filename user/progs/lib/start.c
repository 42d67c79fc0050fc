/*
 * start.c - from the initial stack to main, and back out through exit.
 * The layout is Linux's (System V i386 ABI, "Process Initialization"):
 * argc, argv pointers, NULL, envp pointers, NULL, auxv (type, value) pairs
 * ending with AT_NULL.
 */
#include "ulib.h"

char **environ;
static const uint32_t *auxv;

__attribute__((noreturn)) void ulib_start(uint32_t *sp);

void ulib_start(uint32_t *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    char **p = envp;

    while (*p != NULL)
        p++;
    environ = envp;
    auxv = (const uint32_t *)(p + 1);
    exit(main(argc, argv));
}

uint32_t getauxval(uint32_t type)
{
    for (const uint32_t *a = auxv; a != NULL && a[0] != AT_NULL; a += 2)
        if (a[0] == type)
            return a[1];
    return 0;
}

void ulib_assert_fail(const char *expr, const char *file, int line)
{
    dprintf(2, "assert failed: %s:%d: %s\n", file, line, expr);
    exit(134);
}
