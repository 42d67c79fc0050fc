/*
 * fileops.c - mkdir and remove, in the same write order as file.c: what a
 * directory entry will point at is on the disk first; what it stops pointing
 * at is freed last. Pure code, host-tested (tests/test_lab7_fs.c).
 *
 * A new directory holds "." and ".." ([FAT] "FAT Directory Structure": ".."
 * of a directory in the root says cluster 0, even on FAT32). An entry's
 * first cluster and size change in place; a name is removed sector by
 * sector, its 8.3 entry's sector last (dirwrite.c says why).
 */
#include "fat.h"
#include "kstring.h"
#include "panic.h"

#define DIR_CLUS_HI   20
#define DIR_CLUS_LO   26
#define DIR_FILE_SIZE 28

static void put16(uint8_t *p, uint32_t x) { p[0] = (uint8_t)x; p[1] = (uint8_t)(x >> 8); }

static const uint8_t dot_name[11] = { '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ' };
static const uint8_t dotdot_name[11] = { '.', '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ' };

/* A zeroed cluster holding "." and "..". */
static int make_dir_cluster(struct fat_volume *v, const struct fat_node *parent, uint32_t *out)
{
    bool parent_is_root = parent->cluster == 0 ||
                          (v->g.type == FAT_TYPE_32 && parent->cluster == v->g.root_cluster);
    uint8_t *s;
    int err;

    if ((err = fat_alloc_chain(v, 1, out)))
        return err;
    for (uint32_t i = 0; i < v->g.sectors_per_cluster; i++) {
        if (!(s = fat_cache_get(&v->cache, fat_cluster_lba(v, *out) + i, true)))
            return FAT_EIO;
        memset(s, 0, FAT_SECTOR_SIZE);      /* a cache hit keeps what the cluster held */
        if (i == 0) {
            fat_dirent_init(s, dot_name, FAT_ATTR_DIRECTORY, *out, 0);
            fat_dirent_init(s + FAT_DIRENT_SIZE, dotdot_name, FAT_ATTR_DIRECTORY,
                            parent_is_root ? 0 : parent->cluster, 0);
        }
        fat_cache_mark_dirty(&v->cache, s);
    }
    return 0;
}

static int make_directory(struct fat_volume *v, const char *path)
{
    char name[FAT_NAME_MAX + 1];
    struct fat_node parent, n;
    uint32_t cluster;
    int err;

    if ((err = fat_begin_write(v, path)) || (err = fat_lookup_parent(v, path, &parent, name)))
        return err;
    err = fat_dir_find(v, parent.cluster, name, &n);
    if (err != FAT_ENOENT)
        return err ? err : FAT_EEXIST;
    if (!fat_name_valid(name))
        return FAT_EINVAL;
    /* LAB 7: BEGIN SOLUTION */
    if ((err = make_dir_cluster(v, &parent, &cluster)) || (err = fat_barrier(v)) ||
        (err = fat_dir_add(v, parent.cluster, name, FAT_ATTR_DIRECTORY, cluster, 0, &n)) ||
        (err = fat_barrier(v)))
        return err;
    fat_undo_commit(v);
    return 0;
    /* LAB 7: STUB
    (void)cluster; (void)make_dir_cluster;
    panic("lab7: fat_mkdir not implemented");
    LAB 7: END SOLUTION */
}

static bool any_entry(void *arg, const struct fat_node *n)
{
    (void)n;
    *(bool *)arg = true;
    return false;
}

static int remove_entry(struct fat_volume *v, const char *path)
{
    struct fat_node n;
    bool has_entries = false;
    int err;

    if ((err = fat_begin_write(v, path)) || (err = fat_lookup(v, path, &n)))
        return err;
    if (strcmp(n.name, "/") == 0 || strcmp(n.name, ".") == 0 || strcmp(n.name, "..") == 0)
        return FAT_EINVAL;          /* the root, or a directory named by "." or ".." */
    if (fat_node_is_dir(&n) && (err = fat_dir_list(v, n.cluster, any_entry, &has_entries)))
        return err;
    if (has_entries)
        return FAT_ENOTEMPTY;
    /* LAB 7: BEGIN SOLUTION */
    if ((err = fat_dir_remove(v, &n)) || (err = fat_barrier(v)))
        return err;
    fat_undo_commit(v);
    if (n.cluster && ((err = fat_free_chain(v, n.cluster)) || (err = fat_barrier(v))))
        return err;
    return 0;
    /* LAB 7: STUB
    panic("lab7: fat_remove not implemented");
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
    uint64_t lba, last = 0;
    uint32_t off;
    uint8_t *s;
    int err;

    /* Sector by sector, the 8.3 entry's last, a barrier between: a crash leaves the 8.3
       entry with long entries before it (or alone), never long entries alone. A name in
       one sector goes in one write. */
    for (uint32_t i = n->first_slot; i <= n->slot; i++) {
        if ((err = fat_dir_slot(v, n->parent, i, &lba, &off)))
            return err;
        if (i > n->first_slot && lba != last && (err = fat_barrier(v)))
            return err;
        if (!(s = fat_cache_get(&v->cache, lba, false)))
            return FAT_EIO;
        fat_undo_sector(v, lba, s);
        s[off] = FAT_DELETED;
        fat_cache_mark_dirty(&v->cache, s);
        last = lba;
    }
    return 0;
}

/* Each ends in undo.c: an error before the commit write puts everything back. */
int fat_mkdir(struct fat_volume *v, const char *path)
{
    return fat_undo_finish(v, make_directory(v, path));
}

int fat_remove(struct fat_volume *v, const char *path)
{
    return fat_undo_finish(v, remove_entry(v, path));
}
