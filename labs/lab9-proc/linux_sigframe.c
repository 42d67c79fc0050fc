/*
 * linux_sigframe.c - running a program's signal handler (signal(7),
 * sigreturn(2)): for a process of a Linux C library (one that set up TLS), a
 * pending signal it has a handler for is not the default action but a call:
 * the kernel saves the registers it would have returned to ring 3 with in a
 * frame on the user's stack, and returns to the handler instead, as if the
 * program had called it. glibc's sigaction(2) always names a restorer
 * (SA_RESTORER): the handler returns there, and the restorer calls
 * sigreturn (119, having popped the signal number) or rt_sigreturn (173,
 * for SA_SIGINFO), which puts the saved registers back. The frames hold
 * what Linux's arch/x86/kernel/signal.c puts first (the return address, the
 * signal, for rt the siginfo and ucontext pointers); the saved state after
 * them is Cairn's own: the registers, the mask and the FPU image (a handler's
 * SSE string functions must not clobber the interrupted program's). A
 * handler's signal is blocked while it runs (unless SA_NODEFER);
 * SA_RESETHAND resets it to the default first.
 */
#include "gdt.h"
#include "kstring.h"
#include "kproc.h"
#include "x86.h"

#define SA_SIGINFO   0x00000004u
#define SA_NODEFER   0x40000000u
#define SA_RESETHAND 0x80000000u
#define SIG_IGN 1u
#define SIGSTOP 19
#define SIGINFO_BYTES 128
#define SAVE_MAGIC 0x53494743u          /* "SIGC" */
#define EFLAGS_USER 0x00040DD5u         /* AC OF DF TF SF ZF AF PF CF: the program's own */
#define EFLAGS_DF   0x400u

struct sigsave {
    struct trapframe regs;
    uint32_t mask[2];
    uint32_t magic;
    uint8_t fpu[LINUX_FPU_BYTES];       /* the x87/SSE registers the handler may clobber */
};
struct rt_head {                        /* what the handler's arguments point at */
    uint32_t pretcode, sig, pinfo, puc;
    uint8_t info[SIGINFO_BYTES];        /* si_signo, si_errno, si_code, then the pid */
};

/* The frame the thread returns to ring 3 through, or NULL when there is none (a process
   killed before it first ran has only its start registers, elsewhere). */
static struct trapframe *user_frame(void)
{
    struct trapframe *r = (struct trapframe *)(thread_stack_top(thread_current()) - sizeof *r);

    if (r->cs != (GDT_USER_CODE | GDT_RPL_USER) || r->ss != (GDT_USER_DATA | GDT_RPL_USER))
        return NULL;
    return r;
}

/* Push the handler's frame for sig and point the registers at the handler: false if the
   stack cannot take it (then the default action: Linux sends SIGSEGV). */
static bool push_frame(struct proc *p, struct trapframe *r, int sig)
{
    const struct linux_sigaction *act = &p->lx.act[sig];
    bool rt = act->flags & SA_SIGINFO;
    struct sigsave save = { .regs = *r, .mask = { p->lx.sigmask[0], p->lx.sigmask[1] },
                            .magic = SAVE_MAGIC };

    linux_fpu_get(p, save.fpu);
    if (p->lx.suspend_mask_saved) {     /* rt_sigsuspend: the mask before it, after */
        save.mask[0] = p->lx.suspend_mask[0];
        save.mask[1] = p->lx.suspend_mask[1];
        p->lx.suspend_mask_saved = false;
    }
    uint32_t head = rt ? sizeof(struct rt_head) : 8;
    uint32_t frame = ((r->esp - 128 - head - sizeof save) & ~15u) - 4;  /* esp+4 16-aligned */
    struct rt_head h = { .pretcode = act->restorer, .sig = (uint32_t)sig,
                         .pinfo = frame + 16, .puc = frame + sizeof h };

    if (!user_writable(frame, head + sizeof save))
        return false;
    memset(h.info, 0, sizeof h.info);
    memcpy(h.info, &sig, 4);            /* si_signo; si_code 0 (SI_USER) */
    copy_out(&p->base, frame, &h, head);
    copy_out(&p->base, frame + head, &save, sizeof save);
    r->esp = frame;
    r->eip = act->handler;
    r->eax = (uint32_t)sig;          /* and edx, ecx: what -mregparm=3 handlers read */
    r->edx = rt ? h.pinfo : 0;
    r->ecx = rt ? h.puc : 0;
    r->eflags &= ~(EFLAGS_TF | EFLAGS_DF);
    return true;
}

/* Ignored where they are pending: SIG_IGN, or SIG_DFL of a signal Linux ignores by default
   (SIGCHLD that linux_child_ended sent a handler that is gone, SIGURG, SIGWINCH, SIGCONT). */
static uint32_t dropped(const struct proc *p, uint32_t ready)
{
    const uint32_t by_default = 1u << SIGCHLD | 1u << 18 | 1u << 23 | 1u << 28;
    uint32_t drop = 0;

    for (int s = 1; s <= SIG_MAX; s++) {
        uint32_t h = p->lx.act[s].handler, bit = 1u << s;
        if ((ready & bit) && (h == SIG_IGN || (h == 0 && (by_default & bit))))
            drop |= bit;
    }
    return drop;
}

/* signal_check's first step: true if it dealt with the pending signals (a handler will
   run, or they are all blocked), false for lab 9's default action. */
