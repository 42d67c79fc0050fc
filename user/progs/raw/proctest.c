/*
 * proctest - lab 9's process calls, from a program that uses nothing of the
 * kit: its own _start and raw `int 0x80`s (Linux i386: eax = number, ebx ecx
 * edx esi = arguments, the result or -errno in eax), built with nothing but
 * `gcc -m32 -static -nostdlib -o proctest proctest.c`. Each check follows the
 * Linux man page of its calls (fork(2), pipe(2), wait4(2), execve(2),
 * kill(2), getppid(2), brk(2)); each prints a "proctest: " line, and the
 * first failure prints "proctest: FAIL: ..." and exits 1.
 *     proctest [FORKS [ARGECHO]]   fork at most FORKS children when forking
 *                                  until refused (1..100000, default 10000:
 *                                  keep it small on a Linux host); ARGECHO is
 *                                  the program execve runs (default /argecho)
 * Exit code 0 after "proctest: ok".
 */
#include "rawlib.h"            /* sys(), say(), FAIL(): the raw helpers */

#define WRITERS     40
#define RECORD_MAGIC 0xCA1B0009u
/* One record per writer: 20 bytes, less than PIPE_BUF, so each write is whole. */
struct record {
    unsigned magic, index;
    long pid, ppid;
    unsigned check;             /* the others xor'ed: a torn record shows */
};

/* WRITERS children each write one record into one pipe and exit with
 * index + 1; the parent reads to EOF (every write end closed), checks each
 * record once, then each child's exit code through wait4 on its pid. */
static void pipe_writers(void)
{
    static struct record got[WRITERS + 1];
    long pids[WRITERS], me = sys(SYS_getpid, 0, 0, 0, 0), r;
    int fds[2], seen[WRITERS], status;

    if ((r = sys(SYS_pipe, (long)fds, 0, 0, 0)) != 0)
        FAIL("pipe returned %d", r);
    for (int i = 0; i < WRITERS; i++) {
        seen[i] = 0;
        if ((pids[i] = sys(SYS_fork, 0, 0, 0, 0)) < 0)
            FAIL("fork of writer %d returned %d", i, pids[i]);
        if (pids[i] == 0) {
            struct record rec = { RECORD_MAGIC, (unsigned)i, sys(SYS_getpid, 0, 0, 0, 0),
                                  sys(SYS_getppid, 0, 0, 0, 0), 0 };
            rec.check = rec.magic ^ rec.index ^ (unsigned)rec.pid ^ (unsigned)rec.ppid;
            sys(SYS_close, fds[0], 0, 0, 0);
            quit(sys(SYS_write, fds[1], (long)&rec, sizeof rec, 0) == sizeof rec ? i + 1 : 100);
        }
    }
    sys(SYS_close, fds[1], 0, 0, 0);
    if ((r = read_all(fds[0], (char *)got, WRITERS * sizeof got[0])) != WRITERS * sizeof got[0])
        FAIL("the pipe gave %d bytes to EOF, not %d", r, WRITERS * (long)sizeof got[0]);
    sys(SYS_close, fds[0], 0, 0, 0);
    for (int i = 0; i < WRITERS; i++) {
        struct record *rec = &got[i];
        unsigned k = rec->index;
        if (rec->magic != RECORD_MAGIC || k >= WRITERS || seen[k]++ ||
            rec->check != (rec->magic ^ k ^ (unsigned)rec->pid ^ (unsigned)rec->ppid))
            FAIL("record %d is torn, unknown or repeated", i);
        if (rec->pid != pids[k] || rec->ppid != me)
            FAIL("writer %d says pid %d, parent %d; fork said %d, and I am %d", (long)k,
                 rec->pid, rec->ppid, pids[k], me);
    }
    say("%d children wrote %d records through one pipe, read to EOF", (long)WRITERS,
        (long)WRITERS);
    say("each record gives its child's pid as fork returned it, and mine from getppid");
    for (int i = 0; i < WRITERS; i++)
        if ((r = wait_for(pids[i], &status)) != pids[i] || !exited_with(status, i + 1))
            FAIL("wait4(%d) returned %d, status %d, not exit code %d", pids[i], r,
                 (long)status, (long)i + 1);
    say("wait4 on each pid gave its exit code, 1..%d", (long)WRITERS);
}

static int cow_global = 1111;

/* The child sees the values of the fork; the parent then writes its own,
 * and the child must still see the old ones; its writes must not reach the
 * parent. A global, a heap word (brk) and a stack word. */
