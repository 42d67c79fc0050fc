/*
 * dirwrite.c - changing directories: a new name's entries, a new size or
 * first cluster, removal, and growing a directory by a cluster. Pure code,
 * host-tested (tests/test_lab7_fs.c).
 *
 * A new name's entries (its long entries, then the 8.3 one) always go inside
 * one sector, so one sector write makes the whole name appear: a crash
 * cannot leave long entries without their 8.3 entry, which fsck.fat reports.
 * Removal marks the long entries free before the 8.3 one, for the same
 * reason. Its 8.3 alias follows [FAT] "Numeric-Tail Generation".
 */
#include "fat.h"
#include "kstring.h"
#include "panic.h"

#define DIR_NTRES     12
#define DIR_CRT_TIME  14
#define DIR_CRT_DATE  16
#define DIR_ACC_DATE  18
#define DIR_CLUS_HI   20
#define DIR_WRT_TIME  22
#define DIR_WRT_DATE  24
#define DIR_CLUS_LO   26
#define DIR_FILE_SIZE 28
#define DATE_2026_01_01 ((2026 - 1980) << 9 | 1 << 5 | 1)     /* no clock yet: a fixed date */
#define TIME_NOON       (12 << 11)
#define MAX_TAIL        999999
#define TAIL_WINDOW     4096        /* tails checked per walk: a 512-byte bitmap */

static void put16(uint8_t *p, uint32_t x) { p[0] = (uint8_t)x; p[1] = (uint8_t)(x >> 8); }

void fat_dirent_init(uint8_t ent[FAT_DIRENT_SIZE], const uint8_t sfn[11], uint8_t attr,
                     uint32_t cluster, uint32_t size)
{
    memset(ent, 0, FAT_DIRENT_SIZE);
    memcpy(ent, sfn, 11);
    ent[11] = attr;
    put16(ent + DIR_CRT_TIME, TIME_NOON);
    put16(ent + DIR_WRT_TIME, TIME_NOON);
    put16(ent + DIR_CRT_DATE, DATE_2026_01_01);
    put16(ent + DIR_ACC_DATE, DATE_2026_01_01);
    put16(ent + DIR_WRT_DATE, DATE_2026_01_01);
    put16(ent + DIR_CLUS_HI, cluster >> 16);
    put16(ent + DIR_CLUS_LO, cluster);
    put16(ent + DIR_FILE_SIZE, size);
    put16(ent + DIR_FILE_SIZE + 2, size >> 16);
}

/* LAB 7: BEGIN SOLUTION */
/* Which aliases are taken: the basis itself, and "~N" for N in [lo, lo + TAIL_WINDOW). */
struct taken {
    const uint8_t *basis;
    uint32_t lo;
    bool basis_taken;
    uint8_t tail[TAIL_WINDOW / 8];
};

/* The N of an 8.3 name that is basis~N, else 0. */
static uint32_t tail_of(const uint8_t *basis, const uint8_t sfn[11])
{
    uint8_t again[11];
    uint32_t n = 0;
    int tilde = 7;

    while (tilde >= 0 && sfn[tilde] != '~')
        tilde--;
    for (int i = tilde + 1; tilde >= 0 && i < 8 && sfn[i] >= '0' && sfn[i] <= '9'; i++)
        n = n * 10 + (uint32_t)(sfn[i] - '0');
    if (n == 0 || n > MAX_TAIL)
        return 0;
    fat_short_with_tail(basis, n, again);
    return memcmp(again, sfn, 11) == 0 ? n : 0;
}

static bool taken_visit(void *arg, const struct fat_node *n, const uint8_t *ent)
{
    struct taken *t = arg;
    uint32_t tail = tail_of(t->basis, ent);

    (void)n;
    t->basis_taken |= memcmp(ent, t->basis, 11) == 0;
    if (tail >= t->lo && tail - t->lo < TAIL_WINDOW)
        t->tail[(tail - t->lo) / 8] |= (uint8_t)(1u << (tail - t->lo) % 8);
    return true;
}

