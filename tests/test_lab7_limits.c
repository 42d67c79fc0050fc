/*
 * test_lab7_limits.c - lab 7 at the limits [FAT] sets: FSInfo's hints
 * ("FSInfo Sector Structure": a free count above the cluster count and a
 * next free that is not a data cluster are no hints), the unmount of a volume
 * whose free count is unknown (no pass over the FAT), and mount errors kept
 * whole however long (before: cut at 119 or 159 characters); a looping
 * file chain found in O(its length) (Brent), not O(the volume's clusters);
 * a file read front to back in many calls in O(its clusters), not their square.
 */
#include <stdio.h>
#include "host.h"
#include "bpbmsg.h"
#include "test_lab7_disk.h"

#define FSI_FREE_COUNT 488
#define FSI_NXT_FREE   492

static void zero_fill(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    (void)arg; (void)offset;
    memset(buf, 0, len);
}

static uint32_t gets(const struct fat_volume *v)
{
    return v->cache.stats.hits + v->cache.stats.misses;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Hints that are not clusters: the search starts at cluster 2 and the count is unknown. */
TEST(fsinfo_hints_are_checked)
{
    static const uint32_t bad_next[] = { 0x0FFFFFF7, 0x0FFFFFF8, 0xFFFFFFFF, 0, 1, 70000 };
    static struct memdisk d;
    static struct fat_volume v;
    uint32_t first;

    memdisk_init(&d, 70000);
    memdisk_format(&d, 0, FAT_TYPE_32, 70000, 1);
    for (size_t i = 0; i < sizeof bad_next / sizeof bad_next[0]; i++) {
        put32(d.data + 512 + FSI_NXT_FREE, bad_next[i]);
        put32(d.data + 512 + FSI_FREE_COUNT, 0x0FFFFFF7);
        CHECK_EQ(fat_mount(&v, &d.bd), 0);
        CHECK_EQ(v.free_hint, FAT_FIRST_CLUSTER);
        CHECK_EQ(v.free_count, FAT_FREE_UNKNOWN);
        CHECK_EQ(fat_begin_write(&v, NULL), 0);
        CHECK_EQ(fat_alloc_chain(&v, 1, &first), 0);
        CHECK(fat_cluster_ok(&v, first));
        CHECK_EQ(fat_free_chain(&v, first), 0);
        CHECK_EQ(fat_barrier(&v), 0);
    }
    memdisk_free(&d);
}

/* Before: unmount counted the whole FAT when the count was unknown (over 120 s on a
   volume of 0x0FFFFFF4 clusters). Now the count stays unknown, as [FAT] allows. */
TEST(unknown_free_count_is_not_counted)
{
    static struct memdisk d;
    static struct fat_volume v;

    memdisk_init(&d, 70000);
    memdisk_format(&d, 0, FAT_TYPE_32, 70000, 1);
    put32(d.data + 512 + FSI_FREE_COUNT, FAT_FREE_UNKNOWN);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_write_file(&v, "/a.bin", 3000, false, zero_fill, NULL), 0);
    uint32_t before = gets(&v);
    CHECK_EQ(fat_unmount(&v), 0);
    CHECK(gets(&v) - before < 100);         /* the FAT has 67000 entries: not read */
    CHECK_EQ(get32(d.data + 512 + FSI_FREE_COUNT), FAT_FREE_UNKNOWN);
    /* A known count is kept up to date instead. */
    put32(d.data + 512 + FSI_FREE_COUNT, v.g.clusters - 1 - 6);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_write_file(&v, "/b.bin", 1024, false, zero_fill, NULL), 0);
    CHECK_EQ(fat_unmount(&v), 0);
    CHECK_EQ(get32(d.data + 512 + FSI_FREE_COUNT), v.g.clusters - 1 - 8);
    memdisk_free(&d);
}

/* The longest refusal inside the longest wrapper: the mount error holds all of it. */
TEST(mount_errors_are_whole)
{
    static struct memdisk d;
    static struct fat_volume v;
    char inner[128], whole[FAT_ERROR_MAX];

    memdisk_init(&d, 40000);
    memdisk_format(&d, 0, FAT_TYPE_16, 40000, 1);
    put16(d.data + 22, 0);                  /* BPB_FATSz16 = 0 on a FAT16 volume */
    CHECK_EQ(fat_mount(&v, &d.bd), FAT_ENOVOL);
    snprintf(inner, sizeof inner, BPB_REFUSAL, BPB_FAT16_SIZE_ZERO, 512u);
    snprintf(whole, sizeof whole, BPB_NO_VOLUME, inner);
    CHECK(strlen(whole) > 120);             /* before: cut at 119 (and at 159 in v.error) */
    CHECK_STR(v.error, whole);
    memdisk_free(&d);
}

