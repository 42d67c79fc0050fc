/*
 * linux.h - stage 9's Linux personality (handouts/linux.md): the calls an
 * unmodified glibc or busybox program makes beyond lab 9's own, with Linux's
 * i386 numbers and semantics (the man-pages of each call; arch/x86/entry/
 * syscalls/syscall_32.tbl). Each mechanism has a file of its own:
 * linux_sys.c (the dispatcher, ids, limits, uname), linux_tls.c
 * (set_thread_area and the GDT slot), linux_mm.c (mmap2, munmap, mprotect),
 * linux_time.c (the RTC, clocks, getrandom), linux_file.c (openat, fcntl64,
 * access, readv/writev, ioctl), linux_stat.c (the stat64 family), linux_sig.c
 * (rt_sigaction and masks), linux_sigframe.c (running handlers), linux_dev.c
 * (/dev/null, poll), linux_fork.c (clone, vfork, fork's and exec's hooks),
 * linux_fpu.c (x87/SSE registers per process).
 */
#ifndef CAIRN_LAB9_LINUX_H
#define CAIRN_LAB9_LINUX_H

#include <stdbool.h>
#include <stdint.h>
#include "fat.h"                        /* FAT_PATH_MAX */

#define LINUX_NSIG 65
#define LINUX_FPU_BYTES 512             /* FXSAVE's image */                   /* rt signals included: 1..64 */

struct linux_sigaction {                /* the kernel's struct sigaction for i386 */
    uint32_t handler, flags, restorer;
    uint32_t mask[2];
};

/* What a process has of the Linux personality (in struct proc, copied by fork). */
struct linux_state {
    bool full;                          /* a Linux C library's program (it set up TLS):
                                           SIGPIPE as Linux sends it (lab 9 never does) */
    bool tls_set;                       /* set_thread_area gave a descriptor */
    uint32_t tls_base, tls_limit;
    bool tls_pages;                     /* limit in 4 KiB units */
    uint32_t clear_tid;                 /* set_tid_address's word */
    uint32_t set_tid_at;                /* clone's CLONE_CHILD_SETTID word, before it runs */
    uint32_t mmap_next;                 /* the next anonymous mapping goes below it */
    uint32_t umask;
    uint32_t sigmask[2];                /* blocked: bit n-1 for signal n, as sigset_t */
    uint32_t suspend_mask[2];           /* rt_sigsuspend's caller's mask, for the frame */
    bool suspend_mask_saved;
    struct linux_sigaction act[LINUX_NSIG];
    bool fpu_valid;                     /* fpu holds its registers (else a fresh FPU) */
    uint8_t fpu[LINUX_FPU_BYTES];
};

struct trapframe;
struct proc;
struct thread;

/* linux_sys.c: calls lab 9 does not handle (and the few it does that Linux does more
   of): true if nr is one linux_syscall answers before lab 9's own switch. */
bool linux_overrides(uint32_t nr);
int32_t linux_syscall(struct trapframe *tf);

/* linux_tls.c */
int32_t linux_set_thread_area(uint32_t uinfo);
int32_t linux_get_thread_area(uint32_t uinfo);
void linux_tls_switch(struct thread *next);      /* the switch hook: next's GDT slot */

/* linux_fork.c */
void linux_fork(struct proc *child, struct proc *parent);   /* before it runs */
/* The new image (tf: execve's frame): AT_RANDOM's bytes, no TLS, no handlers. */
void linux_exec(struct proc *p, struct trapframe *tf);
int32_t linux_clone(struct trapframe *tf, uint32_t flags, uint32_t child_tidptr);
void linux_fork_switch(struct proc *p);          /* the switch hook, in p's address space */
void linux_exe_alias(char *path);                /* "/proc/self/exe": the caller's program */
/* The first process's stack as execve builds it (AT_RANDOM, an environment). */
int linux_first_stack(struct proc *p, int argc, const char *const argv[]);

/* linux_fpu.c */
void linux_fpu_init(void);
void linux_fpu_switch(struct proc *next);
void linux_fpu_fork(struct proc *child, struct proc *parent);
void linux_fpu_forget(struct proc *p, bool reset);
void linux_fpu_get(struct proc *p, uint8_t out[LINUX_FPU_BYTES]);        /* as it is now */
void linux_fpu_put(struct proc *p, const uint8_t in[LINUX_FPU_BYTES]);   /* sanitised */
void linux_exit(struct proc *p);                 /* proc_end_hook: before it goes */

/* linux_mm.c */
int32_t linux_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, uint32_t fd,
                    uint32_t pgoff);
int32_t linux_munmap(uint32_t addr, uint32_t len);

/* linux_time.c */
void linux_time_init(void);
uint64_t linux_now_ns(void);            /* CLOCK_REALTIME */
uint64_t linux_uptime_ns(void);         /* CLOCK_MONOTONIC */
uint32_t linux_random32(void);
int64_t linux_days_from_civil(int64_t y, uint32_t m, uint32_t d);     /* since 1970-01-01 */
int32_t linux_time_syscall(uint32_t nr, const uint32_t a[6]);

/* linux_file.c */
int32_t linux_file_syscall(uint32_t nr, const uint32_t a[6]);
bool linux_file_handles(uint32_t nr);
/* An *at call's path (openat(2)): absolute, relative to the working directory (dirfd
   AT_FDCWD), or to the directory open as dirfd: then the call runs with that directory as
   the process's working directory, which linux_at_leave puts back. 0, or -EFAULT, -EBADF,
   -ENOTDIR, -ENOENT (nothing to leave). */
struct linux_at {
    bool moved;
    char cwd[FAT_PATH_MAX];             /* the working directory to put back */
};
int32_t linux_at_enter(uint32_t dirfd, uint32_t upath, struct linux_at *at);
void linux_at_leave(const struct linux_at *at);

/* linux_stat.c: stat64 (195), lstat64 (196), fstat64 (197), fstatat64 (300) */
int32_t linux_stat_syscall(uint32_t nr, const uint32_t a[6]);
/* The path of the directory open as fd: 0, or -EBADF, -ENOTDIR, -ENOENT. */
int32_t linux_fd_dir_path(uint32_t fd, char out[FAT_PATH_MAX]);

/* linux_dev.c: /dev/null, /dev/zero, /dev/tty */
struct ofile;
int32_t linux_open(uint32_t upath, uint32_t flags);
int32_t linux_dev_rw(struct ofile *of, uint32_t ubuf, uint32_t len, bool write);
int32_t linux_poll(uint32_t ufds, uint32_t nfds);
bool linux_dev_path(const char *path);           /* one of the device files */
int32_t linux_ioctl(uint32_t fd, uint32_t req, uint32_t arg);

/* linux_sig.c */
int32_t linux_rt_sigaction(uint32_t sig, uint32_t uact, uint32_t uold, uint32_t size);
int32_t linux_rt_sigprocmask(uint32_t how, uint32_t uset, uint32_t uold, uint32_t size);
bool linux_sig_ignored(const struct proc *p, int sig);

/* linux_sigframe.c: handlers */
bool linux_signal_deliver(void);        /* signal_check's first step: true if dealt with */
int32_t linux_sigreturn(bool rt);
void linux_child_ended(struct proc *child);     /* proc_end_hook, last: SIGCHLD */
int32_t linux_rt_sigsuspend(uint32_t umask, uint32_t size);

#endif
