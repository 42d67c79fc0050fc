/*
 * kproc.h - lab 9's inside: the process record beside lab 8's, the process
 * table and its wait bookkeeping, copy-on-write, open files and descriptors,
 * pipes, the console's line discipline, signals. The pure parts (ptable.c,
 * cow.c, fdtable.c, pipebuf.c, ldisc.c, execstack.c, path.c) run in the host
 * tests, tests/test_lab9_*.c, under ASan and UBSan.
 */
#ifndef CAIRN_LAB9_KPROC_H
#define CAIRN_LAB9_KPROC_H

#include <stdbool.h>
#include <stdint.h>
#include "fat.h"
#include "interrupts.h"
#include "proc.h"
#include "uvm.h"
#include "linux.h"                      /* Linux personality: struct linux_state */

/* Signals (Linux's asm-generic/signal.h numbers). */
#define SIGHUP   1
#define SIGINT   2
#define SIGILL   4
#define SIGTRAP  5
#define SIGBUS   7
#define SIGFPE   8
#define SIGKILL  9
#define SIGSEGV  11
#define SIGPIPE  13
#define SIGTERM  15
#define SIGCHLD  17
#define SIG_MAX  31

#define EFLAGS_TF 0x100u                /* single-step: a trap after the next instruction */

/* open() flags (Linux i386, octal). */
#define O_ACCMODE   0003
#define O_RDONLY    0
#define O_WRONLY    1
#define O_RDWR      2
#define O_CREAT     0100
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_DIRECTORY 0200000
#define O_CLOEXEC   02000000

/* ---- open files (fdtable.c): one object per open(), shared by dup and fork ---- */
enum ofile_kind { OF_TTY, OF_DISK, OF_DIR, OF_PIPE_READ, OF_PIPE_WRITE,
                  OF_NULL, OF_ZERO, OF_RANDOM };      /* Linux personality's /dev (linux_dev.c) */
struct pipe;
struct inode;
struct ofile {
    enum ofile_kind kind;
    uint32_t refs;                      /* descriptors naming it, in every process */
    uint32_t flags;                     /* open()'s access mode and O_APPEND */
    uint32_t offset;                    /* a file: bytes; a directory: entries listed */
    struct inode *ip;                   /* OF_DISK */
    struct fat_volume *vol;             /* OF_DIR: the directory's volume and cluster */
    struct fat_node dir;
    struct pipe *pipe;                  /* OF_PIPE_* */
};
struct fdtable {
    struct ofile *fd[PROC_MAX_FILES];
    uint32_t cloexec;                   /* bit n: fd n closes at execve */
};
/* The lowest free descriptor >= min for of (taking the caller's reference): fd or -EMFILE. */
int fd_install(struct fdtable *t, struct ofile *of, uint32_t min, bool cloexec);
struct ofile *fd_get(const struct fdtable *t, uint32_t fd);        /* NULL: not open */
/* Detach fd; the caller puts the object: it or NULL. */
struct ofile *fd_remove(struct fdtable *t, uint32_t fd);
int fd_dup2(struct fdtable *t, uint32_t old, uint32_t new, struct ofile **replaced);
void fd_copy(struct fdtable *to, const struct fdtable *from);     /* fork: every ref +1 */
/* Every descriptor, or only the close-on-exec ones, into out[]: how many (to put). */
int fd_take_all(struct fdtable *t, bool only_cloexec, struct ofile *out[PROC_MAX_FILES]);
void ofile_get(struct ofile *of);
/* Drop a reference: true when it was the last (the caller closes the object). */
bool ofile_unref(struct ofile *of);
void ofile_put(struct ofile *of);       /* ofile_unref, and close it when it was the last */

