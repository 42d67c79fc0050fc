/*
 * ptable.c - the process table and wait's bookkeeping (wait4(2), _exit(2)):
 * every process, alive or a zombie, has a slot until its parent reaps it; a
 * parent's wait chooses among its own children; the children of a process
 * that ends are handed to the first process, as Linux hands orphans to init.
 * A zombie keeps nothing but its status: exit.c frees the rest before it is
 * one. Pure code: tests/test_lab9_ptable.c runs it on the host.
 */
#include "kstring.h"
#include "panic.h"
#include "kproc.h"

int ptable_add(struct ptable *t, struct proc *p)
{
    for (uint32_t i = 0; i < PROC_LIMIT; i++) {
        if (t->slot[i])
            continue;
        t->slot[i] = p;
        t->count++;
        p->base.pid = ++t->next_pid;
        return (int)p->base.pid;
    }
    return -EAGAIN;                     /* Linux's fork past RLIMIT_NPROC */
}

void ptable_remove(struct ptable *t, struct proc *p)
{
    for (uint32_t i = 0; i < PROC_LIMIT; i++)
        if (t->slot[i] == p) {
            t->slot[i] = NULL;
            t->count--;
            return;
        }
    panic("lab9: process %u is not in the table", p->base.pid);
}

struct proc *ptable_find(const struct ptable *t, uint32_t pid)
{
    for (uint32_t i = 0; i < PROC_LIMIT; i++)
        if (t->slot[i] && t->slot[i]->base.pid == pid)
            return t->slot[i];
    return NULL;
}

/*
 * Exercise 4a: wait4's choice. Among parent's children (pid > 0: only the
 * child with that pid; -1: any), a zombie to reap; else NULL with *err
 * -ECHILD when there is no such child at all (wait4 fails at once) or 0 when
 * a child is still alive (wait4 sleeps until one ends).
 */
struct proc *ptable_zombie_child(const struct ptable *t, const struct proc *parent, int pid,
                                 int *err)
{
    /* LAB 9: BEGIN SOLUTION */
    bool any = false;

    for (uint32_t i = 0; i < PROC_LIMIT; i++) {
        struct proc *c = t->slot[i];
        if (!c || c->parent != parent || (pid > 0 && c->base.pid != (uint32_t)pid))
            continue;
        if (c->state == PS_ZOMBIE)
            return c;
        any = true;
    }
    *err = any ? 0 : -ECHILD;
    return NULL;
    /* LAB 9: STUB
    (void)t;
    (void)parent;
    (void)pid;
    (void)err;
    panic("lab9: ptable_zombie_child not implemented");
    LAB 9: END SOLUTION */
}

/*
 * Exercise 4b: parent is ending. Each of its children, alive or zombie, now
 * has heir for a parent (the first process; NULL when parent is the first
 * process itself: then the kernel reaps them). Returns how many moved.
 */
int ptable_reparent(struct ptable *t, const struct proc *parent, struct proc *heir)
{
    /* LAB 9: BEGIN SOLUTION */
    int moved = 0;

    for (uint32_t i = 0; i < PROC_LIMIT; i++) {
        struct proc *c = t->slot[i];
        if (c && c->parent == parent) {
            c->parent = heir;
            moved++;
        }
    }
    return moved;
    /* LAB 9: STUB
    (void)t;
    (void)parent;
    (void)heir;
    panic("lab9: ptable_reparent not implemented");
    LAB 9: END SOLUTION */
}

bool ptable_descends(const struct proc *p, const struct proc *ancestor)
{
    for (p = p->parent; p; p = p->parent)
        if (p == ancestor)
            return true;
    return false;
}

/*
 * What Linux sends for each exception (arch/x86/kernel/traps.c): #DE and
 * #MF/#XM are SIGFPE, #DB and #BP SIGTRAP, #UD SIGILL, #AC SIGBUS, the rest
 * (#GP, #PF, #SS, #NP, bounds, overflow) SIGSEGV.
 */
int signal_of_vector(uint32_t vector)
{
    switch (vector) {
    case 0: case 16: case 19: return SIGFPE;
    case 1: case 3: return SIGTRAP;
    case 6: return SIGILL;
    case 17: return SIGBUS;
    default: return SIGSEGV;
    }
}
