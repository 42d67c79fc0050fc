/*
 * proc.h - lab 9's public interface: processes as Linux has them (see
 * handouts/lab9.md). fork(2) with copy-on-write, execve(2), exit and wait4(2)
 * with Linux's status words, descriptors shared across fork and dup, pipe(7),
 * a console TTY fed by COM1 and the keyboard, and a few signals.
 *
 * The first process is started from the stage program (user/lab9.c) with
 * fd 0, 1 and 2 on the console; every other one is forked. Orphans are
 * handed to the first process, as Linux hands them to init.
 */
#ifndef CAIRN_PROC_H
#define CAIRN_PROC_H

#include <stdint.h>
#include "process.h"

#define PROC_LIMIT          64          /* processes at once, zombies too: fork past it -EAGAIN */
#define PROC_FRAME_RESERVE  256         /* frames fork leaves free (1 MiB): below it -ENOMEM */

/* Linux's wait status words (the W* macros of <sys/wait.h>). */
#define WSTATUS_EXITED(code)   (((code) & 0xFF) << 8)
#define WSTATUS_SIGNALED(sig)  ((sig) & 0x7F)

/* Start the first process: path and argv, with an empty environment. Its pid, or -errno
   (after printing why: "run PATH: ..."). */
int proc_start_first(int argc, const char *const argv[]);
/* Wait until the first process and every process it left behind have ended and been
   reaped; the first process's wait status. */
int proc_wait_all(void);

struct proc_stats {
    uint32_t forks, execs, cow_copies, cow_reused, fork_refused, peak_procs;
};
struct proc_stats proc_stats(void);

#endif