/* ---- processes ------------------------------------------------------------ */
/* Processes asleep until something changes (Linux's wait queues): a signal wakes them too. */
struct waitq {
    struct proc *first;
};
enum proc_state { PS_ALIVE, PS_ZOMBIE };
struct proc {
    struct process base;                /* lab 8's: first, so process_current() is ours */
    struct proc *parent;                /* NULL: the kernel reaps it (the first process) */
    enum proc_state state;
    int wstatus;                        /* Linux's wait status, once status_set */
    bool status_set;
    volatile uint32_t pending;          /* signals sent, bit n for signal n */
    bool in_user;                       /* has entered ring 3: its frame tops its stack */
    bool tf_armed;                      /* a signal set EFLAGS.TF in that frame */
    bool sleeping;                      /* in proc_sleep: wake.count will be upped once */
    bool reads_console;                 /* has read a line from the console (tty.c) */
    struct semaphore wake;              /* proc_sleep sleeps on it */
    struct proc *wq_next;               /* on the wait queue it sleeps on */
    struct waitq child_wq;              /* a child ended (proc_mutex guards it) */
    struct fdtable files;
    char cwd[FAT_PATH_MAX];
    struct trapframe *start;            /* what its thread enters ring 3 with */
    struct linux_state lx;              /* Linux personality (linux_*.c): TLS, mmap, signals */
};

/* ptable.c (pure): the table of every process, alive or zombie, and wait's choices. */
struct ptable {
    struct proc *slot[PROC_LIMIT];
    uint32_t count, next_pid;
};
int ptable_add(struct ptable *t, struct proc *p);       /* its pid, or -EAGAIN when full */
void ptable_remove(struct ptable *t, struct proc *p);
struct proc *ptable_find(const struct ptable *t, uint32_t pid);
/* wait4's choice among parent's children: pid > 0 that one, -1 any. A zombie to reap,
   or NULL with *err -ECHILD (no such child) or 0 (children alive: wait). */
struct proc *ptable_zombie_child(const struct ptable *t, const struct proc *parent, int pid,
                                 int *err);
/* parent's children, alive or zombie, become heir's (NULL: the kernel's): how many. */
int ptable_reparent(struct ptable *t, const struct proc *parent, struct proc *heir);
bool ptable_descends(const struct proc *p, const struct proc *ancestor);
int signal_of_vector(uint32_t vector);  /* the signal Linux sends for a CPU exception */

/* proc.c: the kernel's process state. */
extern struct ptable ptable;
extern struct mutex proc_mutex;         /* the table, the tree, every wait and exit */
extern struct proc *first_proc;
extern struct proc_stats pstats;
struct proc *proc_current(void);
/* Start p's thread: it enters ring 3 with regs (proc_enter). NULL: no memory. */
bool proc_launch(struct proc *p, const struct trapframe *regs);
void proc_iret(const struct trapframe *regs) __attribute__((noreturn));    /* procentry.S */
extern struct condvar reaper_cv;        /* a process with no parent ended (proc_mutex) */
struct proc *proc_alloc(void);          /* a zeroed record (NULL: no memory), counted */
void proc_free(struct proc *p);         /* a reaped zombie, or one that never ran */
/* Sleep on q until woken (mu, which guards q, held: released while asleep), unless a
   signal is pending: 0, or -EINTR. Never in an interrupt handler. */
int proc_sleep(struct waitq *q, struct mutex *mu);
void waitq_wake_all(struct waitq *q);   /* the mutex guarding q held */
void proc_wake(struct proc *p);         /* wherever it sleeps (a signal); any context */
void assert_may_block(void);
void proc_die(int wstatus) __attribute__((noreturn));   /* end the current process so */

/* fork.c, exec.c, exit.c */
int32_t sys_fork(const struct trapframe *tf);
int32_t sys_execve(struct trapframe *tf, uint32_t upath, uint32_t uargv, uint32_t uenvp);
void proc_end_hook(struct process *base);
int32_t sys_wait4(int pid, uint32_t ustatus, uint32_t options, uint32_t urusage);

/* cow.c: copy-on-write address spaces (Intel SDM Vol. 3A, 4.6 and 6.15). */
int cow_copy(struct frame_pool *fp, uint32_t from_dir, uint32_t to_dir, uint32_t *frames);
/* A write to va's present page: COW_NONE if it is not copy-on-write (a real protection
   fault), else it is writable now (the frame reused or copied), or COW_NOMEM. */
enum cow_result { COW_NONE, COW_REUSED, COW_COPIED, COW_NOMEM };
enum cow_result cow_fault(struct frame_pool *fp, uint32_t pgdir, uint32_t va, uint32_t *frames);
/* Make every copy-on-write page of [va, va+len) writable (before the kernel writes there):
   false if a copy found no frame. */
bool cow_unshare(struct frame_pool *fp, uint32_t pgdir, uint32_t va, uint32_t len,
                 uint32_t *frames);

