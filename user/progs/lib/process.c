/*
 * process.c - the process calls, each one `int 0x80` through syscall()
 * (syscall.c) with Linux i386's number and argument order: fork(2),
 * execve(2), wait4(2) and waitpid(2), getppid(2), kill(2), pipe(2) and
 * pipe2(2), dup(2) and dup2(2). The result, or -errno, comes back as is.
 */
#include "ulib.h"

long fork(void)
{
    return syscall(SYS_fork, 0, 0, 0, 0, 0);
}

long execve(const char *path, char *const argv[], char *const envp[])
{
    return syscall(SYS_execve, (long)path, (long)argv, (long)envp, 0, 0);
}

long waitpid(long pid, int *status, int options)
{
    return syscall(SYS_waitpid, pid, (long)status, options, 0, 0);
}

long wait4(long pid, int *status, int options, void *rusage)
{
    return syscall(SYS_wait4, pid, (long)status, options, (long)rusage, 0);
}

long getppid(void)
{
    return syscall(SYS_getppid, 0, 0, 0, 0, 0);
}

long kill(long pid, int sig)
{
    return syscall(SYS_kill, pid, sig, 0, 0, 0);
}

long pipe(int fds[2])
{
    return syscall(SYS_pipe, (long)fds, 0, 0, 0, 0);
}

long pipe2(int fds[2], int flags)
{
    return syscall(SYS_pipe2, (long)fds, flags, 0, 0, 0);
}

long dup(int fd)
{
    return syscall(SYS_dup, fd, 0, 0, 0, 0);
}

long dup2(int fd, int to)
{
    return syscall(SYS_dup2, fd, to, 0, 0, 0);
}
