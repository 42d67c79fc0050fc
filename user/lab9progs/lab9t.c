/*
 * lab9t.c - lab 9's test program: one command per process mechanism, each
 * printing lines the grader computes from the same arguments
 * (grade/labs/lab9.py). Every line starts "lab9t: ".
 *
 *   tree SEED DEPTH WIDTH   a fork tree: each node's exit code is its own value
 *                           (FNV-1a of "SEED:PATH" mod 251) plus its children's, mod 256
 *   cow SEED                fork; the parent writes data, bss, heap and stack while the
 *                           child lives, which still sees the old values, writes its own
 *                           and read()s into a shared page; the parent keeps its values
 *   exec WORD               execve of a missing file fails, then of "lab9t args" with
 *                           argv, envp, a close-on-exec descriptor and its dup2 copy
 *   orphan                  a grandchild outlives its parent and is reaped by pid 1;
 *                           a zombie keeps its status
 *   detach                  pid 1 exits 6 first; its child and grandchild, the kernel's now,
 *                           find no parent (getppid 0)
 *   signals                 children ended by kill(2) and by faults: their statuses
 *   blocked                 SIGTERM for children asleep in pipe writes, reads, wait4 (lab9t_kill.c)
 *   pipe SIZE SEED, bomb, spin, cat, fds, fs NAME   (lab9t_io.c)
 *   bench [N]               what fork, a COW fault, exec and a pipe cost (lab9t_bench.c)
 */
#include "lab9t.h"

static uint32_t data_word = 0x12345678;
static uint32_t bss_words[2048];

const char *t9_status(int status)
{
    static char text[40];

    if ((status & 0x7F) == 0)
        ksnprintf(text, sizeof text, "exited %d", (status >> 8) & 0xFF);
    else
        ksnprintf(text, sizeof text, "killed by signal %d", status & 0x7F);
    return text;
}

static int tree(uint32_t seed, const char *path, int depth, int maxd, int width)
{
    int pids[4], codes[4], sum = 0;
    char key[64], kids[64] = "none";
    int n = depth < maxd ? width : 0;

    for (int i = 0; i < n; i++) {
        char sub[48];
        ksnprintf(sub, sizeof sub, "%s.%d", path, i);
        if ((pids[i] = (int)sys9(SYS_fork, 0, 0, 0)) == 0)
            t9_exit(tree(seed, sub, depth + 1, maxd, width));
    }
    for (int i = 0; i < n; i++) {
        int st = 0;
        t9_wait(pids[i], &st);
        codes[i] = (st >> 8) & 0xFF;
        sum += codes[i];
        ksnprintf(kids + (i ? strlen(kids) : 0), sizeof kids - (i ? strlen(kids) : 0),
                  i ? ",%d" : "%d", codes[i]);
    }
    ksnprintf(key, sizeof key, "%u:%s", seed, path);
    int code = (int)((t9_fnv(key) % 251 + (uint32_t)sum) % 256);
    t9_printf("lab9t: tree %s exits %d (children %s)\n", path, code, kids);
    return code;
}

/*
 * Both sides write while both live. The parent writes first, its own new values in every
 * shared page (a copy-on-write fault each: fork made its pages read-only too), then lets
 * the child go through the pipe; the child must still see the values of the fork, writes
 * its own, and read()s into a shared page (the kernel's write must copy it too).
 */
static int cow(uint32_t v)
{
    uint32_t stack_word = v + 2, *heap = (uint32_t *)sys9(45, 0, 0, 0);
    int fds[2], st;

    sys9(45, (long)heap + 4096, 0, 0);
    data_word = v, heap[0] = v + 1, bss_words[1000] = v + 3;
    sys9(SYS_pipe, (long)fds, 0, 0);
    int pid = (int)sys9(SYS_fork, 0, 0, 0);
    if (pid == 0) {
        long got = sys9(SYS_read, fds[0], (long)&bss_words[8], 4);  /* the parent has written */
        t9_printf("lab9t: cow child sees %u %u %u %u after the parent's writes\n", data_word,
                  heap[0], stack_word, bss_words[1000]);
        data_word = ~v, heap[0] = ~v + 1, stack_word = ~v + 2, bss_words[1000] = ~v + 3;
        char text[5] = { 0 };
        memcpy(text, &bss_words[8], 4);
        t9_printf("lab9t: cow child wrote %u %u %u %u and read %ld bytes \"%s\"\n", data_word,
                  heap[0], stack_word, bss_words[1000], got, text);
        t9_exit(0);
    }
    data_word = v + 100, heap[0] = v + 101, stack_word = v + 102, bss_words[1000] = v + 103;
    sys9(SYS_write, fds[1], (long)"COW!", 4);
    t9_wait(pid, &st);
    t9_printf("lab9t: cow parent sees %u %u %u %u and %u in its buffer\n", data_word, heap[0],
              stack_word, bss_words[1000], bss_words[8]);
    data_word = v + 5;                  /* its own copy since its first write: no fault */
    t9_printf("lab9t: cow parent wrote %u: child %s\n", data_word, t9_status(st));
    return 0;
}

