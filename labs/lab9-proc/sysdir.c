/*
 * sysdir.c - names and directories (man 2 of each, Linux's semantics):
 * stat64 and fstat64 (struct stat64 of Linux i386), getdents64, mkdir,
 * rmdir, unlink, rename, chdir and getcwd, on lab 7's volumes. FAT has no
 * owners, modes, links or times: a file is 0644, a directory 0755, one link
 * each, all times 0. Lab 7 lists no "." and "..": getdents64 gives them
 * first, as Linux does. Lab 7 cannot move a directory entry, so rename
 * copies a file and removes the old one (not atomic: a crash between leaves
 * both), and refuses to move a directory with -EXDEV, as across volumes;
 * `mv` then copies.
 */
#include "heap.h"
#include "kstring.h"
#include "panic.h"
#include "kproc.h"
#include "sysnum.h"

#define S_IFIFO 0010000
#define S_IFCHR 0020000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define DT_DIR  4
#define DT_REG  8
#define DIRENT_HEAD 19                  /* d_ino 8, d_off 8, d_reclen 2, d_type 1 */
#define DENTS_MAX 4096                  /* bytes of entries one call gives */
#define RENAME_MAX (1u << 20)           /* the largest file rename copies */

struct stat64 {                         /* Linux i386, 96 bytes */
    uint64_t st_dev;
    uint32_t pad0, st_ino_low, st_mode, st_nlink, st_uid, st_gid;
    uint64_t st_rdev;
    uint32_t pad3;
    int64_t st_size;
    uint32_t st_blksize;
    uint64_t st_blocks;
    uint32_t times[6];
    uint64_t st_ino;
} __attribute__((packed));
_Static_assert(sizeof(struct stat64) == 96, "struct stat64 of Linux i386");

static void stat_node(struct stat64 *st, const struct fat_node *n)
{
    uint64_t ino = n->cluster ? n->cluster : ((uint64_t)n->parent << 16 | n->slot) + 1;

    st->st_mode = fat_node_is_dir(n) ? S_IFDIR | 0755 : S_IFREG | 0644;
    st->st_size = n->size;
    st->st_blocks = (n->size + 511) / 512;
    st->st_ino = ino;
    st->st_ino_low = (uint32_t)ino;
}

static int32_t stat_out(uint32_t ustat, const struct stat64 *st)
{
    return copy_out(process_current(), ustat, st, sizeof *st) ? -EFAULT : 0;
}

int32_t sys9_stat64(uint32_t upath, uint32_t ustat)
{
    char path[FAT_PATH_MAX];
    struct stat64 st = { .st_nlink = 1, .st_blksize = 512 };
    struct fat_volume *vol;
    struct fat_node node;
    int err = user_path(upath, path);

    if (err)
        return err;
    if (!user_writable(ustat, sizeof st))
        return -EFAULT;
    vfs_lock();
    err = vfs_lookup(path, &vol, &node);
    vfs_unlock();
    if (err)
        return fs_errno(err);
    stat_node(&st, &node);
    return stat_out(ustat, &st);
}

int32_t sys9_fstat64(uint32_t fd, uint32_t ustat)
{
    struct ofile *of = fd_get(&proc_current()->files, fd);
    struct stat64 st = { .st_nlink = 1, .st_blksize = 512 };

    if (!of)
        return -EBADF;
    if (!user_writable(ustat, sizeof st))
        return -EFAULT;
    if (of->kind == OF_DISK) {
        vfs_lock();
        stat_node(&st, inode_node(of->ip));
        vfs_unlock();
    } else if (of->kind == OF_DIR) {
        stat_node(&st, &of->dir);
    } else {
        st.st_mode = of->kind == OF_TTY ? S_IFCHR | 0620 : S_IFIFO | 0600;
        st.st_blksize = PAGE_SIZE;
    }
    return stat_out(ustat, &st);
}

struct dents {
    uint8_t *buf;
    uint32_t len, used, index, skip;    /* skip: entries before the descriptor's offset */
    bool full;
};

static bool put_dent(struct dents *d, const char *name, uint64_t ino, uint8_t type)
{
    uint32_t namelen = (uint32_t)strlen(name);
    uint32_t reclen = (DIRENT_HEAD + namelen + 1 + 7) & ~7u;

    if (d->index++ < d->skip)
        return true;
    if (d->used + reclen > d->len) {
        d->full = true;
        d->index--;
        return false;
    }
    uint8_t *r = d->buf + d->used;
    uint64_t off = d->index;
    uint16_t rl = (uint16_t)reclen;
    memset(r, 0, reclen);
    memcpy(r, &ino, 8);
    memcpy(r + 8, &off, 8);
    memcpy(r + 16, &rl, 2);
    r[18] = type;
    memcpy(r + DIRENT_HEAD, name, namelen);
    d->used += reclen;
    return true;
}

static bool list_one(void *arg, const struct fat_node *n)
{
    struct stat64 st;

    stat_node(&st, n);
    return put_dent(arg, n->name, st.st_ino, fat_node_is_dir(n) ? DT_DIR : DT_REG);
}

