/*
 * fdtable.c - descriptors and the open files they name (open(2), dup(2),
 * fork(2), execve(2)'s FD_CLOEXEC). Every open() makes one open-file object
 * with its own offset; dup, dup2 and fork make more descriptors naming the
 * same object, so they share its offset, as Linux's struct file is shared.
 * The object is closed when the last descriptor naming it goes: only then
 * does a pipe's reader or writer count drop. Close-on-exec belongs to the
 * descriptor, not the object: dup's copy never has it.
 * Pure code: tests/test_lab9_fdtable.c runs it on the host.
 */
#include "panic.h"
#include "x86.h"
#include "kproc.h"

/* The lowest free descriptor from min up names of (taking the caller's reference). */
int fd_install(struct fdtable *t, struct ofile *of, uint32_t min, bool cloexec)
{
    for (uint32_t fd = min; fd < PROC_MAX_FILES; fd++) {
        if (t->fd[fd])
            continue;
        t->fd[fd] = of;
        t->cloexec = cloexec ? t->cloexec | (1u << fd) : t->cloexec & ~(1u << fd);
        return (int)fd;
    }
    return -EMFILE;
}

struct ofile *fd_get(const struct fdtable *t, uint32_t fd)
{
    return fd < PROC_MAX_FILES ? t->fd[fd] : NULL;
}

struct ofile *fd_remove(struct fdtable *t, uint32_t fd)
{
    struct ofile *of = fd_get(t, fd);

    if (of) {
        t->fd[fd] = NULL;
        t->cloexec &= ~(1u << fd);
    }
    return of;
}

/*
 * Exercise 7: dup2. new names old's object too (one more reference, no
 * close-on-exec); what new named before is detached and handed back in
 * *replaced for the caller to put. -EBADF if old is not open or new is out
 * of range; old == new changes nothing (Linux's dup2).
 */
int fd_dup2(struct fdtable *t, uint32_t old, uint32_t new, struct ofile **replaced)
{
    struct ofile *of = fd_get(t, old);

    *replaced = NULL;
    /* LAB 9: BEGIN SOLUTION */
    if (!of || new >= PROC_MAX_FILES)
        return -EBADF;
    if (old == new)
        return (int)new;                /* Linux: nothing happens, not even FD_CLOEXEC */
    *replaced = fd_remove(t, new);
    ofile_get(of);
    t->fd[new] = of;
    return (int)new;
    /* LAB 9: STUB
    (void)of;
    panic("lab9: fd_dup2 not implemented (%u to %u)", old, new);
    LAB 9: END SOLUTION */
}

void fd_copy(struct fdtable *to, const struct fdtable *from)
{
    for (uint32_t fd = 0; fd < PROC_MAX_FILES; fd++)
        if ((to->fd[fd] = from->fd[fd]))
            ofile_get(to->fd[fd]);
    to->cloexec = from->cloexec;
}

int fd_take_all(struct fdtable *t, bool only_cloexec, struct ofile *out[PROC_MAX_FILES])
{
    int n = 0;

    for (uint32_t fd = 0; fd < PROC_MAX_FILES; fd++)
        if (t->fd[fd] && (!only_cloexec || (t->cloexec & (1u << fd))))
            out[n++] = fd_remove(t, fd);
    return n;
}

/*
 * The count changes with interrupts masked: a fork's fd_copy takes a reference
 * with interrupts on, and a tick that switches to a child closing the same file
 * between the load and the store of `refs++` would lose the child's decrement
 * (a soak saw a pipe never freed: its ofile, its struct pipe and its page).
 */
void ofile_get(struct ofile *of)
{
    intr_state_t fl = intr_disable();
    assert(of->refs > 0);
    of->refs++;
    intr_restore(fl);
}

bool ofile_unref(struct ofile *of)
{
    intr_state_t fl = intr_disable();
    assert(of->refs > 0);
    bool last = --of->refs == 0;
    intr_restore(fl);
    return last;
}
