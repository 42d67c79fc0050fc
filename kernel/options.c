/*
 * options.c - the kernel's own command line. Options are declared where they
 * are used (CMDLINE_OPTION) and land in the .cmdopt section; an option no
 * part of this stage declares stops the boot with the list of known ones, and
 * so does a value that is not what its option expects (cmdline_refuse).
 */
#include "cmdline.h"
#include "kprintf.h"
#include "kstring.h"
#include "machine.h"
#include "parse.h"

extern const struct cmdline_option __cmdopt_start[], __cmdopt_end[];

CMDLINE_FLAG(grade, "grade", "exit the emulator when the program ends");
CMDLINE_FLAG(bench, "bench", "run the stage's benchmarks");
CMDLINE_FLAG(help, "help", "list the options this stage knows, then exit");

static char args[CMDLINE_MAX_LENGTH + 1];       /* the options as given */
static char text[CMDLINE_MAX_LENGTH + 1];       /* the same, cut into words */
static struct cmdline cl;

static void list_options(void)
{
    for (const struct cmdline_option *o = __cmdopt_start; o < __cmdopt_end; o++)
        kprintf("  %-10s %s\n", o->name, o->help);
}

/* Whatever is wrong with the line as a whole, before any lab init runs. */
static void reject_malformed(void)
{
    size_t n = (size_t)(__cmdopt_end - __cmdopt_start);
    if (cl.error) {
        kprintf("cmdline: %s: %s\n", cl.error, args + cl.error_at);
        machine_exit(EXIT_FAILURE_CODE);
    }
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

/* "grade=no" stops the boot now, not when (or if) the code that reads the flag runs. */
static void reject_flag_values(void)
{
    size_t n = (size_t)(__cmdopt_end - __cmdopt_start);
    int i = cmdline_first_flag_with_value(&cl, __cmdopt_start, n);
    if (i < 0)
        return;
    kprintf("cmdline: %s=\"%s\": a flag takes no value; expected the bare word\n", cl.key[i],
            cl.value[i]);
    machine_exit(EXIT_FAILURE_CODE);
}

void cmdline_init(const char *line)
{
    if (!cmdline_copy_options(args, sizeof args, line)) {
        kprintf("cmdline: the options (after the kernel's path) are longer than %d bytes;\n"
                "cmdline: this kernel refuses them rather than cut them\n", CMDLINE_MAX_LENGTH);
        machine_exit(EXIT_FAILURE_CODE);
    }
    memcpy(text, args, sizeof text);
    cmdline_parse(&cl, text);
    reject_malformed();
    reject_flag_values();
    if (cmdline_flag("help")) {
        kprintf("cmdline: this stage knows:\n");
        list_options();
        machine_exit(EXIT_SUCCESS_CODE);
    }
}

const char *cmdline_args(void)
{
    return args;
}

void cmdline_refuse(const char *name, const char *why, const char *expected)
{
    kprintf("cmdline: %s=\"%s\": %s; expected %s\n", name, cmdline_str(name, ""), why, expected);
    machine_exit(EXIT_FAILURE_CODE);
}

bool cmdline_flag(const char *name)
{
    int i = cmdline_find(&cl, name);

    if (i >= 0 && cl.value[i])
        cmdline_refuse(name, "a flag takes no value", "the bare word");
    return i >= 0;
}

const char *cmdline_str(const char *name, const char *fallback)
{
    const char *v = cmdline_lookup(&cl, name);
    return v ? v : fallback;
}

/* "a number from 19 to 10000 (decimal or 0x hex)" */
static void describe_range(char *buf, size_t size, const char *what, uint64_t min, uint64_t max)
{
    if (min == 0 && max == UINT64_MAX)
        ksnprintf(buf, size, "%s (decimal or 0x hex, below 2^64)", what);
    else
        ksnprintf(buf, size, "%s from %llu to %llu (decimal or 0x hex)", what,
                  (unsigned long long)min, (unsigned long long)max);
}

uint64_t cmdline_uint(const char *name, uint64_t fallback, uint64_t min, uint64_t max)
{
    const char *s = cmdline_lookup(&cl, name);
    uint64_t v;
    enum parse_status st;
    char expected[96];

    if (!s)
        return fallback;
    if ((st = parse_uint(s, min, max, &v)) != PARSE_OK) {
        describe_range(expected, sizeof expected, "a number", min, max);
        cmdline_refuse(name, parse_status_text(st), expected);
    }
    return v;
}

int cmdline_uint_list(const char *name, const char *fallback, uint64_t min, uint64_t max,
                      uint64_t *out, int cap)
{
    const char *s = cmdline_str(name, fallback);
    enum parse_status st;
    char what[48], expected[128];
    int n;

    if ((st = parse_uint_list(s, ',', min, max, out, cap, &n)) != PARSE_OK) {
        ksnprintf(what, sizeof what, "1 to %d comma-separated numbers", cap);
        describe_range(expected, sizeof expected, what, min, max);
        cmdline_refuse(name, parse_status_text(st), expected);
    }
    return n;
}
