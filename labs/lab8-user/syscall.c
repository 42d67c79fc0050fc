/*
 * syscall.c - `int 0x80` with Linux's i386 convention (arch/x86/entry/
 * syscalls/syscall_32.tbl for the numbers; the i386 ABI: eax = number, ebx,
 * ecx, edx, esi, edi = arguments, the result or -errno back in eax). The
 * gate has DPL 3 so ring 3 may raise it; it is an interrupt gate, so the
 * dispatcher turns interrupts back on: a call may wait for a key, a disk or
 * a timer, and the others go on running meanwhile.
 *
 * Here: the dispatcher, exit, getpid and brk. The file and time calls are
 * in sysfile.c; every user pointer goes through uaccess_ok and copy_in or
 * copy_out (uaccess.c).
 */
#include "interrupts.h"
#include "kprintf.h"
#include "panic.h"
#include "sysnum.h"
#include "uvm.h"
#include "x86.h"

#define SYSCALL_VECTOR 0x80

#define BRK_LIMIT (USER_STACK_BOTTOM - PAGE_SIZE)   /* a guard page below the stack */

/*
 * Exercise 4e: Linux's brk. 0 or an impossible break (below heap_start, or
 * above BRK_LIMIT) leaves it as it is; the answer is always the break now (a
 * failed call returns the old one: glibc checks it). Growing makes no page:
 * they come on first touch (fault.c), so a program may ask for 3 GiB and pay
 * for what it uses. Shrinking frees the pages above the new break's page,
 * with their TLB entries; a 4 MiB run with no table was never touched, so
 * skip it whole: a 3 GiB heap then costs 768 steps, not 786 432.
 */
static uint32_t sys_brk(uint32_t want)
{
    struct process *p = process_current();

    /* LAB 8: BEGIN SOLUTION */
    if (want < p->heap_start || want > BRK_LIMIT)
        return p->brk;
    for (uint32_t va = PAGE_ROUND_UP(want), next; va < PAGE_ROUND_UP(p->brk); va = next) {
        pte_t *pte = pgtable_walk(&frame_pool, p->pgdir, va, false, 0);
        next = pte ? va + PAGE_SIZE : (PDX(va) + 1) << 22;
        if (pte && (*pte & PTE_P)) {
            (void)intr_disable();       /* the pool is shared with every process */
            frame_free(&frame_pool, PTE_ADDR(*pte));
            *pte = 0;
            tlb_invalidate(va);
            p->frames--;
            intr_enable();
        }
    }
    p->brk = want;
    return p->brk;
    /* LAB 8: STUB
    panic("lab8: sys_brk not implemented (brk 0x%08x in process %u)", want, p->pid);
    LAB 8: END SOLUTION */
}

/* Has p used unknown call nr before? Remembers it if not. */
static bool ni_seen(struct process *p, uint32_t nr)
{
    if (nr < PROC_NI_LOW) {
        bool seen = p->ni_low[nr / 32] & (1u << nr % 32);
        p->ni_low[nr / 32] |= 1u << nr % 32;
        return seen;
    }
    for (uint32_t i = 0; i < p->ni_nhigh; i++)
        if (p->ni_high[i] == nr)
            return true;
    if (p->ni_nhigh < PROC_NI_HIGH) {
        p->ni_high[p->ni_nhigh++] = nr;
        return false;
    }
    if (!p->ni_high_full)           /* said once, so that nothing is left out silently */
        kprintf("%s: more than %u unknown system calls above %u: no more are reported\n",
                p->name, PROC_NI_HIGH, PROC_NI_LOW - 1);
    p->ni_high_full = true;
    return true;
}

/*
 * Linux's name for a call it does not have: -ENOSYS. The first use of each
 * number in a process is reported with Linux's name for it, so a program
 * ported from Linux says what it needs (glibc's start-up calls
 * set_thread_area, 243), and a program that loops on one cannot flood the
 * console.
 */
static int32_t sys_ni_syscall(uint32_t nr)
{
    struct process *p = process_current();

    if (!ni_seen(p, nr)) {
        const char *name = linux_syscall_name(nr);
        kprintf("%s: system call %u (%s) not implemented\n", p->name, nr,
                name ? name : "no such Linux i386 call");
    }
    return -ENOSYS;
}

/*
 * Exercise 5b: run call `nr` with its arguments; an unknown number goes to
 * sys_ni_syscall (it reports it and returns -ENOSYS). exit and exit_group end
 * the process with the low 8 bits of their status (what a Linux parent sees).
 */
static int32_t syscall_dispatch(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
    /* LAB 8: BEGIN SOLUTION */
    switch (nr) {
    case SYS_exit:
    case SYS_exit_group:
        process_exit((int)(a1 & 0xFF));
    case SYS_read:
        return sys_read(a1, a2, a3);
    case SYS_write:
        return sys_write(a1, a2, a3);
    case SYS_open:
        return sys_open(a1, a2, a3);
    case SYS_close:
        return sys_close(a1);
    case SYS_getpid:
        return (int32_t)process_current()->pid;
    case SYS_brk:
        return (int32_t)sys_brk(a1);
    case SYS_nanosleep:
        return sys_nanosleep(a1, a2);
    default:
        return sys_ni_syscall(nr);
    }
    /* LAB 8: STUB
    (void)nr;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)sys_brk;
    (void)sys_ni_syscall;
    panic("lab8: syscall_dispatch not implemented");
    LAB 8: END SOLUTION */
}

int32_t syscall_lab8(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
    return syscall_dispatch(nr, a1, a2, a3);
}

static void syscall_trap(struct trapframe *tf)
{
    ustats.syscalls++;
    intr_enable();
    tf->eax = (uint32_t)syscall_dispatch(tf->eax, tf->ebx, tf->ecx, tf->edx);
    (void)intr_disable();               /* alltraps returns with interrupts masked */
}

void syscall_init(void)
{
    trap_register_user(SYSCALL_VECTOR, syscall_trap);
}
