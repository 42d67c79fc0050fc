/*
 * ulib.h - the one header of Cairn's user programs: a tiny C library for
 * Linux i386 static binaries (gcc -m32 -static -nostdlib). System calls go
 * through `int 0x80` with Linux's i386 numbers and registers (eax = number,
 * ebx ecx edx esi edi = arguments; see README.md in this directory), so the
 * same ELF runs on stage 8 and on Linux.
 *
 * Errors are errno-style: a call that fails returns -errno (say -14 for
 * EFAULT), never -1 with a global errno. The string routines, the printf
 * engine, the number parser and the CRC-32 are the kernel's own
 * (kernel/string.c, kernel/format.c, kernel/parse.c, labs/lab4-ata/crc32.c)
 * compiled for ring 3: one home for each.
 */
#ifndef CAIRN_ULIB_H
#define CAIRN_ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "kstring.h"            /* memcpy, memset, strlen, strcmp, ... */
#include "parse.h"              /* parse_uint: the one checked number parser */
#include "crc32.h"              /* crc32, crc32_update: zlib's CRC-32 */
#include "sysnum.h"             /* SYS_name: Linux i386 system-call numbers */

/* errno values (include/uapi/asm-generic/errno-base.h, errno.h). */
enum {
    EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, E2BIG = 7, ENOEXEC = 8,
    EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14,
    EBUSY = 16, EEXIST = 17, EXDEV = 18, ENOTDIR = 20, EISDIR = 21, EINVAL = 22,
    ENFILE = 23, EMFILE = 24, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30,
    EPIPE = 32, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39,
};
/* What an errno means, in glibc's strerror words ("No such file or directory");
 * err may be negative (our calls' -errno) or positive. */
const char *errstr(long err);

/* open() flags (octal, as Linux i386 defines them). */
enum {
    O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_TRUNC = 01000,
    O_APPEND = 02000, O_DIRECTORY = 0200000, O_CLOEXEC = 02000000,
};

enum { SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2 };

/* Auxiliary-vector types (System V i386 ABI, "Process Initialization"). */
enum { AT_NULL = 0, AT_PAGESZ = 6, AT_ENTRY = 9 };

struct timespec {
    long tv_sec;
    long tv_nsec;
};

/* stat64 and fstat64 fill this: Linux i386's struct stat64
 * (arch/x86/include/uapi/asm/stat.h), 96 bytes. The i386 ABI aligns a 64-bit
 * member to 4 bytes inside a struct, which is what puts st_size at 44. */
struct stat64 {
    uint64_t st_dev;
    uint8_t  pad0[4];
    uint32_t st_ino_low;        /* the inode number's low 32 bits (old ABI's) */
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint8_t  pad3[4];
    int64_t  st_size;
    uint32_t st_blksize;
    uint64_t st_blocks;         /* 512-byte blocks */
    uint32_t st_atime_sec, st_atime_nsec;
    uint32_t st_mtime_sec, st_mtime_nsec;
    uint32_t st_ctime_sec, st_ctime_nsec;
    uint64_t st_ino;
};
_Static_assert(sizeof(struct stat64) == 96, "Linux i386 struct stat64 is 96 bytes");
_Static_assert(offsetof(struct stat64, st_size) == 44, "st_size is at 44");
_Static_assert(offsetof(struct stat64, st_ino) == 88, "st_ino is at 88");

/* st_mode's file type (Linux include/uapi/linux/stat.h). */
enum { S_IFMT = 0170000, S_IFIFO = 0010000, S_IFCHR = 0020000, S_IFDIR = 0040000,
       S_IFREG = 0100000 };
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)

/* getdents64 fills a buffer with these, each d_reclen bytes long (a multiple
 * of 8), the name NUL-terminated (Linux's struct linux_dirent64, getdents(2)). */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t  d_off;
    uint16_t d_reclen;
    uint8_t  d_type;            /* DT_DIR, DT_REG, ... or DT_UNKNOWN */
    char     d_name[];
};
_Static_assert(offsetof(struct linux_dirent64, d_name) == 19, "d_name is at 19");
enum { DT_UNKNOWN = 0, DT_DIR = 4, DT_REG = 8 };

/* A wait status as wait4 and waitpid store it (Linux kernel/exit.c): the exit
 * code in bits 8..15 when bits 0..6 are 0, else the signal that ended it
 * (0x7f there means stopped, which no call here asks for). */
