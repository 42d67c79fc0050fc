/*
 * applet.c - /bin/ls, /bin/cat, ... on the Linux personality's volume: a few
 * hundred bytes that execve(2) /bin/busybox with their own argv, so argv[0]
 * still names the applet (busybox picks the applet by its basename, as a
 * symbolic link would make it: FAT has none). No C library: the i386 Linux
 * entry (argc at the stack pointer, argv and envp above it, System V i386
 * ABI, Figure 3-31) and two raw `int 0x80` calls (syscall(2)).
 */
#define SYS_exit   1
#define SYS_write  4
#define SYS_execve 11

static const char busybox[] = "/bin/busybox";
static const char failed[] = "applet: cannot execve /bin/busybox\n";

static long sys3(long nr, long a, long b, long c)
{
    long ret;

    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

void launch(long *sp) __attribute__((noreturn, used));
void launch(long *sp)
{
    char **argv = (char **)(sp + 1);
    char **envp = argv + sp[0] + 1;

    sys3(SYS_execve, (long)busybox, (long)argv, (long)envp);
    sys3(SYS_write, 2, (long)failed, sizeof failed - 1);
    for (;;)
        sys3(SYS_exit, 127, 0, 0);
}

__asm__(".globl _start\n"
        "_start:\n"
        "    pushl %esp\n"                  /* launch(sp): argc's address */
        "    call launch\n");