/* The 8.3 name for `name`: itself if it is one (in capitals), else a free ~N alias. One
   walk of the directory finds every taken tail of a window: a directory of E entries
   needs at most E / TAIL_WINDOW + 1 walks, never one per tail tried. */
static int choose_short(struct fat_volume *v, uint32_t dir, const char *name, uint8_t sfn[11],
                        bool *needs_lfn)
{
    uint8_t basis[11], lower;
    struct taken t;
    bool lossy;
    int err;

    *needs_lfn = !fat_short_from_name(name, sfn, &lower) || lower != 0;
    fat_short_basis(name, basis, &lossy);
    for (uint32_t lo = 1; lo <= MAX_TAIL; lo += TAIL_WINDOW) {
        memset(&t, 0, sizeof t);
        t.basis = basis;
        t.lo = lo;
        if ((err = fat_dir_walk(v, dir, taken_visit, &t)))
            return err;
        if (lo == 1 && !lossy) {    /* only the case differs: the basis itself, if free */
            if (!t.basis_taken) {
                memcpy(sfn, basis, 11);
                return 0;
            }
            *needs_lfn = true;
        }
        for (uint32_t k = 0; k < TAIL_WINDOW && lo + k <= MAX_TAIL; k++) {
            if (!(t.tail[k / 8] & (1u << k % 8))) {
                fat_short_with_tail(basis, lo + k, sfn);
                return 0;
            }
        }
    }
    return FAT_ENOSPC;
}

/* A zeroed cluster linked after `end`, the directory's last entry. */
static int grow(struct fat_volume *v, const struct fat_dir_pos *end)
{
    uint32_t fresh, old;
    int err;

    if (end->dir == 0 || end->index + 1 >= FAT_DIR_MAX_ENTRIES)
        return FAT_ENOSPC;          /* the FAT12/16 root has a fixed size; any other 65536 */
    if ((err = fat_alloc_chain(v, 1, &fresh)))
        return err;
    for (uint32_t i = 0; i < v->g.sectors_per_cluster; i++) {
        uint8_t *s = fat_cache_get(&v->cache, fat_cluster_lba(v, fresh) + i, true);
        if (!s)
            return FAT_EIO;
        fat_cache_mark_dirty(&v->cache, s);
    }
    /* The zeros reach the disk before the link makes them part of the directory. */
    if ((err = fat_barrier(v)) || (err = fat_get(v, end->cluster, &old)))
        return err;
    fat_undo_link(v, end->cluster, old);
    return fat_set(v, end->cluster, fresh);
}

/* The first index of `need` free slots inside one sector, growing the directory if needed.
   One pass along the directory. */
static int find_slots(struct fat_volume *v, uint32_t dir, int need, uint32_t *start)
{
    struct fat_dir_pos pos;
    uint32_t run = 0;
    uint8_t *s;
    int err;

    for (err = fat_dir_start(v, dir, &pos); !err; err = fat_dir_next(v, &pos)) {
        if (pos.offset == 0)
            run = 0;
        if (!(s = fat_cache_get(&v->cache, pos.lba, false)))
            return FAT_EIO;
        if (s[pos.offset] == 0 &&
            pos.offset + ((uint32_t)need - run) * FAT_DIRENT_SIZE > FAT_SECTOR_SIZE) {
            /* Too little room before the sector ends: the end marker moves on. */
            fat_undo_sector(v, pos.lba, s);
            for (uint32_t off = pos.offset; off < FAT_SECTOR_SIZE; off += FAT_DIRENT_SIZE)
                s[off] = FAT_DELETED;
            fat_cache_mark_dirty(&v->cache, s);
            if ((err = fat_barrier(v)))
                return err;
            continue;               /* the rest of this sector cannot hold the run */
        }
        run = s[pos.offset] == 0 || s[pos.offset] == FAT_DELETED ? run + 1 : 0;
        if (run == (uint32_t)need) {
            *start = pos.index + 1 - run;
            return 0;
        }
    }
    if (err != FAT_ENOSPC || (err = grow(v, &pos)))
        return err;
    *start = pos.index + 1;
    return 0;
}
/* LAB 7: END SOLUTION */

