/*
 * files.c - the file-system calls beyond open/read/write/close, each one
 * `int 0x80` with Linux i386's number and argument order: unlink(2),
 * mkdir(2), rmdir(2), rename(2), chdir(2), getcwd(2) (the raw call, which
 * returns the length), getdents64(2), stat64 and fstat64 (stat(2)), and
 * _llseek (llseek(2)), which takes the 64-bit offset as two halves.
 */
#include "ulib.h"

long unlink(const char *path)
{
    return syscall(SYS_unlink, (long)path, 0, 0, 0, 0);
}

long mkdir(const char *path, int mode)
{
    return syscall(SYS_mkdir, (long)path, mode, 0, 0, 0);
}

long rmdir(const char *path)
{
    return syscall(SYS_rmdir, (long)path, 0, 0, 0, 0);
}

long rename(const char *from, const char *to)
{
    return syscall(SYS_rename, (long)from, (long)to, 0, 0, 0);
}

long chdir(const char *path)
{
    return syscall(SYS_chdir, (long)path, 0, 0, 0, 0);
}

long getcwd(char *buf, size_t size)
{
    return syscall(SYS_getcwd, (long)buf, (long)size, 0, 0, 0);
}

long getdents64(int fd, void *buf, size_t n)
{
    return syscall(SYS_getdents64, fd, (long)buf, (long)n, 0, 0);
}

long stat64(const char *path, struct stat64 *st)
{
    return syscall(SYS_stat64, (long)path, (long)st, 0, 0, 0);
}

long fstat64(int fd, struct stat64 *st)
{
    return syscall(SYS_fstat64, fd, (long)st, 0, 0, 0);
}

long llseek(int fd, int64_t offset, int whence, int64_t *result)
{
    uint64_t off = (uint64_t)offset;

    return syscall(SYS__llseek, fd, (long)(uint32_t)(off >> 32), (long)(uint32_t)off,
                   (long)result, whence);
}
