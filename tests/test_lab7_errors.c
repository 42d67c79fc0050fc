/*
 * test_lab7_errors.c - every error leaves the volume exactly as it was
 * (labs/lab7-fat/undo.c). Each operation of a list (names of 255 characters
 * among them, written over two sectors) runs on FAT12, FAT16 and
 * FAT32 once with its K-th sector write failing (an I/O error), for every K,
 * and once with only K free clusters, for every K below what it needs (on
 * FAT32, whose every ENOSPC scans a 70000-entry FAT, K = 0, 1 and one short);
 * and creates go into a full FAT12/16 root. After each, the volume (every FAT
 * copy, every directory's bytes, every file's bytes, FSInfo's free count) is
 * the one before the operation, or, when the error came after its commit
 * write, the one a clean run leaves. Before undo.c: lost clusters everywhere.
 */
#include <stdio.h>
#include "host.h"
#include "test_lab7_disk.h"

static void seeded_fill(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (uint8_t)((offset + i) * 31 + *(uint32_t *)arg);
}

static int put(struct fat_volume *v, const char *path, uint32_t size, uint32_t seed, bool app)
{
    return fat_write_file(v, path, size, app, seeded_fill, &seed);
}

static struct fat_geometry geometry(struct memdisk *d);
static uint32_t raw_get(const uint8_t *data, const struct fat_geometry *g, uint32_t c);

/* ---- the volume as a digest: FATs, directories, files (FNV-1a) --------------- */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ ((const uint8_t *)p)[i]) * 0x100000001B3ull;
    return h;
}

/* The same over 8-byte words, for the FATs (FAT32's two copies are 550 KB a digest);
   the shift carries a word's high bits into the low ones, which multiplying cannot. */
static uint64_t fnv_words(uint64_t h, const uint8_t *p, size_t n)
{
    uint64_t w;

    for (size_t i = 0; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001B3ull;
        h ^= h >> 29;
    }
    return fnv(h, p + n / 8 * 8, n % 8);
}

struct digest { struct fat_volume *v; uint64_t h; };

static bool digest_visit(void *arg, const struct fat_node *n);
static void digest_dir(struct digest *g, uint32_t dir)
{
    struct fat_dir_pos pos;
    int err = fat_dir_start(g->v, dir, &pos);

    for (; !err; err = fat_dir_next(g->v, &pos))    /* the raw bytes: free slots too */
        g->h = fnv(g->h, fat_cache_get(&g->v->cache, pos.lba, false) + pos.offset, 32);
    CHECK_EQ(err, FAT_ENOSPC);
    CHECK_EQ(fat_dir_list(g->v, dir, digest_visit, g), 0);
}

static bool digest_visit(void *arg, const struct fat_node *n)
{
    struct digest *g = arg;
    static uint8_t buf[20000];

    g->h = fnv(g->h, n->name, strlen(n->name) + 1);
    if (fat_node_is_dir(n))
        digest_dir(g, n->cluster);
    else if (n->size <= sizeof buf && fat_read(g->v, n, 0, buf, n->size) == (int32_t)n->size)
        g->h = fnv(g->h, buf, n->size);
    else
        CHECK(false);
    return true;
}

static uint64_t digest(struct memdisk *d)
{
    static struct fat_volume v;
    struct digest g = { &v, 0xCBF29CE484222325ull };
    struct fat_geometry geo = geometry(d);
    uint32_t free_clusters = 0;

    CHECK_EQ(fat_mount(&v, &d->bd), 0);
    for (uint32_t copy = 0; copy < v.g.nfats; copy++)
        g.h = fnv_words(g.h, d->data + (v.g.reserved_sectors + copy * v.g.fat_sectors) * 512,
                        v.g.fat_sectors * 512);
    digest_dir(&g, 0);
    if (v.free_count != FAT_FREE_UNKNOWN) {     /* FSInfo's count is right, or unknown */
        for (uint32_t c = FAT_FIRST_CLUSTER; c < v.g.clusters + FAT_FIRST_CLUSTER; c++)
            free_clusters += raw_get(d->data, &geo, c) == 0;
        CHECK_EQ(v.free_count, free_clusters);
    }
    return g.h;
}

