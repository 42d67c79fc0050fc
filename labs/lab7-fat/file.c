/*
 * file.c - files and directories as a user sees them: read at any offset,
 * create, replace, append, truncate, mkdir and remove. Pure code, host-tested
 * (tests/test_lab7_fs.c).
 *
 * The write order ([FAT] "FAT Data Structure" makes a cluster in use the
 * moment its FAT entry is not 0): (1) the new clusters are marked in the FAT
 * and filled, (2) barrier, (3) the directory entry points at them, (4)
 * barrier, (5) clusters nobody points at any more are freed. A crash between
 * any two sector writes leaves the old file whole (a replaced file keeps its
 * old clusters until step 5) and at worst clusters that are marked but not
 * in any file, which fsck.fat reclaims as lost clusters.
 */
#include "fat.h"
#include "kstring.h"
#include "panic.h"

static uint32_t clusters_for(const struct fat_volume *v, uint32_t bytes)
{
    return (uint32_t)(((uint64_t)bytes + v->g.cluster_bytes - 1) / v->g.cluster_bytes);
}

/* A file's size must fit in its chain: checked before its first byte is trusted. */
static int check_size(struct fat_volume *v, const struct fat_node *n)
{
    uint32_t have;
    int err;

    if (n->cluster == 0)
        return 0;
    if ((err = fat_chain_length(v, n->cluster, &have)))
        return err;
    if (have < clusters_for(v, n->size))
        return fat_corrupt(v, "\"%s\" is %u bytes but its chain has only %u cluster%s", n->name,
                           n->size, have, have == 1 ? "" : "s");
    return 0;
}

int32_t fat_read(struct fat_volume *v, const struct fat_node *n, uint32_t offset, void *buf,
                 uint32_t len)
{
    uint8_t *out = buf, *s;
    uint32_t cb = v->g.cluster_bytes, cluster, index, done = 0;
    int err;

    if (fat_node_is_dir(n))
        return FAT_EISDIR;
    if (offset >= n->size)
        return 0;
    if (len > n->size - offset)
        len = n->size - offset;
    if (offset == 0 && (err = check_size(v, n)))
        return err;
    /* LAB 7: BEGIN SOLUTION */
    index = offset / cb;
    if ((err = fat_chain_walk(v, n->cluster, index, &cluster)))
        return err;
    while (done < len) {
        uint32_t at = offset + done, in = at % FAT_SECTOR_SIZE;
        uint32_t chunk = FAT_SECTOR_SIZE - in < len - done ? FAT_SECTOR_SIZE - in : len - done;
        if (at / cb != index) {
            if ((err = fat_chain_walk(v, cluster, 1, &cluster)))
                return err;
            index++;
        }
        if (!(s = fat_cache_get(&v->cache, fat_cluster_lba(v, cluster) + at % cb /
                                FAT_SECTOR_SIZE, false)))
            return FAT_EIO;
        memcpy(out + done, s + in, chunk);
        done += chunk;
    }
    return (int32_t)done;
    /* LAB 7: STUB
    (void)out; (void)s; (void)cb; (void)cluster; (void)index; (void)done;
    panic("lab7: fat_read not implemented");
    LAB 7: END SOLUTION */
}

/* Where the bytes come from: fill's offsets count from the first byte this call writes. */
struct source {
    fat_fill_fn fill;
    void *arg;
    uint32_t origin;                /* the file offset of the source's byte 0 */
};

/* File bytes [from, to) into the chain starting at `cluster`, which holds offset `base`. */
static int write_range(struct fat_volume *v, uint32_t cluster, uint32_t base, uint32_t from,
                       uint32_t to, const struct source *src)
{
    uint32_t cb = v->g.cluster_bytes, index = 0;
    uint8_t *s;
    int err;

    for (uint32_t at = from; at < to;) {
        uint32_t in = at % FAT_SECTOR_SIZE, rel = at - base;
        uint32_t chunk = FAT_SECTOR_SIZE - in < to - at ? FAT_SECTOR_SIZE - in : to - at;
        if (rel / cb != index) {
            if ((err = fat_chain_walk(v, cluster, 1, &cluster)))
                return err;
            index++;
        }
        /* A sector written from its start needs no read: what follows the end is zeros. */
        s = fat_cache_get(&v->cache, fat_cluster_lba(v, cluster) + rel % cb / FAT_SECTOR_SIZE,
                          in == 0);
        if (!s)
            return FAT_EIO;
        src->fill(src->arg, at - src->origin, s + in, chunk);
        fat_cache_mark_dirty(&v->cache, s);
        at += chunk;
    }
    return 0;
}

