/*
 * signal.c - the few signals stage 9 has (signal(7), kill(2)): no handlers,
 * only default actions. SIGCHLD, SIGCONT, SIGURG and SIGWINCH are ignored, and
 * so are the stop signals (there is no job control to stop a process for);
 * every other signal ends the process, its wait status the signal's number.
 * SIGPIPE is never sent: a write to a pipe with no reader returns -EPIPE,
 * which is what a program that ignores SIGPIPE sees (handouts/lab9.md).
 *
 * A signal is a bit in the target's pending set. It takes effect when the
 * target is next on its way back to ring 3: after a system call (a sleeping
 * one is woken and returns -EINTR), or, for a program running in ring 3, at
 * its next instruction: the switch hook sets the trap flag in the frame it
 * will iret through (EFLAGS.TF, Intel SDM Vol. 3A, 17.3.1.4 "Single-step
 * exception condition"), and the debug trap after one instruction ends it.
 * So even `for (;;);` dies of Ctrl-C.
 */
#include "interrupts.h"
#include "kprintf.h"
#include "panic.h"
#include "kproc.h"
#include "x86.h"

#define SIGCONT    18
#define SIGSTOP    19
#define SIGTSTP    20
#define SIGTTIN    21
#define SIGTTOU    22
#define SIGURG     23
#define SIGWINCH   28
/* Linux ignores these by default; with no job control, the stop signals are ignored too. */
#define IGNORED    ((1u << SIGCHLD) | (1u << SIGCONT) | (1u << SIGURG) | (1u << SIGWINCH) | \
                    (1u << SIGSTOP) | (1u << SIGTSTP) | (1u << SIGTTIN) | (1u << SIGTTOU))

/* Under proc_mutex (p stays in the table meanwhile). */
void signal_send(struct proc *p, int sig)
{
    if (p->state != PS_ALIVE || ((1u << sig) & IGNORED))
        return;
    if (linux_sig_ignored(p, sig))
        return;                         /* Linux personality: SIG_IGN (linux_sig.c) */
    p->pending |= 1u << sig;
    proc_wake(p);                       /* a sleep returns -EINTR */
}

/*
 * Ctrl-C: the foreground job. With no process groups, that is every process
 * below the first one (the shell); with none, the first process itself,
 * unless it reads its commands from the console: an interactive shell, which
 * ignores SIGINT (a shell would say so with sigaction, which stage 9 lacks),
 * so Ctrl-C only throws the line being typed away. Deciding by "is it asleep
 * in read() now" would race with a shell between its prompt and its read.
 */
void signal_foreground(int sig)
{
    int sent = 0;

    mutex_lock(&proc_mutex);
    for (uint32_t i = 0; i < PROC_LIMIT; i++) {
        struct proc *q = ptable.slot[i];
        if (q && q->state == PS_ALIVE && first_proc && ptable_descends(q, first_proc)) {
            signal_send(q, sig);
            sent++;
        }
    }
    if (!sent && first_proc && !first_proc->reads_console)
        signal_send(first_proc, sig);
    mutex_unlock(&proc_mutex);
}

int32_t sys_kill(int pid, int sig)
{
    if (sig < 0 || sig > SIG_MAX)
        return -EINVAL;
    if (pid <= 0)
        return -EINVAL;                 /* no process groups, and no kill(-1): say so */
    mutex_lock(&proc_mutex);
    struct proc *p = ptable_find(&ptable, (uint32_t)pid);
    if (p && sig)
        signal_send(p, sig);
    mutex_unlock(&proc_mutex);
    return p ? 0 : -ESRCH;
}

/*
 * Exercise 8a: on the way back to ring 3. If a signal is pending, end the
 * current process with it (proc_die with WSTATUS_SIGNALED): SIGKILL first,
 * else the lowest-numbered one.
 */
void signal_check(void)
{
    uint32_t pending = proc_current()->pending;

    if (pending && linux_signal_deliver())
        return;                         /* Linux personality: a handler runs (linux_sigframe.c) */
    /* LAB 9: BEGIN SOLUTION */
    if (!pending)
        return;
    int sig = pending & (1u << SIGKILL) ? SIGKILL : __builtin_ctz(pending);
    proc_die(WSTATUS_SIGNALED(sig));
    /* LAB 9: STUB
    if (pending)
        panic("lab9: signal_check not implemented (signals 0x%x)", pending);
    LAB 9: END SOLUTION */
}

/*
 * Exercise 8b: the switch hook, interrupts masked, before next runs. A
 * process that has been in ring 3 (in_user) with a signal pending and no
 * trap armed yet: the frame it will iret through tops its kernel stack (a
 * struct trapframe from ring 3, esp and ss included, ends at thread_stack_top). If that frame is from ring 3
 * (cs's RPL 3), set EFLAGS_TF in it and note tf_armed: after one instruction
 * in ring 3 the CPU raises #DB, and signal_debug_trap ends the process.
 */
void signal_arm(struct thread *next)
{
    struct proc *p = next->process;

    if (!p || !p->in_user || !p->pending || p->tf_armed)
        return;
    /* LAB 9: BEGIN SOLUTION */
    struct trapframe *r = (struct trapframe *)(thread_stack_top(next) - sizeof *r);
    if ((r->cs & 3) != 3)
        return;                         /* not a frame from ring 3: never arm */
    r->eflags |= EFLAGS_TF;
    p->tf_armed = true;
    /* LAB 9: STUB
    panic("lab9: signal_arm not implemented (signals 0x%x for process %u)", p->pending,
          p->base.pid);
    LAB 9: END SOLUTION */
}

/*
 * Exercise 8c: the debug trap from ring 3. Not armed by signal_arm: false
 * (the program set TF itself: lab 8 kills it with SIGTRAP). Armed: disarm,
 * clear TF in the frame (the program must not go on single-stepping), then
 * signal_check; true.
 */
bool signal_debug_trap(struct trapframe *tf)
{
    struct proc *p = proc_current();

    /* LAB 9: BEGIN SOLUTION */
    if (!p->tf_armed)
        return false;
    p->tf_armed = false;
    tf->eflags &= ~EFLAGS_TF;
    signal_check();
    return true;
    /* LAB 9: STUB
    (void)tf;
    if (p->tf_armed)
        panic("lab9: signal_debug_trap not implemented (process %u)", p->base.pid);
    return false;
    LAB 9: END SOLUTION */
}
