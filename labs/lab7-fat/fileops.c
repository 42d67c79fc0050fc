/*
 * fileops.c - mkdir and remove, in the same write order as file.c: what a
 * directory entry will point at is on the disk first; what it stops pointing
 * at is freed last. Pure code, host-tested (tests/test_lab7_fs.c).
 *
 * A new directory holds "." and ".." ([FAT] "FAT Directory Structure": ".."
 * of a directory in the root says cluster 0, even on FAT32).
 */
#include "fat.h"
#include "kstring.h"
#include "panic.h"

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

    if ((err = fat_begin_write(v)) || (err = fat_lookup_parent(v, path, &parent, name)))
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

    if ((err = fat_begin_write(v)) || (err = fat_lookup(v, path, &n)))
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

/* Each ends in undo.c: an error before the commit write puts everything back. */
int fat_mkdir(struct fat_volume *v, const char *path)
{
    return fat_undo_finish(v, make_directory(v, path));
}

int fat_remove(struct fat_volume *v, const char *path)
{
    return fat_undo_finish(v, remove_entry(v, path));
}
