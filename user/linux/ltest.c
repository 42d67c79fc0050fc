/*
 * ltest.c - a small glibc program that leans on the Linux personality: stdio
 * on a file (openat, fstat64 and its times, read, write, lseek), malloc small and large
 * (brk, mmap2, munmap), qsort, printf with floating point (the x87 and SSE),
 * the clocks, uname, fork + execve + wait4, a pipe, signals (a handler,
 * sigprocmask, sigsuspend, SIGPIPE ignored), and the *at calls relative to a
 * directory descriptor (openat, mkdirat, fstatat, renameat, unlinkat, fchdir)
 * with their errors for a bad descriptor, a file's, and a bad pointer.
 * It prints nothing that differs between runs or machines, so its output
 * on Linux and on Cairn must match line for line (grade/labs/lab9linux.py).
 *
 *     ltest HELLO DIR     HELLO: hello's path; DIR: a directory to write in
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

static void files(const char *dir)
{
    char path[256];
    char line[64];
    struct stat st;

    snprintf(path, sizeof path, "%s/ltest.txt", dir);
    FILE *f = fopen(path, "w");
    for (int i = 1; i <= 5; i++)
        fprintf(f, "line %d of %d\n", i, 5);
    fclose(f);
    f = fopen(path, "r");
    int n = 0;
    while (fgets(line, sizeof line, f))
        n++;
    fclose(f);
    printf("file: %d lines, last \"%.*s\"\n", n, (int)strcspn(line, "\n"), line);
    int r = stat(path, &st);
    printf("stat: %d size %lld regular %d\n", r, (long long)st.st_size, S_ISREG(st.st_mode));
    struct stat by_fd = { 0 }, dir_st = { 0 }, dir_by_fd = { 0 };
    int fd = open(path, O_RDONLY), dfd = open(dir, O_RDONLY | O_DIRECTORY);
    fstat(fd, &by_fd);
    stat(dir, &dir_st);
    fstat(dfd, &dir_by_fd);
    printf("fstat: a file's time is stat's %d, not 0 %d; a directory's %d, not 0 %d\n",
           by_fd.st_mtime == st.st_mtime, by_fd.st_mtime != 0,
           dir_by_fd.st_mtime == dir_st.st_mtime, dir_by_fd.st_mtime != 0);
    close(fd);
    close(dfd);
    int first = unlink(path), again = unlink(path);
    printf("unlink: %d; again: %d (%s)\n", first, again, strerror(errno));
    FILE *missing = fopen("/no/such/file", "r");
    printf("fopen missing: %s (%s)\n", missing ? "opened" : "NULL", strerror(errno));
}

static void at_errors(int d, const char *a_file);

/* Each call given a pointer into nothing: an errno, never a crash (Linux's is EFAULT). */
static void bad_pointers(int d)
{
    const char *bad = (const char *)1;
    struct stat st;
    const char *e[7];

    /* The call itself: glibc's fstatat converts into the buffer in user mode, and crashes. */
    e[0] = syscall(SYS_fstatat64, d, ".", bad, 0) ? strerror(errno) : "ok";
    e[1] = fstatat(d, bad, &st, 0) ? strerror(errno) : "ok";
    e[2] = mkdirat(d, bad, 0755) ? strerror(errno) : "ok";
    e[3] = renameat(d, bad, d, "x") ? strerror(errno) : "ok";
    e[4] = unlinkat(d, bad, 0) ? strerror(errno) : "ok";
    e[5] = syscall(SYS_set_thread_area, bad) ? strerror(errno) : "ok";
    e[6] = syscall(SYS_get_thread_area, bad) ? strerror(errno) : "ok";
    printf("bad pointers: fstatat %s, %s; mkdirat %s; renameat %s; unlinkat %s; "
           "set_thread_area %s; get_thread_area %s\n", e[0], e[1], e[2], e[3], e[4], e[5], e[6]);
}

