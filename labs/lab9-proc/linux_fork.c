/*
 * linux_fork.c - the process side of the Linux personality: clone(2) with
 * the flags glibc's fork passes (SIGCHLD | CLONE_CHILD_SETTID |
 * CLONE_CHILD_CLEARTID), vfork(2) as a fork (copy-on-write makes it as
 * cheap), what a child and a new image inherit of linux_state (fork(2),
 * execve(2): handlers are reset, ignored signals stay ignored), the
 * "/proc/self/exe" that busybox re-executes itself through, and the first
 * process's stack: the same one execve builds, with AT_RANDOM (getauxval(3)),
 * which glibc reads its stack guard from, and a small environment.
 */
#include "kstring.h"
#include "kproc.h"
#include "x86.h"

#define CLONE_VM            0x00000100u
#define CLONE_VFORK         0x00004000u
#define CLONE_THREAD        0x00010000u
#define CLONE_CHILD_SETTID  0x01000000u
#define SIG_IGN 1u
#define AT_RANDOM 25

void linux_fork(struct proc *child, struct proc *parent)
{
    child->lx = parent->lx;
    child->lx.set_tid_at = 0;
    linux_fpu_fork(child, parent);
}

void linux_exit(struct proc *p)
{
    linux_fpu_forget(p, false);         /* its record goes soon: never save into it */
}

/* The initial stack at esp (execstack.c's layout): fill AT_RANDOM's 16 bytes. */
static void fill_aux_random(struct process *p, uint32_t esp)
{
    uint32_t w[2], nulls = 0, va = esp + 4;         /* past argc */

    for (uint32_t i = 0; nulls < 2 && i < PAGE_SIZE / 4; i++, va += 4) {
        copy_in(p, w, va, 4);                       /* argv's, then envp's NULL */
        nulls += !w[0];
    }
    for (; va < USER_TOP - 8; va += 8) {
        copy_in(p, w, va, 8);
        if (w[0] == AT_NULL)
            return;
        if (w[0] != AT_RANDOM || w[1] < va || w[1] > USER_TOP - 16)
            continue;
        for (uint32_t i = 0; i < 16; i += 4) {
            uint32_t r = linux_random32();
            copy_out(p, w[1] + i, &r, 4);
        }
        return;
    }
}

void linux_exec(struct proc *p, struct trapframe *tf)
{
    fill_aux_random(&p->base, tf->esp);  /* the new user esp */
    intr_state_t fl = intr_disable();
    p->lx.tls_set = p->lx.full = false;
    p->lx.mmap_next = 0;
    for (int s = 1; s < LINUX_NSIG; s++)
        if (p->lx.act[s].handler != SIG_IGN)
            memset(&p->lx.act[s], 0, sizeof p->lx.act[s]);
    intr_restore(fl);
    linux_fpu_forget(p, true);
}

/* The switch hook, CR3 already the child's: CLONE_CHILD_SETTID's word, before it runs. */
void linux_fork_switch(struct proc *p)
{
    uint32_t va = p->lx.set_tid_at, tid = p->base.pid;

    p->lx.set_tid_at = 0;
    if (va && uaccess_ok(&p->base, va, sizeof tid, false) &&
        cow_unshare(&frame_pool, p->base.pgdir, va, sizeof tid, &p->base.frames) &&
        uaccess_ok(&p->base, va, sizeof tid, true))
        copy_out(&p->base, va, &tid, sizeof tid);
}

/* clone(120): a fork, on newsp if given (what posix_spawn's CLONE_VM | CLONE_VFORK asks,
   without the sharing: the child runs on its own copy). Threads: -EINVAL. */
int32_t linux_clone(struct trapframe *tf, uint32_t flags, uint32_t child_tidptr)
{
    uint32_t saved = tf->esp, newsp = tf->ecx;

    if ((flags & CLONE_THREAD) || ((flags & CLONE_VM) && !(flags & CLONE_VFORK)))
        return -EINVAL;                 /* no threads in Cairn */
    if (newsp)
        tf->esp = newsp;
    int32_t pid = sys_fork(tf);
    tf->esp = saved;
    if (pid > 0 && (flags & CLONE_CHILD_SETTID)) {
        mutex_lock(&proc_mutex);
        struct proc *c = ptable_find(&ptable, (uint32_t)pid);
        intr_state_t fl = intr_disable(); /* before its first switch, or it has run: skip */
        if (c && !c->in_user)
            c->lx.set_tid_at = child_tidptr;
        intr_restore(fl);
        mutex_unlock(&proc_mutex);
    }
    return pid;
}

/* execve("/proc/self/exe"): the caller's own program, as Linux's procfs link names it. */
void linux_exe_alias(char *path)
{
    if (!strcmp(path, "/proc/self/exe"))
        strlcpy(path, proc_current()->base.name, FAT_PATH_MAX);
}

/* The first process (lab 8's loader left argv alone on its stack page): execve's stack,
   with PATH and HOME. 0, or -E2BIG. */
int linux_first_stack(struct proc *p, int argc, const char *const argv[])
{
    static const char *const env[] = { "PATH=/bin:/", "HOME=/", "TERM=vt100" };
    struct exec_args a = { 0 };
    char strings[PAGE_SIZE / 2];
    pte_t *pte = pgtable_walk(&frame_pool, p->base.pgdir, USER_TOP - PAGE_SIZE, false, 0);

    if (!pte || !(*pte & PTE_P))
        return -EFAULT;
    a.strings = strings;
    for (int i = 0; i < argc + 3; i++) {
        const char *s = i < argc ? argv[i] : env[i - argc];
        uint32_t n = strlen(s) + 1;
        if (a.bytes + n > sizeof strings)
            return -E2BIG;
        memcpy(strings + a.bytes, s, n);
        a.bytes += n;
    }
    a.argc = (uint32_t)argc;
    a.envc = 3;
    p->lx.umask = 022;                  /* Linux's default, inherited from here on */
    int err = exec_stack_build(frame_kva(PTE_ADDR(*pte)), &a, p->base.entry, &p->base.user_esp);
    if (!err)
        fill_aux_random(&p->base, p->base.user_esp);
    return err;
}
