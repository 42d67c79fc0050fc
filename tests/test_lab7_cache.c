/*
 * test_lab7_cache.c - labs/lab7-fat/cache.c: hits and misses, the least
 * recently used buffer goes first, a dirty one is written back when it goes,
 * a whole-sector get reads nothing, and sync writes every dirty buffer in
 * LBA order and then flushes.
 */
#include <stdio.h>
#include "host.h"
#include "test_lab7_disk.h"

static struct memdisk disk;
static struct fat_cache cache;

static void fresh(void)
{
    memdisk_free(&disk);
    memdisk_init(&disk, 1000);
    for (int i = 0; i < 1000; i++)
        disk.data[i * 512] = (uint8_t)i;
    fat_cache_init(&cache, &disk.bd);
}

TEST(hits_and_misses)
{
    fresh();
    uint8_t *a = fat_cache_get(&cache, 7, false);
    CHECK(a && a[0] == 7);
    CHECK(fat_cache_get(&cache, 7, false) == a);
    CHECK_EQ(cache.stats.hits, 1);
    CHECK_EQ(cache.stats.misses, 1);
    CHECK_EQ(disk.reads, 1);
    CHECK(fat_cache_get(&cache, 1000, false) == NULL);      /* past the end: the error */
}

TEST(lru_eviction_writes_back)
{
    fresh();
    for (int i = 0; i < FAT_CACHE_BUFFERS; i++) {
        uint8_t *s = fat_cache_get(&cache, (uint64_t)i, false);
        s[1] = 0xEE;
        fat_cache_mark_dirty(&cache, s);
    }
    fat_cache_get(&cache, 0, false);        /* 0 is now the most recent: 1 is the oldest */
    CHECK_EQ(disk.writes, 0);
    fat_cache_get(&cache, 500, false);
    CHECK_EQ(disk.writes, 1);
    CHECK_EQ(disk.log[0], 1);
    CHECK_EQ(disk.data[1 * 512 + 1], 0xEE);
    CHECK_EQ(cache.stats.evictions, 1);
    fat_cache_get(&cache, 501, false);
    CHECK_EQ(disk.log[1], 2);
    uint8_t *z = fat_cache_get(&cache, 900, true);          /* whole: no read, zeros */
    CHECK_EQ(z[0], 0);
    CHECK_EQ(disk.reads, FAT_CACHE_BUFFERS + 2);
}

TEST(sync_in_lba_order_then_flush)
{
    static const uint64_t lbas[] = { 40, 3, 17, 900, 5 };

    fresh();
    for (int i = 0; i < 5; i++)
        fat_cache_mark_dirty(&cache, fat_cache_get(&cache, lbas[i], false));
    fat_cache_get(&cache, 6, false);        /* clean: not written */
    CHECK_EQ(fat_cache_sync(&cache), 0);
    CHECK_EQ(disk.writes, 5);
    CHECK_EQ(disk.log[0], 3);
    CHECK_EQ(disk.log[1], 5);
    CHECK_EQ(disk.log[2], 17);
    CHECK_EQ(disk.log[3], 40);
    CHECK_EQ(disk.log[4], 900);
    CHECK_EQ(disk.flushes, 1);
    CHECK_EQ(fat_cache_sync(&cache), 0);    /* nothing dirty: only the flush */
    CHECK_EQ(disk.writes, 5);
    CHECK_EQ(disk.flushes, 2);
}

int main(void)
{
    RUN(hits_and_misses);
    RUN(lru_eviction_writes_back);
    RUN(sync_in_lba_order_then_flush);
    memdisk_free(&disk);
    return host_summary("lab7 cache");
}
