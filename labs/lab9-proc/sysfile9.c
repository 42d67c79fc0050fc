/*
 * sysfile9.c - open, read, write, lseek, _llseek, stat64 and fstat64 through
 * lab 9's descriptors (man 2 of each, Linux's semantics): the console, lab 7
 * files (one lab 8 inode per file, shared by every open), directories (for
 * getdents64, sysdir.c) and pipes. A file is written at its end, as lab 8
 * writes it (lab 7 appends or replaces): elsewhere, -EINVAL.
 */
#include "heap.h"
#include "kstring.h"
#include "panic.h"
#include "kproc.h"
#include "x86.h"

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define CHUNK 512

int fs_errno(int fat_err)
{
    switch (fat_err) {
    case FAT_ENOENT: return -ENOENT;
    case FAT_EEXIST: return -EEXIST;
    case FAT_ENOTDIR: return -ENOTDIR;
    case FAT_EISDIR: return -EISDIR;
    case FAT_ENOSPC: return -ENOSPC;
    case FAT_EROFS: return -EROFS;
    case FAT_EINVAL: return -EINVAL;
    case FAT_ENOTEMPTY: return -ENOTEMPTY;
    default: return -EIO;
    }
}

/* The kernel writes there next: copy-on-write pages get their own copy first. */
bool user_writable(uint32_t va, uint32_t len)
{
    struct proc *p = proc_current();

    if (!uaccess_ok(&p->base, va, len, false))
        return false;
    intr_state_t fl = intr_disable();
    bool ok = cow_unshare(&frame_pool, p->base.pgdir, va, len, &p->base.frames);
    intr_restore(fl);
    return ok && uaccess_ok(&p->base, va, len, true);
}

int user_path(uint32_t upath, char out[FAT_PATH_MAX])
{
    struct proc *p = proc_current();
    char path[FAT_PATH_MAX];

    for (uint32_t i = 0; i < FAT_PATH_MAX; i++) {
        if (!uaccess_ok(&p->base, upath + i, 1, false))
            return -EFAULT;
        copy_in(&p->base, &path[i], upath + i, 1);
        if (!path[i])
            return path_resolve(p->cwd, path, out);
    }
    return -ENAMETOOLONG;
}

void ofile_close(struct ofile *of)
{
    switch (of->kind) {
    case OF_DISK:
        if (of->ip) {                   /* NULL: an open that failed half-way */
            vfs_lock();
            inode_put(of->ip);
            vfs_unlock();
        }
        break;
    case OF_PIPE_READ:
    case OF_PIPE_WRITE:
        pipe_close(of->pipe, of->kind == OF_PIPE_WRITE);
        break;
    default:
        break;
    }
    kfree(of);
}

void ofile_put(struct ofile *of)
{
    if (ofile_unref(of))
        ofile_close(of);
}

/* The file or directory at path, made with O_CREAT, emptied with O_TRUNC (vfs lock held). */
static int open_locked(const char *path, uint32_t flags, struct ofile *of)
{
    struct fat_volume *vol;
    struct fat_node node;
    int err = vfs_lookup(path, &vol, &node);

    if (err == FAT_ENOENT && (flags & O_CREAT))
        err = vfs_create(path, &vol, &node);
    if (err)
        return fs_errno(err);
    if (fat_node_is_dir(&node)) {
        if ((flags & O_ACCMODE) != O_RDONLY)
            return -EISDIR;
        of->kind = OF_DIR;
        of->vol = vol;
        of->dir = node;
        return 0;
    }
    if (flags & O_DIRECTORY)
        return -ENOTDIR;
    of->kind = OF_DISK;
    if (!(of->ip = inode_get(vol, &node, path)))
        return -ENOMEM;
    if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY && inode_node(of->ip)->size &&
        (err = inode_truncate(of->ip)))
        return fs_errno(err);
    if (flags & O_APPEND)
        of->offset = inode_node(of->ip)->size;
    return 0;
}

