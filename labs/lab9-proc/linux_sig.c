/*
 * linux_sig.c - rt_sigaction(2) and rt_sigprocmask(2), recorded: stage 9
 * keeps what a program sets and gives it back; SIG_IGN is honoured
 * (signal_send drops a signal its target ignores, signal(7)), and a handler
 * runs for a Linux C library's program (linux_sigframe.c), with the mask
 * blocking what it should. Any other program's handler for SIGINT or SIGQUIT
 * counts as ignoring it (what an interactive shell's handler amounts to).
 */
#include "kstring.h"
#include "kproc.h"
#include "x86.h"

#define SIG_DFL 0u
#define SIG_IGN 1u
#define SIGQUIT 3
#define SIGSTOP 19
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

bool linux_sig_ignored(const struct proc *p, int sig)
{
    uint32_t h = p->lx.act[sig].handler;

    return h == SIG_IGN || (!p->lx.full && h != SIG_DFL && (sig == SIGINT || sig == SIGQUIT));
}

int32_t linux_rt_sigaction(uint32_t sig, uint32_t uact, uint32_t uold, uint32_t size)
{
    struct proc *p = proc_current();
    struct linux_sigaction act;

    if (sig < 1 || sig >= LINUX_NSIG || size != 8)
        return -EINVAL;
    if (uact && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if ((uact && !uaccess_ok(&p->base, uact, sizeof act, false)) ||
        (uold && !user_writable(uold, sizeof act)))
        return -EFAULT;
    if (uact)
        copy_in(&p->base, &act, uact, sizeof act);
    if (uold)
        copy_out(&p->base, uold, &p->lx.act[sig], sizeof act);
    if (uact) {
        mutex_lock(&proc_mutex);        /* signal_send reads it under the same lock */
        p->lx.act[sig] = act;
        mutex_unlock(&proc_mutex);
    }
    return 0;
}

int32_t linux_rt_sigprocmask(uint32_t how, uint32_t uset, uint32_t uold, uint32_t size)
{
    struct proc *p = proc_current();
    uint32_t set[2];

    if (size != 8 || (uset && how > SIG_SETMASK))
        return -EINVAL;
    if ((uset && !uaccess_ok(&p->base, uset, sizeof set, false)) ||
        (uold && !user_writable(uold, sizeof set)))
        return -EFAULT;
    if (uold)
        copy_out(&p->base, uold, p->lx.sigmask, sizeof set);
    if (!uset)
        return 0;
    copy_in(&p->base, set, uset, sizeof set);
    set[0] &= ~(1u << (SIGKILL - 1) | 1u << (SIGSTOP - 1));     /* never blocked */
    for (int i = 0; i < 2; i++) {
        if (how == SIG_BLOCK)
            p->lx.sigmask[i] |= set[i];
        else if (how == SIG_UNBLOCK)
            p->lx.sigmask[i] &= ~set[i];
        else
            p->lx.sigmask[i] = set[i];
    }
    return 0;
}