/* The *at calls on paths relative to a directory descriptor, not the working directory. */
static void at_calls(const char *dir, const char *a_file)
{
    struct stat st = { 0 };
    char cwd[256];

    int d = open(dir, O_RDONLY | O_DIRECTORY);
    int made = mkdirat(d, "atdir", 0755);
    int f = openat(d, "atdir/at.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ssize_t w = write(f, "at\n", 3);
    close(f);
    int s = fstatat(d, "atdir/at.txt", &st, 0);
    printf("at: mkdirat %d, openat %d, wrote %zd, fstatat %d size %lld\n", made, f >= 0, w, s,
           (long long)st.st_size);
    int sub = openat(d, "atdir", O_RDONLY | O_DIRECTORY);
    int moved = renameat(sub, "at.txt", sub, "moved.txt");
    printf("at: faccessat %d %d, renameat %d\n", faccessat(sub, "moved.txt", R_OK, 0),
           faccessat(sub, "at.txt", R_OK, 0), moved);
    int ch = fchdir(sub);
    int here = access("moved.txt", F_OK);
    printf("at: fchdir %d, in %s, moved.txt there %d\n", ch,
           strrchr(getcwd(cwd, sizeof cwd) ? cwd : "/?", '/') + 1, here);
    mkdirat(sub, "deeper", 0755);
    int deep = openat(sub, "deeper", O_RDONLY | O_DIRECTORY);
    ch = fchdir(deep);
    char *last = getcwd(cwd, sizeof cwd) ? strrchr(cwd, '/') : NULL;
    if (last && last > cwd)
        for (last--; last > cwd && *last != '/'; last--)
            ;
    printf("at: fchdir %d two down, in %s\n", ch, last ? last + 1 : "?");
    chdir("/");
    close(deep);
    unlinkat(sub, "deeper", AT_REMOVEDIR);
    int unlinked = unlinkat(sub, "moved.txt", 0);
    int removed = unlinkat(d, "atdir", AT_REMOVEDIR);
    int gone = fstatat(d, "atdir", &st, 0) == -1 && errno == ENOENT;
    printf("at: unlinkat %d, rmdir %d, gone %d\n", unlinked, removed, gone);
    at_errors(d, a_file);
    bad_pointers(d);
    close(sub);
    close(d);
}

/* Their errors: a bad descriptor, a file's, a bad pointer; an absolute path ignores dirfd. */
static void at_errors(int d, const char *a_file)
{
    int bad = openat(99, "x", O_RDONLY);
    printf("at: bad fd %d (%s)", bad, strerror(errno));
    int file = open(a_file, O_RDONLY);
    bad = openat(file, "x", O_RDONLY);
    printf(", a file's %d (%s)", bad, strerror(errno));
    bad = openat(d, (const char *)1, O_RDONLY);
    printf(", bad pointer %d (%s)", bad, strerror(errno));
    bad = openat(99, "/", O_RDONLY | O_DIRECTORY);
    printf(", absolute %d\n", bad >= 0);
    close(bad);
    bad = fchdir(99);
    printf("at: fchdir of a bad fd %d (%s)", bad, strerror(errno));
    bad = fchdir(file);
    printf(", of a file's %d (%s)\n", bad, strerror(errno));
    close(file);
}

static void memory(void)
{
    int v[16];
    for (int i = 0; i < 16; i++)
        v[i] = (i * 37 + 11) % 23;
    qsort(v, 16, sizeof v[0], cmp_int);
    printf("qsort:");
    for (int i = 0; i < 16; i++)
        printf(" %d", v[i]);
    printf("\n");
    size_t big = 4u << 20;              /* above malloc's mmap threshold */
    unsigned char *b = malloc(big);
    unsigned long sum = 0;
    for (size_t i = 0; i < big; i += 4096)
        b[i] = (unsigned char)(i >> 12);
    for (size_t i = 0; i < big; i += 4096)
        sum += b[i];
    free(b);
    char *s = strdup("duplicated");
    printf("malloc: 4 MiB sum %lu, %s\n", sum, s);
    free(s);
    printf("float: %.3f %g %e\n", 3.14159265 * 2, 1.0 / 3, 12345.678);
}

static void processes(const char *hello)
{
    int fds[2];
    char buf[64] = { 0 };

    pipe(fds);
    fflush(stdout);                     /* or the child's exit flushes our buffer again */
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(hello, hello, (char *)NULL);
        _exit(99);
    }
    close(fds[1]);
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    int status;
    pid_t w = waitpid(pid, &status, 0);
    printf("fork+exec: child said \"%.*s\" (%zd bytes), waited %d, exit %d\n",
           (int)strcspn(buf, "\n"), buf, n, w == pid, WEXITSTATUS(status));
    fflush(stdout);
    if ((pid = fork()) == 0)
        exit(42);
    waitpid(pid, &status, 0);
    printf("fork: exit status %d\n", WEXITSTATUS(status));
}

static volatile sig_atomic_t caught;
static char in_handler[32];

static void on_usr1(int sig)
{
    caught = sig;
    snprintf(in_handler, sizeof in_handler, "%.2f", sig / 4.0);   /* the FPU in a handler */
}

/* A handler runs and returns (sigreturn); a blocked signal waits for sigsuspend. */
static void signals(void)
{
    struct sigaction sa = { 0 };
    sigset_t block, old;

    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    double before = 2.0 / 3.0;
    kill(getpid(), SIGUSR1);
    printf("signal: handler saw %d, printed %s; %.6f after\n", (int)caught, in_handler,
           before * 3.0);
    caught = 0;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    kill(getpid(), SIGUSR1);
    printf("signal: blocked, caught %d\n", (int)caught);
    sigsuspend(&old);
    printf("signal: after sigsuspend, caught %d\n", (int)caught);
    signal(SIGPIPE, SIG_IGN);
    int fds[2];
    pipe(fds);
    close(fds[0]);
    ssize_t n = write(fds[1], "x", 1);
    printf("signal: write to a closed pipe, SIGPIPE ignored: %zd (%s)\n", n, strerror(errno));
    close(fds[1]);
}

int main(int argc, char **argv)
{
    struct utsname u;
    struct timespec ts;

    if (argc < 3) {
        fprintf(stderr, "usage: ltest HELLO DIR\n");
        return 2;
    }
    printf("ltest: %d args\n", argc);
    files(argv[2]);
    at_calls(argv[2], argv[1]);
    memory();
    processes(argv[1]);
    signals();
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("time: after 2024 %d, clock agrees %d\n", time(NULL) > 1704067200,
           ts.tv_sec - time(NULL) <= 1);
    printf("uname: %d, getenv HOME set %d\n", uname(&u), getenv("HOME") != NULL);
    printf("errno for a bad fd: %d\n", close(99) == -1 ? errno : 0);
    return 7;
}
