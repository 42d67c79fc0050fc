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
