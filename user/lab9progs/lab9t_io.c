/*
 * lab9t_io.c - lab9t's descriptor commands:
 *   pipe SIZE SEED   SIZE bytes (byte i = SEED + 7i) through a pipe to a child, which
 *                    reads to EOF and prints the count and their FNV-1a; then a write
 *                    with no reader
 *   bomb             fork until fork fails (children wait on a pipe), reap them all,
 *                    and fork once more
 *   spin             "spinning", then a loop nothing but a signal ends
 *   cat              each read of fd 0, until end of file
 *   fds              /readme.txt's offset shared across fork, dup and dup2; lseek, fstat
 *   fs NAME          mkdir, chdir, getcwd, a file made, renamed, listed, unlinked, rmdir
 */
#include "lab9t.h"

int t9_pipe(int argc, char **argv)
{
    uint32_t size = t9_num(argv[2]), seed = t9_num(argv[3]);
    int fds[2], st;
    uint8_t buf[3000];

    (void)argc;
    sys9(SYS_pipe, (long)fds, 0, 0);
    int pid = (int)sys9(SYS_fork, 0, 0, 0);
    if (pid == 0) {
        uint32_t total = 0, h = 2166136261u;
        long n;
        sys9(SYS_close, fds[1], 0, 0);
        while ((n = sys9(SYS_read, fds[0], (long)buf, 1000)) > 0)
            for (long i = 0; i < n; i++, total++)
                h = (h ^ buf[i]) * 16777619u;
        t9_printf("lab9t: pipe child read %u bytes, fnv %08x, then %ld\n", total, h, n);
        t9_exit(0);
    }
    sys9(SYS_close, fds[0], 0, 0);
    for (uint32_t done = 0; done < size;) {
        uint32_t n = size - done < sizeof buf ? size - done : sizeof buf;
        for (uint32_t i = 0; i < n; i++)
            buf[i] = (uint8_t)(seed + 7 * (done + i));
        long w = sys9(SYS_write, fds[1], (long)buf, n);
        if (w <= 0)
            break;
        done += (uint32_t)w;
    }
    sys9(SYS_close, fds[1], 0, 0);
    t9_wait(pid, &st);
    sys9(SYS_pipe, (long)fds, 0, 0);
    sys9(SYS_close, fds[0], 0, 0);
    t9_printf("lab9t: pipe wrote %u bytes; child %s; write with no reader = %ld\n", size,
              t9_status(st), sys9(SYS_write, fds[1], (long)"x", 1));
    return 0;
}

int t9_bomb(int argc, char **argv)
{
    int fds[2], n = 0, st, reaped = 0;
    long err;

    (void)argc, (void)argv;
    sys9(SYS_pipe, (long)fds, 0, 0);
    for (;;) {
        err = sys9(SYS_fork, 0, 0, 0);
        if (err == 0) {
            char c;
            sys9(SYS_close, fds[1], 0, 0);
            t9_exit((int)sys9(SYS_read, fds[0], (long)&c, 1));   /* 0 at EOF */
        }
        if (err < 0)
            break;
        n++;
    }
    t9_printf("lab9t: bomb: %d children, then fork = %ld\n", n, err);
    sys9(SYS_close, fds[1], 0, 0);
    while (t9_wait(-1, &st) > 0)
        reaped += st == 0;
    int pid = (int)sys9(SYS_fork, 0, 0, 0);
    if (pid == 0)
        t9_exit(0);
    t9_wait(pid, &st);
    t9_printf("lab9t: bomb: reaped %d, each exited 0; fork again: child %s\n", reaped,
              t9_status(st));
    return 0;
}

int t9_spin(int argc, char **argv)
{
    (void)argc, (void)argv;
    t9_printf("lab9t: spinning\n");
    for (;;)
        ;
}

int t9_cat(int argc, char **argv)
{
    char buf[300], shown[700];
    long n;

    (void)argc, (void)argv;
    t9_printf("lab9t: cat: ready\n");
    while ((n = sys9(SYS_read, 0, (long)buf, sizeof buf)) > 0) {
        uint32_t k = 0;
        for (long i = 0; i < n && k < sizeof shown - 3; i++) {
            if (buf[i] == '\n') {
                shown[k++] = '\\';
                shown[k++] = 'n';
            } else {
                shown[k++] = buf[i];
            }
        }
        shown[k] = '\0';
        t9_printf("lab9t: cat: %ld bytes \"%s\"\n", n, shown);
    }
    t9_printf("lab9t: cat: read = %ld\n", n);
    return 0;
}

