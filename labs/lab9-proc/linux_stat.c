/*
 * linux_stat.c - stat64, lstat64, fstat64 and fstatat64 (stat(2)) as Linux
 * programs expect them of a FAT volume, which keeps neither owners nor
 * permissions nor links: lab 9's answer (sysdir.c) with directories 0755,
 * files 0644, ELF executables 0755 (a file starting "\177ELF", so that a
 * shell's PATH search and `test -x` find programs), owner root, and, for a
 * path or a descriptor, the times from its directory entry (the FAT spec's
 * "Date and Time Formats": local time, taken as UTC; Cairn has no time zones). lstat is
 * stat: FAT has no links. Also a directory descriptor's path (openat(2)'s
 * dirfd, fchdir(2)), climbed from its entry through the ".." entries.
 */
#include "kstring.h"
#include "kproc.h"
#include "sysnum.h"

#define AT_EMPTY_PATH    0x1000
#define STAT_MODE_OFFSET 16             /* st_mode in struct stat64 (i386) */
#define STAT_TIMES_OFFSET 64            /* st_atime, _nsec, st_mtime, _nsec, st_ctime, _nsec */
#define S_IFMT  0170000
#define S_IFREG 0100000
#define S_IFCHR 0020000
#define DIRENT_WTIME 22                 /* the 8.3 entry's last write time, then date */
#define DIRENT_CLUSTER_HI 20            /* the first cluster's high and low 16 bits */
#define DIRENT_CLUSTER_LO 26
#define DOTDOT_SLOT 1                   /* a directory's second entry is ".." */

struct stat_facts {
    bool elf, device, timed;
    uint32_t mtime;                     /* seconds since 1970 */
};

/* Does the file of inode ip start with ELF's magic? (vfs lock held) */
static bool is_elf(struct inode *ip)
{
    uint8_t m[4];

    return inode_read(ip, 0, m, 4) == 4 && m[0] == 0x7F && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
}

struct entry_time {
    uint32_t slot;
    bool found;
    uint32_t seconds;
};

/* fat_dir_walk's callback: the 8.3 entry at the wanted slot gives its write time. */
static bool match_slot(void *arg, const struct fat_node *n, const uint8_t *ent)
{
    struct entry_time *t = arg;

    if (n->slot != t->slot)
        return true;
    uint32_t time = ent[DIRENT_WTIME] | ent[DIRENT_WTIME + 1] << 8;
    uint32_t date = ent[DIRENT_WTIME + 2] | ent[DIRENT_WTIME + 3] << 8;
    uint32_t month = (date >> 5) & 15, day = date & 31;
    if (month >= 1 && month <= 12 && day >= 1) {
        t->seconds = (uint32_t)(linux_days_from_civil(1980 + (date >> 9), month, day) * 86400) +
                     (time >> 11) * 3600 + ((time >> 5) & 63) * 60 + (time & 31) * 2;
        t->found = true;
    }
    return false;
}

static bool is_root(const struct fat_volume *v, uint32_t cluster)
{
    return cluster == 0 || (v->g.type == FAT_TYPE_32 && cluster == v->g.root_cluster);
}

/* The time of node's directory entry on vol (vfs lock held); the root has no entry. */
static void entry_facts(struct fat_volume *vol, const struct fat_node *node, struct stat_facts *f)
{
    struct entry_time t = { .slot = node->slot };

    if (fat_node_is_dir(node) && is_root(vol, node->cluster))
        return;
    if (!fat_dir_walk(vol, node->parent, match_slot, &t) && t.found) {
        f->timed = true;
        f->mtime = t.seconds;
    }
}

/* What stat needs beyond lab 9's answer, for the file at path. */
static void path_facts(const char *path, struct stat_facts *f)
{
    struct fat_volume *vol;
    struct fat_node node;

    vfs_lock();
    if (!vfs_lookup(path, &vol, &node)) {
        if (!fat_node_is_dir(&node) && node.size >= 4) {
            struct inode *ip = inode_get(vol, &node, path);
            if (ip) {
                f->elf = is_elf(ip);
                inode_put(ip);
            }
        }
        entry_facts(vol, &node, f);
    }
    vfs_unlock();
}

