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

#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define RLIMIT_STACK  3
#define RLIMIT_NOFILE 7
#define RLIM_INFINITY 0xFFFFFFFFu

bool linux_overrides(uint32_t nr)
{
    return nr == 195 || nr == 196 || nr == 197 ||   /* stat64 family: ELF files are 0755 */
           nr == 5 ||                               /* open: /dev/null and company */
           nr == 4 ||                               /* write: SIGPIPE */
           nr == 7 || nr == 114;                    /* waitpid, wait4: job control's flags */
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
    return nr == 13 || nr == 43 || nr == 78 || nr == 265 || nr == 266 || nr == 267 ||
           nr == 355 || nr == 403 || nr == 406 || nr == 407;
}

/* ids, groups, sessions: root, one group each (no job control). */
static bool id_call(uint32_t nr, const uint32_t a[6], int32_t *ret)
{
    uint32_t pid = process_current()->pid, zeros[3] = { 0, 0, 0 };

    switch (nr) {
    case 24: case 47: case 49: case 50: case 199: case 200: case 201: case 202:
    case 23: case 46: case 213: case 214: case 203: case 204: case 208: case 210:
    case 80: case 205: case 81: case 206: case 57:   /* get*id, set*id, groups, setpgid */
        *ret = 0;
        return true;
    case 209: case 211: case 165: case 171:          /* getres[ug]id(32) */
        *ret = put_user(a[0], zeros, 4) ? -EFAULT : put_user(a[1], zeros, 4) ? -EFAULT :
               put_user(a[2], zeros, 4);
        return true;
    case 65: case 132: case 66: case 147: case 224:  /* getpgrp getpgid setsid getsid gettid */
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
    case 243: *ret = linux_set_thread_area(a[0]); return true;
    case 244: *ret = linux_get_thread_area(a[0]); return true;
    case 258:                           /* set_tid_address */
        proc_current()->lx.clear_tid = a[0];
        *ret = (int32_t)process_current()->pid;
        return true;
    case 311: *ret = 0; return true;    /* set_robust_list: no threads to clean up after */
    case 383: case 386: case 312: case 435:         /* statx rseq get_robust_list clone3 */
    case 163: *ret = nr == 163 ? -ENOMEM : -ENOSYS; return true;
    case 120: *ret = linux_clone(tf, a[0], a[4]); return true;
    case 190: *ret = sys_fork(tf); return true;         /* vfork */
    case 192: *ret = linux_mmap2(a[0], a[1], a[2], a[3], a[4], a[5]); return true;
    case 90:                            /* old mmap: its six words in memory, offset in bytes */
        if (!uaccess_ok(process_current(), a[0], sizeof w, false)) {
            *ret = -EFAULT;
            return true;
        }
        copy_in(process_current(), w, a[0], sizeof w);
        *ret = (w[5] & (PAGE_SIZE - 1)) ? -EINVAL :
               linux_mmap2(w[0], w[1], w[2], w[3], w[4], w[5] / PAGE_SIZE);
        return true;
    case 91: *ret = linux_munmap(a[0], a[1]); return true;
    case 125: case 219: case 158: *ret = 0; return true;  /* mprotect, madvise, sched_yield */
    case 174: *ret = linux_rt_sigaction(a[0], a[1], a[2], a[3]); return true;
    case 175: *ret = linux_rt_sigprocmask(a[0], a[1], a[2], a[3]); return true;
    case 186: *ret = 0; return true;    /* sigaltstack: handlers run on the stack they find */
    case 119: case 173: *ret = linux_sigreturn(nr == 173); return true;
    case 179: *ret = linux_rt_sigsuspend(a[0], a[1]); return true;
    case 238: *ret = sys_kill((int)a[0], (int)a[1]); return true;     /* tkill: a thread is a process */
    case 270: *ret = sys_kill((int)a[1], (int)a[2]); return true;     /* tgkill: glibc's raise */
    case 242: *ret = put_user(a[2], &one_cpu, 4) ? -EFAULT : 4; return true;
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
    case 122: return do_uname(a[0]);
    case 76: case 191: return do_getrlimit(a[0], a[1], false);
    case 340:                           /* prlimit64 on itself: the old limits only */
        return a[3] ? do_getrlimit(a[1], a[3], true) : 0;
    case 75: return 0;                  /* setrlimit: nothing is enforced but the stack */
    case 172: return do_prctl(a[0], a[1]);
    case 60: {                          /* umask */
        uint32_t old = proc_current()->lx.umask;
        proc_current()->lx.umask = a[0] & 0777;
        return (int32_t)old;
    }
    case 116: return do_sysinfo(a[0]);
    case 7: return do_wait4((int)a[0], a[1], a[2], 0);
    case 114: return do_wait4((int)a[0], a[1], a[2], a[3]);
    case 168: case 309: case 414: return linux_poll(a[0], a[1]);
    default: return syscall_lab8(nr, a[0], a[1], a[2]);
    }
}