/* An inconsistency naming a 255-character name is kept whole too. */
TEST(corruption_messages_are_whole)
{
    static struct memdisk d;
    static struct fat_volume v;
    char name[256], path[260], want[FAT_ERROR_MAX];
    struct fat_node n;

    memdisk_init(&d, 4000);
    memdisk_format(&d, 0, FAT_TYPE_12, 4000, 1);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    memset(name, 'n', 255);
    name[255] = '\0';
    snprintf(path, sizeof path, "/%s", name);
    CHECK_EQ(fat_write_file(&v, path, 600, false, zero_fill, NULL), 0);
    CHECK_EQ(fat_lookup(&v, path, &n), 0);
    n.size = 5000;
    CHECK_EQ(fat_dir_update(&v, &n), 0);
    CHECK_EQ(fat_barrier(&v), 0);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_lookup(&v, path, &n), 0);
    static uint8_t buf[5000];
    CHECK_EQ(fat_read(&v, &n, 0, buf, sizeof buf), FAT_ECORRUPT);
    snprintf(want, sizeof want, "\"%s\" is 5000 bytes but its chain has only 2 clusters", name);
    CHECK_STR(v.error, want);
    memdisk_free(&d);
}

/* A file's chain looping back to its first cluster: found in O(chain), not after as many
   steps as the volume has clusters (67000 FAT reads here before; 0x0FFFFFF4 at the cap). */
TEST(file_loop_found_in_its_length)
{
    static struct memdisk d;
    static struct fat_volume v;
    static uint8_t buf[1024];
    struct fat_node n;
    uint32_t second;

    memdisk_init(&d, 70000);
    memdisk_format(&d, 0, FAT_TYPE_32, 70000, 1);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_write_file(&v, "/loop.bin", 1024, false, zero_fill, NULL), 0);
    CHECK_EQ(fat_lookup(&v, "/loop.bin", &n), 0);
    CHECK_EQ(fat_chain_walk(&v, n.cluster, 1, &second), 0);
    CHECK_EQ(fat_set(&v, second, n.cluster), 0);
    CHECK_EQ(fat_barrier(&v), 0);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_lookup(&v, "/loop.bin", &n), 0);
    uint32_t before = gets(&v);
    CHECK_EQ(fat_read(&v, &n, 0, buf, sizeof buf), FAT_ECORRUPT);
    CHECK(gets(&v) - before < 100);
    memdisk_free(&d);
}

/* A 1 MiB file of 2048 clusters read front to back in 4 KiB calls, as stage 7's cat reads:
   each call walked the chain from its first cluster before, 262144 FAT steps in all (the
   square of the clusters over 16); now the volume keeps the last read's place. The cache
   gets, less one per data sector, count the FAT lookups (two gets each: a FAT16 entry is
   read a byte at a time): the size check's pass and one step per cluster. A read that
   goes back starts from the first cluster again. */
TEST(sequential_read_is_linear)
{
    static struct memdisk d;
    static struct fat_volume v;
    static uint8_t buf[4096];
    const uint32_t size = 1 << 20, clusters = size / 512;
    struct fat_node n;
    int32_t got = 0;

    memdisk_init(&d, 40000);
    memdisk_format(&d, 0, FAT_TYPE_16, 40000, 1);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_write_file(&v, "/big.bin", size, false, zero_fill, NULL), 0);
    CHECK_EQ(fat_lookup(&v, "/big.bin", &n), 0);
    for (int pass = 0; pass < 2; pass++) {
        uint32_t before = gets(&v), off = 0;
        while (off < size && (got = fat_read(&v, &n, off, buf, sizeof buf)) > 0)
            off += (uint32_t)got;
        CHECK_EQ(off, size);
        uint32_t fat_lookups = (gets(&v) - before - clusters) / 2;
        CHECK(fat_lookups <= 2 * clusters + 16);
        if (host_current_failed)
            printf("  pass %d: %u FAT lookups for %u clusters\n", pass, fat_lookups, clusters);
    }
    CHECK_EQ(fat_read(&v, &n, 4096, buf, 512), 512);   /* backwards: from the start again */
    memdisk_free(&d);
}

int main(void)
{
    RUN(fsinfo_hints_are_checked);
    RUN(unknown_free_count_is_not_counted);
    RUN(mount_errors_are_whole);
    RUN(corruption_messages_are_whole);
    RUN(file_loop_found_in_its_length);
    RUN(sequential_read_is_linear);
    return host_summary("lab7 limits");
}
