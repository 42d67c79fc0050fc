/*
 * cmdline.c - splitting a command line into flags and key=value words.
 * Pure code (no I/O, no globals): the host tests run it as is.
 */
#include <stdbool.h>
#include "cmdline.h"
#include "kstring.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

const char *cmdline_skip_path(const char *line)
{
    while (is_space(*line))
        line++;
    while (*line && !is_space(*line))
        line++;
    while (is_space(*line))
        line++;
    return line;
}

bool cmdline_copy_options(char *dst, size_t size, const char *line)
{
    const char *options = cmdline_skip_path(line);
    size_t n = strnlen(options, size);

    if (n == size)
        return false;           /* no room for it and its NUL: refuse, never cut */
    memcpy(dst, options, n + 1);
    return true;
}

/*
 * Cuts the next word out of *p, NUL-terminating it; NULL at the end. Double
 * quotes group, as on Linux's command line: `cat="/a b/c d"` is one word,
 * key `cat`, value `/a b/c d` (the quotes themselves are dropped). Unlike
 * Linux, a quote left open is an error, not a word that takes in the rest of
 * the line; and so is `\"`, which looks like an escape but is none: the quote
 * would open or close a group, and the words after it would vanish into one.
 */
static char *next_word(char **p, const char **error)
{
    char *s = *p, *out, prev = 0;
    bool quoted = false;

    while (is_space(*s))
        s++;
    if (!*s)
        return NULL;
    char *word = out = s;
    while (*s && (quoted || !is_space(*s))) {
        if (*s == '"' && prev == '\\')
            *error = "a backslash before a quote (nothing escapes a quote: quotes group words)";
        if (*s == '"')
            quoted = !quoted;
        else
            *out++ = *s;
        prev = *s++;            /* read before any write: out never passes s */
    }
    if (quoted && !*error)                  /* `a\\"b`: the backslash is what to fix */
        *error = "a quote is not closed";
    if (*s)
        s++;
    *out = '\0';
    *p = s;
    return word;
}

void cmdline_parse(struct cmdline *cl, char *text)
{
    char *word, *start = text;
    cl->nwords = 0;
    cl->overflow = false;
    cl->error = NULL;
    cl->error_at = 0;
    while ((word = next_word(&text, &cl->error))) {
        if (cl->error) {
            cl->error_at = (size_t)(word - start);
            return;
        }
        if (cl->nwords == CMDLINE_MAX_WORDS) {
            cl->overflow = true;        /* the caller says so: never drop words silently */
            continue;                   /* the words past it are still checked for quotes */
        }
        char *eq = strchr(word, '=');
        if (eq)
            *eq = '\0';
        cl->key[cl->nwords] = word;
        cl->value[cl->nwords] = eq ? eq + 1 : NULL;
        cl->nwords++;
    }
}

/* The last occurrence wins, as with most command lines. */
int cmdline_find(const struct cmdline *cl, const char *key)
{
    for (int i = cl->nwords - 1; i >= 0; i--)
        if (strcmp(cl->key[i], key) == 0)
            return i;
    return -1;
}

const char *cmdline_lookup(const struct cmdline *cl, const char *key)
{
    int i = cmdline_find(cl, key);
    if (i < 0)
        return NULL;
    return cl->value[i] ? cl->value[i] : "";
}

const char *cmdline_first_unknown(const struct cmdline *cl,
                                  const struct cmdline_option *known, size_t nknown)
{
    for (int i = 0; i < cl->nwords; i++) {
        size_t j = 0;
        while (j < nknown && strcmp(cl->key[i], known[j].name) != 0)
            j++;
        if (j == nknown)
            return cl->key[i];
    }
    return NULL;
}

/* Every word, not only the last of its key: `grade=no grade` is malformed too. */
int cmdline_first_flag_with_value(const struct cmdline *cl,
                                  const struct cmdline_option *known, size_t nknown)
{
    for (int i = 0; i < cl->nwords; i++)
        for (size_t j = 0; cl->value[i] && j < nknown; j++)
            if (known[j].flag && strcmp(cl->key[i], known[j].name) == 0)
                return i;
    return -1;
}
