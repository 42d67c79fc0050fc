/*
 * test_lab7_bpb.c - labs/lab7-fat/bpb.c: the FAT type comes from the cluster
 * count alone ([FAT] "FAT Type Determination": 4084 is FAT12, 4085 FAT16,
 * 65524 FAT16, 65525 FAT32), impossible BPBs are named, MBR partitions are
 * found, and random boot sectors never crash the parser.
 */
#include <stdio.h>
#include "host.h"
#include "bpbmsg.h"
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

static void no_fat16_size(uint8_t *s) { put16(s + 22, 0); put32(s + 36, 0x00298000); }

/* The words a refusal of `what` with `value` must have: bpbmsg.h's, nothing else. */
static const char *refusal(const char *what, unsigned value)
{
    static char out[FAT_ERROR_MAX];
    snprintf(out, sizeof out, BPB_REFUSAL, what, value);
    return out;
}

TEST(impossible_values_are_named)
{
    expect_rejected(no_signature, refusal(BPB_NO_SIGNATURE, 85));
    expect_rejected(bad_bytes, refusal(BPB_SECTOR_IMPOSSIBLE, 300));
    expect_rejected(big_bytes, refusal(BPB_SECTOR_UNSUPPORTED, 4096));
    expect_rejected(spc_three, refusal(BPB_SPC_NOT_POWER, 3));
    expect_rejected(no_fats, refusal(BPB_NO_FATS, 0));
    expect_rejected(no_reserved, refusal(BPB_NO_RESERVED, 0));
    expect_rejected(tiny_fat, refusal(BPB_FAT_TOO_SMALL, 20312));
    expect_rejected(no_data, refusal(BPB_NO_ROOM, 100));
    expect_rejected(odd_root, refusal(BPB_ROOT_PARTIAL, 100));
    /* Before: BPB_FATSz32's bytes (BS_DrvNum... on FAT16) were taken as the FAT size,
       and the refusal named the regions instead. */
    expect_rejected(no_fat16_size, refusal(BPB_FAT16_SIZE_ZERO, 512));
    /* The grader (grade/labs/lab7.py) matches these three as they are. */
    CHECK_STR(refusal(BPB_SPC_NOT_POWER, 3), "sectors per cluster is not a power of two (3)");
    CHECK_STR(refusal(BPB_NO_FATS, 0), "no FAT copies (0)");
    CHECK_STR(refusal(BPB_NO_RESERVED, 0), "no reserved sectors (0)");
}

/* Cluster 0x0FFFFFF6 and up are not clusters: 0x0FFFFFF4 clusters at most. */
TEST(fat32_cluster_cap)
{
    uint8_t s[512];
    struct fat_geometry g;
    char why[FAT_ERROR_MAX];

    CHECK_EQ(type_of(FAT32_MAX_CLUSTERS, true), 32);
    sector_with_clusters(s, FAT32_MAX_CLUSTERS + 1, true);
    CHECK_EQ(fat_parse_bpb(s, &g, why, sizeof why), FAT_ENOVOL);
    CHECK_STR(why, refusal(BPB_TOO_MANY_CLUSTERS, FAT32_MAX_CLUSTERS + 1));
}

/* handouts/lab7.md states every refusal word for word (a student reads them there). */
TEST(handout_states_every_refusal)
{
    static const char *const words[] = {
        BPB_REFUSAL, BPB_NO_SIGNATURE, BPB_NO_JUMP, BPB_SECTOR_UNSUPPORTED,
        BPB_SECTOR_IMPOSSIBLE, BPB_SPC_NOT_POWER, BPB_NO_RESERVED, BPB_NO_FATS,
        BPB_ROOT_PARTIAL, BPB_NO_TOTAL, BPB_FAT16_SIZE_ZERO, BPB_FAT_EMPTY, BPB_NO_ROOM,
        BPB_NO_CLUSTERS, BPB_CLUSTER_TOO_BIG, BPB_TOO_MANY_CLUSTERS, BPB_FAT_TOO_SMALL,
        BPB_NO_ROOT, BPB_FAT32_LAYOUT, BPB_ROOT_OUTSIDE, BPB_LARGER_THAN_DISK,
        BPB_PARTITION_OUTSIDE, BPB_NO_VOLUME,
    };
    static char text[200000];
    FILE *f = fopen("handouts/lab7.md", "r");
    size_t n;

    CHECK(f != NULL);
    if (!f)
        return;
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        char quoted[FAT_ERROR_MAX];
        snprintf(quoted, sizeof quoted, "`%s`", words[i]);
        if (!strstr(text, quoted))
            printf("  handouts/lab7.md does not state %s\n", quoted);
        CHECK(strstr(text, quoted) != NULL);
    }
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
    CHECK_STR(why, refusal(BPB_PARTITION_OUTSIDE, 3));
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
    RUN(fat32_cluster_cap);
    RUN(handout_states_every_refusal);
    RUN(finds_mbr_partitions);
    RUN(fuzz);
    return host_summary("lab7 bpb");
}
