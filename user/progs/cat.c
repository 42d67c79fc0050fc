/*
 * cat - copies each FILE, or standard input for "-" or no FILE at all, to
 * standard output (POSIX cat(1)). A FILE that cannot be read is reported
 * and skipped; the exit code is then 1.
 *     cat [FILE...]
 */
#include "ulib.h"

static char buf[4096];

/* Copy fd to stdout: 0, or -1 once reported. */
static int copy(int fd, const char *name)
{
    long r;

    while ((r = read(fd, buf, sizeof buf)) > 0) {
        long w = write_all(1, buf, (size_t)r);
        if (w < 0) {
            dprintf(2, "cat: write error: %s\n", errstr(w));
            exit(1);
        }
    }
    if (r < 0) {
        dprintf(2, "cat: %s: %s\n", name, errstr(r));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int status = 0;

    if (argc == 1)
        return copy(0, "-") < 0;
    for (int i = 1; i < argc; i++) {
        long fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY, 0);
        if (fd < 0) {
            dprintf(2, "cat: %s: %s\n", argv[i], errstr(fd));
            status = 1;
            continue;
        }
        if (copy((int)fd, argv[i]) < 0)
            status = 1;
        if (fd != 0)
            close((int)fd);
    }
    return status;
}
