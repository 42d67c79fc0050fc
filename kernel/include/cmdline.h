/*
 * cmdline.h - the kernel command line: "grade", "bench" and key=value words.
 *
 * The multiboot command line starts with the kernel's own path ("/kernel.elf"
 * under GRUB, whatever was typed under qemu -kernel). The path is skipped and
 * never counts against any limit, however long it is. What follows it, the
 * options, is kept whole up to CMDLINE_MAX_LENGTH bytes; a longer line stops
 * the boot with a message rather than lose its end, and so does a quote left
 * open or a `\"`, which would take the words after it into one. Every option
 * a stage understands is declared with CMDLINE_OPTION (CMDLINE_FLAG for a bare
 * word, whose value is refused at once), so a typo is caught at boot with one
 * clear message instead of being ignored, and every numeric value goes
 * through the checked parser (parse.h): a bad one stops the boot too, before
 * the program starts anything (a program reads all its options first).
 */
#ifndef CAIRN_CMDLINE_H
#define CAIRN_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The options' limit, in bytes: far above any real use (Linux allows 2048 on
 * x86), and small enough to keep in two static buffers. */
#define CMDLINE_MAX_LENGTH 4096
#define CMDLINE_MAX_WORDS 32

struct cmdline_option {
    const char *name;
    const char *help;
    bool flag;                          /* a bare word: a value stops the boot at once */
};

#define CMDLINE_OPTION_(id, name_, help_, flag_)                              \
    static const struct cmdline_option cmdopt_##id                          \
        __attribute__((section(".cmdopt"), used, aligned(4))) = { name_, help_, flag_ }
/* An option with a value, checked by the code that reads it (before anything runs). */
#define CMDLINE_OPTION(id, name_, help_) CMDLINE_OPTION_(id, name_, help_, false)
/* A flag: cmdline_init refuses `name=value` before any lab starts, wherever it is read. */
#define CMDLINE_FLAG(id, name_, help_) CMDLINE_OPTION_(id, name_, help_, true)

struct cmdline {
    int nwords;
    bool overflow;                      /* more than CMDLINE_MAX_WORDS words */
    const char *error;                  /* why the text is malformed (a quote), or NULL */
    size_t error_at;                    /* then: the offset of the word where it went wrong */
    char *key[CMDLINE_MAX_WORDS];
    char *value[CMDLINE_MAX_WORDS];     /* NULL for a bare flag */
};

/* The options: `line` past its first word (the kernel's path) and the spaces after it. */
const char *cmdline_skip_path(const char *line);
/* Copies the options of `line` into dst[size]; false (dst untouched) if they do not fit. */
bool cmdline_copy_options(char *dst, size_t size, const char *line);
/* Splits the options `text` in place (it must stay alive) into words; a quote
 * left open or a `\"` sets cl->error (the words are then not to be used). */
void cmdline_parse(struct cmdline *cl, char *text);
/* The index of the last word with this key (the last one wins), or -1. */
int cmdline_find(const struct cmdline *cl, const char *key);
/* Its value: "" for a bare flag; NULL if absent. */
const char *cmdline_lookup(const struct cmdline *cl, const char *key);
/* The first word whose key is not in `known`, or NULL. */
const char *cmdline_first_unknown(const struct cmdline *cl,
                                  const struct cmdline_option *known, size_t nknown);
/* The index of the first word that gives one of `known`'s flags a value (`grade=no`), or -1. */
int cmdline_first_flag_with_value(const struct cmdline *cl,
                                  const struct cmdline_option *known, size_t nknown);

/* The kernel's own command line (the loader's whole line), parsed at boot. */
void cmdline_init(const char *line);
const char *cmdline_args(void);                        /* all but the kernel's path */
bool cmdline_flag(const char *name);                    /* present, with no value */
const char *cmdline_str(const char *name, const char *fallback);
/* The option's number in [min, max] (parse.h), or `fallback` when it is absent. */
uint64_t cmdline_uint(const char *name, uint64_t fallback, uint64_t min, uint64_t max);
/* A comma-separated list of 1 to `cap` numbers in [min, max]; `fallback` when absent. */
int cmdline_uint_list(const char *name, const char *fallback, uint64_t min, uint64_t max,
                      uint64_t *out, int cap);
/* A bad value: "cmdline: name="value": why; expected ...", and the boot stops (failure). */
void cmdline_refuse(const char *name, const char *why, const char *expected)
    __attribute__((noreturn));

#endif
