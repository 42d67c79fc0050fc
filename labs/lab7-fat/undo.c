/*
 * undo.c - what an operation changed before its commit write, so that an
 * error puts the volume back exactly as it was. Pure code, host-tested
 * (tests/test_lab7_errors.c fails every write and every allocation in turn).
 *
 * handouts/lab7.md section 2: every operation is (1) new clusters marked in
 * the FAT and filled, (2) the one commit write (a directory sector), (3) the
 * old clusters freed. An error in (1) or (2) - a full root, no free cluster,
 * an I/O error - must not leave the clusters of (1) marked in the FAT with no
 * entry pointing at them ([FAT] "FAT Data Structure": the lost clusters that
 * fsck.fat reclaims). So an operation notes the chains it allocates, the one
 * FAT entry a directory's growth changes, and each directory sector before
 * its first change; an error puts the sectors and the link back (barrier),
 * then frees the chains (barrier): the order of a removal. Once the commit
 * write is on the disk the change has happened and the notes are dropped; an
 * error after that (freeing the old chain) leaves the frees dirty in the
 * cache, for the next barrier.
 */
#include "fat.h"
#include "kstring.h"
#include "panic.h"

void fat_undo_begin(struct fat_volume *v)
{
    memset(&v->undo, 0, sizeof v->undo);
    v->undo.active = true;
}

void fat_undo_commit(struct fat_volume *v)
{
    memset(&v->undo, 0, sizeof v->undo);
}

void fat_undo_chain(struct fat_volume *v, uint32_t first)
{
    if (!v->undo.active)
        return;
    assert(v->undo.nchains < FAT_UNDO_CHAINS);
    v->undo.chain[v->undo.nchains++] = first;
}

void fat_undo_link(struct fat_volume *v, uint32_t cluster, uint32_t old)
{
    if (!v->undo.active)
        return;
    assert(v->undo.link_from == 0);
    v->undo.link_from = cluster;
    v->undo.link_old = old;
}

void fat_undo_sector(struct fat_volume *v, uint64_t lba, const uint8_t *data)
{
    struct fat_undo *u = &v->undo;

    if (!u->active)
        return;
    for (int i = 0; i < u->nsectors; i++)
        if (u->lba[i] == lba)
            return;                 /* the first image is the one to go back to */
    assert(u->nsectors < FAT_UNDO_SECTORS);
    u->lba[u->nsectors] = lba;
    memcpy(u->old[u->nsectors++], data, FAT_SECTOR_SIZE);
}

/* Directory sectors and the grown link as they were: nothing points at the chains now. */
static int put_back(struct fat_volume *v, const struct fat_undo *u)
{
    uint8_t *s;
    int err;

    for (int i = u->nsectors - 1; i >= 0; i--) {
        if (!(s = fat_cache_get(&v->cache, u->lba[i], false)))
            return FAT_EIO;
        memcpy(s, u->old[i], FAT_SECTOR_SIZE);
        fat_cache_mark_dirty(&v->cache, s);
    }
    if (u->link_from && (err = fat_set(v, u->link_from, u->link_old)))
        return err;
    return fat_barrier(v);
}

int fat_undo_finish(struct fat_volume *v, int err)
{
    static struct fat_undo u;       /* 2 KiB: off the stack (one file system call at a time) */

    u = v->undo;
    memset(&v->undo, 0, sizeof v->undo);
    if (!err || !u.active || v->read_only)
        return err;                 /* an inconsistent volume is never written */
    if (put_back(v, &u))
        return err;
    for (int i = u.nchains - 1; i >= 0; i--)
        if (fat_free_chain(v, u.chain[i]))
            return err;
    fat_barrier(v);
    return err;
}