/* ---- the seed volumes and the operations --------------------------------------- */
/* `dir`, "/" and `len` times `c`: a name of 196-255 characters takes 17-21 entries, two
   sectors (labs/lab7-fat/dirwrite.c). */
static const char *long_path(const char *dir, int len, char c)
{
    static char paths[2][300];
    static int next;
    char *p = paths[next++ % 2];
    int n = snprintf(p, sizeof paths[0], "%s/", dir);

    memset(p + n, c, (size_t)len);
    p[n + len] = '\0';
    return p;
}

static void seed(struct memdisk *d, enum fat_type t, uint32_t total)
{
    static struct fat_volume v;
    char path[32];

    memdisk_init(d, total);
    memdisk_format(d, 0, t, total, 1);
    CHECK_EQ(fat_mount(&v, &d->bd), 0);
    CHECK_EQ(fat_mkdir(&v, "/Dir"), 0);
    CHECK_EQ(fat_mkdir(&v, "/Dir/Sub"), 0);
    CHECK_EQ(put(&v, "/Dir/old three", 700, 3, false), 0);
    CHECK_EQ(put(&v, "/old one.bin", 9000, 1, false), 0);
    CHECK_EQ(put(&v, "/grow.bin", 1500, 4, false), 0);
    CHECK_EQ(put(&v, "/cut.bin", 6000, 5, false), 0);
    CHECK_EQ(put(&v, "/A long name.txt", 2000, 6, false), 0);
    CHECK_EQ(put(&v, long_path("/Dir", 255, 'r'), 3000, 13, false), 0);
    CHECK_EQ(fat_mkdir(&v, "/Full"), 0);
    for (int i = 0; i < 14; i++) {          /* "." ".." and 14: one full cluster */
        snprintf(path, sizeof path, "/Full/F%02d", i);
        CHECK_EQ(put(&v, path, 0, 0, false), 0);
    }
    CHECK_EQ(fat_unmount(&v), 0);
}

static int run_op(struct fat_volume *v, int op)
{
    switch (op) {
    case 0: return put(v, "/Dir/New long file name.bin", 5000, 7, false);
    case 1: return put(v, "/new.txt", 0, 8, false);
    case 2: return put(v, "/old one.bin", 3000, 9, false);
    case 3: return put(v, "/grow.bin", 5000, 10, true);
    case 4: return put(v, "/Dir/old three", 100, 11, true);
    case 5: return fat_truncate(v, "/cut.bin", 1000);
    case 6: return fat_truncate(v, "/cut.bin", 9000);
    case 7: return fat_mkdir(v, "/Dir/A new directory");
    case 8: return fat_remove(v, "/A long name.txt");
    case 9: return fat_remove(v, "/Dir/Sub");
    case 10: return put(v, "/Full/Grows the directory.txt", 1000, 12, false);
    case 11: return fat_mkdir(v, "/Full/New dir");
    case 12: return put(v, long_path("/Full", 255, 'g'), 1000, 14, false);  /* 2 clusters more */
    case 13: return fat_remove(v, long_path("/Dir", 255, 'r'));
    default: return fat_mkdir(v, long_path("", 209, 'm'));
    }
}
#define OPS 15

/* Put back the sectors the last run wrote (the disk logs them). */
static void restore(struct memdisk *d, const uint8_t *saved)
{
    for (uint32_t i = 0; i < d->writes && i < MEMDISK_LOG; i++)
        memcpy(d->data + d->log[i] * 512, saved + d->log[i] * 512, 512);
    CHECK(d->writes <= MEMDISK_LOG);
    d->writes = d->attempts = d->fail_at = 0;
}

struct outcome { uint64_t before, after; uint32_t writes, taken; };
static uint32_t clusters_taken(struct memdisk *d, const uint8_t *saved);

/* The digests before and after a clean run of `op`, and how many writes it takes. */
static struct outcome clean_run(struct memdisk *d, const uint8_t *saved, int op)
{
    static struct fat_volume v;
    struct outcome o = { digest(d), 0, 0, 0 };

