/*
 * bpb.c - finding a FAT volume and checking its BIOS Parameter Block.
 * Pure code, host-tested (tests/test_lab7_bpb.c).
 *
 * [FAT] "Boot Sector and BPB" gives the fields, "FAT Data Structure" the
 * sizes derived from them, and "FAT Type Determination" the rule that the
 * count of data clusters alone says FAT12, FAT16 or FAT32: never the
 * BS_FilSysType label, which is informational. A volume is either the whole
 * disk (sector 0 is a boot sector) or a primary partition of an MBR. Every
 * refusal names the value, in the words of bpbmsg.h.
 */
#include "bpbmsg.h"
#include "fat.h"
#include "kprintf.h"
#include "kstring.h"
#include "panic.h"

/* Boot sector offsets ([FAT] "Boot Sector and BPB"). */
#define BS_JMP_BOOT       0
#define BPB_BYTS_PER_SEC 11
#define BPB_SEC_PER_CLUS 13
#define BPB_RSVD_SEC_CNT 14
#define BPB_NUM_FATS     16
#define BPB_ROOT_ENT_CNT 17
#define BPB_TOT_SEC16    19
#define BPB_FAT_SZ16     22
#define BPB_TOT_SEC32    32
#define BPB_FAT_SZ32     36
#define BPB_ROOT_CLUS    44
#define BPB_FS_INFO      48
#define BOOT_SIGNATURE  510         /* 0x55 0xAA */

/* MBR partition table: four 16-byte entries from offset 446. */
#define MBR_TABLE       446
#define MBR_ENTRY_SIZE   16
#define MBR_TYPE          4
#define MBR_LBA_START     8
#define MBR_LBA_COUNT    12

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

const char *fat_type_name(enum fat_type t)
{
    return t == FAT_TYPE_12 ? "FAT12" : t == FAT_TYPE_16 ? "FAT16" : "FAT32";
}

static int reject(char *why, size_t whylen, const char *what, uint32_t value)
{
    ksnprintf(why, whylen, BPB_REFUSAL, what, value);
    return FAT_ENOVOL;
}

