/*
 * lab9t_bench.c - `lab9t bench N`: what lab 9's mechanisms cost, timed from
 * ring 3 with rdtsc (QEMU's TSC: figures to compare within the kit, not with
 * hardware; handouts/lab9.md section 11):
 *   fork + exit + wait4 of a child that touches nothing, N times
 *   a copy-on-write fault (a write to a page shared with a child), N pages
 *   fork + execve + exit + wait4 of `lab9t args`
 *   1 MiB through a pipe to a child, 4 KiB a write
 * `lab9t bench wall` times on the host's clock instead (make bench, grade/bench.py's
 * lab9_wall): each figure's loop between two lines, "lab9t: wall: start NAME N" and
 * "lab9t: wall: end NAME", that the bench timestamps as they arrive on COM1; N is
 * large enough (0.2-0.4 s of work) that a line's own time on COM1 (well under 1 ms)
 * does not count:
 *   getpid; fork + exit + wait4; fork + execve of /true + wait4;
 *   8 MiB through a pipe in 4 KiB writes; a 1-byte ping-pong over two pipes;
 *   and two floors: a 4 KiB copy in ring 3 with the kit's memcpy (the kernel's COW
 *   and pipe copies use the same loop), and open, 20 KiB read and close of /true
 *   (about what its execve reads: the file's first 18 KiB hold its segments)
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
        int pid = (int)sys9(SYS_fork, 0, 0, 0);
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
    sys9(SYS_pipe, (long)fds, 0, 0);
    int pid = (int)sys9(SYS_fork, 0, 0, 0);
    if (pid == 0)
        t9_exit((int)sys9(SYS_read, fds[0], (long)&c, 1));   /* holds the pages until told */
    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < n; i++)
        pages[i * 4096] = 2;            /* shared: each write copies */
    uint64_t t = rdtsc() - t0;
    sys9(SYS_write, fds[1], (long)"x", 1);
    t9_wait(pid, &st);
    return per(t, n);
}

static uint32_t fork_exec(void)
{
    char *argv[] = { "lab9t", "args", NULL }, *envp[] = { NULL };
    int st, out = (int)sys9(SYS_open, (long)"/bench.out", 0101 | 01000, 0644);
    uint64_t t0 = rdtsc();
    int pid = (int)sys9(SYS_fork, 0, 0, 0);

    if (pid == 0) {
        sys9(SYS_dup2, out, 1, 0);       /* its lines into a file, not the console */
        sys9(SYS_execve, (long)"/lab9t", (long)argv, (long)envp);
        t9_exit(127);
    }
    t9_wait(pid, &st);
    uint64_t t = rdtsc() - t0;
    sys9(SYS_close, out, 0, 0);
    sys9(SYS_unlink, (long)"/bench.out", 0, 0);
    return per(t, 1);
}

static uint32_t pipe_kib(uint32_t kib)
{
    int fds[2], st;
    uint64_t t0 = rdtsc();

    sys9(SYS_pipe, (long)fds, 0, 0);
    int pid = (int)sys9(SYS_fork, 0, 0, 0);
    if (pid == 0) {
        sys9(SYS_close, fds[1], 0, 0);
        while (sys9(SYS_read, fds[0], (long)pages, 4096) > 0)
            ;
        t9_exit(0);
    }
    sys9(SYS_close, fds[0], 0, 0);
    for (uint32_t i = 0; i < kib / 4; i++)
        sys9(SYS_write, fds[1], (long)pages, 4096);
    sys9(SYS_close, fds[1], 0, 0);
    t9_wait(pid, &st);
    return per(rdtsc() - t0, 1);
}

static void fork_waits(uint32_t n)
{
    fork_wait(n);
}

static void pipe_stream(uint32_t kib)
{
    pipe_kib(kib);
}

static void getpids(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        sys9(SYS_getpid, 0, 0, 0);
}

static void exec_true(uint32_t n)
{
    char *argv[] = { "true", NULL }, *envp[] = { NULL };
    int st;

    for (uint32_t i = 0; i < n; i++) {
        int pid = (int)sys9(SYS_fork, 0, 0, 0);
        if (pid == 0) {
            sys9(SYS_execve, (long)"/true", (long)argv, (long)envp);
            t9_exit(127);
        }
        t9_wait(pid, &st);
    }
}

/* n round trips of one byte: the parent writes to `there`, the child answers on `back`. */
static void ping_pong(uint32_t n)
{
    int there[2], back[2], st;
    char c = 'p';

    sys9(SYS_pipe, (long)there, 0, 0);
    sys9(SYS_pipe, (long)back, 0, 0);
    int pid = (int)sys9(SYS_fork, 0, 0, 0);
    if (pid == 0) {
        sys9(SYS_close, there[1], 0, 0);
        while (sys9(SYS_read, there[0], (long)&c, 1) == 1)
            sys9(SYS_write, back[1], (long)&c, 1);
        t9_exit(0);
    }
    sys9(SYS_close, there[0], 0, 0);
    sys9(SYS_close, back[1], 0, 0);
    for (uint32_t i = 0; i < n; i++) {
        sys9(SYS_write, there[1], (long)&c, 1);
        sys9(SYS_read, back[0], (long)&c, 1);
    }
    sys9(SYS_close, there[1], 0, 0);
    sys9(SYS_close, back[0], 0, 0);
    t9_wait(pid, &st);
}

/* What an execve of /true reads: its segments lie in the file's first 18 KiB
 * (readelf -l build/progs/true); read here 4 KiB at a time, 20 KiB. */
static void read_true(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        int fd = (int)sys9(SYS_open, (long)"/true", 0, 0);
        for (int k = 0; k < 5; k++)
            sys9(SYS_read, fd, (long)pages, 4096);
        sys9(SYS_close, fd, 0, 0);
    }
}

static void page_copies(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        memcpy(pages + 4096 * (1 + i % 8), pages, 4096);
}

/* The loops of `bench wall`, each between its two lines; counts for 0.2-0.4 s each on a
 * quiet host (2026-12-07), so about 2 s in all (3 times that on a loaded one). */
static int wall(void)
{
    static const struct { const char *name; uint32_t n; void (*run)(uint32_t); } figs[] = {
        { "getpid", 500000, getpids }, { "fork-exit-wait", 3000, fork_waits },
        { "fork-exec-wait", 60, exec_true }, { "pipe-kib", 8192, pipe_stream },
        { "ping-pong", 10000, ping_pong }, { "page-copy", 30000, page_copies },
        { "read-true", 60, read_true },
    };

    for (unsigned i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        t9_printf("lab9t: wall: start %s %u\n", figs[i].name, figs[i].n);
        figs[i].run(figs[i].n);
        t9_printf("lab9t: wall: end %s\n", figs[i].name);
    }
    return 0;
}

int t9_bench(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[2], "wall"))
        return wall();
    uint32_t n = argc > 2 ? t9_num(argv[2]) : 16;

    n = n < 1 ? 1 : n > COW_PAGES_MAX ? COW_PAGES_MAX : n;
    t9_printf("lab9t: bench: fork + exit + wait4: %u cycles (%u runs)\n", fork_wait(n), n);
    t9_printf("lab9t: bench: copy-on-write fault: %u cycles (%u pages)\n", cow_faults(n), n);
    t9_printf("lab9t: bench: fork + execve + exit + wait4: %u cycles\n", fork_exec());
    t9_printf("lab9t: bench: 1 MiB through a pipe: %u cycles\n", pipe_kib(1024));
    return 0;
}