    CHECK_EQ(fat_mount(&v, &d->bd), 0);
    CHECK_EQ(run_op(&v, op), 0);
    CHECK_EQ(fat_unmount(&v), 0);
    o.writes = d->writes;
    o.taken = clusters_taken(d, saved);
    o.after = digest(d);
    restore(d, saved);
    return o;
}

/* Write K fails, for every K: the volume is before or after, never in between. */
static void fail_each_write(struct memdisk *d, const uint8_t *saved, int op)
{
    static struct fat_volume v;
    struct outcome o = clean_run(d, saved, op);

    for (uint32_t k = 1; k <= o.writes && !host_current_failed; k++) {
        d->fail_at = k;
        CHECK_EQ(fat_mount(&v, &d->bd), 0);
        int err = run_op(&v, op);
        fat_unmount(&v);                    /* the disk works again: the cache goes out */
        uint64_t now = digest(d);
        CHECK(now == o.before || now == o.after);
        CHECK(err != 0 || now == o.after);
        if (host_current_failed)
            printf("  op %d, write %u of %u failing: error %d\n", op, k, o.writes, err);
        restore(d, saved);
    }
}

/* ---- the FAT read and written raw, around the file system ---------------------- */
static struct fat_geometry geometry(struct memdisk *d)
{
    struct fat_geometry g;
    char why[128];

    CHECK_EQ(fat_parse_bpb(d->data, &g, why, sizeof why), 0);
    return g;
}

static uint8_t *fat_byte(const uint8_t *data, const struct fat_geometry *g, uint32_t copy,
                         uint32_t cluster)
{
    uint32_t off = g->type == FAT_TYPE_12 ? cluster + cluster / 2 : cluster * g->type / 8;
    return (uint8_t *)data + (g->reserved_sectors + copy * g->fat_sectors) * 512 + off;
}

/* Cluster c's FAT entry in the disk image `data`. */
static uint32_t raw_get(const uint8_t *data, const struct fat_geometry *g, uint32_t c)
{
    uint8_t *p = fat_byte(data, g, 0, c);
    uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8;

    if (g->type == FAT_TYPE_12)
        return c & 1 ? w >> 4 : w & 0xFFF;
    return g->type == FAT_TYPE_16 ? w : (w | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24) &
                                        0x0FFFFFFF;
}

static void raw_set(struct memdisk *d, const struct fat_geometry *g, uint32_t c, uint32_t x)
{
    for (uint32_t copy = 0; copy < g->nfats; copy++) {
        uint8_t *p = fat_byte(d->data, g, copy, c);
        if (g->type == FAT_TYPE_12 && (c & 1))
            p[0] = (uint8_t)((p[0] & 0x0F) | (x & 0x0F) << 4), p[1] = (uint8_t)(x >> 4);
        else if (g->type == FAT_TYPE_12)
            p[0] = (uint8_t)x, p[1] = (uint8_t)((p[1] & 0xF0) | (x >> 8 & 0x0F));
        else
            for (uint32_t i = 0; i < (uint32_t)g->type / 8; i++)
                p[i] = (uint8_t)(x >> (8 * i));
    }
}

/* ---- allocations: only K free clusters (the rest marked bad, 0xFF7 & co.) ------ */
static uint32_t hidden[70000], nhidden;

/* Every free cluster but the first `keep` marked bad. */
static void hide_free(struct memdisk *d, uint32_t keep)
{
    struct fat_geometry g = geometry(d);
    uint32_t bad = g.type == FAT_TYPE_12 ? 0xFF7 : g.type == FAT_TYPE_16 ? 0xFFF7 : 0x0FFFFFF7;

    for (uint32_t c = FAT_FIRST_CLUSTER; c < g.clusters + FAT_FIRST_CLUSTER; c++)
        if (raw_get(d->data, &g, c) == 0 && keep > 0)
            keep--;
        else if (raw_get(d->data, &g, c) == 0)
            hidden[nhidden++] = c, raw_set(d, &g, c, bad);
}

/* The clusters hide_free marked, free again. */
static void unhide(struct memdisk *d)
{
    struct fat_geometry g = geometry(d);

    while (nhidden > 0)
        raw_set(d, &g, hidden[--nhidden], 0);
}

