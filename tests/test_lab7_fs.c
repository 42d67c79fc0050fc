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

/* ---- crashes: every prefix of the writes leaves old files whole -------------- */

struct usage { uint8_t *owner; int files; bool bad; };

/* Every file's chain fits its size and no cluster is in two files (a tiny fsck). */
static bool check_visit(void *arg, const struct fat_node *n);
static void check_dir(struct fat_volume *v, uint32_t dir, struct usage *u)
{
    struct { struct fat_volume *v; struct usage *u; } a = { v, u };
    if (fat_dir_list(v, dir, check_visit, &a))
        u->bad = true;
}

static bool check_visit(void *arg, const struct fat_node *n)
{
    struct { struct fat_volume *v; struct usage *u; } *a = arg;
    uint32_t c = n->cluster, count = 0, next;

    a->u->files++;
    while (c && !fat_is_eoc(a->v, c)) {
        if (!fat_cluster_ok(a->v, c) || a->u->owner[c] || fat_get(a->v, c, &next)) {
            a->u->bad = true;           /* cross-linked or broken */
            return false;
        }
        a->u->owner[c] = 1;
        count++;
        c = next;
    }
    /* Exactly the clusters the size needs: fsck.fat cuts a longer chain, and a shorter one
       loses the size. */
    if (!fat_node_is_dir(n) &&
        count != ((uint64_t)n->size + a->v->g.cluster_bytes - 1) / a->v->g.cluster_bytes)
        a->u->bad = true;
    if (fat_node_is_dir(n))
        check_dir(a->v, n->cluster, a->u);
    return true;
}

static bool consistent(struct fat_volume *v)
{
    struct usage u = { calloc(v->g.clusters + 2, 1), 0, false };
    check_dir(v, 0, &u);
    free(u.owner);
    return !u.bad;
}

/* Create, replace, append (new clusters, then in the last one), truncate, remove. */
static void crash_ops(struct fat_volume *v)
{
    write_seeded(v, "/Dir/A new big file.bin", 30000, 21, false);
    write_seeded(v, "/old two.txt", 5000, 22, false);
    write_seeded(v, "/grow.bin", 5000, 23, true);
    write_seeded(v, "/Dir/old three", 100, 24, true);
    fat_truncate(v, "/cut.bin", 1000);
    fat_remove(v, "/gone one.txt");
    fat_unmount(v);
}

/* What a crash may leave: each file old or new, never a mix. */
static void check_after_crash(struct fat_volume *v)
{
    struct fat_node n;

    CHECK(file_is(v, "/old one.bin", 9000, 11));
    CHECK(file_is(v, "/old two.txt", 3000, 12) || file_is(v, "/old two.txt", 5000, 22));
    if (fat_lookup(v, "/Dir/A new big file.bin", &n) == 0)
        CHECK(file_is(v, "/Dir/A new big file.bin", 30000, 21));
    CHECK(file_is(v, "/grow.bin", 1500, 14) ||
          (part_is(v, "/grow.bin", 0, 1500, 14) && part_is(v, "/grow.bin", 1500, 5000, 23) &&
           fat_lookup(v, "/grow.bin", &n) == 0 && n.size == 6500));
    CHECK(file_is(v, "/Dir/old three", 700, 13) ||
          (part_is(v, "/Dir/old three", 0, 700, 13) && part_is(v, "/Dir/old three", 700, 100, 24) &&
           fat_lookup(v, "/Dir/old three", &n) == 0 && n.size == 800));
    CHECK(file_is(v, "/cut.bin", 6000, 15) || file_is(v, "/cut.bin", 1000, 15));
    CHECK(fat_lookup(v, "/gone one.txt", &n) == FAT_ENOENT || file_is(v, "/gone one.txt", 2000, 16));
    CHECK(consistent(v));
}

