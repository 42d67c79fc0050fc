/*
 * rawlib.h - what proctest.c needs that a C library would give, written on
 * raw `int 0x80`s (Linux i386: eax = number, ebx ecx edx esi = arguments,
 * the result or -errno back in eax; syscall_32.tbl's numbers), so that the
 * program is built with nothing but `gcc -m32 -static -nostdlib` and this
 * header: a system call, a one-write line with %s and %d, exit, and a few
 * string and pipe helpers. Static functions only: one program includes it.
 */
#ifndef CAIRN_RAWLIB_H
#define CAIRN_RAWLIB_H

#include <stdarg.h>             /* gcc's own header: no C library in it */

#define SIGTERM     15
#define O_CLOEXEC   02000000
#define ECHILD      10
#define ENOENT      2
#define ESRCH       3

enum { SYS_exit = 1, SYS_fork = 2, SYS_read = 3, SYS_write = 4, SYS_close = 6,
       SYS_execve = 11, SYS_getpid = 20, SYS_kill = 37, SYS_pipe = 42, SYS_brk = 45,
       SYS_dup2 = 63, SYS_getppid = 64, SYS_wait4 = 114, SYS_nanosleep = 162,
       SYS_pipe2 = 331 };

static long sys(long nr, long a, long b, long c, long d)
{
    long ret;

    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d)
                     : "memory");
    return ret;
}

static unsigned length(const char *s)
{
    unsigned n = 0;

    while (s[n] != '\0')
        n++;
    return n;
}

/* A line with %s and %d (a long) only, as one write. */
static void say(const char *fmt, ...)
{
    static char line[4096];     /* one write, and room for a FAIL with two outputs */
    char digits[12];
    unsigned n = 0;
    va_list ap;

    va_start(ap, fmt);
    for (const char *f = "proctest: "; *f != '\0'; f++)
        line[n++] = *f;
    for (; *fmt != '\0' && n < sizeof line - 24; fmt++) {
        if (fmt[0] == '%' && fmt[1] == 's') {
            for (const char *s = va_arg(ap, const char *); *s && n < sizeof line - 24; s++)
                line[n++] = *s;
            fmt++;
        } else if (fmt[0] == '%' && fmt[1] == 'd') {
            long v = va_arg(ap, long);
            unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
            int k = 0;
            do
                digits[k++] = (char)('0' + u % 10);
            while ((u /= 10) != 0);
            if (v < 0)
                line[n++] = '-';
            while (k > 0)
                line[n++] = digits[--k];
            fmt++;
        } else {
            line[n++] = *fmt;
        }
    }
    va_end(ap);
    line[n++] = '\n';
    sys(SYS_write, 1, (long)line, n, 0);
}

__attribute__((noreturn)) static void quit(int code)
{
    for (;;)
        sys(SYS_exit, code, 0, 0, 0);
}

#define FAIL(...) do { say("FAIL: " __VA_ARGS__); quit(1); } while (0)

static long wait_for(long pid, int *status)
{
    return sys(SYS_wait4, pid, (long)status, 0, 0);
}

static int exited_with(int status, int code)
{
    return (status & 0x7f) == 0 && ((status >> 8) & 0xff) == code;
}

/* Read fd to its EOF into buf, which has room for cap + 1 bytes (one more
 * than may come, so that too much shows); the bytes read. */
static long read_all(int fd, char *buf, long cap)
{
    long got = 0, r;

    while (got <= cap && (r = sys(SYS_read, fd, (long)(buf + got), cap + 1 - got, 0)) > 0)
        got += r;
    if (got > cap)
        FAIL("more than %d bytes came through the pipe", cap);
    if (r < 0)
        FAIL("read from a pipe returned %d after %d bytes", r, got);
    return got;
}

static int same(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b)
        a++, b++;
    return *a == *b;
}

/* Append s to out at *n (out has room: the caller's text is short). */
static void append(char *out, unsigned *n, const char *s)
{
    while (*s != '\0')
        out[(*n)++] = *s++;
    out[*n] = '\0';
}

#endif
