/*
 * crc - the size and CRC-32 of a file, read through open/read/close.
 *     crc PATH [CHUNK]      read() CHUNK bytes at a time (1..4096, default
 *                           1000: not a sector multiple, on purpose)
 * The CRC is zlib's (labs/lab4-ata/crc32.c); the line has lab 7's form.
 */
#include "ulib.h"

static uint8_t buf[4096];

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        printf("crc: usage: crc PATH [CHUNK]\n");
        return 2;
    }
    const char *path = argv[1];
    uint32_t chunk = arg_u32("crc", argc, argv, 2, "chunk", 1, sizeof buf, 1000);
    uint32_t crc = 0, size = 0;
    long fd = open(path, O_RDONLY, 0), r;

    if (fd < 0) {
        printf("crc: open %s: %ld\n", path, fd);
        return 1;
    }
    while ((r = read((int)fd, buf, chunk)) > 0) {
        crc = crc32_update(crc, buf, (size_t)r);
        size += (uint32_t)r;
    }
    if (r < 0) {
        printf("crc: read %s: %ld after %u bytes\n", path, r, size);
        return 1;
    }
    if ((r = close((int)fd)) != 0) {
        printf("crc: close %s: %ld\n", path, r);
        return 1;
    }
    printf("crc: %s: %u bytes crc32 0x%08x\n", path, size, crc);
    return 0;
}
