/*
 * test_lab7_bpb.c - labs/lab7-fat/bpb.c: the FAT type comes from the cluster
 * count alone ([FAT] "FAT Type Determination": 4084 is FAT12, 4085 FAT16,
 * 65524 FAT16, 65525 FAT32), impossible BPBs are named, MBR partitions are
 * found, and random boot sectors never crash the parser.
 */
#include <stdio.h>
#include "host.h"
#include "test_lab7_disk.h"

/* A FAT12/16-layout boot sector with exactly `clusters` data clusters. */
static void sector_with_clusters(uint8_t *s, uint32_t clusters, bool fat32_layout)
{
    uint32_t reserved = fat32_layout ? 32 : 1, root = fat32_layout ? 0 : 32;  /* root sectors */
    uint32_t fatsz = (clusters + 2) * 4 / 512 + 1;

    memset(s, 0, 512);
    s[0] = 0xEB;
    put16(s + 11, 512);
    s[13] = 1;
    put16(s + 14, reserved);
    s[16] = 2;
    put16(s + 17, root * 16);
    put32(s + 32, reserved + 2 * fatsz + root + clusters);
    if (fat32_layout) {
        put32(s + 36, fatsz);
        put32(s + 44, 2);
        put16(s + 48, 1);
    } else {
        put16(s + 22, fatsz);
    }
    s[510] = 0x55;
    s[511] = 0xAA;
}

static int type_of(uint32_t clusters, bool fat32_layout)
{
    uint8_t s[512];
    struct fat_geometry g;
    char why[128];

    sector_with_clusters(s, clusters, fat32_layout);
    if (fat_parse_bpb(s, &g, why, sizeof why) != 0)
        return -1;
    CHECK_EQ(g.clusters, clusters);
    return (int)g.type;
}

TEST(type_from_cluster_count)
{
    CHECK_EQ(type_of(1, false), 12);
    CHECK_EQ(type_of(4084, false), 12);
    CHECK_EQ(type_of(4085, false), 16);
    CHECK_EQ(type_of(65524, false), 16);
    CHECK_EQ(type_of(65525, true), 32);
    CHECK_EQ(type_of(65525, false), -1);    /* FAT32 count, FAT16 layout: no root cluster */
    CHECK_EQ(type_of(65524, true), -1);     /* FAT16 count, FAT32 layout: no root directory */
}

TEST(label_string_is_ignored)
{
    uint8_t s[512];
    struct fat_geometry g;
    char why[128];

    sector_with_clusters(s, 3000, false);
    memcpy(s + 54, "FAT32   ", 8);          /* BS_FilSysType says FAT32: informational only */
    CHECK_EQ(fat_parse_bpb(s, &g, why, sizeof why), 0);
    CHECK_EQ(g.type, FAT_TYPE_12);
}

static void expect_rejected(void (*spoil)(uint8_t *), const char *message)
{
    uint8_t s[512];
    struct fat_geometry g;
    char why[128] = "";

    sector_with_clusters(s, 20000, false);
    spoil(s);
    CHECK_EQ(fat_parse_bpb(s, &g, why, sizeof why), FAT_ENOVOL);
    CHECK_STR(why, message);
}

static void no_signature(uint8_t *s) { s[511] = 0; }
static void bad_bytes(uint8_t *s) { put16(s + 11, 300); }
static void big_bytes(uint8_t *s) { put16(s + 11, 4096); }
static void spc_three(uint8_t *s) { s[13] = 3; }
static void no_fats(uint8_t *s) { s[16] = 0; }
static void no_reserved(uint8_t *s) { put16(s + 14, 0); }
static void tiny_fat(uint8_t *s) { put16(s + 22, 1); }
static void no_data(uint8_t *s) { put32(s + 32, 100); }
static void odd_root(uint8_t *s) { put16(s + 17, 100); }

TEST(impossible_values_are_named)
{
    expect_rejected(no_signature, "no boot sector signature 0x55 0xAA (85)");
    expect_rejected(bad_bytes, "impossible bytes per sector (300)");
    expect_rejected(big_bytes, "bytes per sector other than 512 are not supported (4096)");
    expect_rejected(spc_three, "sectors per cluster is not a power of two (3)");
    expect_rejected(no_fats, "no FAT copies (0)");
    expect_rejected(no_reserved, "no reserved sectors (0)");
    expect_rejected(tiny_fat, "the FAT is too small for the cluster count (20312)");
    expect_rejected(no_data, "reserved, FAT and root sectors fill the whole volume (100)");
    expect_rejected(odd_root, "root entries do not fill whole sectors (100)");
}

TEST(finds_mbr_partitions)
{
    uint8_t mbr[512] = { 0 }, boot[512];
    uint64_t start, count;
    int part;
    char why[200];

    mbr[510] = 0x55;
    mbr[511] = 0xAA;
    mbr[446 + 16 + 4] = 0x83;               /* a Linux partition first: skipped */
    put32(mbr + 446 + 16 + 8, 100);
    put32(mbr + 446 + 16 + 12, 100);
    mbr[446 + 32 + 4] = 0x0C;               /* FAT32 LBA */
    put32(mbr + 446 + 32 + 8, 2048);
    put32(mbr + 446 + 32 + 12, 70000);
    CHECK_EQ(fat_find_volume(mbr, 80000, &start, &count, &part, why, sizeof why), 0);
    CHECK_EQ(start, 2048);
    CHECK_EQ(count, 70000);
    CHECK_EQ(part, 3);
    CHECK_EQ(fat_find_volume(mbr, 60000, &start, &count, &part, why, sizeof why), FAT_ENOVOL);
    CHECK_STR(why, "a FAT partition outside the disk (3)");
    sector_with_clusters(boot, 3000, false);
    CHECK_EQ(fat_find_volume(boot, 80000, &start, &count, &part, why, sizeof why), 0);
    CHECK_EQ(part, 0);
    memset(mbr, 0, sizeof mbr);
    CHECK_EQ(fat_find_volume(mbr, 80000, &start, &count, &part, why, sizeof why), FAT_ENOVOL);
}

/* Random bytes and single-byte mutations of good sectors: a reject, or a geometry
   whose regions fit in the volume. Never a crash (ASan/UBSan watch). */
TEST(fuzz)
{
    uint32_t x = 12345;
    uint8_t s[512];
    struct fat_geometry g;
    char why[128];

    for (int i = 0; i < 200000; i++) {
        sector_with_clusters(s, 1 + x % 100000, (x >> 20) & 1);
        for (int k = 0; k < 1 + i % 4; k++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            s[x % 64 < 60 ? x % 64 : 510 + x % 2] = (uint8_t)(x >> 8);
        }
        if (fat_parse_bpb(s, &g, why, sizeof why) == 0) {
            CHECK(g.data_sector < g.total_sectors);
            CHECK((uint64_t)g.data_sector + (uint64_t)g.clusters * g.sectors_per_cluster <=
                  g.total_sectors);
            CHECK((uint64_t)g.fat_sectors * 512 * 8 / g.type >= g.clusters + 2ull);
        } else {
            CHECK(why[0] != '\0');
        }
    }
}

int main(void)
{
    RUN(type_from_cluster_count);
    RUN(label_string_is_ignored);
    RUN(impossible_values_are_named);
    RUN(finds_mbr_partitions);
    RUN(fuzz);
    return host_summary("lab7 bpb");
}