/* A stat64 the call just stored at ustat: a regular ELF file gets 0755; a device of
   linux_dev.c, a character device's 0666; a dated entry, its times. */
static int32_t amend(int32_t err, uint32_t ustat, const struct stat_facts *f)
{
    struct process *p = process_current();
    uint32_t mode, times[6] = { f->mtime, 0, f->mtime, 0, f->mtime, 0 };

    if (err)
        return err;
    copy_in(p, &mode, ustat + STAT_MODE_OFFSET, 4);
    if (f->device)
        mode = S_IFCHR | 0666;
    else if (f->elf && (mode & S_IFMT) == S_IFREG)
        mode |= 0111;
    copy_out(p, ustat + STAT_MODE_OFFSET, &mode, 4);
    if (f->timed)
        copy_out(p, ustat + STAT_TIMES_OFFSET, times, sizeof times);
    return 0;
}

static int32_t do_stat(uint32_t upath, uint32_t ustat)
{
    char path[FAT_PATH_MAX];
    struct stat_facts f = { 0 };
    int32_t err = user_path(upath, path);

    if (err)
        return err;
    if (linux_dev_path(path)) {         /* no /dev on the volume: the device's own */
        uint32_t st[24] = { [STAT_MODE_OFFSET / 4] = S_IFCHR | 0666, [STAT_MODE_OFFSET / 4 + 1] = 1 };
        if (!user_writable(ustat, sizeof st))
            return -EFAULT;
        return copy_out(process_current(), ustat, st, sizeof st) ? -EFAULT : 0;
    }
    if ((err = sys9_stat64(upath, ustat)))
        return err;
    path_facts(path, &f);
    return amend(0, ustat, &f);
}

static int32_t do_fstat(uint32_t fd, uint32_t ustat)
{
    struct ofile *of = fd_get(&proc_current()->files, fd);
    struct stat_facts f = { .device = of && (of->kind == OF_NULL || of->kind == OF_ZERO ||
                                           of->kind == OF_RANDOM) };

    vfs_lock();
    if (of && of->kind == OF_DISK) {
        f.elf = is_elf(of->ip);
        if (of->vol)                    /* linux_open found its volume */
            entry_facts(of->vol, inode_node(of->ip), &f);
    } else if (of && of->kind == OF_DIR) {
        entry_facts(of->vol, &of->dir, &f);
    }
    vfs_unlock();
    return amend(sys9_fstat64(fd, ustat), ustat, &f);
}

static int32_t fstatat(uint32_t dirfd, uint32_t upath, uint32_t ustat, uint32_t flags)
{
    char c = 0;

    if (upath && uaccess_ok(process_current(), upath, 1, false))
        copy_in(process_current(), &c, upath, 1);
    if ((flags & AT_EMPTY_PATH) && !c)
        return do_fstat(dirfd, ustat);
    struct linux_at at;
    int32_t err = linux_at_enter(dirfd, upath, &at);
    if (err)
        return err;
    err = do_stat(upath, ustat);
    linux_at_leave(&at);
    return err;
}

int32_t linux_stat_syscall(uint32_t nr, const uint32_t a[6])
{
    switch (nr) {
    case SYS_stat64: case SYS_lstat64: return do_stat(a[0], a[1]);
    case SYS_fstat64: return do_fstat(a[0], a[1]);
    default: return fstatat(a[0], a[1], a[2], a[3]);
    }
}


/* ---- a directory descriptor's path ---------------------------------------- */

