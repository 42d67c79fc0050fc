/*
 * rdtext - read() into memory the program may not write: its own text and
 * its read-only data. Each read must return -EFAULT (-14) and leave the bytes
 * as they were: the kernel checks that every page it will write is writable
 * (the W bit), not only present and the user's. A kernel that skips it writes
 * over the program's code, or faults in its own memcpy.
 *     rdtext PATH      the file to read from (say /readme.txt)
 * Exit code 0 when both reads returned -14 and nothing changed, else 1.
 */
#include "ulib.h"

static const char readonly_words[32] = "rdtext: these bytes are const";
static int failures;

static void try_read(int fd, const void *where, const char *what)
{
    uint8_t before[16];
    long got;

    memcpy(before, where, sizeof before);
    got = read(fd, (void *)(uintptr_t)where, sizeof before);
    printf("rdtext: read(%d, 0x%08x, %u) into %s = %ld\n", fd, (uint32_t)(uintptr_t)where,
           (unsigned)sizeof before, what, got);
    if (got != -EFAULT)
        failures++;
    if (memcmp(before, where, sizeof before) != 0) {
        printf("rdtext: %s changed\n", what);
        failures++;
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("rdtext: usage: rdtext PATH\n");
        return 2;
    }
    long fd = open(argv[1], O_RDONLY, 0);
    if (fd < 0) {
        printf("rdtext: open %s: %ld\n", argv[1], fd);
        return 1;
    }
    try_read((int)fd, (const void *)(uintptr_t)main, "my text");
    try_read((int)fd, readonly_words, "my read-only data");
    close((int)fd);
    printf("rdtext: %d of 2 reads did not return -14 or changed memory\n", failures);
    return failures ? 1 : 0;
}
