/*
 * linux_sys.c - the Linux personality's dispatcher (syscall9.c sends it
 * every call lab 9's own switch has no case for, and first the few that
 * linux_overrides names), and the small calls: uname(2) (Cairn), the ids
 * (getuid(2) and family: everyone is root), getrlimit(2)/prlimit(2),
 * prctl(2)'s names, set_tid_address(2), set_robust_list(2), gettid(2),
 * the process group calls (no job control: each process is its own group),
 * sched_getaffinity(2) (one CPU), sysinfo(2). Calls glibc probes and copes
 * without (rseq, statx, clone3) answer -ENOSYS quietly; the rest go to lab 8's
 * dispatcher, whose default reports an unknown call once by its Linux name.
 */
#include "interrupts.h"
#include "kstring.h"
#include "kproc.h"
#include "sysnum.h"

#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define RLIMIT_STACK  3
#define RLIMIT_NOFILE 7
#define RLIM_INFINITY 0xFFFFFFFFu

bool linux_overrides(uint32_t nr)
{
    switch (nr) {
    case SYS_stat64: case SYS_lstat64: case SYS_fstat64:    /* ELF files are 0755 */
    case SYS_open:                                          /* /dev/null and company */
    case SYS_write:                                         /* SIGPIPE */
    case SYS_waitpid: case SYS_wait4:                       /* job control's flags */
        return true;
    default:
        return false;
    }
}

/* wait4 with what job control asks: WUNTRACED, WCONTINUED and __WALL change nothing where
   nothing stops, and with no process groups a group's pid (0, < -1) means any child. */
#define WNOHANG 1u
static int32_t do_wait4(int pid, uint32_t ustatus, uint32_t options, uint32_t urusage)
{
    if (pid == 0 || pid < -1)
        pid = -1;
    return sys_wait4(pid, ustatus, options & WNOHANG, urusage);
}

static int32_t put_user(uint32_t uaddr, const void *src, uint32_t len)
{
    if (!user_writable(uaddr, len))
        return -EFAULT;
    return copy_out(process_current(), uaddr, src, len) ? -EFAULT : 0;
}

static int32_t do_uname(uint32_t ubuf)
{
    static const char *const fields[6] = { "Cairn", "cairn", "6.1.0-cairn",
                                           "#9 Cairn stage 9 (lab9-proc)", "i686", "(none)" };
    char buf[6 * 65];

    memset(buf, 0, sizeof buf);
    for (int i = 0; i < 6; i++)
        strlcpy(buf + i * 65, fields[i], 65);
    return put_user(ubuf, buf, sizeof buf);
}

/* A resource's limits: the stack's 1 MiB, PROC_MAX_FILES descriptors, else none. */
static void limits(uint32_t res, uint64_t lim[2])
{
    lim[0] = lim[1] = ~0ull;
    if (res == RLIMIT_STACK)
        lim[0] = lim[1] = USER_STACK_MAX;
    if (res == RLIMIT_NOFILE)
        lim[0] = lim[1] = PROC_MAX_FILES;
}

static int32_t do_getrlimit(uint32_t res, uint32_t ulim, bool wide)
{
    uint64_t lim[2];

    if (res > 15)
        return -EINVAL;
    limits(res, lim);
    if (wide)
        return put_user(ulim, lim, sizeof lim);
    uint32_t l32[2] = { lim[0] > RLIM_INFINITY ? RLIM_INFINITY : (uint32_t)lim[0],
                        lim[1] > RLIM_INFINITY ? RLIM_INFINITY : (uint32_t)lim[1] };
    return put_user(ulim, l32, sizeof l32);
}

/* prctl's thread name is the program's last path word (comm, at most 15 bytes). */
static int32_t do_prctl(uint32_t op, uint32_t arg)
{
    if (op == PR_GET_NAME) {
        const char *name = process_current()->name, *slash = name;
        char comm[16] = { 0 };
        for (const char *s = name; *s; s++)
            if (*s == '/')
                slash = s + 1;
        strlcpy(comm, slash, sizeof comm);
        return put_user(arg, comm, sizeof comm);
    }
    return op == PR_SET_NAME ? 0 : -EINVAL;
}

/* sysinfo(2): the uptime, and memory as page frames. */
static int32_t do_sysinfo(uint32_t ubuf)
{
    uint32_t info[16];
    struct frame_counts f = frames_count();

    memset(info, 0, sizeof info);
    info[0] = (uint32_t)(linux_uptime_ns() / 1000000000ull);
    info[4] = f.total;
    info[5] = f.free;
    info[10] = (uint32_t)ptable.count;  /* procs (16 bits, and pad) */
    info[13] = PAGE_SIZE;               /* mem_unit */
    return put_user(ubuf, info, sizeof info);
}

static bool is_time_call(uint32_t nr)
{
    switch (nr) {
    case SYS_time: case SYS_times: case SYS_gettimeofday: case SYS_getrandom:
    case SYS_clock_gettime: case SYS_clock_getres: case SYS_clock_nanosleep:
    case SYS_clock_gettime64: case SYS_clock_getres_time64: case SYS_clock_nanosleep_time64:
        return true;
    default:
        return false;
    }
}

