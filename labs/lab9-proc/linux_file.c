/*
 * linux_file.c - the file calls of the Linux personality, on lab 9's
 * descriptors (the man-pages of each): openat(2) and the other *at calls,
 * relative to the working directory or a directory descriptor, fchdir(2),
 * fcntl(2) and fcntl64, access(2) and faccessat, readv(2) and writev(2),
 * readlink(2) with /proc/self/exe (the stat calls are linux_stat.c's, ioctl
 * linux_dev.c's). Calls that change what
 * FAT has no room for (chmod, chown, utimes) succeed and change nothing.
 */
#include "kstring.h"
#include "kproc.h"
#include "sysnum.h"

#define AT_FDCWD        ((uint32_t)-100)
#define AT_REMOVEDIR    0x200
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define O_KNOWN (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | O_DIRECTORY | O_CLOEXEC)
#define PROC_EXE "/proc/self/exe"

/* Is the path at upath absolute? 0 or 1, or -EFAULT. */
static int32_t absolute(uint32_t upath)
{
    char c;

    if (!uaccess_ok(process_current(), upath, 1, false))
        return -EFAULT;
    copy_in(process_current(), &c, upath, 1);
    return c == '/';
}

int32_t linux_at_enter(uint32_t dirfd, uint32_t upath, struct linux_at *at)
{
    struct proc *p = proc_current();
    char dir[FAT_PATH_MAX];
    int32_t err = absolute(upath);

    at->moved = false;
    if (err || dirfd == AT_FDCWD)       /* absolute (dirfd ignored, as Linux), or cwd's */
        return err < 0 ? err : 0;
    if ((err = linux_fd_dir_path(dirfd, dir)))
        return err;
    memcpy(at->cwd, p->cwd, sizeof at->cwd);
    strlcpy(p->cwd, dir, sizeof p->cwd);    /* only this process's one thread reads it */
    at->moved = true;
    return 0;
}

void linux_at_leave(const struct linux_at *at)
{
    if (at->moved)
        memcpy(proc_current()->cwd, at->cwd, sizeof at->cwd);
}

static int32_t do_fcntl(uint32_t fd, uint32_t cmd, uint32_t arg)
{
    struct fdtable *t = &proc_current()->files;
    struct ofile *of = fd_get(t, fd);

    if (!of)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: {
        int nfd = fd_install(t, of, arg, cmd == F_DUPFD_CLOEXEC);
        if (nfd >= 0)
            ofile_get(of);
        return nfd;
    }
    case F_GETFD:
        return t->cloexec & (1u << fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
        t->cloexec = (arg & FD_CLOEXEC) ? t->cloexec | 1u << fd : t->cloexec & ~(1u << fd);
        return 0;
    case F_GETFL:
        return (int32_t)of->flags;
    case F_SETFL:
        of->flags = (of->flags & ~(uint32_t)O_APPEND) | (arg & O_APPEND);
        return 0;
    default:
        return 0;                       /* locks: one user, nothing to wait for */
    }
}

/*
 * write(2) to a pipe nobody reads: Linux sends SIGPIPE, whose default action ends the
 * writer (a pipeline's `yes | head` ends quietly). Lab 9 sends none (its own programs
 * see -EPIPE), so only a process the personality knows as a Linux C library's gets it;
 * one that ignores or handles SIGPIPE gets -EPIPE, as on Linux.
 */
static int32_t pipe_checked(int32_t n)
{
    struct proc *p = proc_current();

    if (n == -EPIPE && p->lx.full && p->lx.act[SIGPIPE].handler == 0 /* SIG_DFL */)
        proc_die(WSTATUS_SIGNALED(SIGPIPE));
    return n;
}

