/*
 * ls - the names in each directory, one a line, sorted byte by byte (as
 * ls(1) sorts in the C locale), without the names that start with a dot
 * unless -a; a PATH that is not a directory is printed as given. With -l,
 * each line is "TYPE SIZE NAME": TYPE d for a directory, - for a regular
 * file, c a character device, p a pipe, ? anything else; SIZE in bytes
 * (stat64). With several PATHs, each directory's list comes under a
 * "PATH:" line, with a blank line between them, as ls(1) does. The names
 * come from getdents64(2)'s linux_dirent64 records.
 *     ls [-a] [-l] [PATH...]          no PATH: "."
 * Exit code 0; 2 when a PATH could not be listed (reported on fd 2, as ls does).
 */
#include "ulib.h"

#define NAMES_MAX  4096         /* entries in one directory */
#define NAME_MAX   255

static int show_all, long_form;
static char *names[NAMES_MAX];
static char dirents[4096];

static char type_char(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR: return 'd';
    case S_IFREG: return '-';
    case S_IFCHR: return 'c';
    case S_IFIFO: return 'p';
    default: return '?';
    }
}

/* One line: the name alone, or with -l its type and size (stat64 of path). */
static void print_entry(const char *path, const char *name)
{
    struct stat64 st;
    long r;

    if (!long_form) {
        printf("%s\n", name);
    } else if ((r = stat64(path, &st)) < 0) {
        dprintf(2, "ls: cannot access '%s': %s\n", path, errstr(r));
    } else {
        printf("%c %10lld %s\n", type_char(st.st_mode), (long long)st.st_size, name);
    }
}

/* Sort names[0..n) by their bytes: insertion sort, for a few thousand at most. */
static void sort_names(int n)
{
    for (int i = 1; i < n; i++) {
        char *key = names[i];
        int j = i;
        for (; j > 0 && strcmp(names[j - 1], key) > 0; j--)
            names[j] = names[j - 1];
        names[j] = key;
    }
}

/* Read directory fd's names into names[]; their count, or -1 once reported. */
static int read_names(int fd, const char *dir)
{
    int n = 0;
    long got;

    while ((got = getdents64(fd, dirents, sizeof dirents)) > 0) {
        for (long off = 0; off < got;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(dirents + off);
            off += d->d_reclen;
            if (d->d_name[0] == '.' && !show_all)
                continue;
            if (n == NAMES_MAX) {
                dprintf(2, "ls: %s: more than %d entries\n", dir, NAMES_MAX);
                return -1;
            }
            if ((names[n] = malloc(strlen(d->d_name) + 1)) == NULL) {
                dprintf(2, "ls: %s: out of memory\n", dir);
                return -1;
            }
            memcpy(names[n], d->d_name, strlen(d->d_name) + 1);
            n++;
        }
    }
    if (got < 0) {
        dprintf(2, "ls: reading directory '%s': %s\n", dir, errstr(got));
        return -1;
    }
    return n;
}

/* A directory's entries, each with its path for -l. 0, or 2 once reported. */
static int list_dir(int fd, const char *dir)
{
    char path[512];
    int n = read_names(fd, dir), status = 0;

    if (n < 0)
        n = 0, status = 2;
    sort_names(n);
    for (int i = 0; i < n; i++) {
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path) {
            dprintf(2, "ls: %s/%s: path too long\n", dir, names[i]);
            status = 2;
        } else {
            print_entry(path, names[i]);
        }
        free(names[i]);
    }
    return status;
}

/* One PATH: a directory's list (under a heading when `heading`), or the PATH itself. */
static int list(const char *path, int heading, int first)
{
    struct stat64 st;
    long fd = open(path, O_RDONLY, 0), r;
    int status;

    if (fd < 0 || (r = fstat64((int)fd, &st)) < 0) {
        dprintf(2, "ls: cannot access '%s': %s\n", path, errstr(fd < 0 ? fd : r));
        if (fd >= 0)
            close((int)fd);
        return 2;
    }
    if (!S_ISDIR(st.st_mode)) {
        print_entry(path, path);
        status = 0;
    } else {
        if (heading)
            printf("%s%s:\n", first ? "" : "\n", path);
        status = list_dir((int)fd, path);
    }
    close((int)fd);
    return status;
}

int main(int argc, char **argv)
{
    int i = 1, status = 0;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *o = argv[i] + 1; *o != '\0'; o++) {
            if (*o != 'a' && *o != 'l') {
                dprintf(2, "ls: unknown option -%c: usage: ls [-a] [-l] [PATH...]\n", *o);
                return 2;
            }
            show_all |= *o == 'a', long_form |= *o == 'l';
        }
    }
    if (i == argc)
        return list(".", 0, 1);
    for (int first = i; i < argc; i++) {
        int s = list(argv[i], argc - first > 1, i == first);
        status = s > status ? s : status;
    }
    return status;
}
