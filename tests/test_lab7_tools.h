/*
 * test_lab7_tools.h - lab 7's host tests that ask the host's own tools
 * (mkfs.fat, fsck.fat, mtools) about volumes lab 7 wrote: a shell command's
 * output, volume images in a mkdtemp directory of the test's own (removed at
 * the end), names of every length. tests/test_lab7_longnames.c and
 * tests/test_lab7_namecrash.c use it.
 */
#ifndef CAIRN_TEST_LAB7_TOOLS_H
#define CAIRN_TEST_LAB7_TOOLS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host.h"

extern char **environ;
#include "test_lab7_disk.h"

static char tmp[64], image[96], out[1 << 17];

/* Run a shell command: its output (up to len - 1 bytes, NUL after them) in `out`, how
   many in *got; returns its exit status. posix_spawn, not popen: popen forks, and a fork
   copies the page tables of ASan's shadow memory, which made each of several hundred
   tool runs cost ~8 ms of system time; posix_spawn shares the memory until the exec. */
static inline int run(char *out, size_t len, size_t *got, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline int run(char *out, size_t len, size_t *got, const char *fmt, ...)
{
    static char cmd[2048], sink[4096];
    char *argv[] = { "sh", "-c", cmd, NULL };
    posix_spawn_file_actions_t acts;
    int fds[2], st = -1;
    size_t n = 0;
    ssize_t r;
    pid_t pid;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_init(&acts);
    posix_spawn_file_actions_adddup2(&acts, fds[1], 1);
    posix_spawn_file_actions_addclose(&acts, fds[0]);
    posix_spawn_file_actions_addclose(&acts, fds[1]);
    int err = posix_spawn(&pid, "/bin/sh", &acts, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&acts);
    close(fds[1]);
    while (err == 0 && n + 1 < len && (r = read(fds[0], out + n, len - 1 - n)) > 0)
        n += (size_t)r;
    while (err == 0 && read(fds[0], sink, sizeof sink) > 0)
        ;
    close(fds[0]);
    out[n] = '\0';
    if (got)
        *got = n;
    if (err != 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A name of `len` characters, unique by its first four, with spaces, periods and both
   cases so that the aliases differ ([FAT] "Numeric-Tail Generation"). */
static inline void name_of(int len, char *out)
{
    static const char filler[] = "Long file.name-with_Spaces and Dots.";
    char head[16];

    snprintf(head, sizeof head, "%03d", len);
    for (int i = 0; i < len; i++)
        out[i] = i < 3 ? head[i] : filler[(i * 7 + len) % (sizeof filler - 1)];
    if (len < 3)
        memcpy(out, len == 1 ? "q" : "qq", (size_t)len);
    if (out[len - 1] == ' ' || out[len - 1] == '.')
        out[len - 1] = 'x';         /* [FAT]: a name does not end in a space or a period */
    out[len] = '\0';
}

static inline void pattern_fill(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (uint8_t)((offset + i) * 31 + *(int *)arg);
}

/* What the image file holds, as this test last read or wrote it: save() writes only the
   sectors that differ (a whole 10 MiB write per crash state was most of a run's time).
   Every tool that writes the image (mkfs.fat, mcopy, mmd) is followed by a load(). */
static uint8_t *on_file;
static long on_file_bytes;

static inline void load(struct memdisk *d, long bytes)
{
    FILE *f = fopen(image, "rb");
    memdisk_init(d, (uint64_t)bytes / 512);
    CHECK(f && fread(d->data, 1, (size_t)bytes, f) == (size_t)bytes);
    if (f)
        fclose(f);
    free(on_file);
    on_file = malloc((size_t)bytes);
    memcpy(on_file, d->data, (size_t)bytes);
    on_file_bytes = bytes;
}

static inline void save(const struct memdisk *d, long bytes)
{
    FILE *f = fopen(image, "r+b");
    CHECK(f != NULL && on_file != NULL && on_file_bytes == bytes);
    for (long at = 0; f && on_file && at < bytes; at += 512) {
        if (memcmp(on_file + at, d->data + at, 512) == 0)
            continue;
        memcpy(on_file + at, d->data + at, 512);
        CHECK(fseek(f, at, SEEK_SET) == 0 && fwrite(d->data + at, 1, 512, f) == 512);
    }
    if (f)
        fclose(f);
}

/* fsck.fat -n finds nothing: exit 0 and no line but its banner and summary. */
static inline void fsck_clean(const char *when)
{
    static char out[8192];
    int st = run(out, sizeof out, NULL, "fsck.fat -n %s 2>&1", image);
    int lines = 0;

    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    if (st != 0 || lines > 2) {
        printf("  fsck.fat -n %s (exit %d):\n%s", when, st, out);
        host_current_failed = 1;
    }
}

#define MTOOLS "MTOOLS_SKIP_CHECK=1 MTOOLS_LOWER_CASE=0 "

/* A fresh volume made by mkfs.fat, in the memdisk. */
static inline long format(struct memdisk *d, enum fat_type type)
{
    long mib = type == FAT_TYPE_12 ? 6 : type == FAT_TYPE_16 ? 10 : 36;
    int spc = type == FAT_TYPE_32 ? 1 : 4;

    CHECK_EQ(run(out, sizeof out, NULL, "rm -f %s && truncate -s %ldM %s && mkfs.fat -F %d "
                 "-s %d -S 512 %s 2>&1", image, mib, image, type, spc, image), 0);
    load(d, mib << 20);
    return mib << 20;
}


/* The temporary directory and its image path, removed at exit: also when a stub of the
   handout panics (tests/host_panic.c exits). */
static inline void tools_end(void)
{
    if (tmp[0])
        run(out, sizeof out, NULL, "rm -rf %s", tmp);
    free(on_file);
    on_file = NULL;
    tmp[0] = '\0';
}

static inline void tools_begin(void)
{
    char path[4096];

    /* mkfs.fat and fsck.fat live in /usr/sbin, which the grader's sandbox leaves off PATH. */
    snprintf(path, sizeof path, "%s:/usr/sbin:/sbin", getenv("PATH") ? getenv("PATH") : "/usr/bin");
    setenv("PATH", path, 1);
    CHECK(mkdtemp(strcpy(tmp, "/tmp/cairn-lab7-tools.XXXXXX")) != NULL);
    snprintf(image, sizeof image, "%s/fat.img", tmp);
    atexit(tools_end);
}

#endif