/* dup3(330): dup2 with O_CLOEXEC as its only flag, and old == new an error. */
static int32_t do_dup3(uint32_t old, uint32_t new, uint32_t flags)
{
    struct fdtable *t = &proc_current()->files;
    struct ofile *replaced;

    if (old == new || (flags & ~(uint32_t)O_CLOEXEC))
        return -EINVAL;
    int fd = fd_dup2(t, old, new, &replaced);
    if (replaced)
        ofile_put(replaced);
    if (fd >= 0 && (flags & O_CLOEXEC))
        t->cloexec |= 1u << fd;
    return fd;
}

/* readv (145) and writev (146): each iovec in turn, until one comes up short. */
static int32_t do_iov(uint32_t fd, uint32_t uiov, uint32_t count, bool write)
{
    struct process *p = process_current();
    int32_t total = 0;

    if (count > 1024)
        return -EINVAL;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t iov[2];
        if (!uaccess_ok(p, uiov + i * 8, 8, false))
            return total ? total : -EFAULT;
        copy_in(p, iov, uiov + i * 8, 8);
        if (!iov[1])
            continue;
        int32_t n = write ? pipe_checked(sys9_write(fd, iov[0], iov[1]))
                          : sys9_read(fd, iov[0], iov[1]);
        if (n < 0)
            return total ? total : n;
        total += n;
        if ((uint32_t)n < iov[1])
            break;
    }
    return total;
}

/* What lab 7 has at the user's path: 0, or -errno (the path's or the lookup's). */
static int32_t lookup_user_path(uint32_t upath, char path[FAT_PATH_MAX])
{
    struct fat_volume *vol;
    struct fat_node node;
    int32_t err = user_path(upath, path);

    if (err)
        return err;
    vfs_lock();
    err = vfs_lookup(path, &vol, &node);
    vfs_unlock();
    return err ? fs_errno(err) : 0;
}

static int32_t do_readlink(uint32_t upath, uint32_t ubuf, uint32_t len)
{
    char path[FAT_PATH_MAX];
    int32_t err = user_path(upath, path);

    if (!err && !strcmp(path, PROC_EXE)) {
        const char *exe = process_current()->name;
        uint32_t n = strlen(exe) < len ? strlen(exe) : len;     /* no NUL, as Linux */
        if (!user_writable(ubuf, n))
            return -EFAULT;
        copy_out(process_current(), ubuf, exe, n);
        return (int32_t)n;
    }
    err = err ? err : lookup_user_path(upath, path);
    return err ? err : -EINVAL;         /* FAT has no symbolic links */
}

static int32_t do_access(uint32_t upath)
{
    char path[FAT_PATH_MAX];

    return lookup_user_path(upath, path);   /* root may do anything to what is there */
}

/* renameat(2): both paths resolve in one working directory, so a relative path on each of
   two different directories (two descriptors, or one and the real working directory) is
   -EXDEV, which mv(1) answers by copying, as across volumes. */
static int32_t do_renameat(const uint32_t a[6], uint32_t flags)
{
    struct linux_at at;
    int32_t old_abs = absolute(a[1]), new_abs = absolute(a[3]), err;

    if (flags)
        return -EINVAL;
    if (old_abs < 0 || new_abs < 0)
        return -EFAULT;
    uint32_t old_dir = old_abs ? AT_FDCWD : a[0], new_dir = new_abs ? AT_FDCWD : a[2];
    if (!old_abs && !new_abs && old_dir != new_dir)
        return -EXDEV;
    bool by_old = old_dir != AT_FDCWD;
    if ((err = linux_at_enter(by_old ? a[0] : a[2], by_old ? a[1] : a[3], &at)))
        return err;
    err = sys9_dirop(SYS_rename, a[1], a[3]);
    linux_at_leave(&at);
    return err;
}

