/*
 * mkfile - creates (or replaces) a file with lab 7's seeded pattern through
 * open/write/close, then reads it back and prints its size and CRC-32.
 *     mkfile PATH SIZE SEED      SIZE 0..1048576; the pattern is xorshift32
 *                                words from SEED ^ 0x9E3779B9, little-endian,
 *                                cut to SIZE bytes (handouts/lab7.md)
 * Written 1000 bytes per write() (never sector-aligned).
 */
#include "ulib.h"

#define CHUNK 1000

static uint8_t buf[CHUNK + 4];

static int write_pattern(const char *path, uint32_t size, uint32_t seed)
{
    uint32_t rng = xorshift_seed(seed), made = 0;
    long fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), r;

    if (fd < 0) {
        printf("mkfile: open %s for writing: %ld\n", path, fd);
        return 1;
    }
    while (made < size) {
        uint32_t n = size - made < CHUNK ? size - made : CHUNK;
        for (uint32_t i = 0; i < n; i += 4) {       /* CHUNK is a multiple of 4 */
            uint32_t w = xorshift_next(&rng);
            memcpy(buf + i, &w, 4);
        }
        if ((r = write_all((int)fd, buf, n)) != 0) {
            printf("mkfile: write %s: %ld after %u bytes\n", path, r, made);
            return 1;
        }
        made += n;
    }
    if ((r = close((int)fd)) != 0) {
        printf("mkfile: close %s: %ld\n", path, r);
        return 1;
    }
    return 0;
}

static int read_back(const char *path)
{
    uint32_t crc = 0, size = 0;
    long fd = open(path, O_RDONLY, 0), r;

    if (fd < 0) {
        printf("mkfile: open %s to read it back: %ld\n", path, fd);
        return 1;
    }
    while ((r = read((int)fd, buf, CHUNK)) > 0) {
        crc = crc32_update(crc, buf, (size_t)r);
        size += (uint32_t)r;
    }
    close((int)fd);
    if (r < 0) {
        printf("mkfile: read %s: %ld after %u bytes\n", path, r, size);
        return 1;
    }
    printf("mkfile: %s: %u bytes crc32 0x%08x\n", path, size, crc);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        printf("mkfile: usage: mkfile PATH SIZE SEED\n");
        return 2;
    }
    uint32_t size = arg_u32("mkfile", argc, argv, 2, "size", 0, 1u << 20, 0);
    uint32_t seed = arg_u32("mkfile", argc, argv, 3, "seed", 0, UINT32_MAX, 0);

    return write_pattern(argv[1], size, seed) || read_back(argv[1]);
}