static int exec_test(const char *word)
{
    char env[64], fdtext[3][12];
    int keep = (int)sys9(SYS_open, (long)"/lab9t", 0, 0);
    int shut = (int)sys9(SYS_open, (long)"/lab9t", T9_O_CLOEXEC, 0);
    int copy = (int)sys9(SYS_dup2, shut, 12, 0);     /* dup2's copy is never close-on-exec */

    ksnprintf(env, sizeof env, "WORD=%s", word);
    ksnprintf(fdtext[0], sizeof fdtext[0], "%d", keep);
    ksnprintf(fdtext[1], sizeof fdtext[1], "%d", shut);
    ksnprintf(fdtext[2], sizeof fdtext[2], "%d", copy);
    char *argv[] = { "lab9t", "args", (char *)word, fdtext[0], fdtext[1], fdtext[2], NULL };
    char *envp[] = { "HOME=/", env, NULL };
    long r = sys9(SYS_execve, (long)"/no/such/program", (long)argv, (long)envp);
    t9_printf("lab9t: execve /no/such/program = %ld\n", r);
    sys9(SYS_chdir, (long)"/", 0, 0);
    r = sys9(SYS_execve, (long)"lab9t", (long)argv, (long)envp);
    t9_printf("lab9t: execve lab9t = %ld: still here\n", r);
    return 1;
}

static int args(int argc, char **argv)
{
    uint8_t st[96];

    t9_printf("lab9t: args argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        t9_printf("lab9t: args argv[%d] \"%s\"\n", i, argv[i]);
    for (char **e = t9_environ; *e; e++)
        t9_printf("lab9t: args env \"%s\"\n", *e);
    if (argc >= 6)
        t9_printf("lab9t: args fstat(kept fd) = %ld, fstat(close-on-exec fd) = %ld, "
                  "fstat(its dup2) = %ld\n", sys9(SYS_fstat64, t9_num(argv[3]), (long)st, 0),
                  sys9(SYS_fstat64, t9_num(argv[4]), (long)st, 0),
                  sys9(SYS_fstat64, t9_num(argv[5]), (long)st, 0));
    return 0;
}

/* getppid once the process that forked this one (pid `was`) has ended: no race. */
static long parent_changed(long was)
{
    long now = sys9(SYS_getppid, 0, 0, 0);

    for (int i = 0; i < 1000 && now == was; i++) {      /* a look every 5 ms, 5 s at most */
        t9_sleep_ms(5);
        now = sys9(SYS_getppid, 0, 0, 0);
    }
    return now;
}

static int orphan(void)
{
    int st = 0, a = (int)sys9(SYS_fork, 0, 0, 0);

    if (a == 0) {
        long me = sys9(SYS_getpid, 0, 0, 0);
        if (sys9(SYS_fork, 0, 0, 0) == 0) {
            t9_printf("lab9t: orphan's parent is now pid %ld\n", parent_changed(me));
            t9_exit(9);
        }
        t9_exit(7);
    }
    t9_wait(a, &st);
    t9_printf("lab9t: orphan's parent %s\n", t9_status(st));
    int g = t9_wait(-1, &st);
    t9_printf("lab9t: pid 1 reaped the orphan: %s\n", g > a ? t9_status(st) : "wrong pid");
    int z = (int)sys9(SYS_fork, 0, 0, 0);
    if (z == 0)
        t9_exit(5);
    t9_sleep_ms(20);                    /* a zombie meanwhile */
    long there = sys9(SYS_kill, z, 0, 0);
    t9_wait(-1, &st);
    t9_printf("lab9t: the zombie kept its status: %s (kill(pid, 0) = %ld before the wait)\n",
              t9_status(st), there);
    t9_printf("lab9t: wait with no child = %d\n", t9_wait(-1, &st));
    return 0;
}

