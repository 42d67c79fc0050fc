/*
 * cmdline.h - the kernel command line: "grade", "bench" and key=value words.
 *
 * The multiboot command line starts with the kernel's own path ("/kernel.elf"
 * under GRUB, whatever was typed under qemu -kernel); cmdline_parse skips it.
 * Every option a stage understands is declared with CMDLINE_OPTION, so a typo
 * is caught at boot with one clear message instead of being ignored.
 */
#ifndef CAIRN_CMDLINE_H
#define CAIRN_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX_WORDS 32

struct cmdline_option {
    const char *name;
    const char *help;
};

#define CMDLINE_OPTION(id, name_, help_)                                      \
    static const struct cmdline_option cmdopt_##id                          \
        __attribute__((section(".cmdopt"), used, aligned(4))) = { name_, help_ }

struct cmdline {
    int nwords;
    bool overflow;                      /* more than CMDLINE_MAX_WORDS words */
    char *key[CMDLINE_MAX_WORDS];
    char *value[CMDLINE_MAX_WORDS];     /* NULL for a bare flag */
};

/* Splits `text` in place (it must stay alive); drops the first word (the path). */
void cmdline_parse(struct cmdline *cl, char *text);
const char *cmdline_lookup(const struct cmdline *cl, const char *key);
/* The first word whose key is not in `known`, or NULL. */
const char *cmdline_first_unknown(const struct cmdline *cl,
                                  const struct cmdline_option *known, size_t nknown);

/* The kernel's own command line, parsed at boot. */
void cmdline_init(const char *text);
const char *cmdline_args(void);                        /* all but the kernel's path */
bool cmdline_flag(const char *name);                    /* present at all */
const char *cmdline_str(const char *name, const char *fallback);
long cmdline_int(const char *name, long fallback);      /* decimal or 0x hex */

#endif
