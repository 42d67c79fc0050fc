/*
 * badfd - the error returns of the file calls: a descriptor that is not open
 * gets -EBADF (-9), a missing file -ENOENT (-2), and a descriptor is closed
 * only once.
 *     badfd [PATH]     also open PATH, close it, then use it again
 * Exit code 0 when every call returned what the line says it must, else 1.
 */
#include "ulib.h"

static int calls, failures;

static void expect(const char *call, long got, long want)
{
    calls++;
    printf("badfd: %s = %ld\n", call, got);
    if (got != want)
        failures++;
}

int main(int argc, char **argv)
{
    char byte;

    if (argc > 2) {
        printf("badfd: usage: badfd [PATH]\n");
        return 2;
    }
    expect("read(99, buf, 1)", read(99, &byte, 1), -EBADF);
    expect("write(99, buf, 1)", write(99, &byte, 1), -EBADF);
    expect("close(99)", close(99), -EBADF);
    expect("read(-1, buf, 1)", read(-1, &byte, 1), -EBADF);
    expect("open(\"/no such file\", O_RDONLY)", open("/no such file", O_RDONLY, 0), -ENOENT);
    if (argc == 2) {
        long fd = open(argv[1], O_RDONLY, 0);
        if (fd < 0) {
            printf("badfd: open %s: %ld\n", argv[1], fd);
            return 1;
        }
        expect("close(fd)", close((int)fd), 0);
        expect("read(fd, buf, 1) after close", read((int)fd, &byte, 1), -EBADF);
        expect("close(fd) again", close((int)fd), -EBADF);
    }
    printf("badfd: %d of %d calls returned something else\n", failures, calls);
    return failures ? 1 : 0;
}
