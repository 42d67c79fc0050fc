/*
 * syscall9.c - stage 9's `int 0x80`: lab 9 takes the gate over (lab 1's
 * trap_register_user replaces lab 8's handler) and handles the process,
 * descriptor and file calls itself, with Linux's i386 numbers
 * (arch/x86/entry/syscalls/syscall_32.tbl); the rest (getpid, brk,
 * nanosleep, the unknown ones) go on to lab 8's dispatcher. On the way
 * back to ring 3 a pending signal ends the process (signal.c).
 */
#include "interrupts.h"
#include "kstring.h"
#include "panic.h"
#include "kproc.h"
#include "sysnum.h"
#include "x86.h"

#define SYSCALL_VECTOR 0x80

/* dup(41), dup2(63): the same open file under another descriptor; never close-on-exec. */
static int32_t sys_dup(uint32_t old, uint32_t new, bool to)
{
    struct fdtable *t = &proc_current()->files;
    struct ofile *of = fd_get(t, old), *replaced;

    if (!of)
        return -EBADF;
    if (!to) {
        int fd = fd_install(t, of, 0, false);
        if (fd >= 0)
            ofile_get(of);
        return fd;
    }
    int fd = fd_dup2(t, old, new, &replaced);
    if (replaced)
        ofile_put(replaced);            /* dup2 closes what new named, silently */
    return fd;
}

static int32_t sys9_close(uint32_t fd)
{
    struct ofile *of = fd_remove(&proc_current()->files, fd);

    if (!of)
        return -EBADF;
    ofile_put(of);
    return 0;
}

/* pipe(42), pipe2(331): fds[0] reads, fds[1] writes. O_CLOEXEC is the only flag. */
static int32_t sys_pipe2(uint32_t ufds, uint32_t flags)
{
    struct fdtable *t = &proc_current()->files;
    struct ofile *rd, *wr;
    int fds[2], err;

    if (flags & ~(uint32_t)O_CLOEXEC)
        return -EINVAL;
    if (!user_writable(ufds, sizeof fds))
        return -EFAULT;
    if ((err = pipe_create(&rd, &wr)))
        return err;
    if ((fds[0] = fd_install(t, rd, 0, flags)) < 0 || (fds[1] = fd_install(t, wr, 0, flags)) < 0) {
        if (fds[0] >= 0)
            fd_remove(t, (uint32_t)fds[0]);
        ofile_put(rd);
        ofile_put(wr);
        return -EMFILE;
    }
    copy_out(process_current(), ufds, fds, sizeof fds);
    return 0;
}

/* _llseek(140): a 64-bit offset in two words, the result stored through a pointer. */
static int32_t sys_llseek(uint32_t fd, uint32_t high, uint32_t low, uint32_t uresult,
                          uint32_t whence)
{
    int64_t result;

    if (high != 0 && high != 0xFFFFFFFFu)
        return -EINVAL;                 /* no file of lab 7 is that large */
    if (!user_writable(uresult, sizeof result))
        return -EFAULT;
    int32_t err = sys9_lseek(fd, (int32_t)low, whence, &result);
    if (!err)
        copy_out(process_current(), uresult, &result, sizeof result);
    return err;
}

static int32_t sys_lseek(uint32_t fd, uint32_t off, uint32_t whence)
{
    int64_t result;
    int32_t err = sys9_lseek(fd, (int32_t)off, whence, &result);
    return err ? err : (int32_t)result;
}

/*
 * nanosleep(162), interruptible as Linux's is: in slices of at most SLEEP_SLICE ticks
 * toward one deadline, so a signal ends it within a slice with -EINTR and the time
 * left in *rem. Without a signal the process is ready on exactly the deadline's tick.
 */
#define SLEEP_SLICE 10
#define MAX_SLEEP_S 100000