/* LAB 7: BEGIN SOLUTION */
static bool power_of_two(uint32_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

/* The raw fields: each one alone must make sense. */
static int parse_fields(const uint8_t *s, struct fat_geometry *g, uint32_t *fat16_size,
                        char *why, size_t whylen)
{
    uint32_t bytes = le16(s + BPB_BYTS_PER_SEC);

    if (s[BOOT_SIGNATURE] != 0x55 || s[BOOT_SIGNATURE + 1] != 0xAA)
        return reject(why, whylen, BPB_NO_SIGNATURE, le16(s + BOOT_SIGNATURE));
    if (s[BS_JMP_BOOT] != 0xEB && s[BS_JMP_BOOT] != 0xE9)
        return reject(why, whylen, BPB_NO_JUMP,
                      s[BS_JMP_BOOT]);
    if (bytes != FAT_SECTOR_SIZE)
        return reject(why, whylen, power_of_two(bytes) && bytes >= 512 && bytes <= 4096 ?
                      BPB_SECTOR_UNSUPPORTED :
                      BPB_SECTOR_IMPOSSIBLE, bytes);
    g->sectors_per_cluster = s[BPB_SEC_PER_CLUS];
    if (!power_of_two(g->sectors_per_cluster))
        return reject(why, whylen, BPB_SPC_NOT_POWER,
                      g->sectors_per_cluster);
    g->reserved_sectors = le16(s + BPB_RSVD_SEC_CNT);
    if (g->reserved_sectors == 0)
        return reject(why, whylen, BPB_NO_RESERVED, 0);
    g->nfats = s[BPB_NUM_FATS];
    if (g->nfats == 0)
        return reject(why, whylen, BPB_NO_FATS, 0);
    g->root_entries = le16(s + BPB_ROOT_ENT_CNT);
    if (g->root_entries % FAT_DIRENTS_PER_SECTOR)
        return reject(why, whylen, BPB_ROOT_PARTIAL, g->root_entries);
    g->total_sectors = le16(s + BPB_TOT_SEC16) ? le16(s + BPB_TOT_SEC16) : le32(s + BPB_TOT_SEC32);
    if (g->total_sectors == 0)
        return reject(why, whylen, BPB_NO_TOTAL, 0);
    *fat16_size = le16(s + BPB_FAT_SZ16);
    if (*fat16_size == 0 && g->root_entries != 0)   /* BPB_FATSz32 is FAT32's field only */
        return reject(why, whylen, BPB_FAT16_SIZE_ZERO, g->root_entries);
    g->fat_sectors = *fat16_size ? *fat16_size : le32(s + BPB_FAT_SZ32);
    if (g->fat_sectors == 0)
        return reject(why, whylen, BPB_FAT_EMPTY, 0);
    return 0;
}

/* The sizes together: regions, cluster count, type, and that the FAT holds them all. */
static int derive(const uint8_t *s, struct fat_geometry *g, uint32_t fat16_size, char *why,
                  size_t whylen)
{
    uint64_t meta, fat_entries;

    g->root_dir_sectors = g->root_entries * FAT_DIRENT_SIZE / FAT_SECTOR_SIZE;
    meta = g->reserved_sectors + (uint64_t)g->nfats * g->fat_sectors + g->root_dir_sectors;
    if (meta >= g->total_sectors)
        return reject(why, whylen, BPB_NO_ROOM,
                      g->total_sectors);
    g->root_dir_sector = g->reserved_sectors + g->nfats * g->fat_sectors;
    g->data_sector = (uint32_t)meta;
    g->clusters = (g->total_sectors - (uint32_t)meta) / g->sectors_per_cluster;
    g->cluster_bytes = g->sectors_per_cluster * FAT_SECTOR_SIZE;
    if (g->clusters == 0)
        return reject(why, whylen, BPB_NO_CLUSTERS, 0);
    if (g->cluster_bytes > 65536)
        return reject(why, whylen, BPB_CLUSTER_TOO_BIG, g->cluster_bytes);
    if (g->clusters > FAT32_MAX_CLUSTERS)
        return reject(why, whylen, BPB_TOO_MANY_CLUSTERS, g->clusters);
    g->type = g->clusters <= FAT12_MAX_CLUSTERS ? FAT_TYPE_12 :
              g->clusters <= FAT16_MAX_CLUSTERS ? FAT_TYPE_16 : FAT_TYPE_32;
    fat_entries = (uint64_t)g->fat_sectors * FAT_SECTOR_SIZE * 8 / g->type;
    if (fat_entries < (uint64_t)g->clusters + FAT_FIRST_CLUSTER)
        return reject(why, whylen, BPB_FAT_TOO_SMALL, g->clusters);
    g->root_cluster = 0;
    g->fsinfo_sector = 0;
    if (g->type != FAT_TYPE_32) {
        if (g->root_entries == 0)
            return reject(why, whylen, BPB_NO_ROOT,
                          g->clusters);
        return 0;
    }
    if (g->root_entries != 0 || fat16_size != 0)
        return reject(why, whylen, BPB_FAT32_LAYOUT, g->clusters);
    g->root_cluster = le32(s + BPB_ROOT_CLUS);
    if (g->root_cluster < FAT_FIRST_CLUSTER || g->root_cluster >= g->clusters + FAT_FIRST_CLUSTER)
        return reject(why, whylen, BPB_ROOT_OUTSIDE, g->root_cluster);
    g->fsinfo_sector = le16(s + BPB_FS_INFO);
    if (g->fsinfo_sector == 0 || g->fsinfo_sector >= g->reserved_sectors)
        g->fsinfo_sector = 0;       /* 0 or 0xFFFF: no FSInfo ([FAT] BPB_FSInfo) */
    return 0;
}
/* LAB 7: END SOLUTION */

int fat_parse_bpb(const uint8_t sector[FAT_SECTOR_SIZE], struct fat_geometry *g, char *why,
                  size_t whylen)
{
    memset(g, 0, sizeof *g);
    /* LAB 7: BEGIN SOLUTION */
    uint32_t fat16_size;
    int err;

    if ((err = parse_fields(sector, g, &fat16_size, why, whylen)))
        return err;
    return derive(sector, g, fat16_size, why, whylen);
    /* LAB 7: STUB
    (void)sector; (void)why; (void)whylen;
    panic("lab7: fat_parse_bpb not implemented");
    LAB 7: END SOLUTION */
}

static bool fat_partition_type(uint8_t t)
{
    return t == 0x01 || t == 0x04 || t == 0x06 || t == 0x0B || t == 0x0C || t == 0x0E;
}

int fat_find_volume(const uint8_t s[FAT_SECTOR_SIZE], uint64_t disk_sectors, uint64_t *start,
                    uint64_t *count, int *partition, char *why, size_t whylen)
{
    struct fat_geometry g;
    char bpb_why[128];              /* the longest refusal and its value: 75 characters */

    if (fat_parse_bpb(s, &g, bpb_why, sizeof bpb_why) == 0) {
        *start = 0;
        *count = g.total_sectors;
        *partition = 0;
        if (g.total_sectors > disk_sectors)
            return reject(why, whylen, BPB_LARGER_THAN_DISK, g.total_sectors);
        return 0;
    }
    if (s[BOOT_SIGNATURE] == 0x55 && s[BOOT_SIGNATURE + 1] == 0xAA) {
        for (int i = 0; i < 4; i++) {
            const uint8_t *e = s + MBR_TABLE + i * MBR_ENTRY_SIZE;
            uint32_t lba = le32(e + MBR_LBA_START), n = le32(e + MBR_LBA_COUNT);
            if (!fat_partition_type(e[MBR_TYPE]))
                continue;
            if (lba == 0 || n == 0 || (uint64_t)lba + n > disk_sectors)
                return reject(why, whylen, BPB_PARTITION_OUTSIDE, (uint32_t)i + 1);
            *start = lba;
            *count = n;
            *partition = i + 1;
            return 0;
        }
    }
    ksnprintf(why, whylen, BPB_NO_VOLUME, bpb_why);
    return FAT_ENOVOL;
}
