/*
 * grep - the lines of each FILE (or of standard input) that contain
 * PATTERN, a fixed string (grep -F; POSIX grep(1)). -v selects the lines
 * that do not, -c prints how many lines were selected instead of them, -n
 * puts each line's number before it; with several FILEs each line (or
 * count) starts with "FILE:", as GNU grep does. A last line without a
 * newline is printed with one. Exit code 0 when a line was selected, 1
 * when none was, 2 on an error (which wins, as in grep(1)).
 *     grep [-v] [-c] [-n] PATTERN [FILE...]      "-" is standard input
 */
#include "ulib.h"

#define LINE_MAX_BYTES (1u << 20)       /* one line; a longer one is an error */

static int invert, count_only, numbers;
static const char *pattern;
static size_t pattern_len;

struct reader {
    int fd;
    size_t pos, len;
    char buf[4096];
};

static char *line;                      /* grows by doubling, up to LINE_MAX_BYTES */
static size_t line_cap;

static int contains(const char *s, size_t n)
{
    if (pattern_len == 0)
        return 1;
    for (size_t i = 0; i + pattern_len <= n; i++)
        if (s[i] == pattern[0] && memcmp(s + i, pattern, pattern_len) == 0)
            return 1;
    return 0;
}

/* Make room for `need` bytes in line; 0 when it may not grow that far. */
static int reserve(size_t need)
{
    size_t cap = line_cap ? line_cap : 256;
    char *bigger;

    if (need <= line_cap)
        return 1;
    while (cap < need)
        cap *= 2;
    if (cap > LINE_MAX_BYTES || (bigger = malloc(cap)) == NULL)
        return 0;
    memcpy(bigger, line, line_cap);
    free(line);
    line = bigger;
    line_cap = cap;
    return 1;
}

/* The next line into `line` (newline dropped), its length in *n: 1; 0 at
 * the end of the input; -errno when a read failed, -ERANGE for too long. */
static long next_line(struct reader *r, size_t *n)
{
    int got = 0;

    for (*n = 0;; got = 1) {
        if (r->pos == r->len) {
            long rd = read(r->fd, r->buf, sizeof r->buf);
            if (rd <= 0)
                return rd < 0 ? rd : got;
            r->pos = 0;
            r->len = (size_t)rd;
        }
        char c = r->buf[r->pos++];
        if (c == '\n')
            return 1;
        if (!reserve(*n + 1))
            return -ERANGE;
        line[(*n)++] = c;
    }
}

/* Print the selected lines of fd (name: its "FILE:" prefix, or NULL); the
 * count selected, or -1 once an error is reported. */
static long grep_fd(int fd, const char *name, const char *shown)
{
    static struct reader r;
    long selected = 0, number = 0, got;
    size_t n;

    r = (struct reader){ .fd = fd };
    while ((got = next_line(&r, &n)) > 0) {
        number++;
        if (contains(line, n) == invert)
            continue;
        selected++;
        if (count_only)
            continue;
        if (shown != NULL)
            printf("%s:", shown);
        if (numbers)
            printf("%ld:", number);
        if (write_all(1, line, n) < 0 || write_all(1, "\n", 1) < 0)
            exit(2);
    }
    if (got < 0) {
        dprintf(2, "grep: %s: %s\n", name, got == -ERANGE ? "line too long" : errstr(got));
        return -1;
    }
    if (count_only)
        printf("%s%s%ld\n", shown ? shown : "", shown ? ":" : "", selected);
    return selected;
}

static int usage(void)
{
    dprintf(2, "grep: usage: grep [-v] [-c] [-n] PATTERN [FILE...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    int i = 1, errors = 0, nfiles;
    long selected = 0;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char *o = argv[i] + 1; *o != '\0'; o++) {
            if (*o != 'v' && *o != 'c' && *o != 'n')
                return usage();
            invert |= *o == 'v', count_only |= *o == 'c', numbers |= *o == 'n';
        }
    }
    if (i == argc)
        return usage();
    pattern = argv[i++];
    pattern_len = strlen(pattern);
    nfiles = argc - i;
    if (nfiles == 0) {
        selected = grep_fd(0, "(standard input)", NULL);
        return selected < 0 ? 2 : selected > 0 ? 0 : 1;
    }
    for (; i < argc; i++) {
        int is_stdin = strcmp(argv[i], "-") == 0;
        long fd = is_stdin ? 0 : open(argv[i], O_RDONLY, 0), got;
        const char *name = is_stdin ? "(standard input)" : argv[i];
        if (fd < 0) {
            dprintf(2, "grep: %s: %s\n", argv[i], errstr(fd));
            errors++;
            continue;
        }
        got = grep_fd((int)fd, name, nfiles > 1 ? name : NULL);
        if (got < 0)
            errors++;
        else
            selected += got;
        if (!is_stdin)
            close((int)fd);
    }
    return errors > 0 ? 2 : selected > 0 ? 0 : 1;
}
