/*
 * exit.c - a process's end and its parent's wait (_exit(2), wait4(2),
 * waitpid(2)). Lab 8 ends every process the same way, by exit or by a
 * fault, and calls proc_end_hook on the way, interrupts on: here the process
 * closes its descriptors, records its status as Linux encodes it (the code
 * in bits 8-15, or the signal that killed it in bits 0-6), hands its children
 * to the first process and becomes a zombie. Lab 8 then frees its pages and
 * ends its thread; the zombie's record waits, with nothing but its status,
 * for its parent's wait4 (or, for the first process and what it left, the
 * kernel's) to reap it.
 *
 * Why this order. The descriptors close first, before the process is a
 * zombie: a parent reaping it may then count on its pipes being closed (a
 * reader sees EOF by the time wait4 returns). Orphans are handed on and the
 * zombie marked under proc_mutex, the lock wait4 looks under, so a waiter sees
 * either a live child (and sleeps, to be woken below) or a zombie, never half
 * of one; the wake comes after the mark, under the same lock, so it cannot
 * come before the waiter looks (proc_sleep queues itself under that lock too).
 * The record is freed by the reaper only, after ptable_remove: proc_free
 * waits for the thread's very end (thread_join), since the thread still runs
 * on its own stack after this hook, and the record holds the status to hand over.
 */
#include "heap.h"
#include "kstring.h"
#include "panic.h"
#include "kproc.h"

#define WNOHANG 1
#define RUSAGE_BYTES 72                 /* struct rusage on i386: wait4 zeroes it */

static void close_all(struct proc *p)
{
    struct ofile *open[PROC_MAX_FILES];
    int n = fd_take_all(&p->files, false, open);

    for (int i = 0; i < n; i++)
        ofile_put(open[i]);
}

/*
 * Exercise 4c: p is ending (lab 8's process_end, interrupts on). Unless
 * proc_die already set it, its wait status is Linux's: exited with
 * base.exit_code, or (base.end PROC_KILLED: a fault) killed by the signal
 * of the vector in base.exit_code. Close its descriptors (a pipe's reader
 * sees EOF once the last writer goes). Then, under proc_mutex: its children
 * go to the first process (the kernel's when p is the first, or the first
 * has ended: NULL; first_proc is NULL from the first's end on), which is
 * woken if a zombie came with them; p becomes a zombie; its parent is woken
 * (child_wq), or, with no parent, the kernel's reaper (reaper_cv).
 */
void proc_end_hook(struct process *base)
{
    struct proc *p = (struct proc *)base;

    linux_exit(p);                      /* Linux personality: its FPU registers */
    /* LAB 9: BEGIN SOLUTION */
    if (!p->status_set)
        p->wstatus = base->end == PROC_KILLED
                         ? WSTATUS_SIGNALED(signal_of_vector((uint32_t)base->exit_code))
                         : WSTATUS_EXITED(base->exit_code);
    p->status_set = true;
    close_all(p);
    mutex_lock(&proc_mutex);
    struct proc *heir = p == first_proc ? NULL : first_proc;
    if (p == first_proc)
        first_proc = NULL;              /* from now on orphans are the kernel's */
    if (ptable_reparent(&ptable, p, heir) > 0) {
        if (heir)
            waitq_wake_all(&heir->child_wq);
        else
            cond_broadcast(&reaper_cv, &proc_mutex);
    }
    p->state = PS_ZOMBIE;
    if (p->parent)
        waitq_wake_all(&p->parent->child_wq);
    else
        cond_broadcast(&reaper_cv, &proc_mutex);
    mutex_unlock(&proc_mutex);
    /* LAB 9: STUB
    (void)close_all;
    panic("lab9: proc_end_hook not implemented (process %u)", p->base.pid);
    LAB 9: END SOLUTION */
    linux_child_ended(p);               /* Linux personality: SIGCHLD to a handler */
}

/*
 * Exercise 4d: wait4. Under proc_mutex, find a zombie child
 * (ptable_zombie_child); none yet: fail with its error, return 0 with
 * WNOHANG, or sleep on child_wq (proc_sleep: -EINTR when a signal came) and
 * look again. Take the zombie out of the table, then, without the lock, free
 * it (proc_free waits for its thread's very end); store its status and
 * return its pid.
 */
int32_t sys_wait4(int pid, uint32_t ustatus, uint32_t options, uint32_t urusage)
{
    struct proc *p = proc_current();
    struct proc *z = NULL;
    int err = 0;

    if ((ustatus && !user_writable(ustatus, 4)) || (urusage && !user_writable(urusage, RUSAGE_BYTES)))
        return -EFAULT;
    if (options & ~(uint32_t)WNOHANG)
        return -EINVAL;
    if (pid == 0 || pid < -1)
        pid = -1;                       /* one process group: everyone's */
    /* LAB 9: BEGIN SOLUTION */
    mutex_lock(&proc_mutex);
    while (!(z = ptable_zombie_child(&ptable, p, pid, &err))) {
        if (err || (options & WNOHANG) || (err = proc_sleep(&p->child_wq, &proc_mutex))) {
            mutex_unlock(&proc_mutex);
            return err;
        }
    }
    ptable_remove(&ptable, z);
    mutex_unlock(&proc_mutex);
    /* LAB 9: STUB
    (void)z;
    (void)err;
    panic("lab9: sys_wait4 not implemented (pid %d)", pid);
    LAB 9: END SOLUTION */
    int status = z->wstatus;
    uint32_t zpid = z->base.pid;
    proc_free(z);
    if (ustatus)
        copy_out(&p->base, ustatus, &status, sizeof status);
    if (urusage) {
        uint8_t zero[RUSAGE_BYTES] = { 0 };
        copy_out(&p->base, urusage, zero, sizeof zero);
    }
    return (int32_t)zpid;
}