/* How many clusters a clean run took from the free ones (a guess at what a starved run
   needs: a wrong one costs coverage, never a verdict). */
static uint32_t clusters_taken(struct memdisk *d, const uint8_t *saved)
{
    struct fat_geometry g = geometry(d);
    uint32_t n = 0;

    for (uint32_t c = FAT_FIRST_CLUSTER; c < g.clusters + FAT_FIRST_CLUSTER; c++)
        n += raw_get(saved, &g, c) == 0 && raw_get(d->data, &g, c) != 0;
    return n;
}

/* The next count of free clusters to starve an op with: every count on FAT12 and FAT16;
   on FAT32, whose 70000-entry FAT each ENOSPC scans whole, the boundaries: none, one
   (a chain, or a directory's growth, fails after its first cluster) and one short.
   Between them a chain fails part way as at its ends (table.c frees what it took). */
static uint32_t next_keep(uint32_t keep, uint32_t taken, bool sampled)
{
    return sampled && keep >= 1 && keep + 2 < taken ? taken - 1 : keep + 1;
}

static void starve_each_allocation(struct memdisk *d, const uint8_t *saved, int op)
{
    static struct fat_volume v;
    struct outcome o = clean_run(d, saved, op);
    bool sampled = geometry(d).type == FAT_TYPE_32;
    int err = FAT_ENOSPC;

    for (uint32_t keep = 0; err && keep < 24 && !host_current_failed;
         keep = next_keep(keep, o.taken, sampled)) {
        hide_free(d, keep);
        CHECK_EQ(fat_mount(&v, &d->bd), 0);
        v.free_count = FAT_FREE_UNKNOWN;    /* FSInfo's count counted the hidden ones */
        err = run_op(&v, op);               /* once it fits, more free clusters change nothing */
        CHECK(err == 0 || err == FAT_ENOSPC);
        fat_unmount(&v);
        unhide(d);
        uint64_t now = digest(d);
        CHECK(err ? now == o.before : now == o.after);
        if (host_current_failed)
            printf("  op %d with %u free clusters: error %d\n", op, keep, err);
        restore(d, saved);
    }
}

static void every_failure(enum fat_type t, uint32_t total)
{
    static struct memdisk d;
    uint8_t *saved;

    seed(&d, t, total);
    saved = malloc((size_t)total * 512);
    memcpy(saved, d.data, (size_t)total * 512);
    d.writes = 0;
    for (int op = 0; op < OPS && !host_current_failed; op++) {
        fail_each_write(&d, saved, op);
        starve_each_allocation(&d, saved, op);
    }
    free(saved);
    memdisk_free(&d);
}

TEST(every_failure_fat12) { every_failure(FAT_TYPE_12, 2000); }
TEST(every_failure_fat16) { every_failure(FAT_TYPE_16, 4400); }
TEST(every_failure_fat32) { every_failure(FAT_TYPE_32, 70000); }

/* The finding: write=, mkdir= and a long-name create into a full root said "no space
   left" and kept the chain they had allocated. */
TEST(full_root)
{
    static struct memdisk d;
    static struct fat_volume v;
    char path[32];
    int err = 0;

    seed(&d, FAT_TYPE_16, 9000);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    for (int i = 0; !err; i++) {
        snprintf(path, sizeof path, "/R%04d", i);
        err = put(&v, path, 0, 0, false);
    }
    CHECK_EQ(err, FAT_ENOSPC);
    CHECK_EQ(fat_unmount(&v), 0);
    uint64_t before = digest(&d);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(put(&v, "/X.BIN", 5000, 1, false), FAT_ENOSPC);
    CHECK_EQ(fat_mkdir(&v, "/NEWDIR"), FAT_ENOSPC);
    CHECK_EQ(put(&v, "/A long name in a full root", 700, 2, false), FAT_ENOSPC);
    CHECK_EQ(fat_unmount(&v), 0);
    CHECK(digest(&d) == before);
    memdisk_free(&d);
}

int main(void)
{
    RUN(full_root);
    RUN(every_failure_fat12);
    RUN(every_failure_fat16);
    RUN(every_failure_fat32);
    return host_summary("lab7 errors");
}
