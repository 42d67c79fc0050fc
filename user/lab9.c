/*
 * lab9.c - stage 9's program: the first process, and the wait for the end
 * of it and of everything it started.
 *
 *     run=PATH             the first process (default /sh: make lab9-qemu)
 *     run="PATH ARG..."    with arguments, separated by spaces
 *
 * Every FAT volume on the four ATA positions is mounted; fd 0, 1 and 2 of
 * the first process are the console (COM1 and the keyboard in, COM1 and VGA
 * out). When it and every process it left behind have ended, the stage
 * prints how the first one ended, in Linux's words, and the frames not back
 * in the pool: every frame a process, a pipe or a page table held must be.
 */
#include "cmdline.h"
#include "kprintf.h"
#include "kstring.h"
#include "proc.h"

CMDLINE_OPTION(run, "run", "the first process: run=PATH, run=\"PATH ARG...\" for arguments");

static char words[CMDLINE_MAX_LENGTH];
static const char *argv[PROC_ARGS_MAX];

/* "PATH ARG ARG": argv in place, split on spaces. */
static int split_words(const char *value)
{
    char *s = words;
    int argc = 0;

    strlcpy(words, value, sizeof words);
    while (*s) {
        while (*s == ' ')
            *s++ = '\0';
        if (!*s)
            break;
        if (argc == PROC_ARGS_MAX)
            cmdline_refuse("run", "more than 16 words", "PATH followed by at most 15 arguments");
        argv[argc++] = s;
        while (*s && *s != ' ')
            s++;
    }
    if (argc == 0)
        cmdline_refuse("run", "no path", "PATH or \"PATH ARG...\"");
    return argc;
}

static void say_end(const char *path, int status)
{
    if ((status & 0x7F) == 0)
        kprintf("exit %s: %d\n", path, (status >> 8) & 0xFF);
    else
        kprintf("exit %s: killed by signal %d\n", path, status & 0x7F);
}

void program_main(void)
{
    const char *run = cmdline_str("run", NULL);
    int argc = run ? split_words(run) : 0;
    struct frame_counts before = frames_count();

    kprintf("lab9: %u frames free of %u\n", before.free, before.total);
    if (!argc)
        return;
    if (!volumes_mount())
        kprintf("lab9: no FAT volume on any disk\n");
    before = frames_count();            /* lab 7's mount takes none, but say what we mean */
    if (proc_start_first(argc, argv) >= 0)
        say_end(argv[0], proc_wait_all());
    volumes_unmount();
    struct frame_counts after = frames_count();
    kprintf("lab9: frames leaked: %d\n", (int)before.free - (int)after.free);
}