/* The calls on a path relative to a directory (dirfd a[0], path a[1]). */
static int32_t at_call(uint32_t nr, const uint32_t a[6])
{
    struct linux_at at;
    int32_t err = linux_at_enter(a[0], a[1], &at);

    if (err)
        return err;
    switch (nr) {
    case SYS_openat: err = linux_open(a[1], a[2] & O_KNOWN); break;
    case SYS_mkdirat: err = sys9_dirop(SYS_mkdir, a[1], a[2]); break;
    case SYS_unlinkat:
        err = sys9_dirop(a[2] & AT_REMOVEDIR ? SYS_rmdir : SYS_unlink, a[1], 0);
        break;
    case SYS_readlinkat: err = do_readlink(a[1], a[2], a[3]); break;
    default: err = do_access(a[1]); break;          /* faccessat(2), utimensat */
    }
    linux_at_leave(&at);
    return err;
}

/* fchdir(2): the directory open as fd becomes the working directory. */
static int32_t do_fchdir(uint32_t fd)
{
    char dir[FAT_PATH_MAX];
    int32_t err = linux_fd_dir_path(fd, dir);

    if (!err)
        strlcpy(proc_current()->cwd, dir, sizeof proc_current()->cwd);
    return err;
}

bool linux_file_handles(uint32_t nr)
{
    switch (nr) {
    case SYS_write: case SYS_link: case SYS_sync: case SYS_symlink: case SYS_dup3:
    case SYS_open: case SYS_chmod: case SYS_utime: case SYS_access: case SYS_ioctl:
    case SYS_fcntl: case SYS_fcntl64: case SYS_readlink: case SYS_fchmod: case SYS_fsync:
    case SYS_fchdir: case SYS_readv: case SYS_writev: case SYS_fdatasync:
    case SYS_chown: case SYS_chown32: case SYS_lchown32: case SYS_fchown32:
    case SYS_sendfile: case SYS_sendfile64: case SYS_stat64: case SYS_lstat64: case SYS_fstat64:
    case SYS_utimes: case SYS_openat: case SYS_mkdirat: case SYS_fstatat64: case SYS_unlinkat:
    case SYS_renameat: case SYS_renameat2: case SYS_readlinkat: case SYS_fchmodat:
    case SYS_faccessat: case SYS_faccessat2: case SYS_utimensat:
        return true;
    default:
        return false;
    }
}

int32_t linux_file_syscall(uint32_t nr, const uint32_t a[6])
{
    switch (nr) {
    case SYS_access: return do_access(a[0]);
    case SYS_ioctl: return linux_ioctl(a[0], a[1], a[2]);
    case SYS_fcntl: case SYS_fcntl64: return do_fcntl(a[0], a[1], a[2]);
    case SYS_readlink: return do_readlink(a[0], a[1], a[2]);
    case SYS_fchdir: return do_fchdir(a[0]);
    case SYS_readv: case SYS_writev: return do_iov(a[0], a[1], a[2], nr == SYS_writev);
    case SYS_stat64: case SYS_lstat64: case SYS_fstat64: case SYS_fstatat64:
        return linux_stat_syscall(nr, a);
    case SYS_openat: case SYS_mkdirat: case SYS_unlinkat: case SYS_readlinkat:
    case SYS_faccessat: case SYS_faccessat2:
        return at_call(nr, a);
    case SYS_open: return linux_open(a[0], a[1] & O_KNOWN);
    case SYS_renameat: return do_renameat(a, 0);
    case SYS_renameat2: return do_renameat(a, a[4]);    /* no flags */
    case SYS_sendfile: case SYS_sendfile64: return -EINVAL;     /* callers read and write */
    case SYS_write: return pipe_checked(sys9_write(a[0], a[1], a[2]));
    case SYS_dup3: return do_dup3(a[0], a[1], a[2]);
    case SYS_link: case SYS_symlink: return -EPERM;     /* FAT has neither */
    case SYS_utime: case SYS_utimes: return do_access(a[0]);    /* nothing to keep */
    case SYS_utimensat: return a[1] ? at_call(nr, a) : 0;       /* a path's must exist */
    default: return 0;                  /* chmod, chown, utimes, fsync: nothing to keep */
    }
}
