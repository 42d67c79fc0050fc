/*
 * lab7.c - stage 7's program: a FAT volume on a lab 4 disk.
 *
 * Mounts the first ATA disk (primary master, primary slave, secondary master,
 * secondary slave) that holds a FAT volume, then does the operations of the
 * command line in the order they are written, and syncs:
 *
 *     ls=PATH                  one line per entry: "file SIZE NAME" or "dir NAME"
 *     cat=PATH                 "cat PATH: SIZE bytes crc32 0x..." (zlib's CRC-32)
 *     write=PATH:SIZE:SEED     create or replace with SIZE bytes of the seeded pattern
 *     append=PATH:SIZE:SEED    add SIZE bytes of the pattern at the end
 *     truncate=PATH:SIZE       cut (or extend with zeros) to SIZE bytes
 *     mkdir=PATH  rm=PATH      make a directory; remove a file or an empty directory
 *     crash_after=K            stop the machine after the K-th sector write
 *     bench                    throughput through the cache against lab 4's raw reads
 *
 * A path with spaces is quoted as on Linux: cat="/Sub Dir/a b.txt". The
 * pattern is xorshift32 (Marsaglia 2003) words from SEED ^ 0x9E3779B9, as in
 * lab 4, little-endian, cut to SIZE bytes (handouts/lab7.md).
 */
#include "ata.h"
#include "cmdline.h"
#include "crc32.h"
#include "fat.h"
#include "interrupts.h"
#include "kprintf.h"
#include "kstring.h"
#include "x86.h"

CMDLINE_OPTION(ls, "ls", "list a directory: ls=PATH");
CMDLINE_OPTION(cat, "cat", "size and CRC-32 of a file: cat=PATH");
CMDLINE_OPTION(write, "write", "create or replace a file with a seeded pattern: write=PATH:SIZE:SEED");
CMDLINE_OPTION(append, "append", "append a seeded pattern: append=PATH:SIZE:SEED");
CMDLINE_OPTION(truncate, "truncate", "cut or extend a file: truncate=PATH:SIZE");
CMDLINE_OPTION(mkdir, "mkdir", "make a directory: mkdir=PATH");
CMDLINE_OPTION(rm, "rm", "remove a file or an empty directory: rm=PATH");
CMDLINE_OPTION(crash_after, "crash_after", "stop the machine after K sector writes");

static struct fat_volume vol;
static uint8_t chunk[4096];

/* ---- the seeded pattern ---------------------------------------------------- */
struct pattern {
    uint32_t seed, x, words;        /* x: the last word made; words: how many so far */
};

static uint8_t pattern_byte(struct pattern *p, uint32_t i)
{
    if (p->words == 0 || p->words > i / 4 + 1) {
        p->x = p->seed ^ 0x9E3779B9u;
        if (p->x == 0)
            p->x = 1;
        p->words = 0;
    }
    while (p->words < i / 4 + 1) {
        p->x ^= p->x << 13;
        p->x ^= p->x >> 17;
        p->x ^= p->x << 5;
        p->words++;
    }
    return (uint8_t)(p->x >> (8 * (i % 4)));
}

static void pattern_fill(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        buf[i] = pattern_byte(arg, offset + i);
}

/* ---- parsing PATH:N[:N] (the path may hold ':' only before the numbers) ---- */
static bool parse_u32(const char *s, uint32_t *out)
{
    uint64_t v = 0;

    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + (uint64_t)(*s - '0')) > 0xFFFFFFFFu)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* Splits "PATH:A[:B]" from the right into path, a, b; false when malformed. */
static bool split_numbers(const char *value, char *path, int nnum, uint32_t *num)
{
    char buf[FAT_PATH_MAX];
    int len = (int)strlcpy(buf, value, sizeof buf);

    if (len >= (int)sizeof buf)
        return false;
    for (int k = nnum - 1; k >= 0; k--) {
        int i = len;
        while (i > 0 && buf[i - 1] != ':')
            i--;
        if (i == 0 || !parse_u32(buf + i, &num[k]))
            return false;
        buf[i - 1] = '\0';
        len = i - 1;
    }
    strlcpy(path, buf, FAT_PATH_MAX);
    return len > 0;
}

/* ---- operations ------------------------------------------------------------- */
static void say_error(int err)
{
    if (err == FAT_ECORRUPT)
        kprintf("error: inconsistent volume: %s; read-only from now on\n", vol.error);
    else
        kprintf("error: %s\n", fat_strerror(err));
}

static bool print_entry(void *arg, const struct fat_node *n)
{
    (*(int *)arg)++;
    if (fat_node_is_dir(n))
        kprintf("  dir %s\n", n->name);
    else
        kprintf("  file %u %s\n", n->size, n->name);
    return true;
}

