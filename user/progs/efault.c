/*
 * efault - passes bad pointers to system calls: each must return -EFAULT
 * (-14) and the program goes on. Bad means not mapped for the user: NULL, the
 * kernel (1 MiB), above the user half, and a buffer that wraps past 4 GiB.
 *     efault [PATH]    also read from the file PATH into NULL
 * fd 0 is read into bad buffers too: the pointer must be refused before any
 * key is waited for. Exit code 0 when every call returned -14, else 1.
 */
#include "ulib.h"

static int calls, failures;

static void report(const char *call, long got)
{
    printf("efault: %s = %ld\n", call, got);
    calls++;
    if (got != -EFAULT)
        failures++;
}

static void try_write(int fd, uint32_t addr, uint32_t n)
{
    char call[64];

    snprintf(call, sizeof call, "write(%d, 0x%08x, %u)", fd, addr, n);
    report(call, write(fd, (const void *)(uintptr_t)addr, n));
}

static void try_read(int fd, uint32_t addr, uint32_t n)
{
    char call[64];

    snprintf(call, sizeof call, "read(%d, 0x%08x, %u)", fd, addr, n);
    report(call, read(fd, (void *)(uintptr_t)addr, n));
}

int main(int argc, char **argv)
{
    if (argc > 2) {
        printf("efault: usage: efault [PATH]\n");
        return 2;
    }
    static const uint32_t bad[][2] = {
        { 0x00000000, 8 }, { 0x00100000, 8 }, { 0xC0000000, 8 }, { 0xFFFFFFF8, 16 },
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        try_write(1, bad[i][0], bad[i][1]);
    for (unsigned i = 1; i < sizeof bad / sizeof bad[0]; i++)
        try_read(0, bad[i][0], bad[i][1]);
    report("open(0x00000000, 0, 0)", open(NULL, O_RDONLY, 0));
    if (argc == 2) {
        long fd = open(argv[1], O_RDONLY, 0);
        if (fd < 0) {
            printf("efault: open %s: %ld\n", argv[1], fd);
            return 1;
        }
        try_read((int)fd, 0x00000000, 8);
        close((int)fd);
    }
    printf("efault: %d of %d calls did not return -14\n", failures, calls);
    return failures ? 1 : 0;
}