/* ids, groups, sessions: root, one group each (no job control). */
static bool id_call(uint32_t nr, const uint32_t a[6], int32_t *ret)
{
    uint32_t pid = process_current()->pid, zeros[3] = { 0, 0, 0 };

    switch (nr) {
    case SYS_getuid: case SYS_getgid: case SYS_geteuid: case SYS_getegid:
    case SYS_getuid32: case SYS_getgid32: case SYS_geteuid32: case SYS_getegid32:
    case SYS_setuid: case SYS_setgid: case SYS_setuid32: case SYS_setgid32:
    case SYS_setreuid32: case SYS_setregid32: case SYS_setresuid32: case SYS_setresgid32:
    case SYS_getgroups: case SYS_getgroups32: case SYS_setgroups: case SYS_setgroups32:
    case SYS_setpgid:
        *ret = 0;
        return true;
    case SYS_getresuid32: case SYS_getresgid32: case SYS_getresuid: case SYS_getresgid:
        *ret = put_user(a[0], zeros, 4) ? -EFAULT : put_user(a[1], zeros, 4) ? -EFAULT :
               put_user(a[2], zeros, 4);
        return true;
    case SYS_getpgrp: case SYS_getpgid: case SYS_setsid: case SYS_getsid: case SYS_gettid:
        *ret = (int32_t)pid;
        return true;
    default:
        return false;
    }
}

/* The memory and process calls. */
static bool proc_call(struct trapframe *tf, uint32_t nr, const uint32_t a[6], int32_t *ret)
{
    uint32_t one_cpu = 1, w[6];

    switch (nr) {
    case SYS_set_thread_area: *ret = linux_set_thread_area(a[0]); return true;
    case SYS_get_thread_area: *ret = linux_get_thread_area(a[0]); return true;
    case SYS_set_tid_address:
        proc_current()->lx.clear_tid = a[0];
        *ret = (int32_t)process_current()->pid;
        return true;
    case SYS_set_robust_list: *ret = 0; return true;    /* no threads to clean up after */
    case SYS_statx: case SYS_rseq: case SYS_get_robust_list: case SYS_clone3:
    case SYS_mremap: *ret = nr == SYS_mremap ? -ENOMEM : -ENOSYS; return true;
    case SYS_clone: *ret = linux_clone(tf, a[0], a[4]); return true;
    case SYS_vfork: *ret = sys_fork(tf); return true;
    case SYS_mmap2: *ret = linux_mmap2(a[0], a[1], a[2], a[3], a[4], a[5]); return true;
    case SYS_mmap:                      /* the old one: its six words in memory, offset in bytes */
        if (!uaccess_ok(process_current(), a[0], sizeof w, false)) {
            *ret = -EFAULT;
            return true;
        }
        copy_in(process_current(), w, a[0], sizeof w);
        *ret = (w[5] & (PAGE_SIZE - 1)) ? -EINVAL :
               linux_mmap2(w[0], w[1], w[2], w[3], w[4], w[5] / PAGE_SIZE);
        return true;
    case SYS_munmap: *ret = linux_munmap(a[0], a[1]); return true;
    case SYS_mprotect: case SYS_madvise: case SYS_sched_yield: *ret = 0; return true;
    case SYS_rt_sigaction: *ret = linux_rt_sigaction(a[0], a[1], a[2], a[3]); return true;
    case SYS_rt_sigprocmask: *ret = linux_rt_sigprocmask(a[0], a[1], a[2], a[3]); return true;
    case SYS_sigaltstack: *ret = 0; return true;    /* handlers run on the stack they find */
    case SYS_sigreturn: case SYS_rt_sigreturn:
        *ret = linux_sigreturn(nr == SYS_rt_sigreturn);
        return true;
    case SYS_rt_sigsuspend: *ret = linux_rt_sigsuspend(a[0], a[1]); return true;
    case SYS_tkill: *ret = sys_kill((int)a[0], (int)a[1]); return true;  /* a thread is a process */
    case SYS_tgkill: *ret = sys_kill((int)a[1], (int)a[2]); return true; /* glibc's raise */
    case SYS_sched_getaffinity: *ret = put_user(a[2], &one_cpu, 4) ? -EFAULT : 4; return true;
    default: return false;
    }
}

int32_t linux_syscall(struct trapframe *tf)
{
    uint32_t nr = tf->eax;
    const uint32_t a[6] = { tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp };
    int32_t ret;

    if (linux_file_handles(nr))
        return linux_file_syscall(nr, a);
    if (is_time_call(nr))
        return linux_time_syscall(nr, a);
    if (id_call(nr, a, &ret) || proc_call(tf, nr, a, &ret))
        return ret;
    switch (nr) {
    case SYS_uname: return do_uname(a[0]);
    case SYS_getrlimit: case SYS_ugetrlimit: return do_getrlimit(a[0], a[1], false);
    case SYS_prlimit64:                 /* on itself: the old limits only */
        return a[3] ? do_getrlimit(a[1], a[3], true) : 0;
    case SYS_setrlimit: return 0;       /* nothing is enforced but the stack */
    case SYS_prctl: return do_prctl(a[0], a[1]);
    case SYS_umask: {
        uint32_t old = proc_current()->lx.umask;
        proc_current()->lx.umask = a[0] & 0777;
        return (int32_t)old;
    }
    case SYS_sysinfo: return do_sysinfo(a[0]);
    case SYS_waitpid: return do_wait4((int)a[0], a[1], a[2], 0);
    case SYS_wait4: return do_wait4((int)a[0], a[1], a[2], a[3]);
    case SYS_poll: case SYS_ppoll: case SYS_ppoll_time64: return linux_poll(a[0], a[1]);
    default: return syscall_lab8(nr, a[0], a[1], a[2]);
    }
}
