/*
 * test_lab7_crosslink.c - labs/lab7-fat/check.c: a volume where two entries
 * claim a cluster (an entry starting inside another file's chain, two
 * entries with one first cluster, two chains that merge, a directory inside
 * its parent) is read-only from its first write, and no file's bytes change.
 * Before check.c, rm of the second entry freed the first file's clusters and
 * the next write put new bytes in it. A healthy tree is checked in one pass.
 */
#include <stdio.h>
#include "host.h"
#include "test_lab7_disk.h"

static void seeded_fill(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (uint8_t)((offset + i) * 13 + *(uint32_t *)arg);
}

static int put(struct fat_volume *v, const char *path, uint32_t size, uint32_t seed)
{
    return fat_write_file(v, path, size, false, seeded_fill, &seed);
}

static bool holds(struct fat_volume *v, const char *path, uint32_t size, uint32_t seed)
{
    static uint8_t buf[8192], want[8192];
    struct fat_node n;

    seeded_fill(&seed, 0, want, size);
    return fat_lookup(v, path, &n) == 0 && n.size == size &&
           fat_read(v, &n, 0, buf, size) == (int32_t)size && memcmp(buf, want, size) == 0;
}

/* DIR_IN_PARENT: /SUB's entry names the FAT32 root's cluster (FAT12/16: /A.BIN's). */
enum spoil { INTO_MIDDLE, SAME_FIRST, MERGED, DIR_IN_PARENT };

/* /A.BIN of 5 clusters, /B.BIN of 2, /SUB with /SUB/C.BIN; then the spoiling. */
static void make(struct memdisk *d, struct fat_volume *v, enum fat_type t, uint32_t total,
                 enum spoil how)
{
    struct fat_node a, b;
    uint32_t third, last;

    memdisk_init(d, total);
    memdisk_format(d, 0, t, total, 1);
    CHECK_EQ(fat_mount(v, &d->bd), 0);
    CHECK_EQ(put(v, "/A.BIN", 2500, 1), 0);
    CHECK_EQ(put(v, "/B.BIN", 1000, 2), 0);
    CHECK_EQ(fat_mkdir(v, "/SUB"), 0);
    CHECK_EQ(put(v, "/SUB/C.BIN", 700, 3), 0);
    CHECK_EQ(fat_lookup(v, "/A.BIN", &a), 0);
    CHECK_EQ(fat_lookup(v, how == DIR_IN_PARENT ? "/SUB" : "/B.BIN", &b), 0);
    CHECK_EQ(fat_chain_walk(v, a.cluster, 2, &third), 0);
    if (how == INTO_MIDDLE)
        b.cluster = third;
    else if (how == SAME_FIRST)
        b.cluster = a.cluster;
    else if (how == DIR_IN_PARENT)
        b.cluster = v->g.type == FAT_TYPE_32 ? v->g.root_cluster : a.cluster;
    if (how == MERGED) {
        CHECK_EQ(fat_chain_walk(v, b.cluster, 1, &last), 0);
        CHECK_EQ(fat_set(v, last, third), 0);
    } else {
        CHECK_EQ(fat_dir_update(v, &b), 0);
    }
    CHECK_EQ(fat_unmount(v), 0);
    CHECK_EQ(fat_barrier(v), 0);
}

static void refused(enum fat_type t, uint32_t total, enum spoil how, const char *why)
{
    static struct memdisk d;
    static struct fat_volume v;
    uint8_t *before = malloc((size_t)total * 512);

    make(&d, &v, t, total, how);
    memcpy(before, d.data, (size_t)total * 512);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_remove(&v, "/B.BIN"), FAT_ECORRUPT);
    CHECK_STR(v.error, why);
    CHECK_EQ(put(&v, "/NEW.BIN", 4000, 4), FAT_ECORRUPT);
    CHECK_EQ(fat_write_file(&v, "/B.BIN", 10, true, seeded_fill, &(uint32_t){ 5 }),
             FAT_ECORRUPT);
    fat_unmount(&v);
    CHECK(memcmp(before, d.data, (size_t)total * 512) == 0);    /* not a byte written */
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK(holds(&v, "/A.BIN", 2500, 1));
    CHECK(how == DIR_IN_PARENT || holds(&v, "/SUB/C.BIN", 700, 3));
    free(before);
    memdisk_free(&d);
}

TEST(entry_into_another_chain)
{
    refused(FAT_TYPE_12, 4000, INTO_MIDDLE, "\"B.BIN\" shares cluster 4 with another file or "
            "directory");
    refused(FAT_TYPE_32, 70000, INTO_MIDDLE, "\"B.BIN\" shares cluster 5 with another file or "
            "directory");
}

TEST(two_entries_one_first_cluster)
{
    refused(FAT_TYPE_16, 9000, SAME_FIRST, "\"B.BIN\" shares cluster 2 with another file or "
            "directory");
}

TEST(chains_that_merge)
{
    refused(FAT_TYPE_16, 9000, MERGED, "\"B.BIN\" shares cluster 4 with another file or "
            "directory");
}

TEST(directory_in_its_parent)
{
    refused(FAT_TYPE_12, 4000, DIR_IN_PARENT, "\"SUB\" shares cluster 2 with another file or "
            "directory");
    refused(FAT_TYPE_32, 70000, DIR_IN_PARENT, "\"SUB\" shares cluster 2 with another file or "
            "directory");
}

/* 400 files in a tree eight deep: checked once, in a pass linear in its size. */
TEST(healthy_tree_is_one_pass)
{
    static struct memdisk d;
    static struct fat_volume v;
    char path[128] = "";
    uint32_t gets;

    memdisk_init(&d, 9000);
    memdisk_format(&d, 0, FAT_TYPE_16, 9000, 1);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    for (int level = 0; level < 8; level++) {
        snprintf(path + strlen(path), sizeof path - strlen(path), "/Level %d", level);
        CHECK_EQ(fat_mkdir(&v, path), 0);
        for (int i = 0; i < 50; i++) {
            char file[160];
            snprintf(file, sizeof file, "%s/file %d.bin", path, i);
            CHECK_EQ(put(&v, file, (uint32_t)(i * 37 % 1500), (uint32_t)i), 0);
        }
    }
    CHECK_EQ(fat_unmount(&v), 0);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_check_volume(&v), 0);
    gets = v.cache.stats.hits + v.cache.stats.misses;
    CHECK(gets < 6 * (400 * 3 + v.g.clusters / 8));    /* entries + a FAT step per cluster */
    CHECK_EQ(put(&v, "/Level 0/one more", 100, 9), 0);
    CHECK(holds(&v, "/Level 0/file 7.bin", 7 * 37, 7));
    memdisk_free(&d);
}

int main(void)
{
    RUN(entry_into_another_chain);
    RUN(two_entries_one_first_cluster);
    RUN(chains_that_merge);
    RUN(directory_in_its_parent);
    RUN(healthy_tree_is_one_pass);
    return host_summary("lab7 crosslink");
}
