/*
 * process.c - a process is a lab 6 thread with a page directory: start one
 * from a program on the disk, enter ring 3, end it by exit or by a fault,
 * wait for it. The switch hook gives every thread its address space and, for
 * a process, the kernel stack a trap from ring 3 lands on (the TSS's esp0:
 * Intel SDM Vol. 3A, 7.7 and 6.12.1).
 *
 * An exception in ring 3 comes here from lab 1's dispatcher (its user fault
 * hook): a not-present page in the heap or stack is made and the program
 * goes on; anything else prints the report a kernel fault gets, plus the
 * process, and ends that process only.
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
#define PF_ERR_PRESENT  0x01            /* the page was present: a protection fault */

struct user_stats ustats;
static uint32_t last_pid, peak_frames;

struct process *process_current(void)
{
    struct thread *t = thread_current();
    return t ? t->process : NULL;
}

/* Lab 6 calls this, interrupts masked, before every switch. */
static void switch_hook(struct thread *next)
{
    struct process *p = next->process;

    if (p) {
        trap_set_kernel_stack((uint32_t)thread_stack_top(next));
        paging_switch(p->pgdir);
    } else {
        paging_switch(kernel_pgdir);
    }
}

static void process_main(void *arg)
{
    struct process *p = arg;

    cli();                              /* the switch hook must see what we set */
    thread_current()->process = p;
    trap_set_kernel_stack((uint32_t)thread_stack_top(thread_current()));
    paging_switch(p->pgdir);
    user_enter(p->entry, p->user_esp);  /* its iret turns interrupts on */
}

/* A process that never ran: its pages, its directory, itself. */
static void free_address_space(struct process *p)
{
    irq_flags_t fl = irq_save();

    pgtable_free_user(&frame_pool, p->pgdir);
    irq_restore(fl);
    kfree(p);
}

struct process *process_start(const char *path, int argc, const char *const argv[])
{
    char tname[THREAD_NAME_MAX];
    struct process *p = kzalloc(sizeof *p);
    irq_flags_t fl = irq_save();        /* the frame pool is everyone's */

    if (p)
        p->pgdir = pgtable_new_dir(&frame_pool, kernel_pgdir);
    irq_restore(fl);
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
    sti();                              /* closing a file may wait for the disk */
    files_close_all(p);
    cli();
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

/* Lab 1's user fault hook: interrupts masked, on the process's kernel stack. */
static void user_fault(struct trapframe *tf)
{
    struct process *p = process_current();

    assert(p);
    if (tf->vector == VEC_PAGE_FAULT && !(tf->error & PF_ERR_PRESENT) &&
        uvm_fault_in(p, read_cr2()))
        return;                         /* a fresh heap or stack page: go on */
    trap_report(tf);
    kprintf("  in process %u (%s): killed\n", p->pid, p->name);
    ustats.kills++;
    process_end(p, PROC_KILLED, (int)tf->vector);
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
