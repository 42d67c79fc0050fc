/*
 * inode.c - one in-memory object per open file, shared by every descriptor
 * that has the file open, as xv6's struct inode is (xv6 book, ch. 8 "File
 * system", "Inode layer"): every descriptor sees one truth.
 *
 * Lab 7 gives a file new clusters and frees the old ones when it truncates
 * it, replaces it, or grows it past its last cluster (copy-on-write,
 * handouts/lab7.md). A descriptor that kept its own copy of the directory
 * entry would go on reading the freed clusters: another file's bytes once
 * they are reused, or, while they are free, a chain that lab 7 rightly calls
 * corrupt, turning the whole volume read-only. So the entry lives here, once,
 * and every change made through any descriptor reads it again.
 *
 * A file is known by where its directory entry is: the volume, the first
 * cluster of its directory and its slot there, so every spelling of a path
 * (FAT names ignore case) finds the same inode. All of it runs under the vfs
 * lock (vfs.c): lab 7 is not reentrant, and the list is everyone's.
 */
#include "fat.h"
#include "heap.h"
#include "kstring.h"
#include "panic.h"
#include "uvm.h"

struct inode {
    struct fat_volume *vol;
    struct fat_node node;               /* the directory entry as it is now */
    char path[FAT_PATH_MAX];            /* how lab 7 names it for a write */
    uint32_t refs;                      /* descriptors that have it */
    struct inode *next;
};

static struct inode *inodes;            /* every inode some descriptor has */

static bool same_file(const struct inode *ip, const struct fat_volume *vol,
                      const struct fat_node *node)
{
    return ip->vol == vol && ip->node.parent == node->parent && ip->node.slot == node->slot;
}

struct inode *inode_get(struct fat_volume *vol, const struct fat_node *node, const char *path)
{
    struct inode *ip;

    for (ip = inodes; ip; ip = ip->next)
        if (same_file(ip, vol, node)) {
            ip->refs++;
            return ip;
        }
    if (!(ip = kzalloc(sizeof *ip)))
        return NULL;
    ip->vol = vol;
    ip->node = *node;
    strlcpy(ip->path, path, sizeof ip->path);
    ip->refs = 1;
    ip->next = inodes;
    inodes = ip;
    return ip;
}

void inode_put(struct inode *ip)
{
    assert(ip->refs > 0);
    if (--ip->refs > 0)
        return;
    for (struct inode **pp = &inodes; *pp; pp = &(*pp)->next)
        if (*pp == ip) {
            *pp = ip->next;
            kfree(ip);
            return;
        }
    panic("lab8: inode of %s is not in the list", ip->path);
}

const struct fat_node *inode_node(const struct inode *ip)
{
    return &ip->node;
}

int32_t inode_read(struct inode *ip, uint32_t offset, void *buf, uint32_t len)
{
    return fat_read(ip->vol, &ip->node, offset, buf, len);
}

/* After lab 7 changed the file, whether or not it failed: its entry as it is now. */
static int reread(struct inode *ip, int err)
{
    int again = fat_lookup(ip->vol, ip->path, &ip->node);
    return err ? err : again;
}

int inode_append(struct inode *ip, uint32_t len, fat_fill_fn fill, void *arg)
{
    return reread(ip, fat_write_file(ip->vol, ip->path, len, true, fill, arg));
}

int inode_truncate(struct inode *ip)
{
    return reread(ip, fat_truncate(ip->vol, ip->path, 0));
}
