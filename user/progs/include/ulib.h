/*
 * ulib.h - the one header of Cairn's user programs: a tiny C library for
 * Linux i386 static binaries (gcc -m32 -static -nostdlib). System calls go
 * through `int 0x80` with Linux's i386 numbers and registers (eax = number,
 * ebx ecx edx esi edi = arguments; see README.md in this directory), so the
 * same ELF runs on stage 8 and on Linux.
 *
 * Errors are errno-style: a call that fails returns -errno (say -14 for
 * EFAULT), never -1 with a global errno. The string routines, the printf
 * engine, the number parser and the CRC-32 are the kernel's own
 * (kernel/string.c, kernel/format.c, kernel/parse.c, labs/lab4-ata/crc32.c)
 * compiled for ring 3: one home for each.
 */
#ifndef CAIRN_ULIB_H
#define CAIRN_ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "kstring.h"            /* memcpy, memset, strlen, strcmp, ... */
#include "parse.h"              /* parse_uint: the one checked number parser */
#include "crc32.h"              /* crc32, crc32_update: zlib's CRC-32 */

/* Linux i386 system-call numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
enum {
    SYS_exit = 1, SYS_read = 3, SYS_write = 4, SYS_open = 5, SYS_close = 6,
    SYS_lseek = 19, SYS_getpid = 20, SYS_brk = 45, SYS_getdents = 141,
    SYS_nanosleep = 162, SYS_exit_group = 252,
};

/* errno values (include/uapi/asm-generic/errno-base.h, errno.h). */
enum {
    EPERM = 1, ENOENT = 2, EIO = 5, EBADF = 9, ENOMEM = 12, EFAULT = 14,
    EEXIST = 17, EINVAL = 22, EMFILE = 24, ENOSPC = 28, ENOSYS = 38,
};

/* open() flags (octal, as Linux i386 defines them). */
enum { O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_TRUNC = 01000, O_APPEND = 02000 };

enum { SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2 };

/* Auxiliary-vector types (System V i386 ABI, "Process Initialization"). */
enum { AT_NULL = 0, AT_PAGESZ = 6, AT_ENTRY = 9 };

struct timespec {
    long tv_sec;
    long tv_nsec;
};

/* Every program defines main; it gets argc and argv as Linux lays them out. */
int main(int argc, char **argv);
extern char **environ;          /* the NULL-terminated environment */

/* auxv's value for `type`, 0 when the kernel gave none. */
uint32_t getauxval(uint32_t type);

/* ---- system calls: the result, or -errno ---- */
long syscall(long nr, long a, long b, long c, long d, long e);
long read(int fd, void *buf, size_t n);
long write(int fd, const void *buf, size_t n);
long open(const char *path, int flags, int mode);
long close(int fd);
long lseek(int fd, long offset, int whence);
long getpid(void);
long brk(void *addr);           /* Linux's raw brk: the new break, or the old on failure */
long nanosleep(const struct timespec *req, struct timespec *rem);
__attribute__((noreturn)) void _exit(int code);     /* SYS_exit */
__attribute__((noreturn)) void exit(int code);      /* SYS_exit_group */

/* Sleep `ms` milliseconds (nanosleep); the result of nanosleep. */
long sleep_ms(uint32_t ms);

/* ---- output: each call is one write() when it fits in 256 bytes ---- */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vdprintf(int fd, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Write all n bytes (looping over short writes): 0, or the failing call's -errno. */
long write_all(int fd, const void *buf, size_t n);

/* ---- memory: first fit on brk ---- */
void *malloc(size_t n);
void free(void *p);
/* Bytes the heap has taken from brk so far. */
size_t heap_bytes(void);

/* ---- arguments ---- */
/* argv[i] as a number in [min, max] (parse_uint's rules), or `dflt` when argc <= i.
 * A malformed or out-of-range word prints "NAME: bad WHAT 'word': reason" and exits 2. */
uint32_t arg_u32(const char *name, int argc, char **argv, int i, const char *what,
                 uint32_t min, uint32_t max, uint32_t dflt);

/* The pattern generator the grader mirrors: xorshift32 (Marsaglia 2003) from
 * seed ^ 0x9E3779B9 (never 0), as user/lab7.c and grade/labs/fatvol.py use. */
static inline uint32_t xorshift_seed(uint32_t seed)
{
    uint32_t x = seed ^ 0x9E3779B9u;
    return x ? x : 1;
}

static inline uint32_t xorshift_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* assert: a failed one prints "assert failed: FILE:LINE: EXPR" on fd 2 and exits 134. */
__attribute__((noreturn)) void ulib_assert_fail(const char *expr, const char *file, int line);
#define assert(e) ((e) ? (void)0 : ulib_assert_fail(#e, __FILE__, __LINE__))

#endif
