/*
 * linux_file.c - the file calls of the Linux personality, on lab 9's
 * descriptors (the man-pages of each): openat(2) and the other *at calls
 * for AT_FDCWD or an absolute path, fcntl(2) and fcntl64, access(2) and
 * faccessat, readv(2) and writev(2), ioctl(2) for the console (termios(3)'s
 * TCGETS, tty_ioctl(4)'s TIOCGWINSZ; -ENOTTY elsewhere), readlink(2) with
 * /proc/self/exe (the stat calls are linux_stat.c's). Calls that change what
 * FAT has no room for (chmod, chown, utimes) succeed and change nothing.
 */
#include "kstring.h"
#include "kproc.h"

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

/* A path argument of an *at call: only AT_FDCWD or an absolute path (no directory fds):
   0, or -ENOTDIR, -EFAULT. */
int32_t linux_at_path(uint32_t dirfd, uint32_t upath)
{
    char c;

    if (dirfd == AT_FDCWD)
        return 0;
    if (!uaccess_ok(process_current(), upath, 1, false))
        return -EFAULT;
    copy_in(process_current(), &c, upath, 1);
    return c == '/' ? 0 : -ENOTDIR;     /* a directory fd: Cairn's ofile keeps no path */
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

/* The console's termios (asm-generic/termbits.h, the kernel's 36-byte struct termios):
   cooked, ^C interrupts, CR read as NL, NL written as CR NL. ECHO is left out although
   lab 9's line discipline echoes: a program that sees ICANON without ECHO reads whole
   lines and echoes nothing itself (busybox's line editor then uses fgets), where one that
   saw ECHO would switch to raw mode, which TCSETS does not give, and echo twice. */
static const uint8_t tty_termios[36] = {
    0x00, 0x01, 0, 0,                   /* c_iflag: ICRNL */
    0x05, 0, 0, 0,                      /* c_oflag: OPOST | ONLCR */
    0xBF, 0x00, 0, 0,                   /* c_cflag: B38400 | CS8 | CREAD */
    0x33, 0x8A, 0, 0,                   /* c_lflag: ISIG ICANON ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
    0,                                  /* c_line */
    3, 0x1C, 0x7F, 0x15, 4, 0, 1,       /* c_cc: VINTR VQUIT VERASE VKILL VEOF VTIME VMIN */
};

static int32_t do_ioctl(uint32_t fd, uint32_t req, uint32_t arg)
{
    struct ofile *of = fd_get(&proc_current()->files, fd);
    uint16_t winsize[4] = { 24, 80, 0, 0 };
    uint32_t pid = proc_current()->base.pid;

    if (!of)
        return -EBADF;
    if (of->kind != OF_TTY)
        return -ENOTTY;
    switch (req) {
    case 0x5401:                        /* TCGETS */
        return user_writable(arg, sizeof tty_termios) ?
               copy_out(process_current(), arg, tty_termios, sizeof tty_termios) : -EFAULT;
    case 0x5402: case 0x5403: case 0x5404:      /* TCSETS, TCSETSW, TCSETSF: kept cooked */
    case 0x5410:                        /* TIOCSPGRP: no job control */
        return 0;
    case 0x5413:                        /* TIOCGWINSZ */
        return user_writable(arg, sizeof winsize) ?
               copy_out(process_current(), arg, winsize, sizeof winsize) : -EFAULT;
    case 0x540F:                        /* TIOCGPGRP: the caller's own */
        return user_writable(arg, 4) ? copy_out(process_current(), arg, &pid, 4) : -EFAULT;
    default:
        return -EINVAL;
    }
}

static int32_t do_readlink(uint32_t upath, uint32_t ubuf, uint32_t len)
{
    char path[FAT_PATH_MAX];
    struct fat_volume *vol;
    struct fat_node node;
    int32_t err = user_path(upath, path);

    if (err)
        return err;
    if (!strcmp(path, PROC_EXE)) {
        const char *exe = process_current()->name;
        uint32_t n = strlen(exe) < len ? strlen(exe) : len;     /* no NUL, as Linux */
        if (!user_writable(ubuf, n))
            return -EFAULT;
        copy_out(process_current(), ubuf, exe, n);
        return (int32_t)n;
    }
    vfs_lock();
    err = vfs_lookup(path, &vol, &node);
    vfs_unlock();
    return err ? fs_errno(err) : -EINVAL;       /* FAT has no symbolic links */
}

static int32_t do_access(uint32_t upath)
{
    char path[FAT_PATH_MAX];
    struct fat_volume *vol;
    struct fat_node node;
    int32_t err = user_path(upath, path);

    if (err)
        return err;
    vfs_lock();
    err = vfs_lookup(path, &vol, &node);
    vfs_unlock();
    return err ? fs_errno(err) : 0;     /* root may do anything to what is there */
}

bool linux_file_handles(uint32_t nr)
{
    switch (nr) {
    case 4: case 9: case 36: case 83: case 330:
    case 5: case 15: case 30: case 33: case 54: case 55: case 85: case 94: case 118: case 145:
    case 146: case 148: case 182: case 187: case 195: case 196: case 197: case 198: case 207:
    case 212: case 221: case 239: case 271: case 295: case 296: case 300: case 301: case 302:
    case 305: case 306: case 307: case 320: case 353: case 439:
        return true;
    default:
        return false;
    }
}

int32_t linux_file_syscall(uint32_t nr, const uint32_t a[6])
{
    int32_t err;

    switch (nr) {
    case 33: return do_access(a[0]);
    case 307: case 439: return (err = linux_at_path(a[0], a[1])) ? err : do_access(a[1]);
    case 54: return do_ioctl(a[0], a[1], a[2]);
    case 55: case 221: return do_fcntl(a[0], a[1], a[2]);
    case 85: return do_readlink(a[0], a[1], a[2]);
    case 305: return (err = linux_at_path(a[0], a[1])) ? err : do_readlink(a[1], a[2], a[3]);
    case 145: case 146: return do_iov(a[0], a[1], a[2], nr == 146);
    case 195: case 196: case 197: case 300: return linux_stat_syscall(nr, a);
    case 295:
        return (err = linux_at_path(a[0], a[1])) ? err : linux_open(a[1], a[2] & O_KNOWN);
    case 5: return linux_open(a[0], a[1] & O_KNOWN);
    case 296: return (err = linux_at_path(a[0], a[1])) ? err : sys9_dirop(39, a[1], a[2]);
    case 301:
        if ((err = linux_at_path(a[0], a[1])))
            return err;
        return sys9_dirop(a[2] & AT_REMOVEDIR ? 40 : 10, a[1], 0);
    case 302: case 353:                 /* renameat, renameat2 (no flags) */
        if ((err = linux_at_path(a[0], a[1])) || (err = linux_at_path(a[2], a[3])))
            return err;
        return nr == 353 && a[4] ? -EINVAL : sys9_dirop(38, a[1], a[3]);
    case 187: case 239: return -EINVAL; /* sendfile: callers fall back to read and write */
    case 4: return pipe_checked(sys9_write(a[0], a[1], a[2]));
    case 330: return do_dup3(a[0], a[1], a[2]);
    case 9: case 83: return -EPERM;     /* link, symlink: FAT has neither */
    case 30: case 271: return do_access(a[0]);      /* utime, utimes: nothing to keep */
    case 320:                           /* utimensat: a path's must exist; an fd's does */
        return a[1] ? ((err = linux_at_path(a[0], a[1])) ? err : do_access(a[1])) : 0;
    default: return 0;                  /* chmod, chown, utimes, fsync: nothing to keep */
    }
}
