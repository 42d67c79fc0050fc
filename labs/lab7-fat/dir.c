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
    uint32_t per_cluster = v->g.cluster_bytes / FAT_DIRENT_SIZE, cur, next;
    int err;

    dir = root_of(v, dir);
    *offset = index % FAT_DIRENTS_PER_SECTOR * FAT_DIRENT_SIZE;
    if (dir == 0) {
        if (index >= v->g.root_entries)
            return FAT_ENOSPC;
        *lba = v->start + v->g.root_dir_sector + index / FAT_DIRENTS_PER_SECTOR;
        return 0;
    }
    cur = dir;
    for (uint32_t i = 0; i < index / per_cluster; i++) {
        if (i >= v->g.clusters)
            return fat_corrupt(v, "the directory at cluster %u loops", dir);
        if ((err = fat_get(v, cur, &next)))
            return err;
        if (fat_is_eoc(v, next))
            return FAT_ENOSPC;
        if (!fat_cluster_ok(v, next))
            return fat_corrupt(v, "directory cluster %u links to %u", cur, next);
        cur = next;
    }
    *lba = fat_cluster_lba(v, cur) + index % per_cluster / FAT_DIRENTS_PER_SECTOR;
    return 0;
}

/* A copy of entry `index`; FAT_ENOSPC past the end. */
static int read_entry(struct fat_volume *v, uint32_t dir, uint32_t index, uint8_t ent[32])
{
    uint64_t lba;
    uint32_t off;
    uint8_t *s;
    int err = fat_dir_slot(v, dir, index, &lba, &off);

    if (err)
        return err;
    if (!(s = fat_cache_get(&v->cache, lba, false)))
        return FAT_EIO;
    memcpy(ent, s + off, FAT_DIRENT_SIZE);
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

typedef bool (*visit_fn)(void *arg, const struct fat_node *n, const uint8_t *ent);

/* Every entry but free ones, long parts, labels and the dot entries. */
static int walk(struct fat_volume *v, uint32_t dir, visit_fn fn, void *arg)
{
    uint8_t ent[FAT_DIRENT_SIZE];
    struct lfn_state st = { .expect = 0 };
    struct fat_node n;
    int err;

    for (uint32_t i = 0;; i++) {
        if ((err = read_entry(v, dir, i, ent)))
            return err == FAT_ENOSPC ? 0 : err;
        if (ent[0] == 0)
            return 0;
        if (ent[0] == FAT_DELETED) {
            st.expect = 0;
            continue;
        }
        if ((ent[11] & 0x3F) == FAT_ATTR_LONG_NAME) {
            lfn_feed(&st, ent, i);
            continue;
        }
        bool lfn_ok = st.expect == 1 && fat_lfn_checksum(ent) == st.checksum;
        st.expect = 0;
        if ((ent[11] & FAT_ATTR_VOLUME_ID) || ent[0] == '.')
            continue;               /* labels and dot entries are never listed */
        if ((err = make_node(v, ent, dir, i, lfn_ok ? st.name : NULL, st.first, &n)))
            return err;
        if (!fn(arg, &n, ent))
            return 0;
    }
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
    return walk(v, dir, list_visit, &a);
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
    int err = walk(v, dir, find_visit, &a);
    return err ? err : a.found ? 0 : FAT_ENOENT;
}

int fat_dir_sfn_taken(struct fat_volume *v, uint32_t dir, const uint8_t sfn[11], bool *taken)
{
    struct fat_node n;
    struct find_arg a = { "", sfn, &n, false };
    int err = walk(v, dir, find_visit, &a);
    *taken = a.found;
    return err;
}

static void root_node(struct fat_volume *v, struct fat_node *n)
{
    memset(n, 0, sizeof *n);
    strlcpy(n->name, "/", sizeof n->name);
    n->attr = FAT_ATTR_DIRECTORY;
    n->cluster = root_of(v, 0);
}

int fat_lookup_parent(struct fat_volume *v, const char *path, struct fat_node *parent,
                      char last[FAT_NAME_MAX + 1])
{
    char next[FAT_NAME_MAX + 1];
    const char *p = path, *q;
    int err;

    root_node(v, parent);
    if (!fat_path_next(&p, last, &err))
        return err ? err : FAT_EINVAL;      /* "/" has no parent */
    for (;;) {
        q = p;
        if (!fat_path_next(&q, next, &err))
            return err;
        if ((err = fat_dir_find(v, parent->cluster, last, parent)))
            return err;
        if (!fat_node_is_dir(parent))
            return FAT_ENOTDIR;
        strlcpy(last, next, FAT_NAME_MAX + 1);
        p = q;
    }
}

int fat_lookup(struct fat_volume *v, const char *path, struct fat_node *out)
{
    char last[FAT_NAME_MAX + 1];
    struct fat_node parent;
    int err = fat_lookup_parent(v, path, &parent, last);

    while (*path == '/')
        path++;
    if (err == FAT_EINVAL && *path == '\0') {
        root_node(v, out);
        return 0;
    }
    if (err)
        return err;
    return fat_dir_find(v, parent.cluster, last, out);
}