static void crash_sweep(enum fat_type t, uint32_t total)
{
    static struct memdisk d;
    static struct fat_volume v;
    uint8_t *saved;
    uint32_t writes;

    fresh(&d, &v, t, total, 1);
    CHECK_EQ(fat_mkdir(&v, "/Dir"), 0);
    CHECK_EQ(write_seeded(&v, "/old one.bin", 9000, 11, false), 0);
    CHECK_EQ(write_seeded(&v, "/old two.txt", 3000, 12, false), 0);
    CHECK_EQ(write_seeded(&v, "/Dir/old three", 700, 13, false), 0);
    CHECK_EQ(write_seeded(&v, "/grow.bin", 1500, 14, false), 0);
    CHECK_EQ(write_seeded(&v, "/cut.bin", 6000, 15, false), 0);
    CHECK_EQ(write_seeded(&v, "/gone one.txt", 2000, 16, false), 0);
    CHECK_EQ(fat_unmount(&v), 0);
    saved = malloc(total * 512);
    memcpy(saved, d.data, total * 512);
    d.writes = 0;
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    crash_ops(&v);
    writes = d.writes;
    CHECK(writes > 60);
    memdisk_restore(&d, saved);
    for (uint32_t k = 0; k <= writes; k++) {
        d.budget = k;
        CHECK_EQ(fat_mount(&v, &d.bd), 0);
        crash_ops(&v);
        d.budget = -1;
        CHECK_EQ(fat_mount(&v, &d.bd), 0);          /* after the crash: what is there? */
        check_after_crash(&v);
        if (host_current_failed) {
            printf("  crash after %u of %u writes\n", k, writes);
            break;
        }
        memdisk_restore(&d, saved);
    }
    if (!host_current_failed)               /* the restores put back every sector */
        CHECK(memcmp(d.data, saved, total * 512) == 0);
    free(saved);
    memdisk_free(&d);
}

TEST(crash_fat12) { crash_sweep(FAT_TYPE_12, 4000); }
TEST(crash_fat32) { crash_sweep(FAT_TYPE_32, 70000); }

/* ---- corrupted volumes: random bytes in the FAT and directories --------------- */

static bool visit_all(void *arg, const struct fat_node *n)
{
    struct fat_volume *v = arg;
    static uint8_t buf[4096];

    if (fat_node_is_dir(n))
        fat_dir_list(v, n->cluster, visit_all, v);
    else
        for (uint32_t off = 0; off < n->size && fat_read(v, n, off, buf, sizeof buf) > 0;)
            off += sizeof buf;
    return true;
}

TEST(fuzz_corrupted_volumes)
{
    static struct memdisk d;
    static struct fat_volume v;
    uint32_t x = 7, total = 4000, meta;
    uint8_t *saved;

    fresh(&d, &v, FAT_TYPE_12, total, 1);
    CHECK_EQ(fat_mkdir(&v, "/Sub"), 0);
    CHECK_EQ(write_seeded(&v, "/Sub/long named file.bin", 5000, 1, false), 0);
    CHECK_EQ(write_seeded(&v, "/SHORT.TXT", 1500, 2, false), 0);
    CHECK_EQ(fat_unmount(&v), 0);
    meta = v.g.data_sector + 40;            /* the FATs, the root and the first clusters */
    saved = malloc(total * 512);
    memcpy(saved, d.data, total * 512);
    for (int round = 0; round < 3000; round++) {
        memcpy(d.data, saved, (size_t)meta * 512);    /* what the last round damaged */
        memdisk_restore(&d, saved);                   /* and what it wrote */
        for (int k = 0; k < 1 + round % 8; k++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            d.data[512 + x % ((meta - 1) * 512)] = (uint8_t)(x >> 24);
        }
        if (fat_mount(&v, &d.bd) != 0)
            continue;
        struct fat_node root = { .attr = FAT_ATTR_DIRECTORY };
        visit_all(&v, &root);
        write_seeded(&v, "/Sub/new.bin", 3000, 3, false);
        fat_remove(&v, "/SHORT.TXT");
        fat_unmount(&v);
    }
    free(saved);
    memdisk_free(&d);
}

int main(void)
{
    RUN(basic_fat12);
    RUN(basic_fat16);
    RUN(basic_fat32);
    RUN(crash_fat12);
    RUN(crash_fat32);
    RUN(fuzz_corrupted_volumes);
    return host_summary("lab7 fs");
}
