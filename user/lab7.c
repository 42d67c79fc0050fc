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
 *     bench                    the cache against lab 4's raw reads (user/lab7_bench.c)
 *
 * Every operation is checked before the first one runs: a malformed one stops
 * the boot. A path with spaces is quoted as on Linux: cat="/Sub Dir/a b.txt". The
 * pattern is xorshift32 (Marsaglia 2003) words from SEED ^ 0x9E3779B9, as in
 * lab 4, little-endian, cut to SIZE bytes (handouts/lab7.md).
 */
#include "ata.h"
#include "bench.h"
#include "cmdline.h"
#include "crc32.h"
#include "fat.h"
#include "kprintf.h"
#include "kstring.h"
#include "parse.h"

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

/* ---- the operations, all checked before the first one runs ---------------- */
#define MAX_OPS CMDLINE_MAX_WORDS

enum op_kind { OP_LS, OP_CAT, OP_WRITE, OP_APPEND, OP_TRUNCATE, OP_MKDIR, OP_RM };

static const struct {
    const char *key;
    int numbers;                    /* after the path: SIZE, or SIZE:SEED */
    const char *expected;
} op_table[] = {
    [OP_LS] = { "ls", 0, "a path" },
    [OP_CAT] = { "cat", 0, "a path" },
    [OP_WRITE] = { "write", 2, "PATH:SIZE:SEED, numbers below 2^32" },
    [OP_APPEND] = { "append", 2, "PATH:SIZE:SEED, numbers below 2^32" },
    [OP_TRUNCATE] = { "truncate", 1, "PATH:SIZE, a number below 2^32" },
    [OP_MKDIR] = { "mkdir", 0, "a path" },
    [OP_RM] = { "rm", 0, "a path" },
};

struct op {
    enum op_kind kind;
    char *path;                     /* inside parse_ops' copy of the command line */
    uint32_t num[2];
};

static struct op ops[MAX_OPS];
static int nops;

/* "PATH:A[:B]", split from the right (a FAT name cannot hold ':') in place: a path is as
   long as the command line lets it be (a 255-character name and more: the file system
   says "name longer than 255 characters"). Refuses the boot if bad. */
static void parse_op(enum op_kind kind, char *value, struct op *op)
{
    int len = (int)strlen(value);
    uint64_t v;
    enum parse_status st;

    op->kind = kind;
    op->path = value;
    for (int k = op_table[kind].numbers - 1; k >= 0; k--) {
        int i = len;
        while (i > 0 && op->path[i - 1] != ':')
            i--;
        if (i == 0)
            cmdline_refuse(op_table[kind].key, "missing ':'", op_table[kind].expected);
        if ((st = parse_uint(op->path + i, 0, UINT32_MAX, &v)) != PARSE_OK)
            cmdline_refuse(op_table[kind].key, parse_status_text(st), op_table[kind].expected);
        op->num[k] = (uint32_t)v;
        op->path[i - 1] = '\0';
        len = i - 1;
    }
    if (len == 0)
        cmdline_refuse(op_table[kind].key, "no path", op_table[kind].expected);
}

/* The options again, in their order (cmdline_str gives only the last of each). */
static void parse_ops(void)
{
    static char text[CMDLINE_MAX_LENGTH], none[1];
    static struct cmdline cl;

    strlcpy(text, cmdline_args(), sizeof text);     /* it fit in the kernel's copy */
    cmdline_parse(&cl, text);
    for (int i = 0; i < cl.nwords; i++)
        for (int k = 0; k < (int)(sizeof op_table / sizeof op_table[0]); k++)
            if (strcmp(cl.key[i], op_table[k].key) == 0)
                parse_op((enum op_kind)k, cl.value[i] ? cl.value[i] : none, &ops[nops++]);
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

static void run_op(const struct op *op)
{
    struct pattern p = { .seed = op->num[1] };
    int err;

    switch (op->kind) {
    case OP_LS:
        do_ls(op->path);
        return;
    case OP_CAT:
        do_cat(op->path);
        return;
    case OP_WRITE:
    case OP_APPEND:
        kprintf("%s %s: %u bytes seed %u: ", op_table[op->kind].key, op->path, op->num[0],
                op->num[1]);
        err = fat_write_file(&vol, op->path, op->num[0], op->kind == OP_APPEND, pattern_fill, &p);
        break;
    case OP_TRUNCATE:
        kprintf("truncate %s: %u bytes: ", op->path, op->num[0]);
        err = fat_truncate(&vol, op->path, op->num[0]);
        break;
    default:
        kprintf("%s %s: ", op_table[op->kind].key, op->path);
        err = op->kind == OP_MKDIR ? fat_mkdir(&vol, op->path) : fat_remove(&vol, op->path);
        break;
    }
    if (err)
        say_error(err);
    else
        kprintf("ok\n");
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
    uint32_t crash = (uint32_t)cmdline_uint("crash_after", 0, 1, UINT32_MAX);
    struct blockdev *first_disk = NULL;
    int err;

    parse_ops();
    if (!mount_first(&first_disk)) {
        if (cmdline_flag("bench"))
            lab7_bench(&vol, first_disk, false);
        return;
    }
    if (crash)
        fat_ata_crash_after(crash);
    for (int i = 0; i < nops; i++)
        run_op(&ops[i]);
    if (cmdline_flag("bench"))
        lab7_bench(&vol, vol.cache.bd, true);
    err = fat_unmount(&vol);
    kprintf("fat: sync: %s; %u sector writes; cache %u hits, %u misses, %u write-backs, "
            "%u flushes\n", err ? fat_strerror(err) : "ok", fat_ata_sector_writes(),
            vol.cache.stats.hits, vol.cache.stats.misses, vol.cache.stats.writebacks,
            vol.cache.stats.flushes);
}