int32_t sys9_getdents64(uint32_t fd, uint32_t ubuf, uint32_t len)
{
    struct ofile *of = fd_get(&proc_current()->files, fd);
    struct dents d = { .len = len < DENTS_MAX ? len : DENTS_MAX };
    int err = 0;

    if (!of)
        return -EBADF;
    if (of->kind != OF_DIR)
        return -ENOTDIR;
    if (!user_writable(ubuf, len))
        return -EFAULT;
    if (!(d.buf = kmalloc(DENTS_MAX)))
        return -ENOMEM;
    d.skip = of->offset;
    if (put_dent(&d, ".", 1, DT_DIR) && put_dent(&d, "..", 1, DT_DIR)) {
        vfs_lock();
        err = fat_dir_list(of->vol, of->dir.cluster, list_one, &d);
        vfs_unlock();
    }
    int32_t ret = err ? fs_errno(err) : (d.used == 0 && d.full) ? -EINVAL
                : copy_out(process_current(), ubuf, d.buf, d.used) ? -EFAULT : (int32_t)d.used;
    kfree(d.buf);
    if (ret >= 0)
        of->offset = d.index;           /* the next call goes on from there */
    return ret;
}

/* Under the vfs lock: the entry at path, and its volume. */
static int find(const char *path, struct fat_volume **vol, struct fat_node *node)
{
    int err = vfs_lookup(path, vol, node);
    return err ? fs_errno(err) : 0;
}

static int remove_at(const char *path, bool dir)
{
    struct fat_volume *vol;
    struct fat_node node;
    int err = find(path, &vol, &node);

    if (err)
        return err;
    if (fat_node_is_dir(&node) != dir)
        return dir ? -ENOTDIR : -EISDIR;
    if (dir && !strcmp(path, "/"))
        return -EBUSY;
    err = fat_remove(vol, path);
    return err ? fs_errno(err) : 0;
}

static void fill_from_buffer(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    memcpy(buf, (uint8_t *)arg + offset, len);
}

/* A file moved by copying: lab 7 writes it whole at the new name, then removes the old. */
static int rename_file(const char *from, const char *to)
{
    struct fat_volume *vol, *tvol;
    struct fat_node node, there;
    int err = find(from, &vol, &node);

    if (err)
        return err;
    if (fat_node_is_dir(&node))
        return -EXDEV;
    if (!find(to, &tvol, &there) && tvol == vol && there.parent == node.parent &&
        there.slot == node.slot)
        return 0;                       /* the same file: nothing to do */
    if (!vfs_parent(to, &tvol) && tvol != vol)
        return -EXDEV;
    if (node.size > RENAME_MAX)
        return -EFBIG;
    uint8_t *data = kmalloc(node.size ? node.size : 1);
    if (!data)
        return -ENOMEM;
    int32_t got = fat_read(vol, &node, 0, data, node.size);
    err = got != (int32_t)node.size ? FAT_EIO
        : fat_write_file(vol, to, node.size, false, fill_from_buffer, data);
    kfree(data);
    if (!err)
        err = fat_remove(vol, from);
    return err ? fs_errno(err) : 0;
}

static int make_dir(const char *path)
{
    struct fat_volume *vol;
    struct fat_node node;
    int err;

    if (!find(path, &vol, &node))
        return -EEXIST;
    if ((err = vfs_parent(path, &vol)) || (err = fat_mkdir(vol, path)))
        return fs_errno(err);
    return 0;
}

static int change_dir(const char *path)
{
    struct fat_volume *vol;
    struct fat_node node;
    int err = find(path, &vol, &node);

    if (err)
        return err;
    if (!fat_node_is_dir(&node))
        return -ENOTDIR;
    strlcpy(proc_current()->cwd, path, FAT_PATH_MAX);
    return 0;
}

/* mkdir, rmdir, unlink, rename and chdir, by their system-call numbers (sysnum.h). */
int32_t sys9_dirop(uint32_t nr, uint32_t a1, uint32_t a2)
{
    char path[FAT_PATH_MAX], to[FAT_PATH_MAX];
    int err = user_path(a1, path);

    if (!err && nr == SYS_rename)
        err = user_path(a2, to);
    if (err)
        return err;
    vfs_lock();
    switch (nr) {
    case SYS_mkdir: err = make_dir(path); break;
    case SYS_rmdir: err = remove_at(path, true); break;
    case SYS_unlink: err = remove_at(path, false); break;
    case SYS_rename: err = rename_file(path, to); break;
    case SYS_chdir: err = change_dir(path); break;
    default: err = -ENOSYS;
    }
    vfs_unlock();
    return err;
}

int32_t sys9_getcwd(uint32_t ubuf, uint32_t size)
{
    const char *cwd = proc_current()->cwd;
    uint32_t len = (uint32_t)strlen(cwd) + 1;

    if (size < len)
        return -ERANGE;
    if (!user_writable(ubuf, len))
        return -EFAULT;
    return copy_out(process_current(), ubuf, cwd, len) ? -EFAULT : (int32_t)len;
}