#define WIFEXITED(s)    (((s) & 0x7f) == 0)
#define WEXITSTATUS(s)  (((s) >> 8) & 0xff)
#define WIFSIGNALED(s)  (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define WTERMSIG(s)     ((s) & 0x7f)
enum { WNOHANG = 1 };

/* Linux i386's signal numbers (arch/x86/include/uapi/asm/signal.h). */
enum {
    SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6,
    SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12,
    SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGNAL_MAX = 31,
};
/* "KILL" for 9 (kill -l's names, no SIG prefix); NULL past the table. */
const char *signal_name(int sig);
/* 9 for "9", "KILL" or "SIGKILL"; 0 when it names no signal 1..SIGNAL_MAX. */
int signal_number(const char *word);

/* Every program defines main; it gets argc and argv as Linux lays them out. */
int main(int argc, char **argv);
extern char **environ;          /* the NULL-terminated environment */

/* auxv's value for `type`, 0 when the kernel gave none. */
uint32_t getauxval(uint32_t type);

/* ---- system calls: the result, or -errno ---- */
long syscall(long nr, long a, long b, long c, long d, long e);
long read(int fd, void *buf, size_t n);
long write(int fd, const void *buf, size_t n);
long open(const char *path, int flags, int mode);
long close(int fd);
long lseek(int fd, long offset, int whence);
long getpid(void);
long brk(void *addr);           /* Linux's raw brk: the new break, or the old on failure */
long nanosleep(const struct timespec *req, struct timespec *rem);
__attribute__((noreturn)) void _exit(int code);     /* SYS_exit */
__attribute__((noreturn)) void exit(int code);      /* SYS_exit_group */

/* Processes (lib/process.c): Linux's calls, Linux's semantics. */
long fork(void);                /* the child's pid in the parent, 0 in the child */
long execve(const char *path, char *const argv[], char *const envp[]);  /* only on failure */
long waitpid(long pid, int *status, int options);
long wait4(long pid, int *status, int options, void *rusage);
long getppid(void);
long kill(long pid, int sig);
long pipe(int fds[2]);          /* fds[0] reads, fds[1] writes */
long pipe2(int fds[2], int flags);  /* flags: O_CLOEXEC */
long dup(int fd);
long dup2(int fd, int to);

/* Files and directories (lib/files.c). */
long unlink(const char *path);
long mkdir(const char *path, int mode);
long rmdir(const char *path);
long rename(const char *from, const char *to);
long chdir(const char *path);
long getcwd(char *buf, size_t size);    /* Linux's raw call: the length with the NUL */
long getdents64(int fd, void *buf, size_t n);   /* bytes of linux_dirent64s, 0 at the end */
long stat64(const char *path, struct stat64 *st);
long fstat64(int fd, struct stat64 *st);
long llseek(int fd, int64_t offset, int whence, int64_t *result);   /* _llseek: 0 or -errno */

/* Sleep `ms` milliseconds (nanosleep); the result of nanosleep. */
long sleep_ms(uint32_t ms);

/* ---- output: each call is one write() when it fits in 256 bytes ---- */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vdprintf(int fd, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Write all n bytes (looping over short writes): 0, or the failing call's -errno. */
long write_all(int fd, const void *buf, size_t n);

/* ---- memory: first fit on brk ---- */
void *malloc(size_t n);
void free(void *p);
/* Bytes the heap has taken from brk so far. */
size_t heap_bytes(void);

/* ---- arguments ---- */
/* argv[i] as a number in [min, max] (parse_uint's rules), or `dflt` when argc <= i.
 * A malformed or out-of-range word prints "NAME: bad WHAT 'word': reason" and exits 2. */
uint32_t arg_u32(const char *name, int argc, char **argv, int i, const char *what,
                 uint32_t min, uint32_t max, uint32_t dflt);

/* The pattern generator the grader mirrors: xorshift32 (Marsaglia 2003) from
 * seed ^ 0x9E3779B9 (never 0), as user/lab7.c and grade/labs/fatvol.py use. */
static inline uint32_t xorshift_seed(uint32_t seed)
{
    uint32_t x = seed ^ 0x9E3779B9u;
    return x ? x : 1;
}

static inline uint32_t xorshift_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* assert: a failed one prints "assert failed: FILE:LINE: EXPR" on fd 2 and exits 134. */
__attribute__((noreturn)) void ulib_assert_fail(const char *expr, const char *file, int line);
#define assert(e) ((e) ? (void)0 : ulib_assert_fail(#e, __FILE__, __LINE__))

#endif