bool linux_signal_deliver(void)
{
    struct proc *p = proc_current();
    uint32_t pending = p->pending;

    if (!p->lx.full || (pending & (1u << SIGKILL)))
        return false;
    uint32_t ready = pending & ~(p->lx.sigmask[0] << 1);   /* a sigset's bit n-1 is signal n */
    uint32_t drop = dropped(p, ready);
    if (drop) {
        __atomic_fetch_and(&p->pending, ~drop, __ATOMIC_SEQ_CST);
        pending &= ~drop;
        ready &= ~drop;
    }
    if (!ready)
        return true;                    /* blocked ones wait; none: nothing to do */
    int sig = __builtin_ctz(ready);
    struct linux_sigaction *act = &p->lx.act[sig];
    struct trapframe *r = user_frame();
    if (act->handler <= SIG_IGN || !act->restorer || !r)
        return false;
    if (!push_frame(p, r, sig))
        return false;
    __atomic_fetch_and(&p->pending, ~(1u << sig), __ATOMIC_SEQ_CST);
    if (!(act->flags & SA_NODEFER))
        p->lx.sigmask[0] |= 1u << (sig - 1);
    p->lx.sigmask[0] |= act->mask[0];
    p->lx.sigmask[1] |= act->mask[1];
    if (act->flags & SA_RESETHAND)
        memset(act, 0, sizeof *act);
    return true;
}

/* A selector the program may hold in a data segment register, or the flat data one. */
static uint32_t user_selector(uint32_t sel)
{
    return sel == 0 || sel == (GDT_USER_DATA | GDT_RPL_USER) ||
           sel == (GDT_USER_TLS | GDT_RPL_USER) ? sel : (GDT_USER_DATA | GDT_RPL_USER);
}

/* sigreturn (119) and rt_sigreturn (173): the registers saved at the handler's call,
   checked so that a forged frame cannot reach ring 0 or turn interrupts off. */
int32_t linux_sigreturn(bool rt)
{
    struct proc *p = proc_current();
    struct trapframe *r = user_frame();
    struct sigsave save;

    if (!r)
        return -EINVAL;
    uint32_t at = r->esp + (rt ? sizeof(struct rt_head) - 4 : 0);
    if (!uaccess_ok(&p->base, at, sizeof save, false))
        proc_die(WSTATUS_SIGNALED(SIGSEGV));
    copy_in(&p->base, &save, at, sizeof save);
    if (save.magic != SAVE_MAGIC)
        proc_die(WSTATUS_SIGNALED(SIGSEGV));
    save.regs.cs = GDT_USER_CODE | GDT_RPL_USER;
    save.regs.ss = save.regs.ds = save.regs.es = GDT_USER_DATA | GDT_RPL_USER;
    save.regs.fs = user_selector(save.regs.fs);
    save.regs.gs = user_selector(save.regs.gs);
    save.regs.eflags = (save.regs.eflags & EFLAGS_USER) | EFLAGS_IF | EFLAGS_RESERVED1;
    save.regs.vector = r->vector;
    save.regs.error = r->error;
    *r = save.regs;
    linux_fpu_put(p, save.fpu);
    p->lx.sigmask[0] = save.mask[0] & ~(1u << (SIGKILL - 1) | 1u << (SIGSTOP - 1));
    p->lx.sigmask[1] = save.mask[1];
    return (int32_t)r->eax;          /* the syscall's return is the interrupted eax */
}

/* The end of a child (proc_end_hook, it is a zombie now): SIGCHLD to a parent that handles
   it. lab 9's signal_send drops SIGCHLD, which Linux ignores by default. */
void linux_child_ended(struct proc *child)
{
    mutex_lock(&proc_mutex);
    struct proc *parent = child->parent;
    if (parent && parent->state == PS_ALIVE && parent->lx.full &&
        parent->lx.act[SIGCHLD].handler > SIG_IGN) {
        __atomic_fetch_or(&parent->pending, 1u << SIGCHLD, __ATOMIC_SEQ_CST);
        proc_wake(parent);
    }
    mutex_unlock(&proc_mutex);
}

/*
 * rt_sigsuspend(179): wait with the given mask until an unblocked signal is pending,
 * then -EINTR; the handler's frame keeps the mask from before, which sigreturn puts back.
 */
int32_t linux_rt_sigsuspend(uint32_t umask, uint32_t size)
{
    static struct mutex suspend_mutex = { .name = "sigsuspend" };
    static struct waitq never;          /* nobody wakes it: only a signal does */
    struct proc *p = proc_current();
    uint32_t mask[2];

    if (size != 8)
        return -EINVAL;
    if (!uaccess_ok(&p->base, umask, sizeof mask, false))
        return -EFAULT;
    copy_in(&p->base, mask, umask, sizeof mask);
    p->lx.suspend_mask[0] = p->lx.sigmask[0];
    p->lx.suspend_mask[1] = p->lx.sigmask[1];
    p->lx.sigmask[0] = mask[0] & ~(1u << (SIGKILL - 1) | 1u << (SIGSTOP - 1));
    p->lx.sigmask[1] = mask[1];
    while (!(p->pending & ~(p->lx.sigmask[0] << 1) & ~dropped(p, p->pending))) {
        mutex_lock(&suspend_mutex);
        int err = proc_sleep(&never, &suspend_mutex);
        mutex_unlock(&suspend_mutex);
        if (err)
            thread_sleep_ticks(1);      /* only blocked ones pending: look again later */
    }
    p->lx.suspend_mask_saved = true;
    return -EINTR;
}
