/*
 * test_lab7_table.c - labs/lab7-fat/table.c on in-memory volumes: FAT12's
 * 12-bit entries (the ones whose two bytes sit in two sectors above all),
 * FAT16 and FAT32 packing (FAT32's high 4 bits kept), every FAT copy
 * updated, chains that loop or leave the volume named, allocation and freeing.
 */
#include <stdio.h>
#include "host.h"
#include "test_lab7_disk.h"

static struct memdisk disk;
static struct fat_volume vol;

static void fresh(enum fat_type t, uint32_t total)
{
    memdisk_free(&disk);
    memdisk_init(&disk, total);
    memdisk_format(&disk, 0, t, total, 1);
    CHECK_EQ(fat_mount(&vol, &disk.bd), 0);
}

static uint32_t get(uint32_t c)
{
    uint32_t v = 0xDEADBEEF;
    CHECK_EQ(fat_get(&vol, c, &v), 0);
    return v;
}

/* The raw 16 bits at a byte offset of FAT copy `copy`, straight from the disk. */
static uint32_t raw16(int copy, uint32_t off)
{
    const uint8_t *fat = disk.data + (vol.g.reserved_sectors + copy * vol.g.fat_sectors) * 512;
    return fat[off] | fat[off + 1] << 8;
}

TEST(fat12_straddling_entries)
{
    fresh(FAT_TYPE_12, 4000);
    /* Cluster 341's entry is at byte 341 + 170 = 511: its high byte is in the next sector. */
    for (uint32_t c = 338; c <= 344; c++)
        CHECK_EQ(fat_set(&vol, c, 0xA00 + c), 0);
    for (uint32_t c = 338; c <= 344; c++)
        CHECK_EQ(get(c), 0xA00 + c);
    CHECK_EQ(fat_set(&vol, 341, 0xFFF), 0);
    CHECK_EQ(get(340), 0xA00 + 340);
    CHECK_EQ(get(341), 0xFFF);
    CHECK_EQ(get(342), 0xA00 + 342);
    /* On the disk too, after a sync, in both copies: 341 is odd, so its entry is the
       high 12 bits of the word at 511. */
    CHECK_EQ(fat_cache_sync(&vol.cache), 0);
    for (int copy = 0; copy < 2; copy++)
        CHECK_EQ(raw16(copy, 511) >> 4, 0xFFF);
    /* Cluster 682: byte 1023, the next boundary, an even cluster. */
    CHECK_EQ(fat_set(&vol, 682, 0x123), 0);
    CHECK_EQ(fat_set(&vol, 683, 0x456), 0);
    CHECK_EQ(get(682), 0x123);
    CHECK_EQ(get(683), 0x456);
    CHECK_EQ(fat_cache_sync(&vol.cache), 0);
    CHECK_EQ(raw16(1, 1023) & 0xFFF, 0x123);
}

TEST(fat16_and_fat32_packing)
{
    fresh(FAT_TYPE_16, 40000);
    CHECK_EQ(fat_set(&vol, 300, 0xFFF7), 0);
    CHECK_EQ(get(300), 0xFFF7);
    CHECK(!fat_is_eoc(&vol, 0xFFF7));       /* the bad-cluster mark is not an end */
    CHECK(fat_is_eoc(&vol, 0xFFF8));
    fresh(FAT_TYPE_32, 70000);
    uint8_t *fat1 = disk.data + (vol.g.reserved_sectors + vol.g.fat_sectors) * 512;
    fat1[4 * 500 + 3] = 0xA0;               /* reserved high bits, in copy 2 only */
    CHECK_EQ(fat_set(&vol, 500, 0xFFFFFFFF), 0);
    CHECK_EQ(get(500), 0x0FFFFFFF);         /* 28 bits */
    CHECK_EQ(fat_cache_sync(&vol.cache), 0);
    CHECK_EQ(fat1[4 * 500 + 3], 0xAF);      /* its high 4 bits kept */
}

TEST(chains)
{
    uint32_t first, n, at;

    fresh(FAT_TYPE_16, 40000);
    CHECK_EQ(fat_alloc_chain(&vol, 5, &first), 0);
    CHECK_EQ(fat_chain_length(&vol, first, &n), 0);
    CHECK_EQ(n, 5);
    CHECK_EQ(fat_chain_walk(&vol, first, 4, &at), 0);
    CHECK(fat_is_eoc(&vol, get(at)));
    CHECK_EQ(fat_chain_walk(&vol, first, 5, &at), FAT_ECORRUPT);
    CHECK_STR(vol.error, "the chain from cluster 2 ends after 5 clusters");
    fresh(FAT_TYPE_16, 40000);
    CHECK_EQ(fat_alloc_chain(&vol, 3, &first), 0);
    CHECK_EQ(fat_set(&vol, first + 2, first), 0);         /* a loop */
    CHECK_EQ(fat_chain_length(&vol, first, &n), FAT_ECORRUPT);
    CHECK_STR(vol.error, "the chain from cluster 2 loops");
    CHECK(vol.read_only);
    fresh(FAT_TYPE_16, 40000);
    CHECK_EQ(fat_alloc_chain(&vol, 2, &first), 0);
    CHECK_EQ(fat_set(&vol, first + 1, 0), 0);             /* into a free cluster */
    CHECK_EQ(fat_chain_length(&vol, first, &n), FAT_ECORRUPT);
    CHECK_STR(vol.error, "cluster 3 links to 0, which is free");
}

TEST(allocation_and_freeing)
{
    uint32_t a, b, n;

    fresh(FAT_TYPE_12, 1000);
    uint32_t total = vol.g.clusters;
    CHECK_EQ(fat_alloc_chain(&vol, total - 10, &a), 0);
    CHECK_EQ(fat_alloc_chain(&vol, 11, &b), FAT_ENOSPC);  /* and gives back what it took */
    CHECK_EQ(fat_alloc_chain(&vol, 10, &b), 0);
    CHECK_EQ(fat_free_chain(&vol, a), 0);
    CHECK_EQ(fat_alloc_chain(&vol, total - 10, &a), 0);   /* the search wraps around */
    CHECK_EQ(fat_chain_length(&vol, a, &n), 0);
    CHECK_EQ(n, total - 10);
}

int main(void)
{
    RUN(fat12_straddling_entries);
    RUN(fat16_and_fat32_packing);
    RUN(chains);
    RUN(allocation_and_freeing);
    memdisk_free(&disk);
    return host_summary("lab7 table");
}
