/*
 * process.c - a process is a lab 6 thread with a page directory: start one
 * from a program on the disk, enter ring 3, end it by exit or by a fault,
 * wait for it. The switch hook gives every thread its address space and, for
 * a process, the kernel stack a trap from ring 3 lands on (the TSS's esp0:
 * Intel SDM Vol. 3A, 7.2.1 and 6.12.1; ring3.c does both).
 *
 * An exception in ring 3 comes here from lab 1's dispatcher (its user fault
 * hook): a not-present page in the heap or stack is made and the program
 * goes on (fault.c decides); anything else prints the report a kernel fault
 * gets, plus the process, and ends that process only.
 */
#include "gdt.h"
#include "heap.h"
#include "interrupts.h"
#include "kprintf.h"
#include "kstring.h"
#include "labinit.h"
#include "panic.h"
#include "uvm.h"
#include "x86.h"

#define VEC_PAGE_FAULT  14              /* #PF (SDM Vol. 3A, Table 6-1) */

struct user_stats ustats;
static uint32_t last_pid, peak_frames;
static void (*end_hook)(struct process *p);    /* lab 9: zombies, descriptors, parents */

void process_set_end_hook(void (*hook)(struct process *p))
{
    end_hook = hook;
}

struct process *process_current(void)
{
    struct thread *t = thread_current();
    return t ? t->process : NULL;
}

/* Lab 6 calls this, interrupts masked, before every switch. */
static void switch_hook(struct thread *next)
{
    uvm_switch(next->process, (uint32_t)thread_stack_top(next));
}

/*
 * Exercise 3d: a process's thread starts here, in ring 0, on its own kernel
 * stack. Mask interrupts (a switch now would find the thread half set up),
 * mark the thread as p's so that the switch hook gives it p's address space
 * from now on, take that space now (uvm_switch), and return to ring 3 at the
 * program's entry with the stack load_program built (user_frame_init,
 * user_iret): the iret turns interrupts back on.
 */
static void process_main(void *arg)
{
    struct process *p = arg;

    /* LAB 8: BEGIN SOLUTION */
    struct iret_frame frame;

    (void)intr_disable();
    thread_current()->process = p;
    uvm_switch(p, (uint32_t)thread_stack_top(thread_current()));
    user_frame_init(&frame, p->entry, p->user_esp);
    user_iret(&frame);
    /* LAB 8: STUB
    panic("lab8: process_main not implemented (process %u)", p->pid);
    LAB 8: END SOLUTION */
}

/* A process that never ran: its pages, its directory, itself. */
static void free_address_space(struct process *p)
{
    intr_state_t fl = intr_disable();

    pgtable_free_user(&frame_pool, p->pgdir);
    intr_restore(fl);
    kfree(p);
}

struct process *process_start(const char *path, int argc, const char *const argv[])
{
    char tname[THREAD_NAME_MAX];
    struct process *p = kzalloc(sizeof *p);
    intr_state_t fl = intr_disable();   /* the frame pool is everyone's */

    if (p)
        p->pgdir = pgtable_new_dir(&frame_pool, kernel_pgdir);
    intr_restore(fl);
    if (!p || !p->pgdir) {
        kprintf("run %s: no memory for a process\n", path);
        kfree(p);
        return NULL;
    }
    p->frames = 1;
    p->pid = ++last_pid;
    strlcpy(p->name, path, sizeof p->name);
    if (load_program(p, path, argc, argv) < 0) {
        free_address_space(p);
        return NULL;
    }
    files_init(p);
    ksnprintf(tname, sizeof tname, "pid%u", p->pid);
    if (!(p->thread = thread_create(process_main, p, tname, THREAD_PRIO_DEFAULT))) {
        kprintf("run %s: no memory for a thread\n", path);
        free_address_space(p);
        return NULL;
    }
    return p;
}

/* The end of every process: its files, its pages, its thread. */
static void __attribute__((noreturn)) process_end(struct process *p, enum proc_end end, int code)
{
    p->end = end;
    p->exit_code = code;
    intr_enable();                      /* closing a file may wait for the disk */
    files_close_all(p);
    if (end_hook)
        end_hook(p);
    (void)intr_disable();
    if (p->frames > peak_frames)
        peak_frames = p->frames;
    thread_current()->process = NULL;
    paging_switch(kernel_pgdir);        /* off the directory before it is freed */
    pgtable_free_user(&frame_pool, p->pgdir);
    thread_exit();
}

void process_exit(int code)
{
    process_end(process_current(), PROC_EXITED, code);
}

/*
 * Exercise 4d: lab 1's user fault hook, for every exception in ring 3;
 * interrupts masked, on the process's kernel stack. A page fault that
 * fault_policy says to grow the stack or map a heap page for gets its page
 * (uvm_fault_in) and returns: the iret runs the faulting instruction again,
 * and this time it finds its page. Anything else, or a page the pool has no
 * frame for, ends the process, not the kernel: the report a kernel fault
 * gets (trap_report), then "  in process PID (NAME): killed", counted in
 * ustats.kills, and process_end with the vector as its code.
 */
static void user_fault(struct trapframe *tf)
{
    struct process *p = process_current();

    assert(p);
    /* LAB 8: BEGIN SOLUTION */
    if (tf->vector == VEC_PAGE_FAULT) {
        uint32_t va = read_cr2();
        if (fault_policy(p, va, tf->error) != FAULT_KILL && uvm_fault_in(p, va))
            return;                     /* a fresh heap or stack page: go on */
    }
    trap_report(tf);
    kprintf("  in process %u (%s): killed\n", p->pid, p->name);
    ustats.kills++;
    process_end(p, PROC_KILLED, (int)tf->vector);
    /* LAB 8: STUB
    panic("lab8: user_fault not implemented (vector %u in process %u)", tf->vector, p->pid);
    LAB 8: END SOLUTION */
}

void process_fault(struct trapframe *tf)
{
    user_fault(tf);
}

void process_wait(struct process *p, enum proc_end *end, int *code)
{
    thread_join(p->thread);
    *end = p->end;
    *code = p->exit_code;
    kfree(p);
}

uint32_t process_peak_frames(void)
{
    return peak_frames;
}

struct user_stats user_stats(void)
{
    return ustats;
}

static void lab8_init(void)
{
    gdt_add_user_segments();
    paging_init();
    thread_set_switch_hook(switch_hook);
    trap_set_user_fault_hook(user_fault);
    syscall_init();
}
LAB_INIT(lab8_init);