int32_t sys9_open(uint32_t upath, uint32_t flags)
{
    struct proc *p = proc_current();
    char path[FAT_PATH_MAX];
    int err = user_path(upath, path);

    if (err)
        return err;
    if ((flags & O_ACCMODE) == O_ACCMODE)
        return -EINVAL;
    struct ofile *of = kzalloc(sizeof *of);
    if (!of)
        return -ENOMEM;
    of->refs = 1;
    of->flags = flags & (O_ACCMODE | O_APPEND);
    vfs_lock();
    err = open_locked(path, flags, of);
    vfs_unlock();
    if (!err && (err = fd_install(&p->files, of, 0, flags & O_CLOEXEC)) >= 0)
        return err;
    ofile_close(of);                    /* what open_locked took, if anything */
    return err;
}

static int32_t file_read(struct ofile *of, uint32_t ubuf, uint32_t len)
{
    static uint8_t chunk[CHUNK];        /* under the vfs lock only */
    int32_t done = 0;

    vfs_lock();
    while ((uint32_t)done < len && of->offset < inode_node(of->ip)->size) {
        uint32_t want = len - (uint32_t)done < CHUNK ? len - (uint32_t)done : CHUNK;
        int32_t got = inode_read(of->ip, of->offset, chunk, want);
        if (got <= 0 || copy_out(&proc_current()->base, ubuf + (uint32_t)done, chunk,
                                 (uint32_t)got)) {
            done = done ? done : got < 0 ? fs_errno(got) : got == 0 ? 0 : -EFAULT;
            break;
        }
        done += got;
        of->offset += (uint32_t)got;
    }
    vfs_unlock();
    return done;
}

int32_t sys9_read(uint32_t fd, uint32_t ubuf, uint32_t len)
{
    struct ofile *of = fd_get(&proc_current()->files, fd);

    if (!of || (of->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    if (!user_writable(ubuf, len))
        return -EFAULT;
    if (len == 0)
        return 0;
    switch (of->kind) {
    case OF_TTY: return tty_read(ubuf, len);
    case OF_DISK: return file_read(of, ubuf, len);
    case OF_PIPE_READ: return pipe_read(of->pipe, ubuf, len);
    case OF_DIR: return -EISDIR;
    case OF_NULL: case OF_ZERO: case OF_RANDOM: return linux_dev_rw(of, ubuf, len, false);   /* Linux personality */
    default: return -EBADF;
    }
}

static void fill_from_user(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    copy_in(process_current(), buf, (uint32_t)(uintptr_t)arg + offset, len);  /* checked */
}

static int32_t file_write(struct ofile *of, uint32_t ubuf, uint32_t len)
{
    int err;

    vfs_lock();
    if (!(of->flags & O_APPEND) && of->offset != inode_node(of->ip)->size)
        err = FAT_EINVAL;
    else
        err = inode_append(of->ip, len, fill_from_user, (void *)(uintptr_t)ubuf);
    if (!err)
        of->offset = inode_node(of->ip)->size;
    vfs_unlock();
    return err ? fs_errno(err) : (int32_t)len;
}

int32_t sys9_write(uint32_t fd, uint32_t ubuf, uint32_t len)
{
    struct ofile *of = fd_get(&proc_current()->files, fd);

    if (!of || (of->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    if (!uaccess_ok(process_current(), ubuf, len, false))
        return -EFAULT;
    if (len > INT32_MAX)
        return -EINVAL;
    switch (of->kind) {
    case OF_TTY: return tty_write(ubuf, len);
    case OF_DISK: return file_write(of, ubuf, len);
    case OF_PIPE_WRITE: return pipe_write(of->pipe, ubuf, len);
    case OF_NULL: case OF_ZERO: case OF_RANDOM: return linux_dev_rw(of, ubuf, len, true);    /* Linux personality */
    default: return -EBADF;
    }
}

int32_t sys9_lseek(uint32_t fd, int32_t off, uint32_t whence, int64_t *result)
{
    struct ofile *of = fd_get(&proc_current()->files, fd);
    int64_t base;

    if (!of)
        return -EBADF;
    if (of->kind != OF_DISK && of->kind != OF_DIR)
        return -ESPIPE;
    vfs_lock();
    base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)of->offset
         : of->kind == OF_DISK ? (int64_t)inode_node(of->ip)->size : -1;
    vfs_unlock();
    if (whence > SEEK_END || base < 0 || base + off < 0 || base + off > UINT32_MAX)
        return -EINVAL;
    of->offset = (uint32_t)(base + off);
    *result = of->offset;
    return 0;
}
