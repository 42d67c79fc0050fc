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
/* The 8.3 name for `name`: itself if it is one (in capitals), else a free ~N alias. */
static int choose_short(struct fat_volume *v, uint32_t dir, const char *name, uint8_t sfn[11],
                        bool *needs_lfn)
{
    uint8_t basis[11], lower;
    bool lossy, taken;
    int err;

    *needs_lfn = !fat_short_from_name(name, sfn, &lower) || lower != 0;
    fat_short_basis(name, basis, &lossy);
    if (!lossy) {                   /* only the case differs: the basis itself, if free */
        if ((err = fat_dir_sfn_taken(v, dir, basis, &taken)))
            return err;
        if (!taken) {
            memcpy(sfn, basis, 11);
            return 0;
        }
        *needs_lfn = true;
    }
    for (uint32_t n = 1; n <= MAX_TAIL; n++) {
        fat_short_with_tail(basis, n, sfn);
        if ((err = fat_dir_sfn_taken(v, dir, sfn, &taken)))
            return err;
        if (!taken)
            return 0;
    }
    return FAT_ENOSPC;
}

/* A zeroed cluster linked at the end of directory `dir`; slots from `index` are in it. */
static int grow(struct fat_volume *v, uint32_t dir, uint32_t index)
{
    uint32_t fresh, last;
    int err;

    if (dir == 0 && v->g.type != FAT_TYPE_32)
        return FAT_ENOSPC;          /* the FAT12/16 root has a fixed size */
    if ((err = fat_alloc_chain(v, 1, &fresh)))
        return err;
    for (uint32_t i = 0; i < v->g.sectors_per_cluster; i++) {
        uint8_t *s = fat_cache_get(&v->cache, fat_cluster_lba(v, fresh) + i, true);
        if (!s)
            return FAT_EIO;
        fat_cache_mark_dirty(&v->cache, s);
    }
    /* The zeros reach the disk before the link makes them part of the directory. */
    if ((err = fat_barrier(v)))
        return err;
    dir = dir ? dir : v->g.root_cluster;
    if ((err = fat_chain_walk(v, dir, index / (v->g.cluster_bytes / FAT_DIRENT_SIZE) - 1, &last)))
        return err;
    return fat_set(v, last, fresh);
}

/* The first index of `need` free slots inside one sector, growing the directory if needed. */
static int find_slots(struct fat_volume *v, uint32_t dir, int need, uint32_t *start)
{
    uint64_t lba;
    uint32_t off, run = 0;
    int err;

    for (uint32_t i = 0;; i++) {
        if (i % FAT_DIRENTS_PER_SECTOR == 0)
            run = 0;
        err = fat_dir_slot(v, dir, i, &lba, &off);
        if (err == FAT_ENOSPC) {
            if ((err = grow(v, dir, i)))
                return err;
            *start = i;
            return 0;
        }
        uint8_t *s = err ? NULL : fat_cache_get(&v->cache, lba, false);
        if (!s)
            return err ? err : FAT_EIO;
        if (s[off] == 0 && off + ((uint32_t)need - run) * FAT_DIRENT_SIZE > FAT_SECTOR_SIZE) {
            /* Too little room before the sector ends: the end marker moves on. */
            for (; off < FAT_SECTOR_SIZE; off += FAT_DIRENT_SIZE, i++)
                s[off] = FAT_DELETED;
            fat_cache_mark_dirty(&v->cache, s);
            if ((err = fat_barrier(v)))
                return err;
            i--;
            continue;
        }
        run = s[off] == 0 || s[off] == FAT_DELETED ? run + 1 : 0;
        if (run == (uint32_t)need) {
            *start = i + 1 - run;
            return 0;
        }
    }
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

/* The cached sector holding entry `index`, and the entry's offset in it. */
static uint8_t *entry_at(struct fat_volume *v, uint32_t dir, uint32_t index, uint32_t *off,
                         int *err)
{
    uint64_t lba;
    uint8_t *s;

    if ((*err = fat_dir_slot(v, dir, index, &lba, off)))
        return NULL;
    if (!(s = fat_cache_get(&v->cache, lba, false)))
        *err = FAT_EIO;
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
