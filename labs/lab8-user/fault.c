/*
 * fault.c - what a page fault in ring 3 means (handouts/lab8.md section 3;
 * Intel SDM Vol. 3A, 6.15 "Exception and Interrupt Reference", Interrupt 14:
 * the error code's P, W/R and U/S bits and CR2; 4.7 "Page-Fault Exceptions").
 *
 * A process's address space has two regions whose pages come on first touch:
 * the heap, [heap_start, brk) rounded up to a page as Linux does, and the
 * stack, which may grow down from USER_TOP as far as USER_STACK_MAX. A fault
 * on a page that is not present in one of them is not an error: the kernel
 * makes a zeroed page and the program goes on, never knowing. Every other
 * fault is the program's bug (a NULL pointer, a kernel address, a write to
 * its own text, a stack that ran past its limit) and kills it, with the
 * report a kernel fault gets (process.c).
 *
 * Pure code: tests/test_lab8_fault.c runs it on a fake physical memory, and
 * uaccess.c asks the same question (uvm_demand_end) before the kernel touches
 * a user pointer, so a system call and the program itself agree on which
 * pages exist.
 */
#include "kprintf.h"
#include "kstring.h"
#include "panic.h"
#include "uvm.h"

/*
 * Exercise 4a: the end of the run of pages around va that p may touch without
 * a frame yet, or 0 if va is in neither run: its heap, up to the end of the
 * page holding brk; or its stack, the USER_STACK_MAX bytes just below
 * USER_TOP. Every page of such a run is either not made yet or was made
 * user-writable (by uvm_make_page, or the loader for the stack's top page):
 * nothing else is ever mapped there, which is what lets uaccess_ok skip a run
 * whole.
 */
uint32_t uvm_demand_end(const struct process *p, uint32_t va)
{
    /* LAB 8: BEGIN SOLUTION */
    if (va >= p->heap_start && va < PAGE_ROUND_UP(p->brk))
        return PAGE_ROUND_UP(p->brk);
    if (va >= USER_STACK_BOTTOM && va < USER_TOP)
        return USER_TOP;
    return 0;
    /* LAB 8: STUB
    (void)p;
    (void)va;
    panic("lab8: uvm_demand_end not implemented");
    LAB 8: END SOLUTION */
}

/*
 * Exercise 4b: what to do about a page fault in ring 3 at va (CR2) with this
 * error code. A protection fault (PF_ERR_PRESENT: the page is there, the
 * program may not do this to it), a reserved bit, or a fault outside the user
 * half kills. A missing page just below the stack, within its limit, grows
 * the stack; one in the heap is a lazy heap page; anywhere else kills: below
 * USER_STACK_BOTTOM the stack has run past its limit (Linux's SIGSEGV too).
 */
enum fault_action fault_policy(const struct process *p, uint32_t va, uint32_t error)
{
    /* LAB 8: BEGIN SOLUTION */
    if (error & (PF_ERR_PRESENT | PF_ERR_RESERVED))
        return FAULT_KILL;
    if (va < USER_BASE || va >= USER_TOP)
        return FAULT_KILL;              /* the kernel's half, or above the user's */
    if (va >= USER_STACK_BOTTOM)
        return FAULT_GROW_STACK;
    if (va >= p->heap_start && va < PAGE_ROUND_UP(p->brk))
        return FAULT_MAP_HEAP;
    return FAULT_KILL;
    /* LAB 8: STUB
    (void)p;
    (void)va;
    (void)error;
    panic("lab8: fault_policy not implemented");
    LAB 8: END SOLUTION */
}

/*
 * Exercise 4c: a zeroed frame at va's page in p, user and writable; the
 * caller masks interrupts (the pool is everyone's). False, making nothing, if
 * va is in no run uvm_demand_end allows, if its page is present already (a
 * protection fault: making it again would hide the bug and leak the frame),
 * or if no frame is left for it or its page table (say so when the pool is
 * empty, as "lab8: process PID (NAME): no free frame for 0xVA"; the grade
 * looks for the words "no free frame": the program dies for want of memory,
 * not for a bug). Count the
 * frame in p->frames and the fault in p->page_faults and ustats.page_faults.
 */
bool uvm_make_page(struct process *p, uint32_t va)
{
    /* LAB 8: BEGIN SOLUTION */
    uint32_t page = PAGE_ROUND_DOWN(va), pa;
    pte_t *pte;

    if (!uvm_demand_end(p, va))
        return false;
    if ((pte = pgtable_walk(&frame_pool, p->pgdir, page, false, 0)) && (*pte & PTE_P))
        return false;                   /* present already: a protection fault */
    if (!(pa = frame_alloc(&frame_pool))) {
        kprintf("lab8: process %u (%s): no free frame for 0x%08x\n", p->pid, p->name, va);
        return false;
    }
    memset(frame_kva(pa), 0, PAGE_SIZE);
    if (pgtable_map(&frame_pool, p->pgdir, page, pa, PTE_W | PTE_U, &p->frames)) {
        frame_free(&frame_pool, pa);
        return false;
    }
    p->frames++;
    p->page_faults++;
    ustats.page_faults++;
    return true;
    /* LAB 8: STUB
    (void)p;
    (void)va;
    panic("lab8: uvm_make_page not implemented");
    LAB 8: END SOLUTION */
}
