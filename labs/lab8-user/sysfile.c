/*
 * sysfile.c - the file and time calls: read, write, open, close (Linux's
 * semantics, man 2 of each) and nanosleep. Descriptors 0, 1 and 2 are the
 * console: 0 reads lab 2's keyboard through a lab 3 future (one character a
 * call), 1 and 2 write to COM1 and the VGA screen. The others are lab 7
 * files. Lab 7 writes a file whole or appends to it, so a write goes at the
 * end of the file: at any other offset it is -EINVAL (handouts/lab8.md).
 */
#include "cmdline.h"
#include "console.h"
#include "fat.h"
#include "heap.h"
#include "interrupts.h"
#include "kprintf.h"
#include "keymap.h"
#include "kstring.h"
#include "panic.h"
#include "scancodes.h"
#include "uvm.h"
#include "x86.h"

#define O_ACCMODE 0003
#define CONSOLE_PIECE 256               /* bytes of one write() that go out as one print */
#define O_RDONLY  0
#define O_WRONLY  1
#define O_CREAT   0100
#define O_TRUNC   01000
#define O_APPEND  02000
#define CHUNK     512                   /* bytes copied per step */
#define MAX_SLEEP_S 100000              /* keeps the milliseconds in 32 bits */

CMDLINE_OPTION(show_sleeps, "show_sleeps",
               "print each nanosleep's ticks: asked for, and after how many it was made ready");

enum file_kind { FILE_CONSOLE_IN, FILE_CONSOLE_OUT, FILE_DISK };

struct file {
    enum file_kind kind;
    uint32_t flags, offset;
    struct inode *ip;                   /* a disk file: shared with its other descriptors */
};

static struct file console_in = { .kind = FILE_CONSOLE_IN };
static struct file console_out = { .kind = FILE_CONSOLE_OUT, .flags = O_WRONLY };
static struct mutex keyboard_mutex = { .name = "keyboard" };
static struct keymap keyboard_map;      /* the keyboard's state: one reader at a time */

void files_init(struct process *p)
{
    p->files[0] = &console_in;
    p->files[1] = p->files[2] = &console_out;
}

static int errno_of(int fat_err)
{
    switch (fat_err) {
    case FAT_ENOENT: return -ENOENT;
    case FAT_EEXIST: return -EEXIST;
    case FAT_ENOTDIR: return -ENOENT;
    case FAT_EISDIR: return -EISDIR;
    case FAT_ENOSPC: return -ENOSPC;
    case FAT_EROFS: return -EROFS;
    case FAT_EINVAL: return -EINVAL;
    default: return -EIO;
    }
}

static struct file *file_of(uint32_t fd)
{
    struct process *p = process_current();
    return fd < PROC_MAX_FILES ? p->files[fd] : NULL;
}

/* One character typed: presses that make none (Shift, releases) are skipped. */
static char read_key(void)
{
    struct scancode_future next;
    struct key_event ev;
    char c;

    do {
        scancodes_next(&next);
        thread_block_on(&next.base);    /* polled here, under keyboard_mutex; IRQ 1 wakes us */
    } while (!keymap_feed(&keyboard_map, next.scancode, &ev) || !(c = key_event_char(&ev)));
    return c;
}