int t9_fds(int argc, char **argv)
{
    char buf[16];
    uint8_t st[96];
    int s;

    (void)argc, (void)argv;
    int fd = (int)sys9(SYS_open, (long)"/readme.txt", 0, 0);
    int pid = (int)sys9(SYS_fork, 0, 0, 0);
    if (pid == 0)
        t9_exit((int)sys9(SYS_read, fd, (long)buf, 10));
    t9_wait(pid, &s);
    t9_printf("lab9t: fds: the child read %d; the parent's offset is %ld\n", (s >> 8) & 0xFF,
              sys9(SYS_lseek, fd, 0, 1));
    int d = (int)sys9(SYS_dup, fd, 0, 0);
    sys9(SYS_read, d, (long)buf, 5);
    t9_printf("lab9t: fds: dup = %d; after 5 bytes through it the offset is %ld\n", d,
              sys9(SYS_lseek, fd, 0, 1));
    long d2 = sys9(SYS_dup2, fd, 9, 0);
    sys9(SYS_close, fd, 0, 0);
    long r = sys9(SYS_read, 9, (long)buf, 5);
    t9_printf("lab9t: fds: dup2 = %ld; read after closing the original = %ld, offset %ld\n", d2,
              r, sys9(SYS_lseek, 9, 0, 1));
    long end = sys9(SYS_lseek, 9, 0, 2);
    sys9(SYS_fstat64, 9, (long)st, 0);
    t9_printf("lab9t: fds: size by lseek %ld, by fstat %u\n", end, *(uint32_t *)(st + 44));
    int64_t at = -1;
    long ll = sys9_5(SYS__llseek, 9, 0, 3, (long)&at, 0);
    t9_printf("lab9t: fds: _llseek(9, 3, SEEK_SET) = %ld, offset %ld\n", ll, (long)at);
    sys9(SYS_close, 9, 0, 0);
    r = sys9(SYS_read, 9, (long)buf, 1);
    sys9(SYS_pipe, (long)st, 0, 0);
    t9_printf("lab9t: fds: read(9) after close = %ld, lseek on a pipe = %ld\n", r,
              sys9(SYS_lseek, ((int *)st)[0], 0, 0));
    return 0;
}

static void list_dir(const char *path)
{
    char buf[512], names[256] = "";
    int fd = (int)sys9(SYS_open, (long)path, 0200000, 0);
    long n = sys9(SYS_getdents64, fd, (long)buf, sizeof buf);

    for (long off = 0; off < n;) {
        uint16_t reclen = *(uint16_t *)(buf + off + 16);
        strlcpy(names + strlen(names), buf + off + 19, sizeof names - strlen(names));
        strlcpy(names + strlen(names), " ", sizeof names - strlen(names));
        off += reclen;
    }
    t9_printf("lab9t: fs: %s holds %s(then %ld)\n", path, names,
              sys9(SYS_getdents64, fd, (long)buf, sizeof buf));
    sys9(SYS_close, fd, 0, 0);
}

int t9_fs(int argc, char **argv)
{
    char dir[64], cwd[80];
    uint8_t st[96];
    long r[4];

    (void)argc;
    ksnprintf(dir, sizeof dir, "/%s", argv[2]);
    r[0] = sys9(SYS_mkdir, (long)dir, 0755, 0);
    r[1] = sys9(SYS_mkdir, (long)dir, 0755, 0);
    r[2] = sys9(SYS_chdir, (long)dir, 0, 0);
    t9_printf("lab9t: fs: mkdir = %ld, again = %ld, chdir = %ld\n", r[0], r[1], r[2]);
    r[0] = sys9(SYS_getcwd, (long)cwd, sizeof cwd, 0);
    t9_printf("lab9t: fs: getcwd = %ld \"%s\"\n", r[0], cwd);
    int fd = (int)sys9(SYS_open, (long)"f.txt", T9_O_CREAT | T9_O_TRUNC | 1, 0644);
    r[0] = sys9(SYS_write, fd, (long)"hello", 5);
    sys9(SYS_close, fd, 0, 0);
    r[1] = sys9(SYS_stat64, (long)"f.txt", (long)st, 0);
    t9_printf("lab9t: fs: wrote %ld; stat = %ld, size %u, mode 0x%x\n", r[0], r[1],
              *(uint32_t *)(st + 44), *(uint32_t *)(st + 16));
    r[0] = sys9(SYS_rename, (long)"f.txt", (long)"g.txt", 0);
    r[1] = sys9(SYS_stat64, (long)"f.txt", (long)st, 0);
    t9_printf("lab9t: fs: rename = %ld, stat of the old name = %ld\n", r[0], r[1]);
    list_dir(".");
    r[0] = sys9(SYS_rmdir, (long)dir, 0, 0);
    r[1] = sys9(SYS_unlink, (long)"g.txt", 0, 0);
    r[2] = sys9(SYS_chdir, (long)"..", 0, 0);
    t9_printf("lab9t: fs: rmdir while full = %ld, unlink = %ld, chdir .. = %ld\n", r[0], r[1], r[2]);
    r[0] = sys9(SYS_rmdir, (long)dir, 0, 0);
    r[1] = sys9(SYS_stat64, (long)dir, (long)st, 0);
    r[2] = sys9(SYS_getcwd, (long)cwd, sizeof cwd, 0);
    t9_printf("lab9t: fs: rmdir = %ld, stat = %ld, cwd \"%s\"\n", r[0], r[1], cwd);
    return 0;
}