static void do_ls(const char *path)
{
    struct fat_node n;
    int count = 0, err;

    kprintf("ls %s\n", path);
    if (!(err = fat_lookup(&vol, path, &n)) && !fat_node_is_dir(&n))
        err = FAT_ENOTDIR;
    if (!err)
        err = fat_dir_list(&vol, n.cluster, print_entry, &count);
    kprintf("ls %s: ", path);
    if (err)
        say_error(err);
    else
        kprintf("%d entr%s\n", count, count == 1 ? "y" : "ies");
}

static void do_cat(const char *path)
{
    struct fat_node n;
    uint32_t crc = 0, off = 0;
    int32_t got = 0;
    int err = fat_lookup(&vol, path, &n);

    kprintf("cat %s: ", path);
    if (!err && fat_node_is_dir(&n))
        err = FAT_EISDIR;
    while (!err && off < n.size && (got = fat_read(&vol, &n, off, chunk, sizeof chunk)) > 0) {
        crc = crc32_update(crc, chunk, (size_t)got);
        off += (uint32_t)got;
    }
    if (!err && got < 0)
        err = got;
    if (err)
        say_error(err);
    else
        kprintf("%u bytes crc32 0x%08x\n", n.size, crc);
}

static void do_op(const char *key, const char *value)
{
    char path[FAT_PATH_MAX];
    uint32_t num[2];
    bool is_write = strcmp(key, "write") == 0, is_append = strcmp(key, "append") == 0;
    int nnum = is_write || is_append ? 2 : strcmp(key, "truncate") == 0 ? 1 : 0;
    int err;

    if (nnum && !split_numbers(value, path, nnum, num)) {
        kprintf("%s: bad value \"%s\" (want PATH:SIZE%s)\n", key, value, nnum == 2 ? ":SEED" : "");
        return;
    }
    if (nnum == 2) {
        struct pattern p = { .seed = num[1] };
        kprintf("%s %s: %u bytes seed %u: ", key, path, num[0], num[1]);
        err = fat_write_file(&vol, path, num[0], is_append, pattern_fill, &p);
    } else if (nnum == 1) {
        kprintf("truncate %s: %u bytes: ", path, num[0]);
        err = fat_truncate(&vol, path, num[0]);
    } else {
        kprintf("%s %s: ", key, value);
        err = strcmp(key, "mkdir") == 0 ? fat_mkdir(&vol, value) : fat_remove(&vol, value);
    }
    if (err)
        say_error(err);
    else
        kprintf("ok\n");
}

/* ---- bench: cache against lab 4's raw IRQ reads ----------------------------- */
#define BENCH_SECTORS 2048          /* 1 MiB */

/* TSC cycles per second, measured against the PIT over a few ticks (as lab 4 does). */
static uint64_t tsc_hz(void)
{
    uint64_t t0, c0, ticks = timer_hz() / 20 + 1;

    t0 = timer_ticks();
    while (timer_ticks() == t0)
        hlt();
    t0 = timer_ticks();
    c0 = rdtsc();
    while (timer_ticks() < t0 + ticks)
        hlt();
    return (rdtsc() - c0) * timer_hz() / ticks;
}

static void bench_rate(const char *what, uint64_t bytes, uint64_t cycles, uint64_t hz)
{
    uint64_t tenths = cycles ? bytes * 10 * hz / cycles / 1000000 : 0;
    kprintf("bench: fat %s %llu.%llu MB/s\n", what, (unsigned long long)(tenths / 10),
            (unsigned long long)(tenths % 10));
}

static bool count_entry(void *arg, const struct fat_node *n)
{
    if (fat_node_is_dir(n))
        fat_dir_list(&vol, n->cluster, count_entry, arg);
    (*(uint32_t *)arg)++;
    return true;
}

/* On a blank disk (make bench's): raw reads, cached reads, cached writes with their
   sync. On a FAT volume: a directory walk's hit rate and a 1 MiB file, written then removed. */
