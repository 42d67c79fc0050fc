/*
 * file.c - files as a user sees them: read at any offset, create, replace, append,
 * truncate. Pure code, host-tested (tests/test_lab7_fs.c).
 *
 * The write order. [FAT] "FAT Data Structure": a cluster is in use the moment its FAT
 * entry is not 0, and a file is its directory entry's first cluster, the chain from
 * there to EOC, and its size ("FAT Directory Structure"): one 32-byte entry, in one
 * sector. So every change is (1) a chain no entry points at yet, marked in the FAT and
 * filled; barrier; (2) the entry points at it; barrier; (3) what it pointed at before
 * is freed; barrier. A crash in (1) or (3) leaves lost clusters (fsck.fat reclaims
 * them); (2) is one sector. An error before (2) is on the disk puts all back (undo.c).
 *
 * Append and truncate that change a file's count of clusters copy its kept bytes to a
 * new chain and switch the entry to it: the old last cluster's FAT entry and the size
 * are in two sectors, and no order of those two writes is crash-safe (handouts/lab7.md
 * section 2). Only an append inside the last cluster, or a truncate to as many
 * clusters, writes in place. Reads keep their place in the chain (v->read_pos). */
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
    /* On from where the last read stopped: one FAT step per cluster read, not its square. */
    bool on = v->read_pos.first == n->cluster && v->read_pos.index <= index;
    if ((err = fat_chain_walk(v, on ? v->read_pos.cluster : n->cluster,
                              on ? index - v->read_pos.index : index, &cluster)))
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
    v->read_pos = (struct fat_read_pos){ n->cluster, index, cluster };
    return (int32_t)done;
    /* LAB 7: STUB
    (void)out; (void)s; (void)cb; (void)cluster; (void)index; (void)done;
    panic("lab7: fat_read not implemented");
    LAB 7: END SOLUTION */
}

