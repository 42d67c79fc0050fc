/*
 * volume.c - mounting a FAT volume, the write barrier, unmounting, and the
 * rule that the first inconsistency makes the volume read-only. Pure code,
 * host-tested (tests/test_lab7_fs.c).
 *
 * FAT32's FSInfo sector ([FAT] "FSInfo Sector Structure and Backup Boot
 * Sector") holds a free-cluster count that is only a hint. Before the first
 * change we set it to "unknown" (0xFFFFFFFF) and only write the real count
 * back at unmount, so a crash in between never leaves a wrong count behind.
 * A count that was unknown at mount is never counted here (a whole-FAT pass).
 */
#include <stdarg.h>
#include "fat.h"
#include "kprintf.h"
#include "kstring.h"
#include "panic.h"

#define FSI_FREE_COUNT 488
#define FSI_NXT_FREE   492

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

const char *fat_strerror(int err)
{
    switch (err) {
    case FAT_OK:        return "ok";
    case FAT_EIO:       return "I/O error";
    case FAT_ENOENT:    return "no such file or directory";
    case FAT_EEXIST:    return "exists";
    case FAT_ENOTDIR:   return "not a directory";
    case FAT_EISDIR:    return "is a directory";
    case FAT_ENOSPC:    return "no space left";
    case FAT_ECORRUPT:  return "inconsistent volume";
    case FAT_EROFS:     return "read-only volume";
    case FAT_EINVAL:    return "invalid name";
    case FAT_ENOTEMPTY: return "directory not empty";
    case FAT_ENOVOL:    return "no FAT volume";
    case FAT_ENAMETOOLONG: return "name longer than 255 characters";
    default:            return "unknown error";
    }
}

int fat_corrupt(struct fat_volume *v, const char *fmt, ...)
{
    va_list ap;

    if (!v->read_only || !v->error[0]) {    /* the first inconsistency is the one reported */
        va_start(ap, fmt);
        kvsnprintf(v->error, sizeof v->error, fmt, ap);
        va_end(ap);
    }
    v->read_only = true;
    fat_cache_drop(&v->cache);              /* nothing of an inconsistent volume is written */
    return FAT_ECORRUPT;
}

uint64_t fat_cluster_lba(const struct fat_volume *v, uint32_t cluster)
{
    assert(fat_cluster_ok(v, cluster));
    return v->start + v->g.data_sector +
           (uint64_t)(cluster - FAT_FIRST_CLUSTER) * v->g.sectors_per_cluster;
}

/* FAT32: the free count and next-free hint, if FSInfo looks like one. Both are hints
   ([FAT] "FSInfo Sector Structure"): a count above the cluster count is unknown, a next
   free that is not a data cluster (0x0FFFFFF7, 0xFFFFFFFF, 1) is no hint. */
static int read_fsinfo(struct fat_volume *v)
{
    uint8_t *s;

    v->free_count = FAT_FREE_UNKNOWN;
    v->free_hint = FAT_FIRST_CLUSTER;
    if (v->g.type != FAT_TYPE_32 || v->g.fsinfo_sector == 0)
        return 0;
    if (!(s = fat_cache_get(&v->cache, v->start + v->g.fsinfo_sector, false)))
        return FAT_EIO;
    if (le32(s) != 0x41615252u || le32(s + 484) != 0x61417272u)
        return 0;
    if (le32(s + FSI_FREE_COUNT) <= v->g.clusters)
        v->free_count = le32(s + FSI_FREE_COUNT);
    if (fat_cluster_ok(v, le32(s + FSI_NXT_FREE)))
        v->free_hint = le32(s + FSI_NXT_FREE);
    return 0;
}

int fat_mount(struct fat_volume *v, struct blockdev *bd)
{
    uint64_t count;
    uint8_t *s;
    char why[FAT_ERROR_MAX];
    int err;

    memset(v, 0, sizeof *v);
    fat_cache_init(&v->cache, bd);
    v->read_only = true;            /* until it checks out */
    if (!(s = fat_cache_get(&v->cache, 0, false)))
        return FAT_EIO;
    if ((err = fat_find_volume(s, bd->sectors, &v->start, &count, &v->partition, why,
                               sizeof why))) {
        strlcpy(v->error, why, sizeof v->error);
        return err;
    }
    if (!(s = fat_cache_get(&v->cache, v->start, false)))
        return FAT_EIO;
    if ((err = fat_parse_bpb(s, &v->g, why, sizeof why))) {
        ksnprintf(v->error, sizeof v->error, "partition %d: %s", v->partition, why);
        return err;
    }
    if (v->g.total_sectors > count) {
        ksnprintf(v->error, sizeof v->error, "the volume (%u sectors) is larger than its "
                  "partition (%llu sectors)", v->g.total_sectors, (unsigned long long)count);
        return FAT_ENOVOL;
    }
    if ((err = read_fsinfo(v)))
        return err;
    v->read_only = false;
    return 0;
}

int fat_barrier(struct fat_volume *v)
{
    if (v->read_only)
        return FAT_EROFS;
    return fat_cache_sync(&v->cache);
}

int fat_begin_write(struct fat_volume *v, const char *path)
{
    int err;

    if (path && (err = fat_path_check(path)))
        return err;                 /* a name of 256+ changes nothing, FSInfo included */
    if (v->read_only)
        return v->error[0] ? FAT_ECORRUPT : FAT_EROFS;
    if (!v->checked) {              /* no write to a cross-linked volume (check.c) */
        v->checked = true;
        if ((err = fat_check_volume(v)))
            return err;
    }
    fat_undo_begin(v);
    v->read_pos.first = 0;          /* chains may change from here on */
    if (v->fsinfo_stale)
        return 0;
    v->fsinfo_stale = true;
    if (v->g.type != FAT_TYPE_32)
        return 0;
    uint32_t count = v->free_count;
    v->free_count = FAT_FREE_UNKNOWN;
    err = fat_write_fsinfo(v);
    v->free_count = count;
    return err ? err : fat_barrier(v);
}

int fat_unmount(struct fat_volume *v)
{
    int err;

    if (v->read_only || !v->fsinfo_stale)
        return 0;
    /* A count that was unknown at mount stays unknown: counting it is a pass over the
       whole FAT (up to 0x0FFFFFF4 entries, minutes), and [FAT] lets whoever needs it count. */
    if ((err = fat_write_fsinfo(v)))
        return err;
    v->fsinfo_stale = false;
    return fat_barrier(v);
}
