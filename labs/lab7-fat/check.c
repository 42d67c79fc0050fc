/*
 * check.c - before the first write of a mount, a full check that no cluster
 * is claimed twice. Pure code, host-tested (tests/test_lab7_crosslink.c).
 *
 * [FAT] "FAT Data Structure": a file is the chain from its entry's first
 * cluster. A hostile (or badly repaired) disk can give two entries clusters
 * in common: an entry starting inside another file's chain, two entries with
 * one first cluster, two chains that merge. Freeing either would free the
 * other's clusters, and the next write would put new bytes in the other file;
 * an append in place would change them at once. Which entry owns a cluster
 * can only be told by looking at every entry, so the first write of a mount
 * walks the whole tree (depth first, a cursor per level) and marks every
 * cluster each chain claims in a bitmap: a cluster met twice means the volume
 * is cross-linked (or a chain loops), and it becomes read-only. The cost is
 * one pass over the directories and the chains: O(clusters + entries), once.
 * Volumes of more than CHECK_MAX_CLUSTERS clusters (the bitmap is static) are
 * not checked: handouts/lab7.md section 5.
 */
#include "fat.h"
#include "kstring.h"
#include "panic.h"

#define CHECK_MAX_CLUSTERS (256u * 1024)    /* a 32 KiB bitmap: 1 GiB in 4 KiB clusters */
#define CHECK_DEPTH        (FAT_PATH_MAX / 2)   /* deeper than any path can reach */
#define DIR_CLUS_HI 20
#define DIR_CLUS_LO 26

static uint8_t claimed[CHECK_MAX_CLUSTERS / 8];
static struct fat_dir_pos level[CHECK_DEPTH];  /* a cursor per directory being walked */
static bool started[CHECK_DEPTH];

static bool claim(uint32_t c)
{
    bool was = claimed[c / 8] & (1u << c % 8);
    claimed[c / 8] |= (uint8_t)(1u << c % 8);
    return !was;
}

/* Every cluster of the chain from `first`; one met before is a loop or a cross-link. */
static int claim_chain(struct fat_volume *v, uint32_t first, const char *name)
{
    uint32_t c = first, next, length;
    int err;

    if (!fat_cluster_ok(v, first))
        return fat_corrupt(v, "\"%s\" starts at cluster %u, outside the volume", name, first);
    while (!fat_is_eoc(v, c)) {
        if (!claim(c)) {
            if ((err = fat_chain_length(v, first, &length)))
                return err;         /* it loops: that message is the more precise one */
            return fat_corrupt(v, "\"%s\" shares cluster %u with another file or directory",
                               name, c);
        }
        if ((err = fat_get(v, c, &next)))
            return err;
        if (!fat_is_eoc(v, next) && !fat_cluster_ok(v, next))
            return fat_corrupt(v, "cluster %u links to %u, which is %s", c, next,
                               next == 0 ? "free" : "not a data cluster");
        c = next;
    }
    return 0;
}

/* The next 8.3 entry of a file or directory under the cursor; FAT_ENOSPC at the end. */
static int next_entry(struct fat_volume *v, struct fat_dir_pos *pos, bool first,
                      uint8_t ent[FAT_DIRENT_SIZE])
{
    int err = first ? 0 : fat_dir_next(v, pos);
    uint8_t *s;

    for (; !err; err = fat_dir_next(v, pos)) {
        if (!(s = fat_cache_get(&v->cache, pos->lba, false)))
            return FAT_EIO;
        memcpy(ent, s + pos->offset, FAT_DIRENT_SIZE);
        if (ent[0] == 0)
            return FAT_ENOSPC;
        if (ent[0] != FAT_DELETED && ent[0] != '.' && !(ent[11] & FAT_ATTR_VOLUME_ID))
            return 0;               /* long entries have the label bit: skipped too */
    }
    return err;
}

/* The entry's chain claimed; a directory's entries next (one level down). */
static int claim_entry(struct fat_volume *v, const uint8_t *ent, int *depth)
{
    uint32_t cluster = (uint32_t)ent[DIR_CLUS_LO] | (uint32_t)ent[DIR_CLUS_LO + 1] << 8;
    char name[13];
    int err;

    if (v->g.type == FAT_TYPE_32)
        cluster |= ((uint32_t)ent[DIR_CLUS_HI] | (uint32_t)ent[DIR_CLUS_HI + 1] << 8) << 16;
    fat_short_to_name(ent, 0, name);
    if (cluster == 0)
        return 0;                   /* an empty file (make_node judges a directory) */
    if ((err = claim_chain(v, cluster, name)))
        return err;
    if (!(ent[11] & FAT_ATTR_DIRECTORY))
        return 0;
    if (*depth == CHECK_DEPTH)
        return fat_corrupt(v, "directories nest deeper than %d levels: the volume cannot be "
                           "checked for cross-links", CHECK_DEPTH);
    started[*depth] = false;
    return fat_dir_start(v, cluster, &level[(*depth)++]);
}

int fat_check_volume(struct fat_volume *v)
{
    uint8_t ent[FAT_DIRENT_SIZE];
    int depth = 1, err;

    if (v->g.clusters + FAT_FIRST_CLUSTER > CHECK_MAX_CLUSTERS)
        return 0;                   /* too big for the bitmap: not checked (the handout says) */
    memset(claimed, 0, (v->g.clusters + FAT_FIRST_CLUSTER + 7) / 8);
    if (v->g.type == FAT_TYPE_32 && (err = claim_chain(v, v->g.root_cluster, "/")))
        return err;
    started[0] = false;
    if ((err = fat_dir_start(v, 0, &level[0])))
        return err;
    while (depth > 0) {
        err = next_entry(v, &level[depth - 1], !started[depth - 1], ent);
        started[depth - 1] = true;
        if (err == FAT_ENOSPC)
            depth--;                /* that directory is done: back to its parent */
        else if (err || (err = claim_entry(v, ent, &depth)))
            return err;
    }
    return 0;
}
