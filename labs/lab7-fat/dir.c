/*
 * dir.c - directories: where entry i lives, walking the entries with their
 * long names, lookup by path, and adding, updating and removing entries.
 * Pure code, host-tested (tests/test_lab7_fs.c).
 *
 * [FAT] "FAT Directory Structure": 32-byte entries; 0xE5 in byte 0 is a free
 * entry, 0x00 a free entry with only free ones after it. The FAT12/16 root is
 * a fixed run of sectors after the FATs; every other directory (and the FAT32
 * root) is a cluster chain. "FAT Long Directory Entries": long entries come
 * right before their 8.3 entry, the last part first, each with the checksum
 * of that 8.3 name; an orphan or a wrong checksum means the long name is
 * ignored and the 8.3 name shown ("Name Matching In Short & Long Names").
 */
#include "fat.h"
#include "kstring.h"
#include "panic.h"

#define DIR_NTRES     12
#define DIR_CLUS_HI   20
#define DIR_CLUS_LO   26
#define DIR_FILE_SIZE 28

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }

static uint32_t root_of(const struct fat_volume *v, uint32_t dir)
{
    return dir == 0 && v->g.type == FAT_TYPE_32 ? v->g.root_cluster : dir;
}

int fat_dir_slot(struct fat_volume *v, uint32_t dir, uint32_t index, uint64_t *lba,
                 uint32_t *offset)
{
    struct fat_dir_pos pos;
    uint32_t per_cluster = v->g.cluster_bytes / FAT_DIRENT_SIZE;
    int err;

    if (index >= FAT_DIR_MAX_ENTRIES)
        return FAT_ENOSPC;
    if (root_of(v, dir) == 0) {
        if (index >= v->g.root_entries)
            return FAT_ENOSPC;
        *lba = v->start + v->g.root_dir_sector + index / FAT_DIRENTS_PER_SECTOR;
        *offset = index % FAT_DIRENTS_PER_SECTOR * FAT_DIRENT_SIZE;
        return 0;
    }
    if ((err = fat_dir_start(v, dir, &pos)))
        return err;
    /* A random access: whole clusters are skipped, one FAT step each (bounded by the cursor). */
    while (pos.index + per_cluster <= index) {
        pos.index += per_cluster - 1;
        if ((err = fat_dir_next(v, &pos)))
            return err;
    }
    while (pos.index < index)
        if ((err = fat_dir_next(v, &pos)))
            return err;
    *lba = pos.lba;
    *offset = pos.offset;
    return 0;
}

int fat_dir_start(struct fat_volume *v, uint32_t dir, struct fat_dir_pos *pos)
{
    memset(pos, 0, sizeof *pos);
    pos->dir = root_of(v, dir);
    if (pos->dir == 0) {
        pos->lba = v->start + v->g.root_dir_sector;
        return v->g.root_entries ? 0 : FAT_ENOSPC;
    }
    if (!fat_cluster_ok(v, pos->dir))
        return fat_corrupt(v, "a directory starts at cluster %u, outside the volume", pos->dir);
    pos->cluster = pos->tortoise = pos->dir;
    pos->power = 1;
    pos->lba = fat_cluster_lba(v, pos->cluster);
    return 0;
}

/* The next cluster of a directory; Brent's cycle finding ("An improved Monte Carlo
   factorization algorithm", 1980) says "loops" after at most twice the chain's length. */
static int next_cluster(struct fat_volume *v, struct fat_dir_pos *pos)
{
    uint32_t next;
    int err;

    if ((err = fat_get(v, pos->cluster, &next)))
        return err;
    if (fat_is_eoc(v, next))
        return FAT_ENOSPC;
    if (!fat_cluster_ok(v, next))
        return fat_corrupt(v, "directory cluster %u links to %u", pos->cluster, next);
    if (next == pos->tortoise)
        return fat_corrupt(v, "the directory at cluster %u loops", pos->dir);
    if (++pos->steps == pos->power) {
        pos->tortoise = next;
        pos->power *= 2;
        pos->steps = 0;
    }
    pos->cluster = next;
    return 0;
}

int fat_dir_next(struct fat_volume *v, struct fat_dir_pos *pos)
{
    uint32_t per_cluster = v->g.cluster_bytes / FAT_DIRENT_SIZE, next = pos->index + 1;
    int err;

    if (next >= FAT_DIR_MAX_ENTRIES || (pos->dir == 0 && next >= v->g.root_entries))
        return FAT_ENOSPC;      /* [FAT] "FAT Directory Structure": at most 65536 entries */
    if (pos->dir && next % per_cluster == 0) {
        if ((err = next_cluster(v, pos)))
            return err;
        pos->lba = fat_cluster_lba(v, pos->cluster);
    } else if (next % FAT_DIRENTS_PER_SECTOR == 0) {
        pos->lba++;
    }
    pos->index = next;
    pos->offset = next % FAT_DIRENTS_PER_SECTOR * FAT_DIRENT_SIZE;
    return 0;
}

/* A copy of the entry under the cursor. */
static int read_entry(struct fat_volume *v, const struct fat_dir_pos *pos, uint8_t ent[32])
{
    uint8_t *s = fat_cache_get(&v->cache, pos->lba, false);

    if (!s)
        return FAT_EIO;
    memcpy(ent, s + pos->offset, FAT_DIRENT_SIZE);
    return 0;
}

