/*
 * process.h - lab 8's public interface: user programs in ring 3, each a lab 6
 * thread with its own address space, loaded from a lab 7 volume as ELF files,
 * talking to the kernel through `int 0x80` with Linux's i386 numbers (see
 * handouts/lab8.md).
 *
 * The address space (4 KiB pages, two-level i386 paging, Intel SDM Vol. 3A,
 * 4.3): below USER_BASE the kernel, identity-mapped and supervisor-only, the
 * same page tables in every directory; from USER_BASE to USER_TOP the
 * process's own pages. gcc -m32 -static links programs at 0x08048000, inside.
 * The stack grows down from USER_TOP; the heap (brk) up from the end of the
 * program; both get their pages on first touch (a page fault).
 */
#ifndef CAIRN_PROCESS_H
#define CAIRN_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include "thread.h"

#define PAGE_SIZE       4096u
#define USER_BASE       0x08000000u     /* 128 MiB: the kernel's identity map stops here */
#define USER_TOP        0xC0000000u     /* the initial stack's top */
#define USER_STACK_MAX  (1u << 20)      /* the stack may grow this far below USER_TOP */
#define USER_STACK_BOTTOM (USER_TOP - USER_STACK_MAX)
#define PROC_MAX_FILES  16              /* descriptors per process, 0-2 the console */
#define PROC_NAME_MAX   256             /* a whole lab 7 path (FAT_PATH_MAX) */
#define PROC_ARGS_MAX   16              /* argv words */
#define PROC_NI_LOW     512             /* unknown system calls below: a bit each, reported once */
#define PROC_NI_HIGH    8               /* unknown numbers above it a process remembers */

/* ---- page frames (the multiboot map less the kernel, its heap, the BIOS) ---- */
struct frame_counts {
    uint32_t total, free, used;
};
struct frame_counts frames_count(void);

/* ---- processes ---- */
enum proc_end { PROC_RUNNING, PROC_EXITED, PROC_KILLED };

struct process {
    uint32_t pid;
    char name[PROC_NAME_MAX];           /* the path it was loaded from */
    struct thread *thread;
    uint32_t pgdir;                     /* physical address of its page directory */
    uint32_t heap_start, brk;           /* [heap_start, brk): the heap, paged on touch */
    uint32_t entry, user_esp;           /* where it starts */
    uint32_t frames;                    /* frames it holds (directory and tables too) */
    uint32_t page_faults;               /* pages it got on first touch */
    enum proc_end end;
    int exit_code;                      /* exit's status, or the vector that killed it */
    struct file *files[PROC_MAX_FILES];
    uint32_t ni_low[PROC_NI_LOW / 32];  /* unknown calls already reported (syscall.c) */
    uint32_t ni_high[PROC_NI_HIGH], ni_nhigh;
    bool ni_high_full;                  /* more than PROC_NI_HIGH: said once */
};

/*
 * Load the program at path (looked up on every mounted volume, in order) with
 * argv (argv[0] is usually the path) and start it. Returns the process, or
 * NULL after printing why ("run PATH: ..."): not found, not a valid ELF, no memory.
 */
struct process *process_start(const char *path, int argc, const char *const argv[]);
/* Wait for p's end and free it; *end and *code say how it ended. */
void process_wait(struct process *p, enum proc_end *end, int *code);
uint32_t process_peak_frames(void);     /* the most frames any process held */

/* ---- volumes: the FAT volumes on lab 4's four ATA positions ---- */
int volumes_mount(void);                /* mounts what it finds; returns how many */
void volumes_unmount(void);             /* sync and forget them all */

/* ---- statistics for the bench ---- */
struct user_stats {
    uint32_t syscalls, page_faults, kills;
};
struct user_stats user_stats(void);

#endif
