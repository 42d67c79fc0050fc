/*
 * sys9.h - what lab 9's test programs need, and nothing of user/progs' library:
 * Linux i386 system calls through int 0x80 (eax the number, ebx ecx edx esi edi
 * the arguments, the result or -errno in eax) and a printf onto one write.
 */
#ifndef CAIRN_SYS9_H
#define CAIRN_SYS9_H

#include <stdint.h>
#include "format.h"
#include "kstring.h"
#include "sysnum.h"             /* SYS_name: Linux i386 system-call numbers */

static inline long sys9(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}
static inline long sys9_4(long nr, long a, long b, long c, long d)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
    return r;
}

static inline long sys9_5(long nr, long a, long b, long c, long d, long e)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                     : "memory");
    return r;
}

#define T9_O_CREAT   0100
#define T9_O_TRUNC   01000
#define T9_O_CLOEXEC 02000000

extern char **t9_environ;
void t9_exit(int code) __attribute__((noreturn));
int t9_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int t9_wait(int pid, int *status);      /* wait4(pid, status, 0, 0) */
void t9_sleep_ms(long ms);
uint32_t t9_fnv(const char *s);         /* FNV-1a 32 */
uint32_t t9_num(const char *s);         /* a decimal argument (0 if none) */

#endif