/* execstack.c (pure): argc, argv, envp and auxv at the top of the stack. */
struct exec_args {
    char *strings;                      /* argv's strings, then envp's, each with its NUL */
    uint32_t bytes, argc, envc;
};
int exec_stack_build(uint8_t page[PAGE_SIZE], const struct exec_args *a, uint32_t entry,
                     uint32_t *esp);

/* path.c (pure): an absolute, normalised path from cwd and a user's path. */
int path_resolve(const char *cwd, const char *path, char out[FAT_PATH_MAX]);

/* signal.c */
void signal_send(struct proc *p, int sig);
void signal_foreground(int sig);        /* Ctrl-C: the first process's job */
void signal_check(void);                /* on the way back to ring 3: die if one is pending */
bool signal_debug_trap(struct trapframe *tf);    /* #DB we armed: true if handled */
void signal_arm(struct thread *next);   /* the switch hook: TF for a pending signal */
int32_t sys_kill(int pid, int sig);

/* pipebuf.c (pure) and pipe.c */
#define PIPE_SIZE PAGE_SIZE
struct pipebuf {
    uint8_t *data;                      /* PIPE_SIZE bytes */
    uint32_t head, count;               /* head: the next byte to read */
};
uint32_t pipebuf_put(struct pipebuf *b, const uint8_t *src, uint32_t len);
uint32_t pipebuf_get(struct pipebuf *b, uint8_t *dst, uint32_t len);
int pipe_create(struct ofile **rd, struct ofile **wr);
int32_t pipe_read(struct pipe *pp, uint32_t ubuf, uint32_t len);
int32_t pipe_write(struct pipe *pp, uint32_t ubuf, uint32_t len);
void pipe_close(struct pipe *pp, bool writer);

/* ldisc.c (pure): the console's canonical line discipline (termios(3), ICANON). */
#define LDISC_LINE 256
#define LDISC_COOKED 1024
struct ldisc {
    char edit[LDISC_LINE];              /* the line being typed */
    uint32_t elen;
    char cooked[LDISC_COOKED];          /* finished lines, for read() */
    uint32_t head, count;
    uint32_t eofs;                      /* Ctrl-D marks: each ends one read with what it has */
    uint32_t eof_at[8];                 /* ...at this many cooked bytes from head */
    bool raw;                           /* no ICANON (Linux personality's TCSETS): bytes as
                                           typed, CR as NL, no echo, no editing, no ^C */
};
enum ldisc_event { LD_NONE, LD_LINE, LD_INTR };
/* One input byte; echo(c) for each byte to show. */
enum ldisc_event ldisc_input(struct ldisc *ld, char c, void (*echo)(const char *s, uint32_t n));
bool ldisc_readable(const struct ldisc *ld);
uint32_t ldisc_read(struct ldisc *ld, char *dst, uint32_t len);   /* 0 at an EOF mark */

/* tty.c */
void tty_init(void);
struct ofile *tty_open(void);
int32_t tty_read(uint32_t ubuf, uint32_t len);
int32_t tty_write(uint32_t ubuf, uint32_t len);
void tty_set_raw(bool raw);             /* termios ICANON off (raw) or on */
bool tty_is_raw(void);

/* sysfile9.c and sysdir.c */
int32_t sys9_open(uint32_t upath, uint32_t flags);
int32_t sys9_read(uint32_t fd, uint32_t ubuf, uint32_t len);
int32_t sys9_write(uint32_t fd, uint32_t ubuf, uint32_t len);
int32_t sys9_lseek(uint32_t fd, int32_t off, uint32_t whence, int64_t *result);
int32_t sys9_fstat64(uint32_t fd, uint32_t ustat);
int32_t sys9_stat64(uint32_t upath, uint32_t ustat);
int32_t sys9_getdents64(uint32_t fd, uint32_t ubuf, uint32_t len);
int32_t sys9_dirop(uint32_t nr, uint32_t a1, uint32_t a2);    /* mkdir rmdir unlink rename chdir */
int32_t sys9_getcwd(uint32_t ubuf, uint32_t len);
int fs_errno(int fat_err);
int user_path(uint32_t upath, char out[FAT_PATH_MAX]);         /* resolved against cwd */
bool user_writable(uint32_t va, uint32_t len);  /* uaccess_ok for a write, COW unshared */
void ofile_close(struct ofile *of);     /* the last reference went: per kind */

#endif