static void copy_on_write(void)
{
    volatile int stack_word = 3333;
    long heap = sys(SYS_brk, 0, 0, 0, 0), pid, r;
    volatile int *heap_word = (volatile int *)heap;
    int go[2], status;
    char byte;

    if (sys(SYS_brk, heap + 4096, 0, 0, 0) != heap + 4096)
        FAIL("brk could not grow by 4096 bytes");
    *heap_word = 2222;
    if (sys(SYS_pipe, (long)go, 0, 0, 0) != 0 || (pid = sys(SYS_fork, 0, 0, 0, 0)) < 0)
        FAIL("pipe or fork failed");
    if (pid == 0) {
        sys(SYS_close, go[1], 0, 0, 0);
        sys(SYS_read, go[0], (long)&byte, 1, 0);           /* the parent has written */
        if (cow_global != 1111 || *heap_word != 2222 || stack_word != 3333)
            quit(10);
        cow_global = 4444, *heap_word = 4444, stack_word = 4444;
        quit(cow_global == 4444 && *heap_word == 4444 && stack_word == 4444 ? 0 : 11);
    }
    cow_global = 5555, *heap_word = 5555, stack_word = 5555;
    sys(SYS_write, go[1], (long)"g", 1, 0);
    sys(SYS_close, go[0], 0, 0, 0);
    sys(SYS_close, go[1], 0, 0, 0);
    if ((r = wait_for(pid, &status)) != pid || !exited_with(status, 0))
        FAIL("the copy-on-write child: wait4 %d, status %d (10: it saw my writes)", r,
             (long)status);
    if (cow_global != 5555 || *heap_word != 5555 || stack_word != 5555)
        FAIL("the child's writes reached me: %d %d %d", (long)cow_global, (long)*heap_word,
             (long)stack_word);
    say("copy-on-write: global, heap and stack words stay each process's own");
}

/* The lines argecho must print: its arguments, environment, and of the
 * descriptors above 2 only keep[] (the O_CLOEXEC pair closed at execve,
 * and the child closed all others before it). */
