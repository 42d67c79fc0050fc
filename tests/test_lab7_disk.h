/*
 * test_lab7_disk.h - an in-memory disk for lab 7's host tests, and a tiny
 * formatter that lays out FAT12/16/32 volumes the way [FAT] "FAT Data
 * Structure" describes (mkfs.fat itself is what the grader uses).
 *
 * The disk records every write's LBA and can stop taking writes after a
 * budget (a crash: later writes are dropped, as if the power went), or fail
 * one write (an I/O error: that write alone is refused; the next ones work).
 */
#ifndef CAIRN_TEST_LAB7_DISK_H
#define CAIRN_TEST_LAB7_DISK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fat.h"

#define MEMDISK_LOG 4096

struct memdisk {
    struct blockdev bd;
    uint8_t *data;
    uint32_t reads, writes, flushes;
    long budget;                    /* writes still allowed; < 0: no limit */
    uint32_t attempts, fail_at;     /* write number fail_at (from 1) fails, once; 0: none */
    uint64_t log[MEMDISK_LOG];      /* LBA of each write, in order */
};

static inline int memdisk_read(struct blockdev *bd, uint64_t lba, uint32_t n, void *buf)
{
    struct memdisk *d = bd->priv;
    if (lba + n > bd->sectors)
        return -2;
    memcpy(buf, d->data + lba * 512, (size_t)n * 512);
    d->reads += n;
    return 0;
}

static inline int memdisk_write(struct blockdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
    struct memdisk *d = bd->priv;
    if (lba + n > bd->sectors)
        return -2;
    for (uint32_t i = 0; i < n; i++) {
        if (++d->attempts == d->fail_at)
            return -5;              /* an I/O error: this write does not happen */
        if (d->budget == 0)
            return 0;               /* crashed: the write never reaches the platter */
        if (d->budget > 0)
            d->budget--;
        memcpy(d->data + (lba + i) * 512, (const uint8_t *)buf + (size_t)i * 512, 512);
        if (d->writes < MEMDISK_LOG)
            d->log[d->writes] = lba + i;
        d->writes++;
    }
    return 0;
}

static inline int memdisk_flush(struct blockdev *bd)
{
    ((struct memdisk *)bd->priv)->flushes++;
    return 0;
}

static inline void memdisk_init(struct memdisk *d, uint64_t sectors)
{
    memset(d, 0, sizeof *d);
    d->data = calloc(sectors, 512);
    d->budget = -1;
    d->bd = (struct blockdev){ "mem", sectors, memdisk_read, memdisk_write, memdisk_flush, d };
}

/* Put back what the writes since d->writes was 0 changed, from `saved` (the disk as it
   was then): the logged sectors alone, or every sector once the log has overflowed.
   A crash sweep over a FAT32 disk of 35 MB copied all of it for each crash point. */
static inline void memdisk_restore(struct memdisk *d, const uint8_t *saved)
{
    if (d->writes > MEMDISK_LOG) {
        memcpy(d->data, saved, (size_t)d->bd.sectors * 512);
    } else {
        for (uint32_t i = 0; i < d->writes; i++)
            memcpy(d->data + d->log[i] * 512, saved + d->log[i] * 512, 512);
    }
    d->writes = 0;
}

static inline void memdisk_free(struct memdisk *d)
{
    free(d->data);
    d->data = NULL;
}

static inline void put16(uint8_t *p, uint32_t x) { p[0] = (uint8_t)x; p[1] = (uint8_t)(x >> 8); }
static inline void put32(uint8_t *p, uint32_t x) { put16(p, x); put16(p + 2, x >> 16); }

/* A boot sector for `total` sectors: FAT size found by trying (as mkfs does, roughly). */
static inline void make_bpb(uint8_t *s, enum fat_type type, uint32_t total, uint32_t spc)
{
    uint32_t reserved = type == FAT_TYPE_32 ? 32 : 1, root = type == FAT_TYPE_32 ? 0 : 512;
    uint32_t fatsz = 1;

    memset(s, 0, 512);
    for (;;) {
        uint32_t data = total - reserved - 2 * fatsz - root * 32 / 512;
        uint32_t clusters = data / spc;
        if ((uint64_t)fatsz * 512 * 8 / type >= clusters + 2)
            break;
        fatsz++;
    }
    s[0] = 0xEB; s[1] = 0x3C; s[2] = 0x90;
    memcpy(s + 3, "CAIRNTST", 8);
    put16(s + 11, 512);
    s[13] = (uint8_t)spc;
    put16(s + 14, reserved);
    s[16] = 2;
    put16(s + 17, root);
    if (total < 65536 && type != FAT_TYPE_32)
        put16(s + 19, total);
    else
        put32(s + 32, total);
    s[21] = 0xF8;
    if (type == FAT_TYPE_32) {
        put32(s + 36, fatsz);
        put32(s + 44, 2);           /* root cluster */
        put16(s + 48, 1);           /* FSInfo */
    } else {
        put16(s + 22, fatsz);
    }
    s[510] = 0x55; s[511] = 0xAA;
}

/* Format the disk (at LBA `start`): boot sector, FSInfo, FAT[0..1], FAT32 root cluster. */
static inline void memdisk_format(struct memdisk *d, uint64_t start, enum fat_type type,
                           uint32_t total, uint32_t spc)
{
    uint8_t *s = d->data + start * 512;
    struct fat_geometry g;
    char why[128];

    make_bpb(s, type, total, spc);
    if (fat_parse_bpb(s, &g, why, sizeof why) != 0 || g.type != type) {
        fprintf(stderr, "memdisk_format: made a bad volume: %s\n", why);
        abort();
    }
    for (uint32_t copy = 0; copy < g.nfats; copy++) {
        uint8_t *fat = s + (g.reserved_sectors + copy * g.fat_sectors) * 512;
        memset(fat, 0, g.fat_sectors * 512);
        if (type == FAT_TYPE_12) {
            fat[0] = 0xF8; fat[1] = 0xFF; fat[2] = 0xFF;
        } else if (type == FAT_TYPE_16) {
            put16(fat, 0xFFF8); put16(fat + 2, 0xFFFF);
        } else {
            put32(fat, 0x0FFFFFF8); put32(fat + 4, 0x0FFFFFFF); put32(fat + 8, 0x0FFFFFFF);
        }
    }
    if (type == FAT_TYPE_32) {
        uint8_t *fsi = s + 512;
        put32(fsi, 0x41615252); put32(fsi + 484, 0x61417272);
        put32(fsi + 488, g.clusters - 1); put32(fsi + 492, 3); put32(fsi + 508, 0xAA550000);
    }
}

#endif
