/*
 * lib9.c - the start and the few helpers of lab 9's test programs: main(argc,
 * argv) with the environment in t9_environ, exit, a printf whose line is one
 * write(1) (processes print at once: lines never mix), wait, sleep, a hash.
 */
#include <stdarg.h>
#include "format.h"
#include "sys9.h"

char **t9_environ;
int main(int argc, char **argv);
void t9_start(uint32_t *sp) __attribute__((noreturn));

void t9_start(uint32_t *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);

    t9_environ = argv + argc + 1;
    t9_exit(main(argc, argv));
}

void t9_exit(int code)
{
    for (;;)
        sys9(SYS_exit, code, 0, 0);
}

int t9_printf(const char *fmt, ...)
{
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    int n = kvsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof line - 1)
        n = sizeof line - 1;
    sys9(SYS_write, 1, (long)line, n);
    return n;
}

int t9_wait(int pid, int *status)
{
    return (int)sys9_4(SYS_wait4, pid, (long)status, 0, 0);
}

void t9_sleep_ms(long ms)
{
    long ts[2] = { ms / 1000, (ms % 1000) * 1000000 };
    sys9(SYS_nanosleep, (long)ts, 0, 0);
}

uint32_t t9_fnv(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

uint32_t t9_num(const char *s)
{
    uint32_t n = 0;

    while (s && *s >= '0' && *s <= '9')
        n = n * 10 + (uint32_t)(*s++ - '0');
    return n;
}
