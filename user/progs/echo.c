/*
 * echo - its arguments, separated by single spaces, and a newline
 * (POSIX echo(1), without its backslash escapes; -n leaves the newline
 * out, as Linux's echo does).
 *     echo [-n] [WORD...]
 */
#include "ulib.h"

static char out[4096];
static size_t used;

static void flush(void)
{
    if (used > 0 && write_all(1, out, used) < 0)
        exit(1);
    used = 0;
}

/* Gather output in `out`, so a line that fits is one write(). */
static void put(const char *s, size_t n)
{
    for (; n > 0; n--) {
        if (used == sizeof out)
            flush();
        out[used++] = *s++;
    }
}

int main(int argc, char **argv)
{
    int newline = 1, first = 1;

    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        newline = 0;
        first = 2;
    }
    for (int i = first; i < argc; i++) {
        if (i > first)
            put(" ", 1);
        put(argv[i], strlen(argv[i]));
    }
    if (newline)
        put("\n", 1);
    flush();
    return 0;
}