static void expected_echo(char *out, char *const *argv, char *const *envp, const int keep[2])
{
    static const char *const digits[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
    unsigned n = 0;

    out[0] = '\0';
    append(out, &n, "argecho: argc 4\n");
    for (int i = 0; i < 4; i++) {
        append(out, &n, "argecho: argv[");
        append(out, &n, digits[i]);
        append(out, &n, "] \"");
        append(out, &n, argv[i]);
        append(out, &n, "\"\n");
    }
    for (int i = 0; i < 2; i++) {
        append(out, &n, "argecho: envp[");
        append(out, &n, digits[i]);
        append(out, &n, "] \"");
        append(out, &n, envp[i]);
        append(out, &n, "\"\n");
    }
    append(out, &n, "argecho: envc 2\nargecho: open fds above 2: ");
    append(out, &n, digits[keep[0]]);
    append(out, &n, " ");
    append(out, &n, digits[keep[1]]);
    append(out, &n, "\n");
}

/* execve argecho with stdout on a pipe, and check every line it prints:
 * argv and envp arrive whole; O_CLOEXEC descriptors are gone, others kept. */
static void exec_argecho(const char *path)
{
    char *argv[] = { "argecho", "one", "two words", "", 0 };
    char *envp[] = { "CAIRN=lab9", "EMPTY=", 0 };
    static char out[2048], want[2048];
    int pipe_out[2], keep[2], cloexec[2], status;
    long pid, r, got;

    if (sys(SYS_pipe, (long)pipe_out, 0, 0, 0) != 0 || sys(SYS_pipe, (long)keep, 0, 0, 0) != 0 ||
        sys(SYS_pipe2, (long)cloexec, O_CLOEXEC, 0, 0) != 0)
        FAIL("pipe or pipe2 failed");
    if (keep[0] > 9 || keep[1] > 9)
        FAIL("descriptors %d and %d: more open than a fresh program has", (long)keep[0],
             (long)keep[1]);
    if ((pid = sys(SYS_fork, 0, 0, 0, 0)) == 0) {
        sys(SYS_dup2, pipe_out[1], 1, 0, 0);
        for (int fd = 3; fd < 32; fd++)     /* what it inherited of mine goes, but: */
            if (fd != keep[0] && fd != keep[1] && fd != cloexec[0] && fd != cloexec[1])
                sys(SYS_close, fd, 0, 0, 0);
        r = sys(SYS_execve, (long)path, (long)argv, (long)envp, 0);
        say("FAIL: execve(\"%s\") returned %d", path, r);
        quit(127);
    }
    sys(SYS_close, pipe_out[1], 0, 0, 0);
    got = read_all(pipe_out[0], out, sizeof out - 1);
    out[got] = '\0';
    if ((r = wait_for(pid, &status)) != pid || !exited_with(status, 4))
        FAIL("argecho: wait4 %d, status %d, not exit code 4 (its argc)", r, (long)status);
    expected_echo(want, argv, envp, keep);
    if (!same(out, want))
        FAIL("argecho printed:\n%swhere it should have printed:\n%s", out, want);
    say("execve(\"%s\") passed 4 arguments and 2 environment strings whole", path);
    say("execve closed the O_CLOEXEC descriptors and kept the others");
    for (int i = 0; i < 2; i++) {
        sys(SYS_close, keep[i], 0, 0, 0);
        sys(SYS_close, cloexec[i], 0, 0, 0);
    }
    sys(SYS_close, pipe_out[0], 0, 0, 0);
    if ((r = sys(SYS_execve, (long)"/no/such/program", (long)argv, (long)envp, 0)) != -ENOENT)
        FAIL("execve of a missing file returned %d, not %d", r, (long)-ENOENT);
    say("execve of a missing file returned %d, and I go on", r);
}

/* A child that would sleep a minute is ended by SIGTERM; wait4 says so; a
 * second kill finds no such process. */
static void kill_sleeper(void)
{
    long pid = sys(SYS_fork, 0, 0, 0, 0), r;
    long minute[2] = { 60, 0 };
    int status;

    if (pid == 0) {
        for (;;)
            sys(SYS_nanosleep, (long)minute, 0, 0, 0);
    }
    if (pid < 0 || (r = sys(SYS_kill, pid, SIGTERM, 0, 0)) != 0)
        FAIL("fork %d, or kill returned %d", pid, pid < 0 ? 0 : r);
    if ((r = wait_for(pid, &status)) != pid || (status & 0x7f) != SIGTERM)
        FAIL("wait4 of the killed child: %d, status %d, not killed by %d", r, (long)status,
             (long)SIGTERM);
    say("kill(child, SIGTERM): wait4 says signal %d ended it", (long)(status & 0x7f));
    if ((r = sys(SYS_kill, pid, SIGTERM, 0, 0)) != -ESRCH)
        FAIL("kill of a reaped child returned %d, not %d", r, (long)-ESRCH);
    say("kill of a reaped child returned %d", r);
}

/* Fork until refused (or `max`): every child waits for EOF on a pipe, so all
 * are alive at once; then every one is reaped, and no more are left. */
static void fork_until_refused(long max)
{
    long forked = 0, pid = 0, reaped = 0, r;
    int hold[2], status;
    char byte;

    if (sys(SYS_pipe, (long)hold, 0, 0, 0) != 0)
        FAIL("pipe failed");
    for (; forked < max; forked++) {
        if ((pid = sys(SYS_fork, 0, 0, 0, 0)) < 0)
            break;
        if (pid == 0) {
            sys(SYS_close, hold[1], 0, 0, 0);
            quit(sys(SYS_read, hold[0], (long)&byte, 1, 0) == 0 ? 0 : 1);   /* EOF: go */
        }
    }
    sys(SYS_close, hold[1], 0, 0, 0);
    sys(SYS_close, hold[0], 0, 0, 0);
    if (forked == 0)
        FAIL("the first fork was refused: %d", pid);
    if (forked < max)
        say("fork refused after %d children, all alive at once: %d", forked, pid);
    else
        say("stopped at the limit of %d children, all alive at once", forked);
    for (; (r = wait_for(-1, &status)) > 0; reaped++)
        if (!exited_with(status, 0))
            FAIL("child %d ended with status %d, not exit code 0", r, (long)status);
    if (r != -ECHILD || reaped != forked)
        FAIL("reaped %d of %d children, then wait4 returned %d, not %d", reaped, forked, r,
             (long)-ECHILD);
    say("reaped all %d, then wait4 returned %d", reaped, r);
}

static long number(const char *s, long dflt)
{
    long v = 0;

    if (s == 0)
        return dflt;
    for (; *s >= '0' && *s <= '9' && v <= 100000; s++)
        v = v * 10 + (*s - '0');
    if (*s != '\0' || v < 1 || v > 100000) {
        say("bad forks '%s' (1..100000)", s);
        quit(2);
    }
    return v;
}

__attribute__((used, noreturn)) void proctest_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    long forks = number(argc > 1 ? argv[1] : 0, 10000);
    const char *argecho = argc > 2 ? argv[2] : "/argecho";

    say("pid %d, parent %d", sys(SYS_getpid, 0, 0, 0, 0), sys(SYS_getppid, 0, 0, 0, 0));
    pipe_writers();
    copy_on_write();
    exec_argecho(argecho);
    kill_sleeper();
    fork_until_refused(forks);
    say("ok");
    quit(0);
}

/* The kernel enters with esp at argc (System V i386 ABI, "Process
 * Initialization"); hand that pointer to proctest_main on an aligned stack. */
__asm__(".text\n.globl _start\n_start:\n"
        "    xorl %ebp, %ebp\n    movl %esp, %eax\n    andl $-16, %esp\n"
        "    subl $12, %esp\n    pushl %eax\n    call proctest_main\n    hlt\n");
