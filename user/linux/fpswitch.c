/*
 * fpswitch.c - each process keeps its own x87 and SSE registers (linux_fpu.c),
 * across switches and across signal handlers (linux_sigframe.c). A child
 * sends its parent SIGUSR1 every 2 ms; the parent sums 1/i with the x87 and
 * copies and measures strings with glibc's SSE2 functions meanwhile, and
 * checks every result, while the handler does floating point and SSE string
 * work of its own. Any register clobbered on the way shows as a bad result.
 * Prints "fpswitch: bad 0, handler ran yes" where all is well (Linux too).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WANT_HITS 20
#define MAX_ROUNDS 200000

static volatile int hits;
static char big[4096];

static void on_usr1(int sig)
{
    volatile double x = sig;

    for (int i = 0; i < 50; i++)
        x = x * 1.0001 + 0.5;
    hits += strlen(big) > 0 && x > 0;
}

static int one_round(int r)
{
    char src[1000], dst[1000];
    double acc = 0;
    int bad = 0;

    for (int i = 1; i <= 1000; i++)
        acc += 1.0 / i;
    bad += acc < 7.4854 || acc > 7.4855;
    memset(src, r & 0x7f, sizeof src);
    memcpy(dst, src, sizeof dst);
    bad += memcmp(src, dst, sizeof dst) != 0;
    bad += strlen(big) != sizeof big - 1;
    return bad;
}

int main(void)
{
    pid_t parent = getpid(), child;
    int bad = 0;

    memset(big, 'a', sizeof big - 1);
    signal(SIGUSR1, on_usr1);
    if ((child = fork()) == 0) {
        for (;;) {
            kill(parent, SIGUSR1);
            usleep(2000);
        }
    }
    for (int r = 0; r < MAX_ROUNDS && hits < WANT_HITS; r++)
        bad += one_round(r);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    printf("fpswitch: bad %d, handler ran %s\n", bad, hits >= WANT_HITS ? "yes" : "no");
    return bad != 0;
}