/* The 8.3 entry at `index` as a node; its long name if the long entries before it match. */
static int make_node(struct fat_volume *v, const uint8_t *ent, uint32_t dir, uint32_t index,
                     const char *lfn, uint32_t lfn_first, struct fat_node *n)
{
    memcpy(n->sfn, ent, 11);
    n->attr = ent[11];
    n->cluster = le16(ent + DIR_CLUS_LO) |
                 (v->g.type == FAT_TYPE_32 ? le16(ent + DIR_CLUS_HI) << 16 : 0);
    n->size = le16(ent + DIR_FILE_SIZE) | le16(ent + DIR_FILE_SIZE + 2) << 16;
    n->parent = dir;
    n->slot = index;
    n->first_slot = lfn ? lfn_first : index;
    if (lfn)
        strlcpy(n->name, lfn, sizeof n->name);
    else
        fat_short_to_name(ent, ent[DIR_NTRES], n->name);
    if (n->cluster == 1 || (n->cluster && !fat_cluster_ok(v, n->cluster)))
        return fat_corrupt(v, "\"%s\" starts at cluster %u, outside the volume", n->name,
                           n->cluster);
    if (n->cluster == 0 && (n->size || fat_node_is_dir(n)))
        return fat_corrupt(v, "\"%s\" has %s but no first cluster", n->name,
                           n->size ? "a size" : "directory entries");
    return 0;
}

struct lfn_state {
    char name[FAT_NAME_MAX + 14];
    int expect;                     /* the sequence number the next long entry must have */
    uint8_t checksum;
    uint32_t first;
};

/* Feed one long entry to the assembly; a broken sequence just drops the long name. */
static void lfn_feed(struct lfn_state *st, const uint8_t *ent, uint32_t index)
{
    /* LAB 7: BEGIN SOLUTION */
    int seq = ent[0] & 0x1F;

    if (ent[0] & FAT_LAST_LONG_ENTRY) {
        st->expect = seq;
        st->checksum = ent[13];
        st->first = index;
        if (seq >= 1 && seq <= (FAT_NAME_MAX + 12) / FAT_LFN_CHARS)
            st->name[seq * FAT_LFN_CHARS] = '\0';
    } else if (seq != st->expect - 1 || ent[13] != st->checksum) {
        st->expect = 0;
        return;
    } else {
        st->expect = seq;
    }
    if (st->expect && !fat_lfn_unpack(ent, st->name))
        st->expect = 0;
    /* LAB 7: STUB
    (void)st; (void)ent; (void)index;
    panic("lab7: lfn_feed (long-name assembly) not implemented");
    LAB 7: END SOLUTION */
}

/* Every entry but free ones, long parts, labels and the dot entries: one pass along the
   chain, so a walk costs its directory's length. */
int fat_dir_walk(struct fat_volume *v, uint32_t dir, fat_walk_fn fn, void *arg)
{
    uint8_t ent[FAT_DIRENT_SIZE];
    struct lfn_state st = { .expect = 0 };
    struct fat_dir_pos pos;
    struct fat_node n;
    int err = fat_dir_start(v, dir, &pos);

    for (; !err; err = fat_dir_next(v, &pos)) {
        if ((err = read_entry(v, &pos, ent)))
            return err;
        if (ent[0] == 0)
            return 0;
        if (ent[0] == FAT_DELETED) {
            st.expect = 0;
            continue;
        }
        if ((ent[11] & 0x3F) == FAT_ATTR_LONG_NAME) {
            lfn_feed(&st, ent, pos.index);
            continue;
        }
        bool lfn_ok = st.expect == 1 && fat_lfn_checksum(ent) == st.checksum &&
                      fat_name_readable(st.name);
        st.expect = 0;
        if ((ent[11] & FAT_ATTR_VOLUME_ID) || ent[0] == '.')
            continue;               /* labels and dot entries are never listed */
        if ((err = make_node(v, ent, dir, pos.index, lfn_ok ? st.name : NULL, st.first, &n)))
            return err;
        if (!fn(arg, &n, ent))
            return 0;
    }
    return err == FAT_ENOSPC ? 0 : err;
}

struct list_arg { fat_list_fn fn; void *arg; };
static bool list_visit(void *arg, const struct fat_node *n, const uint8_t *ent)
{
    struct list_arg *a = arg;
    (void)ent;
    return a->fn(a->arg, n);
}

int fat_dir_list(struct fat_volume *v, uint32_t dir, fat_list_fn fn, void *arg)
{
    struct list_arg a = { fn, arg };
    return fat_dir_walk(v, dir, list_visit, &a);
}

struct find_arg { const char *name; const uint8_t *sfn; struct fat_node *out; bool found; };
static bool find_visit(void *arg, const struct fat_node *n, const uint8_t *ent)
{
    struct find_arg *a = arg;
    char shortname[13];

    fat_short_to_name(ent, 0, shortname);
    if (a->sfn ? memcmp(ent, a->sfn, 11) == 0
               : fat_name_equal(n->name, a->name) || fat_name_equal(shortname, a->name)) {
        *a->out = *n;
        a->found = true;
        return false;
    }
    return true;
}

int fat_dir_find(struct fat_volume *v, uint32_t dir, const char *name, struct fat_node *out)
{
    struct find_arg a = { name, NULL, out, false };
    int err = fat_dir_walk(v, dir, find_visit, &a);
    return err ? err : a.found ? 0 : FAT_ENOENT;
}

int fat_dir_sfn_taken(struct fat_volume *v, uint32_t dir, const uint8_t sfn[11], bool *taken)
{
    struct fat_node n;
    struct find_arg a = { "", sfn, &n, false };
    int err = fat_dir_walk(v, dir, find_visit, &a);
    *taken = a.found;
    return err;
}
