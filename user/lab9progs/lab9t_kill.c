/*
 * lab9t_kill.c - `lab9t blocked`: signals reach processes asleep in the
 * kernel (signal(7): a blocked call is interrupted). Three children sleep in
 * three different waits: a write to a full pipe nobody reads, a read of an
 * empty pipe whose writer stays open, and a wait4 for a grandchild that
 * sleeps on; the parent kills each with SIGTERM and reaps it, then the
 * orphaned grandchild, now its own (pid 1's), with SIGKILL.
 */
#include "lab9t.h"

static uint8_t block[4096];

static int child(int what, int full[2], int empty[2], int report[2])
{
    int pid = (int)sys9(SYS_fork, 0, 0, 0);

    if (pid != 0)
        return pid;
    if (what == 0)
        for (;;)
            sys9(SYS_write, full[1], (long)block, sizeof block);    /* full after one page */
    if (what == 1)
        sys9(SYS_read, empty[0], (long)block, 1);                   /* nobody writes */
    if (what == 2) {
        int g = (int)sys9(SYS_fork, 0, 0, 0), st;
        if (g == 0)
            for (;;)
                t9_sleep_ms(1000);
        sys9(SYS_write, report[1], (long)&g, sizeof g);
        t9_wait(g, &st);
    }
    t9_exit(42);                        /* never: a signal ends it first */
}

int t9_blocked(int argc, char **argv)
{
    static const char *how[] = { "writing a full pipe", "reading an empty pipe",
                                 "waiting for its child" };
    int full[2], empty[2], report[2], pids[3], g = 0, st;

    (void)argc, (void)argv;
    sys9(SYS_pipe, (long)full, 0, 0);    /* the parent keeps both ends of each open */
    sys9(SYS_pipe, (long)empty, 0, 0);
    sys9(SYS_pipe, (long)report, 0, 0);
    for (int i = 0; i < 3; i++)
        pids[i] = child(i, full, empty, report);
    sys9(SYS_read, report[0], (long)&g, sizeof g);   /* the grandchild exists */
    t9_sleep_ms(30);                                 /* each is asleep in its call */
    for (int i = 0; i < 3; i++) {
        sys9(SYS_kill, pids[i], 15, 0);
        t9_wait(pids[i], &st);
        t9_printf("lab9t: blocked: child %s: %s\n", how[i], t9_status(st));
    }
    sys9(SYS_kill, g, 9, 0);
    int reaped = t9_wait(-1, &st);
    t9_printf("lab9t: blocked: the orphaned grandchild: %s (%s)\n", t9_status(st),
              reaped == g ? "reaped by pid 1" : "wrong pid");
    return 0;
}
