/*
 * stale - two descriptors of one file must see one file. It opens PATH
 * read-only, opens it again with O_TRUNC (lab 7 frees its clusters), and
 * with SECRET creates that file of SIZE bytes (which may get the freed
 * clusters). Then the first descriptor must read nothing, not the freed
 * clusters (the secret, or a chain lab 7 calls corrupt); and after a write
 * through the second, exactly that.
 *     stale PATH [SECRET SIZE]     SIZE 1..65536
 * Exit code 0 when both reads gave what they must, else 1.
 */
#include "ulib.h"

#define FRESH "fresh"

static int failures;

static long open_or_say(const char *path, int flags)
{
    long fd = open(path, flags, 0644);
    if (fd < 0)
        printf("stale: open %s: %ld\n", path, fd);
    return fd;
}

/* SIZE bytes of "SECRET!" over and over. */
static void write_secret(const char *path, uint32_t size)
{
    static char secret[65536];
    long fd = open_or_say(path, O_WRONLY | O_CREAT | O_TRUNC), got = fd;

    for (uint32_t i = 0; i < size; i++)
        secret[i] = "SECRET!"[i % 7];
    if (fd >= 0) {
        got = write((int)fd, secret, size);
        close((int)fd);
    }
    printf("stale: wrote %ld bytes to %s\n", got, path);
}

int main(int argc, char **argv)
{
    char buf[65];

    if (argc != 2 && argc != 4) {
        printf("stale: usage: stale PATH [SECRET SIZE]\n");
        return 2;
    }
    long first = open_or_say(argv[1], O_RDONLY), second = open_or_say(argv[1], O_WRONLY | O_TRUNC);
    if (first < 0 || second < 0)
        return 1;
    printf("stale: opened %s twice, the second time with O_TRUNC\n", argv[1]);
    if (argc == 4)
        write_secret(argv[2], arg_u32("stale", argc, argv, 3, "size", 1, 65536, 0));
    long got = read((int)first, buf, 64);
    printf("stale: the first descriptor reads %ld bytes\n", got);
    failures += got != 0;
    got = write((int)second, FRESH, 5);
    printf("stale: write(second, \"%s\", 5) = %ld\n", FRESH, got);
    got = read((int)first, buf, 64);
    buf[got > 0 ? got : 0] = '\0';
    for (long i = 0; i < got; i++)             /* another file's bytes may be anything */
        if (buf[i] < 0x20 || buf[i] > 0x7e)
            buf[i] = '.';
    printf("stale: then the first reads %ld bytes \"%s\"\n", got, got > 0 ? buf : "");
    failures += got != 5 || strcmp(buf, FRESH) != 0;
    close((int)first);
    close((int)second);
    return failures ? 1 : 0;
}