/* A new chain holding file bytes [from, to) (from: a cluster boundary); 0 if empty. */
static int new_chain(struct fat_volume *v, uint32_t from, uint32_t to,
                     const struct source *src, uint32_t *first)
{
    uint32_t n = clusters_for(v, to) - from / v->g.cluster_bytes;
    int err;

    *first = 0;
    if (n == 0)
        return 0;
    if ((err = fat_alloc_chain(v, n, first)))
        return err;
    return write_range(v, *first, from, from, to, src);
}

static int append(struct fat_volume *v, struct fat_node *n, uint32_t size, fat_fill_fn fill,
                  void *arg)
{
    uint32_t cb = v->g.cluster_bytes, have = clusters_for(v, n->size), fresh, last = 0;
    uint32_t end = n->size + size;
    struct source src = { fill, arg, n->size };
    int err;

    if (end < n->size)
        return FAT_ENOSPC;          /* past 4 GiB - 1, the most a FAT file can hold */
    if ((err = check_size(v, n)))
        return err;
    if (have && (err = fat_chain_walk(v, n->cluster, have - 1, &last)))
        return err;
    /* The tail of the last cluster: bytes past the old size belong to no file yet. */
    if (have && (err = write_range(v, last, (have - 1) * cb, n->size,
                                   end < have * cb ? end : have * cb, &src)))
        return err;
    if ((err = new_chain(v, have * cb, end > have * cb ? end : have * cb, &src, &fresh)) ||
        (err = fat_barrier(v)))
        return err;
    if (fresh && last)
        err = fat_set(v, last, fresh);
    else if (fresh)
        n->cluster = fresh;
    n->size = end;
    if (err || (err = fat_dir_update(v, n)))
        return err;
    return fat_barrier(v);
}

static int replace(struct fat_volume *v, struct fat_node *n, uint32_t size, fat_fill_fn fill,
                   void *arg)
{
    uint32_t old = n->cluster, fresh;
    struct source src = { fill, arg, 0 };
    int err;

    if ((err = check_size(v, n)) || (err = new_chain(v, 0, size, &src, &fresh)) ||
        (err = fat_barrier(v)))
        return err;
    n->cluster = fresh;
    n->size = size;
    if ((err = fat_dir_update(v, n)) || (err = fat_barrier(v)))
        return err;
    if (old && ((err = fat_free_chain(v, old)) || (err = fat_barrier(v))))
        return err;
    return 0;
}

int fat_write_file(struct fat_volume *v, const char *path, uint32_t size, bool append_to,
                   fat_fill_fn fill, void *arg)
{
    char name[FAT_NAME_MAX + 1];
    struct fat_node parent, n;
    struct source src = { fill, arg, 0 };
    uint32_t fresh;
    int err;

    if ((err = fat_begin_write(v)) || (err = fat_lookup_parent(v, path, &parent, name)))
        return err;
    err = fat_dir_find(v, parent.cluster, name, &n);
    if (err == 0 && fat_node_is_dir(&n))
        return FAT_EISDIR;
    if (err == 0)
        return append_to ? append(v, &n, size, fill, arg) : replace(v, &n, size, fill, arg);
    if (err != FAT_ENOENT)
        return err;
    if (!fat_name_valid(name))
        return FAT_EINVAL;
    if ((err = new_chain(v, 0, size, &src, &fresh)) || (err = fat_barrier(v)) ||
        (err = fat_dir_add(v, parent.cluster, name, FAT_ATTR_ARCHIVE, fresh, size, &n)))
        return err;
    return fat_barrier(v);
}
