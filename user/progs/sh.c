/*
 * sh - Cairn's shell: a small POSIX shell (XCU chapter 2, "Shell Command
 * Language", cut down; sh/parse.c has the grammar it takes).
 *     sh                  read commands from stdin; interactive (a "$ "
 *                         prompt on fd 2) when stdin is a character device,
 *                         the console, as fstat64 says
 *     sh -i               the same, always interactive
 *     sh -c COMMAND       run COMMAND
 *     sh FILE             run the commands in FILE
 * Pipelines (a | b | c), redirections (< > >> N> N>&M), lists (; && ||
 * newline), quotes ('...' "..." \), comments (#), $? and the builtins cd,
 * pwd and exit. The shell's status is that of the last command it ran, as
 * sh(1)'s is. A syntax error sets the status to 2; outside interactive use
 * it ends the shell, as POSIX says (XCU 2.8.1).
 *
 * Standard input is read a byte at a time, so that the commands it runs
 * find the rest of it unread (`sh < script` where a command reads stdin);
 * a FILE is read a block at a time through a descriptor the commands never
 * see (O_CLOEXEC).
 */
#include "sh.h"
#include "format.h"          /* kvsnprintf: a whole message, one write */

struct input {
    int fd;
    int interactive;
    size_t block;               /* bytes per read: 1 for stdin */
    size_t pos, len;
    char buf[512];
};

static struct lexed lexed;
static struct script script;

void sh_error(const char *fmt, ...)
{
    char line[300];
    va_list ap;

    va_start(ap, fmt);
    kvsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    dprintf(2, "sh: %s\n", line);
}

/* The next byte of input; -1 at its end (or on a read error, reported). */
static int next_byte(struct input *in)
{
    if (in->pos == in->len) {
        long r = read(in->fd, in->buf, in->block);
        if (r < 0)
            sh_error("read: %s", errstr(r));
        if (r <= 0)
            return -1;
        in->pos = 0;
        in->len = (size_t)r;
    }
    return (unsigned char)in->buf[in->pos++];
}

/* One line, its newline kept, appended at text[*len] (room: SH_LINE_MAX in
 * all). 1: a line; 0: the input ended first; -1: too long (the rest of the
 * line is read and dropped). */
static int read_line(struct input *in, char *text, size_t *len)
{
    int c = 0, got = 0, too_long = 0;

    while (c != '\n' && (c = next_byte(in)) >= 0) {
        got = 1;
        if (*len == SH_LINE_MAX)
            too_long = 1;
        else
            text[(*len)++] = (char)c;
    }
    text[*len] = '\0';
    if (too_long) {
        sh_error("line too long (more than %d bytes)", SH_LINE_MAX);
        return -1;
    }
    return got;
}

/* Lex, parse and run `text`; SH_INCOMPLETE leaves it all for more input. */
static enum sh_result run_text(const char *text, int *status)
{
    enum sh_result r = lex(text, &lexed);

    if (r == SH_OK)
        r = parse(&lexed, &script);
    if (r == SH_OK)
        *status = run_script(&script, *status);
    return r;
}

static int run_input(struct input *in)
{
    static char text[SH_LINE_MAX + 1];
    size_t len = 0;
    int status = 0, got;

    for (;;) {
        if (in->interactive)
            dprintf(2, "%s", len == 0 ? "$ " : "> ");
        if ((got = read_line(in, text, &len)) == 0 && len == 0)
            return status;
        enum sh_result r = got < 0 ? SH_ERROR : run_text(text, &status);
        if (r == SH_INCOMPLETE && got > 0)
            continue;
        if (r == SH_INCOMPLETE)
            sh_error("syntax error: unexpected end of input (an open quote, or after | && ||)");
        len = 0;
        if (r != SH_OK) {
            status = 2;
            if (!in->interactive)
                return status;
        }
    }
}

static int usage(void)
{
    dprintf(2, "sh: usage: sh [-i | -c COMMAND | FILE]\n");
    return 2;
}

int main(int argc, char **argv)
{
    static struct input in = { .fd = 0, .block = 1 };
    struct stat64 st;
    int status = 0;

    if (argc == 3 && strcmp(argv[1], "-c") == 0) {
        enum sh_result r = run_text(argv[2], &status);
        if (r == SH_INCOMPLETE)
            sh_error("syntax error: unexpected end of input (an open quote, or after | && ||)");
        return r == SH_OK ? status : 2;
    }
    if (argc == 2 && strcmp(argv[1], "-i") == 0) {
        in.interactive = 1;
    } else if (argc == 2 && argv[1][0] != '-') {
        long fd = open(argv[1], O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) {
            sh_error("%s: %s", argv[1], errstr(fd));
            return 127;
        }
        in.fd = (int)fd;
        in.block = sizeof in.buf;
    } else if (argc != 1) {
        return usage();
    } else {
        in.interactive = fstat64(0, &st) == 0 && S_ISCHR(st.st_mode);
    }
    return run_input(&in);
}