int32_t sys_read(uint32_t fd, uint32_t buf, uint32_t len)
{
    struct file *f = file_of(fd);
    struct process *p = process_current();
    int32_t done = 0;

    if (!f || (f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    if (!uaccess_ok(p, buf, len, true))
        return -EFAULT;
    if (len == 0)
        return 0;
    if (f->kind == FILE_CONSOLE_IN) {
        mutex_lock(&keyboard_mutex);
        char c = read_key();
        mutex_unlock(&keyboard_mutex);
        return copy_out(p, buf, &c, 1) ? -EFAULT : 1;
    }
    static uint8_t chunk[CHUNK];        /* used under the vfs lock only */
    vfs_lock();
    while ((uint32_t)done < len && f->offset < inode_node(f->ip)->size) {
        uint32_t n = len - (uint32_t)done < CHUNK ? len - (uint32_t)done : CHUNK;
        int32_t got = inode_read(f->ip, f->offset, chunk, n);
        if (got < 0) {
            done = done ? done : errno_of(got);
            break;
        }
        if (got == 0)
            break;
        if (copy_out(p, buf + (uint32_t)done, chunk, (uint32_t)got)) {
            done = done ? done : -EFAULT;       /* no frame left for the next page */
            break;
        }
        done += got;
        f->offset += (uint32_t)got;
    }
    vfs_unlock();
    return done;
}

static void fill_from_user(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    copy_in(process_current(), buf, (uint32_t)(uintptr_t)arg + offset, len);  /* checked */
}

/*
 * A line at a time, each one print (console.h), so the lines of programs
 * running at once never mix, nor with the kernel's; at most CONSOLE_PIECE
 * bytes a print, so one huge write cannot hold every other thread off for
 * long. The bytes are copied in first: nothing can fault inside a print.
 */
static void write_console(uint32_t va, uint32_t len)
{
    char piece[CONSOLE_PIECE];

    while (len > 0) {
        uint32_t n = 0, have = len < CONSOLE_PIECE ? len : CONSOLE_PIECE;
        copy_in(process_current(), piece, va, have);
        while (n < have && piece[n++] != '\n')
            ;
        console_write(piece, n);
        va += n;
        len -= n;
    }
}

int32_t sys_write(uint32_t fd, uint32_t buf, uint32_t len)
{
    struct file *f = file_of(fd);
    int err;

    if (!f || (f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    if (!uaccess_ok(process_current(), buf, len, false))
        return -EFAULT;
    if (len > INT32_MAX)
        return -EINVAL;
    if (f->kind == FILE_CONSOLE_OUT) {
        write_console(buf, len);
        return (int32_t)len;
    }
    vfs_lock();
    if (!(f->flags & O_APPEND) && f->offset != inode_node(f->ip)->size)
        err = FAT_EINVAL;
    else
        err = inode_append(f->ip, len, fill_from_user, (void *)(uintptr_t)buf);
    if (!err)
        f->offset = inode_node(f->ip)->size;
    vfs_unlock();
    return err ? errno_of(err) : (int32_t)len;
}

/* The path from user memory, NUL-terminated within FAT_PATH_MAX: 0 or -errno. */
static int path_from_user(uint32_t upath, char path[FAT_PATH_MAX])
{
    for (uint32_t i = 0; i < FAT_PATH_MAX; i++) {
        if (!uaccess_ok(process_current(), upath + i, 1, false))
            return -EFAULT;
        copy_in(process_current(), &path[i], upath + i, 1);
        if (!path[i])
            return 0;
    }
    return -ENAMETOOLONG;
}

/* The inode of the file at path (made with O_CREAT, emptied with O_TRUNC): 0 or -errno. */
static int open_on_disk(const char *path, uint32_t flags, struct inode **ip)
{
    struct fat_volume *vol;
    struct fat_node node;
    int err = vfs_lookup(path, &vol, &node);

    if (err == FAT_ENOENT && (flags & O_CREAT))
        err = vfs_create(path, &vol, &node);
    if (!err && fat_node_is_dir(&node))
        err = FAT_EISDIR;
    if (err)
        return errno_of(err);
    if (!(*ip = inode_get(vol, &node, path)))
        return -ENOMEM;
    if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY && inode_node(*ip)->size &&
        (err = inode_truncate(*ip))) {
        inode_put(*ip);
        return errno_of(err);
    }
    return 0;
}

int32_t sys_open(uint32_t upath, uint32_t flags, uint32_t mode)
{
    struct process *p = process_current();
    int fd = 3, err;

    (void)mode;                         /* FAT keeps no permissions */
    while (fd < PROC_MAX_FILES && p->files[fd])
        fd++;
    if (fd == PROC_MAX_FILES)
        return -EMFILE;
    if ((flags & O_ACCMODE) == O_ACCMODE)
        return -EINVAL;
    char path[FAT_PATH_MAX];
    struct file *f = kzalloc(sizeof *f);
    if (!f)
        return -ENOMEM;
    if ((err = path_from_user(upath, path))) {
        kfree(f);
        return err;
    }
    f->kind = FILE_DISK;
    f->flags = flags;
    vfs_lock();
    if (!(err = open_on_disk(path, flags, &f->ip)) && (flags & O_APPEND))
        f->offset = inode_node(f->ip)->size;
    vfs_unlock();
    if (err) {
        kfree(f);
        return err;
    }
    p->files[fd] = f;
    return fd;
}

int32_t sys_close(uint32_t fd)
{
    struct file *f = file_of(fd);

    if (!f)
        return -EBADF;
    process_current()->files[fd] = NULL;
    if (f->kind == FILE_DISK) {
        vfs_lock();
        inode_put(f->ip);
        vfs_unlock();
        kfree(f);
    }
    return 0;
}

void files_close_all(struct process *p)
{
    for (uint32_t fd = 0; fd < PROC_MAX_FILES; fd++)
        if (p->files[fd])
            sys_close(fd);
}

/* struct timespec { long tv_sec; long tv_nsec; }: rounded up to milliseconds, then ticks. */
int32_t sys_nanosleep(uint32_t ureq, uint32_t urem)
{
    struct process *p = process_current();
    int32_t ts[2];

    if (!uaccess_ok(p, ureq, sizeof ts, false) || (urem && !uaccess_ok(p, urem, sizeof ts, true)))
        return -EFAULT;
    copy_in(p, ts, ureq, sizeof ts);
    if (ts[0] < 0 || ts[1] < 0 || ts[1] > 999999999 || ts[0] > MAX_SLEEP_S)
        return -EINVAL;
    uint32_t ms = (uint32_t)ts[0] * 1000 + ((uint32_t)ts[1] + 999999) / 1000000;
    thread_sleep_ms(ms);
    if (ms && cmdline_flag("show_sleeps")) {
        /* lab 6's alarm: the deadline it set, and the tick it made the thread ready on */
        struct thread *t = thread_current();
        uint64_t asked = ((uint64_t)ms * timer_hz() + 999) / 1000;
        kprintf("nanosleep: pid %u: %u ms = %u ticks; ready after %u\n", p->pid, ms,
                (uint32_t)asked, (uint32_t)(t->alarm_tick - (t->wake_tick - asked)));
    }
    memset(ts, 0, sizeof ts);           /* never interrupted: nothing left */
    return urem ? copy_out(p, urem, ts, sizeof ts) : 0;
}
