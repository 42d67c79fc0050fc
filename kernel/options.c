/*
 * options.c - the kernel's own command line. Options are declared where they
 * are used (CMDLINE_OPTION) and land in the .cmdopt section; an option no
 * part of this stage declares stops the boot with the list of known ones.
 */
#include "cmdline.h"
#include "kprintf.h"
#include "kstring.h"
#include "machine.h"

extern const struct cmdline_option __cmdopt_start[], __cmdopt_end[];

CMDLINE_OPTION(grade, "grade", "exit the emulator when the program ends");
CMDLINE_OPTION(bench, "bench", "run the stage's benchmarks");
CMDLINE_OPTION(help, "help", "list the options this stage knows, then exit");

static char text[512];
static char args[512];
static struct cmdline cl;

/* The command line without its first word (the kernel's path). */
static void copy_args(const char *line)
{
    while (*line == ' ')
        line++;
    while (*line && *line != ' ')
        line++;
    while (*line == ' ')
        line++;
    strlcpy(args, line, sizeof args);
}

static void list_options(void)
{
    for (const struct cmdline_option *o = __cmdopt_start; o < __cmdopt_end; o++)
        kprintf("  %-10s %s\n", o->name, o->help);
}

static void reject_unknown(void)
{
    size_t n = (size_t)(__cmdopt_end - __cmdopt_start);
    if (cl.overflow) {
        kprintf("cmdline: more than %d words; this kernel reads no further\n", CMDLINE_MAX_WORDS);
        machine_exit(EXIT_FAILURE_CODE);
    }
    const char *bad = cmdline_first_unknown(&cl, __cmdopt_start, n);
    if (!bad)
        return;
    kprintf("cmdline: unknown option \"%s\"; this stage knows:\n", bad);
    list_options();
    machine_exit(EXIT_FAILURE_CODE);
}

void cmdline_init(const char *line)
{
    copy_args(line);
    strlcpy(text, line, sizeof text);
    cmdline_parse(&cl, text);
    reject_unknown();
    if (cmdline_lookup(&cl, "help")) {
        kprintf("cmdline: this stage knows:\n");
        list_options();
        machine_exit(EXIT_SUCCESS_CODE);
    }
}

const char *cmdline_args(void)
{
    return args;
}

bool cmdline_flag(const char *name)
{
    return cmdline_lookup(&cl, name) != NULL;
}

const char *cmdline_str(const char *name, const char *fallback)
{
    const char *v = cmdline_lookup(&cl, name);
    return v ? v : fallback;
}

long cmdline_int(const char *name, long fallback)
{
    const char *s = cmdline_lookup(&cl, name);
    long v = 0;
    int base = 10;

    if (!s || !*s)
        return fallback;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
            d = (*s | 0x20) - 'a' + 10;
        else
            return fallback;    /* not a number: the caller's default */
        v = v * base + d;
    }
    return v;
}
