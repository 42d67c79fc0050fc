/*
 * lab9t_bench.c - `lab9t bench N`: what lab 9's mechanisms cost, timed from
 * ring 3 with rdtsc (QEMU's TSC: figures to compare within the kit, not with
 * hardware; handouts/lab9.md section 11):
 *   fork + exit + wait4 of a child that touches nothing, N times
 *   a copy-on-write fault (a write to a page shared with a child), N pages
 *   fork + execve + exit + wait4 of `lab9t args`
 *   1 MiB through a pipe to a child, 4 KiB a write
 */
#include "lab9t.h"

#define COW_PAGES_MAX 64

static uint8_t pages[COW_PAGES_MAX * 4096] __attribute__((aligned(4096)));

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static uint32_t per(uint64_t cycles, uint32_t n)
{
    return (uint32_t)(cycles / (n ? n : 1));
}

static uint32_t fork_wait(uint32_t n)
{
    int st;
    uint64_t t0 = rdtsc();

    for (uint32_t i = 0; i < n; i++) {
        int pid = (int)sys9(T9_fork, 0, 0, 0);
        if (pid == 0)
            t9_exit(0);
        t9_wait(pid, &st);
    }
    return per(rdtsc() - t0, n);
}

static uint32_t cow_faults(uint32_t n)
{
    int fds[2], st;
    char c;

    for (uint32_t i = 0; i < n; i++)
        pages[i * 4096] = 1;            /* present and the parent's before the fork */
    sys9(T9_pipe, (long)fds, 0, 0);
    int pid = (int)sys9(T9_fork, 0, 0, 0);
    if (pid == 0)
        t9_exit((int)sys9(T9_read, fds[0], (long)&c, 1));   /* holds the pages until told */
    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < n; i++)
        pages[i * 4096] = 2;            /* shared: each write copies */
    uint64_t t = rdtsc() - t0;
    sys9(T9_write, fds[1], (long)"x", 1);
    t9_wait(pid, &st);
    return per(t, n);
}

static uint32_t fork_exec(void)
{
    char *argv[] = { "lab9t", "args", NULL }, *envp[] = { NULL };
    int st, out = (int)sys9(T9_open, (long)"/bench.out", 0101 | 01000, 0644);
    uint64_t t0 = rdtsc();
    int pid = (int)sys9(T9_fork, 0, 0, 0);

    if (pid == 0) {
        sys9(T9_dup2, out, 1, 0);       /* its lines into a file, not the console */
        sys9(T9_execve, (long)"/lab9t", (long)argv, (long)envp);
        t9_exit(127);
    }
    t9_wait(pid, &st);
    uint64_t t = rdtsc() - t0;
    sys9(T9_close, out, 0, 0);
    sys9(T9_unlink, (long)"/bench.out", 0, 0);
    return per(t, 1);
}

static uint32_t pipe_mib(void)
{
    int fds[2], st;
    uint64_t t0 = rdtsc();

    sys9(T9_pipe, (long)fds, 0, 0);
    int pid = (int)sys9(T9_fork, 0, 0, 0);
    if (pid == 0) {
        sys9(T9_close, fds[1], 0, 0);
        while (sys9(T9_read, fds[0], (long)pages, 4096) > 0)
            ;
        t9_exit(0);
    }
    sys9(T9_close, fds[0], 0, 0);
    for (int i = 0; i < 256; i++)
        sys9(T9_write, fds[1], (long)pages, 4096);
    sys9(T9_close, fds[1], 0, 0);
    t9_wait(pid, &st);
    return per(rdtsc() - t0, 1);
}

int t9_bench(int argc, char **argv)
{
    uint32_t n = argc > 2 ? t9_num(argv[2]) : 16;

    n = n < 1 ? 1 : n > COW_PAGES_MAX ? COW_PAGES_MAX : n;
    t9_printf("lab9t: bench: fork + exit + wait4: %u cycles (%u runs)\n", fork_wait(n), n);
    t9_printf("lab9t: bench: copy-on-write fault: %u cycles (%u pages)\n", cow_faults(n), n);
    t9_printf("lab9t: bench: fork + execve + exit + wait4: %u cycles\n", fork_exec());
    t9_printf("lab9t: bench: 1 MiB through a pipe: %u cycles\n", pipe_mib());
    return 0;
}