static int32_t sys9_nanosleep(uint32_t ureq, uint32_t urem)
{
    struct process *p = process_current();
    int32_t ts[2];

    if (!uaccess_ok(p, ureq, sizeof ts, false) || (urem && !user_writable(urem, sizeof ts)))
        return -EFAULT;
    copy_in(p, ts, ureq, sizeof ts);
    if (ts[0] < 0 || ts[1] < 0 || ts[1] > 999999999 || ts[0] > MAX_SLEEP_S)
        return -EINVAL;
    uint64_t ms = (uint64_t)ts[0] * 1000 + ((uint32_t)ts[1] + 999999) / 1000000;
    uint64_t deadline = timer_ticks() + (ms * timer_hz() + 999) / 1000;
    while (timer_ticks() < deadline && !proc_current()->pending) {
        uint64_t left = deadline - timer_ticks();
        thread_sleep_ticks(left < SLEEP_SLICE ? left : SLEEP_SLICE);
    }
    uint64_t left = timer_ticks() < deadline ? deadline - timer_ticks() : 0;
    uint64_t left_ms = left * 1000 / timer_hz();
    ts[0] = (int32_t)(left_ms / 1000);
    ts[1] = (int32_t)(left_ms % 1000 * 1000000);
    if (urem)
        copy_out(p, urem, ts, sizeof ts);
    return left ? -EINTR : 0;
}

static int32_t sys_getppid(void)
{
    struct proc *p = proc_current();

    mutex_lock(&proc_mutex);
    uint32_t ppid = p->parent ? p->parent->base.pid : 0;
    mutex_unlock(&proc_mutex);
    return (int32_t)ppid;
}

static int32_t dispatch(struct trapframe *tf)
{
    uint32_t a1 = tf->ebx, a2 = tf->ecx, a3 = tf->edx, a4 = tf->esi, a5 = tf->edi;

    if (linux_overrides(tf->eax))
        return linux_syscall(tf);       /* Linux personality: calls it does more of */
    switch (tf->eax) {
    case SYS_exit: case SYS_exit_group: proc_die(WSTATUS_EXITED(a1));
    case SYS_fork: return sys_fork(tf);
    case SYS_read: return sys9_read(a1, a2, a3);
    case SYS_write: return sys9_write(a1, a2, a3);
    case SYS_open: return sys9_open(a1, a2);
    case SYS_close: return sys9_close(a1);
    case SYS_waitpid: return sys_wait4((int)a1, a2, a3, 0);
    case SYS_unlink: case SYS_chdir: case SYS_rename: case SYS_mkdir: case SYS_rmdir:
        return sys9_dirop(tf->eax, a1, a2);
    case SYS_execve: return sys_execve(tf, a1, a2, a3);
    case SYS_lseek: return sys_lseek(a1, a2, a3);
    case SYS_kill: return sys_kill((int)a1, (int)a2);
    case SYS_dup: return sys_dup(a1, 0, false);
    case SYS_pipe: return sys_pipe2(a1, 0);
    case SYS_dup2: return sys_dup(a1, a2, true);
    case SYS_getppid: return sys_getppid();
    case SYS_wait4: return sys_wait4((int)a1, a2, a3, a4);
    case SYS__llseek: return sys_llseek(a1, a2, a3, a4, a5);
    case SYS_nanosleep: return sys9_nanosleep(a1, a2);
    case SYS_getcwd: return sys9_getcwd(a1, a2);
    case SYS_stat64: return sys9_stat64(a1, a2);
    case SYS_fstat64: return sys9_fstat64(a1, a2);
    case SYS_getdents64: return sys9_getdents64(a1, a2, a3);
    case SYS_pipe2: return sys_pipe2(a1, a2);
    default: return linux_syscall(tf);  /* Linux personality, then lab 8's */
    }
}

static void syscall_trap(struct trapframe *tf)
{
    ustats.syscalls++;
    intr_enable();
    tf->eax = (uint32_t)dispatch(tf);
    signal_check();                     /* a signal came meanwhile: end here */
    (void)intr_disable();               /* alltraps returns with interrupts masked */
}

void syscall9_init(void)
{
    trap_register_user(SYSCALL_VECTOR, syscall_trap);
}
