/*
 * forktest - xv6's fork stress test, written anew for Cairn: fork until the
 * kernel refuses (or MAX children, so that a Linux host is never fork-bombed),
 * with each child ending at once with its own code; then reap every one with
 * waitpid(2) and check who it was and how it ended; then one wait4(2) more
 * must say there is no child left (ECHILD). Children that have ended still hold
 * their process slot until reaped, so refusal comes when the table is full.
 *     forktest [MAX]          MAX 1..100000 (default 1000)
 * A child's code is 1 + its index % 200, or 255 when getppid() is not its
 * parent's pid: the parent's check catches both.
 */
#include "ulib.h"

#define CODE(i) (1 + (i) % 200)

static long *pids;

/* Fork up to max children; how many were forked. */
static uint32_t fork_all(uint32_t max)
{
    long parent = getpid(), pid = 0;
    uint32_t n;

    for (n = 0; n < max; n++) {
        if ((pid = fork()) < 0)
            break;
        if (pid == 0)
            exit(getppid() == parent ? CODE(n) : 255);
        pids[n] = pid;
    }
    if (n < max)
        printf("forktest: fork refused after %u children: %ld (%s)\n", n, pid, errstr(pid));
    else
        printf("forktest: stopped at the limit: %u children\n", n);
    return n;
}

/* Reap n children: 0, or -1 once the first wrong one is reported. */
static int reap_all(uint32_t n)
{
    for (uint32_t reaped = 0; reaped < n; reaped++) {
        int status = 0;
        long pid = waitpid(-1, &status, 0);     /* wait4 has the last word, below */
        uint32_t i = 0;
        if (pid < 0) {
            printf("forktest: waitpid returned %ld after %u of %u children\n", pid, reaped, n);
            return -1;
        }
        while (i < n && pids[i] != pid)
            i++;
        if (i == n) {
            printf("forktest: waitpid gave pid %ld, which is no child of mine\n", pid);
            return -1;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != CODE(i)) {
            printf("forktest: child %u (pid %ld) ended with status 0x%x, not exit code %u\n",
                   i, pid, status, CODE(i));
            return -1;
        }
        pids[i] = 0;                    /* a pid reaped twice is then no child of mine */
    }
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t max = arg_u32("forktest", argc, argv, 1, "max", 1, 100000, 1000), n;
    long r;

    if (argc > 2) {
        printf("forktest: usage: forktest [MAX]\n");
        return 2;
    }
    if ((pids = malloc(max * sizeof *pids)) == NULL) {
        printf("forktest: out of memory for %u pids\n", max);
        return 1;
    }
    printf("forktest: forking until refused (at most %u)\n", max);
    if ((n = fork_all(max)) == 0)
        return 1;
    if (reap_all(n) < 0)
        return 1;
    if ((r = wait4(-1, NULL, 0, NULL)) != -ECHILD) {
        printf("forktest: wait4 with no child left returned %ld, not %d\n", r, -ECHILD);
        return 1;
    }
    printf("forktest: reaped %u children, each with its own exit code\n", n);
    printf("forktest: ok %u\n", n);
    return 0;
}
