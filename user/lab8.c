/*
 * lab8.c - stage 8's program: user programs from the disk.
 *
 *     run=PATH[,PATH...]   run the programs at once, each its own process
 *     run="PATH ARG..."    arguments after the path, separated by spaces
 *     bench                trap, load and page-fault figures (user/lab8_bench.c)
 *
 * Every FAT volume on the four ATA positions is mounted; a PATH is looked up
 * on each in order. The programs share the CPU under lab 6's scheduler; they
 * are waited for in the order given, and each end is one line:
 * "exit PATH: CODE" or "exit PATH: killed (vector N)". Then the frames: every
 * one a process held must be back in the pool.
 */
#include "bench.h"
#include "cmdline.h"
#include "kprintf.h"
#include "kstring.h"
#include "process.h"

CMDLINE_OPTION(run, "run", "run programs from the disk at once: run=PATH[,PATH...], "
                           "run=\"PATH ARG...\" for arguments");

#define MAX_PROGRAMS 8

struct program {
    char words[CMDLINE_MAX_LENGTH];
    int argc;
    const char *argv[PROC_ARGS_MAX];
    struct process *proc;
};

static struct program programs[MAX_PROGRAMS];

/* "PATH ARG ARG": argv in place, split on spaces; false if too many words. */
static bool split_words(struct program *pr)
{
    char *s = pr->words;

    pr->argc = 0;
    while (*s) {
        while (*s == ' ')
            *s++ = '\0';
        if (!*s)
            break;
        if (pr->argc == PROC_ARGS_MAX)
            return false;
        pr->argv[pr->argc++] = s;
        while (*s && *s != ' ')
            s++;
    }
    return pr->argc > 0;
}

/* run=A,B,C: one program per comma; every one checked before the first starts. */
static int parse_run(const char *value)
{
    int n = 0;

    while (*value) {
        const char *comma = strchr(value, ',');
        size_t len = comma ? (size_t)(comma - value) : strlen(value);
        if (n == MAX_PROGRAMS)
            cmdline_refuse("run", "too many programs", "at most 8 paths, separated by commas");
        memcpy(programs[n].words, value, len);
        programs[n].words[len] = '\0';
        if (!split_words(&programs[n]))
            cmdline_refuse("run", "an empty path or more than 16 words",
                           "PATH[,PATH...], each PATH followed by at most 15 arguments");
        n++;
        value += len + (comma ? 1 : 0);
    }
    if (n == 0 || value[-1] == ',')     /* "run=/a,": an empty path, as in "run=/a,,/b" */
        cmdline_refuse("run", n ? "an empty path" : "no path", "PATH[,PATH...]");
    return n;
}

void program_main(void)
{
    const char *run = cmdline_str("run", NULL);
    int n = run ? parse_run(run) : 0;
    struct frame_counts before = frames_count();

    kprintf("lab8: %u frames free of %u\n", before.free, before.total);
    if (!n && !cmdline_flag("bench"))
        return;
    if (!volumes_mount())
        kprintf("lab8: no FAT volume on any disk\n");
    if (cmdline_flag("bench"))
        lab8_bench();
    for (int i = 0; i < n; i++)
        programs[i].proc = process_start(programs[i].argv[0], programs[i].argc, programs[i].argv);
    for (int i = 0; i < n; i++) {
        enum proc_end end;
        int code;
        if (!programs[i].proc)
            continue;
        process_wait(programs[i].proc, &end, &code);
        if (end == PROC_KILLED)
            kprintf("exit %s: killed (vector %d)\n", programs[i].argv[0], code);
        else
            kprintf("exit %s: %d\n", programs[i].argv[0], code);
    }
    volumes_unmount();
    struct frame_counts after = frames_count();
    kprintf("lab8: frames leaked: %d\n", (int)before.free - (int)after.free);
}
