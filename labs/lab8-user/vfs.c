/*
 * vfs.c - the FAT volumes processes see: every ATA position (lab 4's, in
 * lab 7's order: primary master, primary slave, secondary master, ...) that
 * holds a FAT volume is mounted, and a path is looked up on each in turn, so
 * a disk with nothing on it but one program is enough.
 *
 * Lab 7 is not reentrant (one block cache per volume, one set of scratch
 * buffers): one mutex covers every call into it. A holder may sleep on the
 * disk; the others wait on the mutex, with priority donation (lab 6).
 */
#include "ata.h"
#include "fat.h"
#include "kprintf.h"
#include "panic.h"
#include "uvm.h"

#define POSITIONS (2 * ATA_MAX_CHANNELS)

static struct fat_volume volumes[POSITIONS];
static bool mounted[POSITIONS];
static struct mutex fs_mutex = { .name = "vfs" };

void vfs_lock(void)
{
    mutex_lock(&fs_mutex);
}

void vfs_unlock(void)
{
    mutex_unlock(&fs_mutex);
}

int volumes_mount(void)
{
    int n = 0;

    vfs_lock();
    for (int i = 0; i < POSITIONS; i++) {
        struct blockdev *bd = fat_ata_open(i / 2, i % 2);
        if (!bd)
            continue;
        struct fat_volume *v = &volumes[i];
        int err = fat_mount(v, bd);
        kprintf("lab8: ata%d %s: ", i / 2, ata_unit_name(i % 2));
        if (err) {
            kprintf("%s: %s\n", fat_strerror(err), v->error);
            continue;
        }
        kprintf("%s volume\n", fat_type_name(v->g.type));
        mounted[i] = true;
        n++;
    }
    vfs_unlock();
    return n;
}

void volumes_unmount(void)
{
    vfs_lock();
    for (int i = 0; i < POSITIONS; i++) {
        if (!mounted[i])
            continue;
        int err = fat_unmount(&volumes[i]);
        if (err)
            kprintf("lab8: ata%d %s: sync: %s\n", i / 2, ata_unit_name(i % 2), fat_strerror(err));
        mounted[i] = false;
    }
    vfs_unlock();
}

/* Hold the lock. A FAT error stays a FAT error; sysfile.c turns it into an errno. */
int vfs_lookup(const char *path, struct fat_volume **vol, struct fat_node *node)
{
    int err = FAT_ENOENT;

    for (int i = 0; i < POSITIONS; i++) {
        if (!mounted[i])
            continue;
        err = fat_lookup(&volumes[i], path, node);
        if (err != FAT_ENOENT && err != FAT_ENOTDIR) {
            *vol = &volumes[i];
            return err;
        }
    }
    return err;
}

static void fill_nothing(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    (void)arg;
    (void)offset;
    (void)buf;
    assert(len == 0);
}

/* Hold the lock. An empty file at path, on the first volume that has its directory. */
int vfs_create(const char *path, struct fat_volume **vol, struct fat_node *node)
{
    struct fat_node parent;
    char last[FAT_NAME_MAX + 1];
    int err = FAT_ENOENT;

    for (int i = 0; i < POSITIONS; i++) {
        if (!mounted[i] || fat_lookup_parent(&volumes[i], path, &parent, last))
            continue;
        *vol = &volumes[i];
        if ((err = fat_write_file(*vol, path, 0, false, fill_nothing, NULL)))
            return err;
        return fat_lookup(*vol, path, node);
    }
    return err;
}

/* Hold the lock. The first volume that has path's parent directory (lab 9's mkdir,
   rename): 0, or a FAT error. */
int vfs_parent(const char *path, struct fat_volume **vol)
{
    struct fat_node parent;
    char last[FAT_NAME_MAX + 1];

    for (int i = 0; i < POSITIONS; i++) {
        if (mounted[i] && !fat_lookup_parent(&volumes[i], path, &parent, last)) {
            *vol = &volumes[i];
            return 0;
        }
    }
    return FAT_ENOENT;
}
