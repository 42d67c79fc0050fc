/*
 * syscall.c - the system calls, through `int 0x80` with Linux's i386
 * convention: eax = number, ebx ecx edx esi edi = arguments, the result or
 * -errno back in eax (Linux arch/x86/entry/entry_32.S). ebp stays out: it
 * is the frame pointer here. Nothing is retried or translated.
 */
#include "ulib.h"

long syscall(long nr, long a, long b, long c, long d, long e)
{
    long ret;

    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                     : "memory");
    return ret;
}

long read(int fd, void *buf, size_t n)
{
    return syscall(SYS_read, fd, (long)buf, (long)n, 0, 0);
}

long write(int fd, const void *buf, size_t n)
{
    return syscall(SYS_write, fd, (long)buf, (long)n, 0, 0);
}

long open(const char *path, int flags, int mode)
{
    return syscall(SYS_open, (long)path, flags, mode, 0, 0);
}

long close(int fd)
{
    return syscall(SYS_close, fd, 0, 0, 0, 0);
}

long lseek(int fd, long offset, int whence)
{
    return syscall(SYS_lseek, fd, offset, whence, 0, 0);
}

long getpid(void)
{
    return syscall(SYS_getpid, 0, 0, 0, 0, 0);
}

long brk(void *addr)
{
    return syscall(SYS_brk, (long)addr, 0, 0, 0, 0);
}

long nanosleep(const struct timespec *req, struct timespec *rem)
{
    return syscall(SYS_nanosleep, (long)req, (long)rem, 0, 0, 0);
}

long sleep_ms(uint32_t ms)
{
    struct timespec t = { (long)(ms / 1000), (long)(ms % 1000) * 1000000L };

    return nanosleep(&t, NULL);
}

void _exit(int code)
{
    syscall(SYS_exit, code, 0, 0, 0, 0);
    __builtin_unreachable();
}

void exit(int code)
{
    syscall(SYS_exit_group, code, 0, 0, 0, 0);
    _exit(code);                /* a kernel without exit_group still ends us */
}
