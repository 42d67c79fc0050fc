/*
 * lab7_bench.c - stage 7's benchmark (`bench`): lab 4's IRQ-driven reads
 * straight from the disk against the same sectors through lab 7's cache (cold:
 * one command per miss), writes through the cache with their sync, and on a
 * FAT volume the hit rate of a directory walk and a 1 MiB file written,
 * synced and removed. Times are TSC cycles, converted with the TSC's rate
 * measured against the PIT. On a disk without a FAT volume (make bench's
 * blank one) the write figure dirties raw sectors; on a volume it only ever
 * writes through the file system.
 */
#include <stdint.h>
#include "bench.h"
#include "fat.h"
#include "interrupts.h"
#include "kprintf.h"
#include "kstring.h"
#include "x86.h"

#define BENCH_SECTORS 2048          /* 1 MiB */
#define RAW_CHUNK     8             /* sectors per raw command: what one 4 KiB buffer holds */
static uint8_t raw_buf[RAW_CHUNK * FAT_SECTOR_SIZE];


static void rate(const char *what, uint64_t cycles, uint64_t hz)
{
    uint64_t tenths = cycles ? BENCH_SECTORS * 512ull * 10 * hz / cycles / 1000000 : 0;
    kprintf("bench: fat %s %llu.%llu MB/s\n", what, (unsigned long long)(tenths / 10),
            (unsigned long long)(tenths % 10));
}

static void zero_fill(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    (void)arg;
    (void)offset;
    memset(buf, 0, len);
}

static bool count_entry(void *arg, const struct fat_node *n)
{
    struct { struct fat_volume *v; uint32_t n; } *walk = arg;

    walk->n++;
    if (fat_node_is_dir(n))
        fat_dir_list(walk->v, n->cluster, count_entry, walk);
    return true;
}

static void directory_walk(struct fat_volume *v)
{
    struct { struct fat_volume *v; uint32_t n; } walk = { v, 0 };
    struct fat_cache_stats before = v->cache.stats;

    fat_dir_list(v, 0, count_entry, &walk);
    uint32_t hits = v->cache.stats.hits - before.hits;
    uint32_t misses = v->cache.stats.misses - before.misses;
    kprintf("bench: fat directory walk (%u entries) cache hits %u %%\n", walk.n,
            hits + misses ? 100 * hits / (hits + misses) : 0);
}

/* Raw sectors through the cache, then one sync: only on a disk with no volume. */
static int raw_writes(struct fat_volume *v)
{
    for (uint64_t lba = BENCH_SECTORS; lba < 2 * BENCH_SECTORS; lba++) {
        uint8_t *s = fat_cache_get(&v->cache, lba, true);
        if (!s)
            return FAT_EIO;
        fat_cache_mark_dirty(&v->cache, s);
    }
    return fat_cache_sync(&v->cache);
}

void lab7_bench(struct fat_volume *v, struct blockdev *bd, bool mounted)
{
    uint64_t hz = bench_tsc_hz(), c0, cycles;

    if (!bd || !hz || bd->sectors < 2 * BENCH_SECTORS) {
        kprintf("bench: fat skipped (%s)\n", hz ? "no disk of 2 MiB" : "no timer");
        return;
    }
    c0 = rdtsc();
    for (uint64_t lba = 0; lba < BENCH_SECTORS; lba += RAW_CHUNK)
        if (bd->read(bd, lba, RAW_CHUNK, raw_buf))
            return;
    rate("raw irq read (8 sectors a command)", rdtsc() - c0, hz);
    if (!mounted)
        fat_cache_init(&v->cache, bd);
    fat_cache_drop(&v->cache);
    c0 = rdtsc();
    for (uint64_t lba = 0; lba < BENCH_SECTORS; lba++)
        if (!fat_cache_get(&v->cache, lba, false))
            return;
    rate("cache read (cold, 1 sector a miss)", rdtsc() - c0, hz);
    if (mounted)
        directory_walk(v);
    c0 = rdtsc();
    if (mounted ? fat_write_file(v, "/BENCH.BIN", BENCH_SECTORS * 512, false, zero_fill, NULL) ||
                      fat_remove(v, "/BENCH.BIN")
                : raw_writes(v) != 0)
        return;
    cycles = rdtsc() - c0;
    rate(mounted ? "file write + sync + remove" : "cache write + sync", cycles, hz);
}