static void bench(struct blockdev *bd, bool mounted)
{
    uint64_t hz = timer_hz() ? tsc_hz() : 0, c0, raw, cached, synced;
    struct fat_cache_stats before;
    uint32_t entries = 0;
    struct pattern p = { .seed = 1 };

    if (!bd || !hz || bd->sectors < 2 * BENCH_SECTORS) {
        kprintf("bench: fat skipped (%s)\n", hz ? "no disk of 2 MiB" : "no timer");
        return;
    }
    c0 = rdtsc();
    for (uint64_t lba = 0; lba < BENCH_SECTORS; lba += sizeof chunk / FAT_SECTOR_SIZE)
        if (bd->read(bd, lba, sizeof chunk / FAT_SECTOR_SIZE, chunk))
            return;
    raw = rdtsc() - c0;
    bench_rate("raw irq read (8 sectors a command)", BENCH_SECTORS * 512ull, raw, hz);
    if (!mounted)
        fat_cache_init(&vol.cache, bd);
    fat_cache_drop(&vol.cache);
    c0 = rdtsc();
    for (uint64_t lba = 0; lba < BENCH_SECTORS; lba++)
        if (!fat_cache_get(&vol.cache, lba, false))
            return;
    cached = rdtsc() - c0;
    bench_rate("cache read (cold, 1 sector a miss)", BENCH_SECTORS * 512ull, cached, hz);
    before = vol.cache.stats;
    c0 = rdtsc();
    if (mounted) {
        fat_dir_list(&vol, vol.g.type == FAT_TYPE_32 ? vol.g.root_cluster : 0, count_entry,
                     &entries);
        uint32_t hits = vol.cache.stats.hits - before.hits, misses = vol.cache.stats.misses -
                        before.misses;
        kprintf("bench: fat directory walk (%u entries) cache hits %u %%\n", entries,
                hits + misses ? 100 * hits / (hits + misses) : 0);
        c0 = rdtsc();
        if (fat_write_file(&vol, "/BENCH.BIN", BENCH_SECTORS * 512, false, pattern_fill, &p) ||
            fat_remove(&vol, "/BENCH.BIN"))
            return;
    } else {
        for (uint64_t lba = BENCH_SECTORS; lba < 2 * BENCH_SECTORS; lba++) {
            uint8_t *s = fat_cache_get(&vol.cache, lba, true);
            if (!s)
                return;
            fat_cache_mark_dirty(&vol.cache, s);
        }
        if (fat_cache_sync(&vol.cache))
            return;
    }
    synced = rdtsc() - c0;
    bench_rate(mounted ? "file write + sync + remove" : "cache write + sync",
               BENCH_SECTORS * 512ull, synced, hz);
}

/* ---- the volume ------------------------------------------------------------- */
static bool mount_first(struct blockdev **first_disk)
{
    for (int i = 0; i < 2 * ATA_MAX_CHANNELS; i++) {
        struct blockdev *bd = fat_ata_open(i / 2, i % 2);
        if (!bd)
            continue;
        if (!*first_disk)
            *first_disk = bd;
        kprintf("fat: ata%d %s: ", i / 2, ata_unit_name(i % 2));
        int err = fat_mount(&vol, bd);
        if (err) {
            kprintf("%s: %s\n", fat_strerror(err), vol.error);
            continue;
        }
        kprintf("%s, ", fat_type_name(vol.g.type));
        if (vol.partition)
            kprintf("partition %d at LBA %llu, ", vol.partition, (unsigned long long)vol.start);
        else
            kprintf("whole disk, ");
        kprintf("%u clusters of %u bytes\n", vol.g.clusters, vol.g.cluster_bytes);
        return true;
    }
    kprintf("fat: no FAT volume on any disk\n");
    return false;
}

void program_main(void)
{
    static char text[512];
    static struct cmdline cl;
    long crash = cmdline_int("crash_after", 0);
    struct blockdev *first_disk = NULL;
    int err;

    if (!mount_first(&first_disk)) {
        if (cmdline_flag("bench"))
            bench(first_disk, false);
        return;
    }
    if (crash > 0)
        fat_ata_crash_after((uint32_t)crash);
    /* The options again, in their order (cmdline_str only gives the last of each). */
    ksnprintf(text, sizeof text, "lab7 %s", cmdline_args());
    cmdline_parse(&cl, text);
    for (int i = 0; i < cl.nwords; i++) {
        const char *k = cl.key[i], *val = cl.value[i] ? cl.value[i] : "";
        if (strcmp(k, "ls") == 0)
            do_ls(val);
        else if (strcmp(k, "cat") == 0)
            do_cat(val);
        else if (!strcmp(k, "write") || !strcmp(k, "append") || !strcmp(k, "truncate") ||
                 !strcmp(k, "mkdir") || !strcmp(k, "rm"))
            do_op(k, val);
    }
    if (cmdline_flag("bench"))
        bench(vol.cache.bd, true);
    err = fat_unmount(&vol);
    kprintf("fat: sync: %s; %u sector writes; cache %u hits, %u misses, %u write-backs, "
            "%u flushes\n", err ? fat_strerror(err) : "ok", fat_ata_sector_writes(),
            vol.cache.stats.hits, vol.cache.stats.misses, vol.cache.stats.writebacks,
            vol.cache.stats.flushes);
}