int fat_dir_add(struct fat_volume *v, uint32_t dir, const char *name, uint8_t attr,
                uint32_t cluster, uint32_t size, struct fat_node *out)
{
    /* LAB 7: BEGIN SOLUTION */
    uint8_t sfn[11], *s;
    bool needs_lfn;
    uint32_t start, off;
    uint64_t lba;
    int nlfn, err;

    if (!fat_name_valid(name))
        return FAT_EINVAL;
    if ((err = choose_short(v, dir, name, sfn, &needs_lfn)))
        return err;
    nlfn = needs_lfn ? fat_lfn_entries(name) : 0;
    if ((err = find_slots(v, dir, nlfn + 1, &start)) ||
        (err = fat_dir_slot(v, dir, start, &lba, &off)))
        return err;
    if (!(s = fat_cache_get(&v->cache, lba, false)))
        return FAT_EIO;
    fat_undo_sector(v, lba, s);
    for (int k = 0; k < nlfn; k++)
        fat_lfn_pack(s + off + (uint32_t)k * FAT_DIRENT_SIZE, name, nlfn - k, k == 0,
                     fat_lfn_checksum(sfn));
    fat_dirent_init(s + off + (uint32_t)nlfn * FAT_DIRENT_SIZE, sfn, attr, cluster, size);
    fat_cache_mark_dirty(&v->cache, s);
    *out = (struct fat_node){ .attr = attr, .cluster = cluster, .size = size, .parent = dir,
                              .slot = start + (uint32_t)nlfn, .first_slot = start };
    strlcpy(out->name, name, sizeof out->name);
    memcpy(out->sfn, sfn, 11);
    return 0;
    /* LAB 7: STUB
    (void)v; (void)dir; (void)name; (void)attr; (void)cluster; (void)size; (void)out;
    panic("lab7: fat_dir_add not implemented");
    LAB 7: END SOLUTION */
}

/* The cached sector holding entry `index`, about to change, and the entry's offset in it. */
static uint8_t *entry_at(struct fat_volume *v, uint32_t dir, uint32_t index, uint32_t *off,
                         int *err)
{
    uint64_t lba;
    uint8_t *s;

    if ((*err = fat_dir_slot(v, dir, index, &lba, off)))
        return NULL;
    if (!(s = fat_cache_get(&v->cache, lba, false)))
        *err = FAT_EIO;
    else
        fat_undo_sector(v, lba, s);
    return s;
}

int fat_dir_update(struct fat_volume *v, const struct fat_node *n)
{
    int err;
    uint32_t off;
    uint8_t *s = entry_at(v, n->parent, n->slot, &off, &err), *e;

    if (!s)
        return err;
    e = s + off;
    if (memcmp(e, n->sfn, 11) != 0)
        return fat_corrupt(v, "the entry of \"%s\" moved", n->name);
    put16(e + DIR_CLUS_HI, n->cluster >> 16);
    put16(e + DIR_CLUS_LO, n->cluster);
    put16(e + DIR_FILE_SIZE, n->size);
    put16(e + DIR_FILE_SIZE + 2, n->size >> 16);
    fat_cache_mark_dirty(&v->cache, s);
    return 0;
}

int fat_dir_remove(struct fat_volume *v, const struct fat_node *n)
{
    int err;
    uint32_t off;
    uint8_t *s;

    for (uint32_t i = n->first_slot; i < n->slot; i++) {
        if (!(s = entry_at(v, n->parent, i, &off, &err)))
            return err;
        s[off] = FAT_DELETED;
        fat_cache_mark_dirty(&v->cache, s);
    }
    /* The long entries go first: an 8.3 entry alone is a valid file, long ones alone are not. */
    if (n->first_slot != n->slot && (err = fat_barrier(v)))
        return err;
    if (!(s = entry_at(v, n->parent, n->slot, &off, &err)))
        return err;
    s[off] = FAT_DELETED;
    fat_cache_mark_dirty(&v->cache, s);
    return 0;
}
