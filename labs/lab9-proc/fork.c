/*
 * fork.c - fork(2): a new process that is a copy of its caller. The copy is
 * cheap: the child gets a new page directory whose user pages are the
 * parent's own frames, shared copy-on-write (cow.c), its descriptors name the
 * parent's open files (their offsets shared, fdtable.c), and its thread
 * resumes in ring 3 exactly where the parent trapped, with eax 0. The
 * parent gets the child's pid. Past the process table's bound the answer is
 * -EAGAIN, as Linux's past RLIMIT_NPROC; with fewer than PROC_FRAME_RESERVE
 * frames free it is -ENOMEM: a fork bomb finds the wall, and the kernel and
 * the processes already there keep the memory they need.
 */
#include "heap.h"
#include "kprintf.h"
#include "kstring.h"
#include "panic.h"
#include "kproc.h"
#include "x86.h"

/* The child's registers: the parent's frame (from ring 3: with its esp and ss), fork's
   result 0. */
static void child_regs(struct trapframe *r, const struct trapframe *tf)
{
    *r = *tf;
    r->eax = 0;
    r->eflags &= ~EFLAGS_TF;         /* a signal's trap armed in the parent is not the child's */
}

/* A child that will never run: its pages, its slot, itself. */
static void undo_child(struct proc *c)
{
    struct ofile *open[PROC_MAX_FILES];
    int n = fd_take_all(&c->files, false, open);

    for (int i = 0; i < n; i++)
        ofile_put(open[i]);
    if (c->base.pgdir) {
        intr_state_t fl = intr_disable();
        pgtable_free_user(&frame_pool, c->base.pgdir);   /* shared frames: one reference each */
        intr_restore(fl);
    }
    mutex_lock(&proc_mutex);
    ptable_remove(&ptable, c);
    mutex_unlock(&proc_mutex);
    proc_free(c);                       /* no thread yet: the record only */
}

/*
 * Exercise 2: the child's address space and descriptors. c is in the table
 * with its pid, a copy of the parent's lab 8 record (name, heap, break). Give
 * it a page directory of its own (pgtable_new_dir; counted in c->base.frames)
 * whose user half shares the parent's pages copy-on-write (cow_copy; the pool
 * is everyone's: interrupts masked), the parent's descriptors (fd_copy) and
 * working directory, and the parent for a parent. 0, or -ENOMEM with nothing
 * of it left to undo but what undo_child frees.
 */
static int copy_process(struct proc *c, struct proc *parent)
{
    /* LAB 9: BEGIN SOLUTION */
    intr_state_t fl = intr_disable();
    int err = -ENOMEM;

    c->base.frames = 0;
    if ((c->base.pgdir = pgtable_new_dir(&frame_pool, kernel_pgdir))) {
        c->base.frames = 1;
        err = cow_copy(&frame_pool, parent->base.pgdir, c->base.pgdir, &c->base.frames);
    }
    intr_restore(fl);
    if (!c->base.pgdir)
        return -ENOMEM;
    fd_copy(&c->files, &parent->files);
    strlcpy(c->cwd, parent->cwd, sizeof c->cwd);
    c->parent = parent;
    return err;
    /* LAB 9: STUB
    (void)c;
    (void)parent;
    panic("lab9: copy_process not implemented");
    LAB 9: END SOLUTION */
}

int32_t sys_fork(const struct trapframe *tf)
{
    struct proc *parent = proc_current();
    struct trapframe regs;
    struct proc *c;

    if (frames_count().free < PROC_FRAME_RESERVE || !(c = proc_alloc())) {
        pstats.fork_refused++;
        return -ENOMEM;
    }
    c->base = parent->base;             /* name, heap and break, the calls it was told of */
    c->base.thread = NULL;
    c->base.pgdir = 0;
    mutex_lock(&proc_mutex);
    int pid = ptable_add(&ptable, c);
    if (ptable.count > pstats.peak_procs)
        pstats.peak_procs = ptable.count;
    mutex_unlock(&proc_mutex);
    if (pid < 0) {
        pstats.fork_refused++;
        proc_free(c);
        return pid;
    }
    child_regs(&regs, tf);
    linux_fork(c, parent);              /* Linux personality: TLS, handlers, mmap cursor */
    if (copy_process(c, parent) || !proc_launch(c, &regs)) {
        undo_child(c);
        pstats.fork_refused++;
        return -ENOMEM;
    }
    pstats.forks++;
    return pid;
}
