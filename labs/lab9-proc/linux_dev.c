/*
 * linux_dev.c - the device files shell scripts take for granted, without a
 * /dev directory on the FAT volume: open(2) of /dev/null (null(4): reads
 * see end of file, writes vanish), /dev/zero (reads zeros) and /dev/tty
 * (tty(4): the console, whatever fd 0-2 are now) makes an open file of its
 * own kind, and so do /dev/urandom and /dev/random (random(4): getrandom's
 * generator); every other path goes on to lab 9's open. And ioctl(2) on the
 * console (termios(3)'s TCGETS, tty_ioctl(4)'s TIOCGWINSZ; -ENOTTY elsewhere).
 */
#include "heap.h"
#include "kstring.h"
#include "kproc.h"

static const struct {
    const char *path;
    enum ofile_kind kind;
} devices[] = {
    { "/dev/null", OF_NULL },
    { "/dev/zero", OF_ZERO },
    { "/dev/urandom", OF_RANDOM },
    { "/dev/random", OF_RANDOM },
    { "/dev/tty", OF_TTY },
    { "/dev/console", OF_TTY },
};

bool linux_dev_path(const char *path)
{
    for (uint32_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
        if (!strcmp(path, devices[i].path))
            return true;
    return false;
}

/* lab 9's open; a file's descriptor also gets its volume (lab 9's ofile keeps only a
   directory's), where fstat finds its entry's times (linux_stat.c). */
static int32_t open_file(uint32_t upath, const char *path, uint32_t flags)
{
    int32_t fd = sys9_open(upath, flags);
    struct ofile *of = fd >= 0 ? fd_get(&proc_current()->files, (uint32_t)fd) : NULL;
    struct fat_volume *vol;
    struct fat_node node;

    if (of && of->kind == OF_DISK) {
        vfs_lock();
        const struct fat_node *n = inode_node(of->ip);
        if (!vfs_lookup(path, &vol, &node) && node.parent == n->parent && node.slot == n->slot)
            of->vol = vol;
        vfs_unlock();
    }
    return fd;
}

/* open(2) of a path: a device's descriptor, or lab 9's. */
int32_t linux_open(uint32_t upath, uint32_t flags)
{
    char path[FAT_PATH_MAX];
    int32_t err = user_path(upath, path);

    if (err)
        return err;
    for (uint32_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
        if (strcmp(path, devices[i].path))
            continue;
        struct ofile *of = kzalloc(sizeof *of);
        if (!of)
            return -ENOMEM;
        of->kind = devices[i].kind;
        of->refs = 1;
        of->flags = flags & O_ACCMODE;
        int fd = fd_install(&proc_current()->files, of, 0, flags & O_CLOEXEC);
        if (fd < 0)
            kfree(of);
        return fd;
    }
    return open_file(upath, path, flags);
}

/* sys9_read and sys9_write's case for the two kinds lab 9 does not have itself. */
int32_t linux_dev_rw(struct ofile *of, uint32_t ubuf, uint32_t len, bool write)
{
    if (write)
        return (int32_t)len;
    if (of->kind == OF_NULL)
        return 0;
    uint32_t chunk[64];
    for (uint32_t done = 0; done < len; done += sizeof chunk) {
        uint32_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        for (uint32_t i = 0; i < 64; i++)
            chunk[i] = of->kind == OF_RANDOM ? linux_random32() : 0;
        if (copy_out(process_current(), ubuf + done, chunk, n))
            return done ? (int32_t)done : -EFAULT;
    }
    return (int32_t)len;
}

/*
 * poll(2) (168) and ppoll (309, 414): every open descriptor is said to be ready for
 * what was asked, at once: Cairn's reads and writes block until they can go on, so a
 * program that polls one descriptor and then reads it behaves as on Linux (busybox's
 * line editor polls the console before each read). A closed one is POLLNVAL.
 */
#define POLLIN   0x001
#define POLLOUT  0x004
#define POLLNVAL 0x020
#define POLL_MAX 64

int32_t linux_poll(uint32_t ufds, uint32_t nfds)
{
    struct process *p = process_current();
    int32_t ready = 0;

    if (nfds > POLL_MAX)
        return -EINVAL;
    if (!user_writable(ufds, nfds * 8))
        return -EFAULT;
    for (uint32_t i = 0; i < nfds; i++) {
        struct { int32_t fd; int16_t events, revents; } pfd;
        copy_in(p, &pfd, ufds + i * 8, 8);
        if (pfd.fd < 0) {
            pfd.revents = 0;
        } else if (!fd_get(&proc_current()->files, (uint32_t)pfd.fd)) {
            pfd.revents = POLLNVAL;
        } else {
            pfd.revents = pfd.events & (POLLIN | POLLOUT);
        }
        ready += pfd.revents != 0;
        copy_out(p, ufds + i * 8, &pfd, 8);
    }
    return ready;
}

/* The console's termios (asm-generic/termbits.h, the kernel's 36-byte struct termios) as
   the tty behaves: CR read as NL, NL written as CR NL, and either cooked (ICANON: lab 9's
   line discipline edits and echoes, ^C interrupts) or raw (tty_set_raw: bytes as typed,
   no echo, no signals), which is all TCSETS asks of it. */
#define TERMIOS_BYTES 36
#define TERMIOS_LFLAG 12
#define ISIG   0x0001u
#define ICANON 0x0002u
#define ECHO   0x0008u
#define LFLAG_COOKED (ISIG | ICANON | ECHO | 0x8A30u)   /* ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
static const uint8_t tty_termios[TERMIOS_BYTES] = {
    0x00, 0x01, 0, 0,                   /* c_iflag: ICRNL */
    0x05, 0, 0, 0,                      /* c_oflag: OPOST | ONLCR */
    0xBF, 0x00, 0, 0,                   /* c_cflag: B38400 | CS8 | CREAD */
    0, 0, 0, 0,                         /* c_lflag: tcgets's */
    0,                                  /* c_line */
    3, 0x1C, 0x7F, 0x15, 4, 0, 1,       /* c_cc: VINTR VQUIT VERASE VKILL VEOF VTIME VMIN */
};

static int32_t tcgets(uint32_t arg)
{
    uint8_t t[TERMIOS_BYTES];
    uint32_t lflag = tty_is_raw() ? LFLAG_COOKED & ~(ISIG | ICANON | ECHO) : LFLAG_COOKED;

    if (!user_writable(arg, sizeof t))
        return -EFAULT;
    memcpy(t, tty_termios, sizeof t);
    memcpy(t + TERMIOS_LFLAG, &lflag, 4);
    return copy_out(process_current(), arg, t, sizeof t) ? -EFAULT : 0;
}

/* TCSETS*: without ICANON, raw; with it, cooked (and echoed: that is how it cooks). */
static int32_t tcsets(uint32_t arg)
{
    uint32_t lflag;

    if (!uaccess_ok(process_current(), arg + TERMIOS_LFLAG, 4, false))
        return -EFAULT;
    copy_in(process_current(), &lflag, arg + TERMIOS_LFLAG, 4);
    tty_set_raw(!(lflag & ICANON));
    return 0;
}

int32_t linux_ioctl(uint32_t fd, uint32_t req, uint32_t arg)
{
    struct ofile *of = fd_get(&proc_current()->files, fd);
    uint16_t winsize[4] = { 24, 80, 0, 0 };
    uint32_t pid = proc_current()->base.pid;

    if (!of)
        return -EBADF;
    if (of->kind != OF_TTY)
        return -ENOTTY;
    switch (req) {
    case 0x5401: return tcgets(arg);    /* TCGETS */
    case 0x5402: case 0x5403: case 0x5404:      /* TCSETS, TCSETSW, TCSETSF */
        return tcsets(arg);
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