/* The first process ends before its child and grandchild: the kernel reaps them. */
static int detach(void)
{
    long first = sys9(SYS_getpid, 0, 0, 0);

    if (sys9(SYS_fork, 0, 0, 0) == 0) {
        long me = sys9(SYS_getpid, 0, 0, 0);
        if (sys9(SYS_fork, 0, 0, 0) == 0) {
            t9_printf("lab9t: detach: the grandchild's parent is now pid %ld\n",
                      parent_changed(me));
            t9_exit(9);
        }
        t9_printf("lab9t: detach: the child's parent is now pid %ld\n", parent_changed(first));
        t9_exit(3);
    }
    t9_printf("lab9t: detach: pid 1 ends first\n");
    return 6;
}

static void child_does(int what)
{
    volatile int zero = 0;

    switch (what) {
    case 0: for (;;) t9_sleep_ms(1000);
    case 1: for (;;) ;
    case 2: t9_printf("lab9t: %d\n", *(volatile int *)0);
            break;
    case 3: __asm__ volatile("xorl %%edx, %%edx; divl %0" : : "r"(zero) : "eax", "edx");
            break;
    case 4: __asm__ volatile("ud2");
            break;
    case 5: __asm__ volatile("int3");
            break;
    }
    t9_exit(3);
}

static int signals(void)
{
    static const char *what[] = { "sleeping, SIGTERM", "spinning, SIGKILL", "NULL read",
                                  "divide by zero", "ud2", "int3", "exit(3)" };
    int pids[7], st;

    for (int i = 0; i < 7; i++)
        if ((pids[i] = (int)sys9(SYS_fork, 0, 0, 0)) == 0)
            child_does(i);
    t9_sleep_ms(20);                    /* the spinner spins in ring 3 */
    sys9(SYS_kill, pids[0], 15, 0);
    sys9(SYS_kill, pids[1], 9, 0);
    for (int i = 0; i < 7; i++) {
        t9_wait(pids[i], &st);
        t9_printf("lab9t: child %s: %s\n", what[i], t9_status(st));
    }
    t9_printf("lab9t: kill(no such pid) = %ld\n", sys9(SYS_kill, 30000, 15, 0));
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";

    if (!strcmp(cmd, "tree") && argc == 5)
        return tree(t9_num(argv[2]), "r", 0, (int)t9_num(argv[3]), (int)t9_num(argv[4]));
    if (!strcmp(cmd, "cow") && argc == 3)
        return cow(t9_num(argv[2]));
    if (!strcmp(cmd, "exec") && argc == 3)
        return exec_test(argv[2]);
    if (!strcmp(cmd, "args"))
        return args(argc, argv);
    if (!strcmp(cmd, "orphan"))
        return orphan();
    if (!strcmp(cmd, "detach"))
        return detach();
    if (!strcmp(cmd, "signals"))
        return signals();
    if (!strcmp(cmd, "pipe") && argc == 4)
        return t9_pipe(argc, argv);
    if (!strcmp(cmd, "bomb"))
        return t9_bomb(argc, argv);
    if (!strcmp(cmd, "spin"))
        return t9_spin(argc, argv);
    if (!strcmp(cmd, "cat"))
        return t9_cat(argc, argv);
    if (!strcmp(cmd, "fds"))
        return t9_fds(argc, argv);
    if (!strcmp(cmd, "fs") && argc == 3)
        return t9_fs(argc, argv);
    if (!strcmp(cmd, "blocked"))
        return t9_blocked(argc, argv);
    if (!strcmp(cmd, "bench"))
        return t9_bench(argc, argv);
    t9_printf("lab9t: usage: lab9t tree|cow|exec|args|orphan|detach|signals|pipe|bomb|spin|cat|fds|fs|blocked|bench\n");
    return 2;
}