static void zero_fill(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    (void)arg, (void)offset;
    memset(buf, 0, len);
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

/* Bytes [0, bytes) of the chain at `from` into chain `to` (long enough), a sector at a time. */
static int copy_prefix(struct fat_volume *v, uint32_t from, uint32_t to, uint32_t bytes)
{
    uint8_t sector[FAT_SECTOR_SIZE], *s;
    uint32_t per = v->g.sectors_per_cluster;
    int err;

    for (uint32_t i = 0; i * FAT_SECTOR_SIZE < bytes; i++) {
        if (i && i % per == 0 && ((err = fat_chain_walk(v, from, 1, &from)) ||
                                  (err = fat_chain_walk(v, to, 1, &to))))
            return err;
        if (!(s = fat_cache_get(&v->cache, fat_cluster_lba(v, from) + i % per, false)))
            return FAT_EIO;
        memcpy(sector, s, sizeof sector);   /* the next get may reuse that buffer */
        if (!(s = fat_cache_get(&v->cache, fat_cluster_lba(v, to) + i % per, true)))
            return FAT_EIO;
        memcpy(s, sector, sizeof sector);
        fat_cache_mark_dirty(&v->cache, s);
    }
    return 0;
}

/* Steps (2) and (3): the entry says `first` and `size` (one sector), then the old chain
   is freed unless it is still the file's. */
static int commit(struct fat_volume *v, struct fat_node *n, uint32_t first, uint32_t size)
{
    uint32_t old = n->cluster;
    int err;

    if ((err = fat_barrier(v)))
        return err;
    n->cluster = first;
    n->size = size;
    if ((err = fat_dir_update(v, n)) || (err = fat_barrier(v)))
        return err;
    fat_undo_commit(v);             /* the entry is on the disk: the change has happened */
    if (old && old != first && ((err = fat_free_chain(v, old)) || (err = fat_barrier(v))))
        return err;
    return 0;
}

/* A new chain of clusters_for(end) clusters: the file's first `keep` bytes, then [keep, end)
   from src (if any). */
static int copy_on_write(struct fat_volume *v, const struct fat_node *n, uint32_t keep,
                         uint32_t end, const struct source *src, uint32_t *fresh)
{
    uint32_t cb = v->g.cluster_bytes, at;
    int err;

    if ((err = fat_alloc_chain(v, clusters_for(v, end), fresh)))
        return err;
    if (keep && (err = copy_prefix(v, n->cluster, *fresh, keep)))
        return err;
    if (!src || keep == end)
        return 0;
    if ((err = fat_chain_walk(v, *fresh, keep / cb, &at)))
        return err;
    return write_range(v, at, keep / cb * cb, keep, end, src);
}

static int append(struct fat_volume *v, struct fat_node *n, uint32_t size, fat_fill_fn fill,
                  void *arg)
{
    uint32_t cb = v->g.cluster_bytes, have = clusters_for(v, n->size), end = n->size + size;
    struct source src = { fill, arg, n->size };
    uint32_t last, fresh;
    int err;

    if (end < n->size)
        return FAT_ENOSPC;          /* past 4 GiB - 1, the most a FAT file can hold */
    if ((err = check_size(v, n)))
        return err;
    if (clusters_for(v, end) == have) {
        /* In place: bytes past the old size belong to no file until the size says so. */
        if (have && ((err = fat_chain_walk(v, n->cluster, have - 1, &last)) ||
                     (err = write_range(v, last, (have - 1) * cb, n->size, end, &src))))
            return err;
        return commit(v, n, n->cluster, end);
    }
    if ((err = copy_on_write(v, n, n->size, end, &src, &fresh)))
        return err;
    return commit(v, n, fresh, end);
}

static int truncate_file(struct fat_volume *v, const char *path, uint32_t size)
{
    struct fat_node n;
    uint32_t keep, last, rest, fresh;
    int err;

    if ((err = fat_begin_write(v, path)) || (err = fat_lookup(v, path, &n)))
        return err;
    if (fat_node_is_dir(&n))
        return FAT_EISDIR;
    if (size > n.size)              /* growing: zeros appended */
        return fat_write_file(v, path, size - n.size, true, zero_fill, NULL);
    if ((err = check_size(v, &n)))
        return err;
    if ((keep = clusters_for(v, size)) == 0)
        return commit(v, &n, 0, 0);
    if ((err = fat_chain_walk(v, n.cluster, keep - 1, &last)) || (err = fat_get(v, last, &rest)))
        return err;
    if (fat_is_eoc(v, rest))        /* as many clusters as before: the size alone */
        return commit(v, &n, n.cluster, size);
    if ((err = copy_on_write(v, &n, size, size, NULL, &fresh)))
        return err;
    return commit(v, &n, fresh, size);
}

static int replace(struct fat_volume *v, struct fat_node *n, uint32_t size, fat_fill_fn fill,
                   void *arg)
{
    struct source src = { fill, arg, 0 };
    uint32_t fresh;
    int err;

    if ((err = check_size(v, n)) || (err = new_chain(v, 0, size, &src, &fresh)))
        return err;
    return commit(v, n, fresh, size);
}

static int write_file(struct fat_volume *v, const char *path, uint32_t size, bool append_to,
                      fat_fill_fn fill, void *arg)
{
    char name[FAT_NAME_MAX + 1];
    struct fat_node parent, n;
    struct source src = { fill, arg, 0 };
    uint32_t fresh;
    int err;

    if ((err = fat_begin_write(v, path)) || (err = fat_lookup_parent(v, path, &parent, name)))
        return err;
    if ((err = fat_dir_find(v, parent.cluster, name, &n)) == 0)
        return fat_node_is_dir(&n) ? FAT_EISDIR : append_to ? append(v, &n, size, fill, arg)
                                                            : replace(v, &n, size, fill, arg);
    if (err != FAT_ENOENT)
        return err;
    if (!fat_name_valid(name))
        return FAT_EINVAL;
    if ((err = new_chain(v, 0, size, &src, &fresh)) || (err = fat_barrier(v)) ||
        (err = fat_dir_add(v, parent.cluster, name, FAT_ATTR_ARCHIVE, fresh, size, &n)) ||
        (err = fat_barrier(v)))
        return err;
    fat_undo_commit(v);
    return 0;
}

/* Each operation ends in undo.c: an error before its commit write puts everything back. */
int fat_write_file(struct fat_volume *v, const char *path, uint32_t size, bool append_to,
                   fat_fill_fn fill, void *arg)
{
    return fat_undo_finish(v, write_file(v, path, size, append_to, fill, arg));
}

int fat_truncate(struct fat_volume *v, const char *path, uint32_t size)
{
    return fat_undo_finish(v, truncate_file(v, path, size));
}