/* The first cluster the ".." entry of directory dir names (0: the root). */
static int dotdot_of(struct fat_volume *v, uint32_t dir, uint32_t *out)
{
    uint64_t lba;
    uint32_t off;
    int err = fat_dir_slot(v, dir, DOTDOT_SLOT, &lba, &off);
    const uint8_t *e;

    if (err)
        return err;
    if (!(e = fat_cache_get(&v->cache, lba, false)))
        return FAT_EIO;
    e += off;
    if (memcmp(e, "..         ", 11))
        return FAT_ENOENT;              /* not a directory lab 7 or mkfs made */
    *out = (uint32_t)(e[DIRENT_CLUSTER_HI] | e[DIRENT_CLUSTER_HI + 1] << 8) << 16 |
           (uint32_t)(e[DIRENT_CLUSTER_LO] | e[DIRENT_CLUSTER_LO + 1] << 8);
    return 0;
}

struct by_cluster {
    uint32_t cluster;
    bool found;
    char name[FAT_NAME_MAX + 14];
};

/* fat_dir_list's callback: the subdirectory whose first cluster is the one wanted. */
static bool match_cluster(void *arg, const struct fat_node *n)
{
    struct by_cluster *b = arg;

    if (!fat_node_is_dir(n) || n->cluster != b->cluster)
        return true;
    strlcpy(b->name, n->name, sizeof b->name);
    b->found = true;
    return false;
}

/* "/word" in front of the path built backwards from out's end, whose start is *at. */
static bool prepend(char out[FAT_PATH_MAX], uint32_t *at, const char *word)
{
    uint32_t n = strlen(word);

    if (n + 1 >= *at)
        return false;
    *at -= n + 1;
    out[*at] = '/';
    memcpy(out + *at + 1, word, n);
    return true;
}

/*
 * The absolute path of the directory whose entry is dir, on v (vfs lock held): lab 9's
 * ofile keeps a directory's volume and entry, not its path, so climb as old Unix's
 * getcwd(3) did. The entry names the directory and its parent's cluster; each parent's
 * ".." entry names the grandparent, in whose listing the parent's name is found. Each
 * step adds a word, so a path of FAT_PATH_MAX bytes bounds the climb (a ".." loop on a
 * corrupt volume too). 0, or a FAT error.
 */
static int dir_path(struct fat_volume *v, const struct fat_node *dir, char out[FAT_PATH_MAX])
{
    char buf[FAT_PATH_MAX];
    uint32_t at = FAT_PATH_MAX - 1, cluster = dir->cluster, parent = dir->parent;
    struct by_cluster up = { 0 };
    const char *name = dir->name;
    int err;

    buf[at] = 0;
    while (!is_root(v, cluster)) {
        if (!prepend(buf, &at, name))
            return FAT_ENAMETOOLONG;
        if (is_root(v, cluster = parent))
            break;
        up = (struct by_cluster){ .cluster = cluster };
        if ((err = dotdot_of(v, cluster, &parent)) ||
            (err = fat_dir_list(v, parent, match_cluster, &up)))
            return err;
        if (!up.found)
            return FAT_ENOENT;          /* its parent does not list it: removed */
        name = up.name;
    }
    strlcpy(out, at == FAT_PATH_MAX - 1 ? "/" : buf + at, FAT_PATH_MAX);
    return 0;
}

/* The path of the directory open as fd: 0, or -EBADF, -ENOTDIR (not a directory), -ENOENT
   (removed, or its path now names another). */
int32_t linux_fd_dir_path(uint32_t fd, char out[FAT_PATH_MAX])
{
    struct ofile *of = fd_get(&proc_current()->files, fd);
    struct fat_volume *vol;
    struct fat_node node;
    int err;

    if (!of)
        return -EBADF;
    if (of->kind != OF_DIR)
        return -ENOTDIR;
    vfs_lock();
    if (!(err = dir_path(of->vol, &of->dir, out)) && !(err = vfs_lookup(out, &vol, &node)) &&
        (vol != of->vol || node.cluster != of->dir.cluster))
        err = FAT_ENOENT;               /* another volume's, found first */
    vfs_unlock();
    return err ? fs_errno(err) : 0;
}
