/*
 * wc - lines, words and bytes of each FILE, or of standard input (POSIX
 * wc(1)), printed exactly as GNU coreutils' wc prints them in the C
 * locale: a word is a run of bytes between white space (space \t \n \v \f
 * \r) holding at least one printable byte; the counts come in the order
 * lines, words, bytes, each right-aligned to one width, and after them the
 * name (none for standard input without "-"); a "total" line follows when
 * there are several FILEs. The width is GNU's: 1 for a single count of a
 * single input; else the digits of the sum of the regular files' sizes
 * (stat64/fstat64), but at least 7 when an input is not a regular file (a
 * pipe or the console, whose size says nothing).
 *     wc [-l] [-w] [-c] [FILE...]      "-" is standard input
 */
#include "ulib.h"

struct counts {
    uint64_t lines, words, bytes;
};

static int show_lines, show_words, show_bytes;
static char buf[4096];

static int is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Count fd to its end: 0, or the failing read's -errno. */
static long count(int fd, struct counts *c)
{
    int in_word = 0;
    long r;

    while ((r = read(fd, buf, sizeof buf)) > 0) {
        for (long i = 0; i < r; i++) {
            unsigned char b = (unsigned char)buf[i];
            if (is_space(b)) {
                c->words += in_word;
                in_word = 0;
                c->lines += b == '\n';
            } else if (b > ' ' && b < 0x7f) {
                in_word = 1;            /* other bytes neither start nor end a word */
            }
        }
        c->bytes += (uint64_t)r;
    }
    c->words += in_word;
    return r < 0 ? r : 0;
}

static void print_counts(const struct counts *c, int width, const char *name)
{
    char line[128];
    int n = 0;
    const char *sep = "";

    if (show_lines)
        n += snprintf(line + n, sizeof line - (size_t)n, "%*llu", width, c->lines), sep = " ";
    if (show_words)
        n += snprintf(line + n, sizeof line - (size_t)n, "%s%*llu", sep, width, c->words), sep = " ";
    if (show_bytes)
        n += snprintf(line + n, sizeof line - (size_t)n, "%s%*llu", sep, width, c->bytes);
    printf("%s%s%s\n", line, name != NULL ? " " : "", name != NULL ? name : "");
}

/* GNU's number width (see the top of the file); names[i] NULL is stdin. */
static int number_width(int n, char **names)
{
    uint64_t regular_total = 0;
    int width = 1, min_width = 1;
    struct stat64 st;

    if (n == 1 && show_lines + show_words + show_bytes == 1)
        return 1;
    for (int i = 0; i < n; i++) {
        int is_stdin = names[i] == NULL || strcmp(names[i], "-") == 0;
        if ((is_stdin ? fstat64(0, &st) : stat64(names[i], &st)) < 0)
            continue;
        if (S_ISREG(st.st_mode))
            regular_total += (uint64_t)st.st_size;
        else
            min_width = 7;
    }
    for (; regular_total >= 10; regular_total /= 10)
        width++;
    return width < min_width ? min_width : width;
}

/* Options into show_*, FILEs to the front of argv; the number of FILEs. */
static int parse_args(int argc, char **argv)
{
    int nfiles = 0, options_done = 0;

    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (options_done || a[0] != '-' || a[1] == '\0') {
            argv[nfiles++] = a;
        } else if (strcmp(a, "--") == 0) {
            options_done = 1;
        } else {
            for (a++; *a != '\0'; a++) {
                if (*a != 'l' && *a != 'w' && *a != 'c') {
                    dprintf(2, "wc: unknown option -%c: usage: wc [-l] [-w] [-c] [FILE...]\n", *a);
                    exit(2);
                }
                show_lines |= *a == 'l', show_words |= *a == 'w', show_bytes |= *a == 'c';
            }
        }
    }
    if (!show_lines && !show_words && !show_bytes)
        show_lines = show_words = show_bytes = 1;
    return nfiles;
}

int main(int argc, char **argv)
{
    int nfiles = parse_args(argc, argv), status = 0;
    char *no_name[1] = { NULL };
    char **names = nfiles > 0 ? argv : no_name;
    int n = nfiles > 0 ? nfiles : 1, width = number_width(n, names);
    struct counts total = { 0, 0, 0 };

    for (int i = 0; i < n; i++) {
        struct counts c = { 0, 0, 0 };
        int is_stdin = names[i] == NULL || strcmp(names[i], "-") == 0;
        long fd = is_stdin ? 0 : open(names[i], O_RDONLY, 0), r = fd;
        if (fd >= 0 && (r = count((int)fd, &c)) >= 0)
            print_counts(&c, width, names[i]);
        if (r < 0) {
            dprintf(2, "wc: %s: %s\n", is_stdin ? "-" : names[i], errstr(r));
            status = 1;
        }
        if (fd > 0)
            close((int)fd);
        total.lines += c.lines, total.words += c.words, total.bytes += c.bytes;
    }
    if (n > 1)
        print_counts(&total, width, "total");
    return status;
}
