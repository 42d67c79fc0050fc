/*
 * uaccess.c - the kernel's way into a process's memory (handouts/lab8.md
 * section 4; Intel SDM Vol. 3A, 4.6 for the U and W bits): the pointer check
 * and the copies in and out. Copies go through the frames' kernel addresses
 * (frame_kva), as xv6's copyin and copyout do, never through the program's
 * own addresses, so the kernel cannot fault on them.
 *
 * Nothing here takes a frame for a check or for a read. A heap or stack page
 * the program never touched reads as zeros; a frame is made only when the
 * kernel writes into the page, as the copy reaches it. So write(1, heap, 3 GiB)
 * costs nothing it does not print, and read(fd, heap, 3 GiB) of a 10-byte
 * file takes one frame, not every frame in the pool.
 *
 * Which pages may come on first touch (uvm_demand_end) and how one is made
 * (uvm_make_page) are fault.c's: a page fault and a system call must agree.
 * Pure code: tests/test_lab8_uaccess.c runs it on a fake physical memory.
 */
#include "kstring.h"
#include "panic.h"
#include "uvm.h"

/*
 * Exercise 5a: may the kernel read (or, with `write`, write) [va, va+len)
 * for p? Inside the user half without wrapping, and each page either
 * present, user-accessible and (for `write`) writable, or in a run that
 * uvm_demand_end says p may touch: skip such a run whole, do not look at
 * its pages and do not make them. The loop then costs one step per page of
 * the program's image, never one per page of a huge heap, and takes no frame.
 * A zero length touches nothing, so it is always allowed (read(fd, 0, 0) is
 * legal, whatever the pointer).
 */
bool uaccess_ok(struct process *p, uint32_t va, uint32_t len, bool write)
{
    /* LAB 8: BEGIN SOLUTION */
    if (len == 0)
        return true;
    if (va < USER_BASE || va > USER_TOP || len > USER_TOP - va)
        return false;
    for (uint32_t page = PAGE_ROUND_DOWN(va); page < va + len;) {
        uint32_t run_end = uvm_demand_end(p, page);
        if (run_end) {                  /* pages unmade or user-writable: none to look at */
            page = run_end;
            continue;
        }
        pte_t *pte = pgtable_walk(&frame_pool, p->pgdir, page, false, 0);
        if (!pte || !(*pte & PTE_P) || !(*pte & PTE_U) || (write && !(*pte & PTE_W)))
            return false;
        page += PAGE_SIZE;
    }
    return true;
    /* LAB 8: STUB
    (void)p;
    (void)va;
    (void)len;
    (void)write;
    panic("lab8: uaccess_ok not implemented");
    LAB 8: END SOLUTION */
}

/* The present entry of va's page, or NULL. */
static pte_t *present_pte(struct process *p, uint32_t va)
{
    pte_t *pte = pgtable_walk(&frame_pool, p->pgdir, PAGE_ROUND_DOWN(va), false, 0);
    return pte && (*pte & PTE_P) ? pte : NULL;
}

static uint32_t piece(uint32_t va, uint32_t len)
{
    uint32_t room = PAGE_SIZE - PGOFF(va);
    return len < room ? len : room;
}

/*
 * len bytes at p's va into dst; uaccess_ok(p, va, len, false) said yes. A
 * page never touched reads as zeros and stays unmade. A page the check should
 * have refused is a kernel bug: it panics here rather than leak kernel memory.
 */
void copy_in(struct process *p, void *dst, uint32_t va, uint32_t len)
{
    for (uint32_t n; len > 0; va += n, dst = (uint8_t *)dst + n, len -= n) {
        pte_t *pte = present_pte(p, va);
        n = piece(va, len);
        if (pte && (*pte & PTE_U))
            memcpy(dst, (uint8_t *)frame_kva(PTE_ADDR(*pte)) + PGOFF(va), n);
        else if (!pte && uvm_demand_end(p, va))
            memset(dst, 0, n);
        else
            panic("lab8: uaccess_ok let the kernel read 0x%08x for process %u", va, p->pid);
    }
}

/*
 * len bytes of src to p's va; uaccess_ok(p, va, len, true) said yes. A page
 * never touched is made as the copy reaches it (uvm_fault_in). 0, or -EFAULT
 * if no frame was left for one (what came before it is written). A page that
 * is not user-writable is a kernel bug: the check let it through.
 */
int copy_out(struct process *p, uint32_t va, const void *src, uint32_t len)
{
    for (uint32_t n; len > 0; va += n, src = (const uint8_t *)src + n, len -= n) {
        pte_t *pte = present_pte(p, va);
        n = piece(va, len);
        if (!pte && uvm_demand_end(p, va)) {
            if (!uvm_fault_in(p, va))
                return -EFAULT;         /* the pool is empty */
            pte = present_pte(p, va);
        }
        if (!pte || (*pte & (PTE_U | PTE_W)) != (PTE_U | PTE_W))
            panic("lab8: uaccess_ok let the kernel write 0x%08x for process %u", va, p->pid);
        memcpy((uint8_t *)frame_kva(PTE_ADDR(*pte)) + PGOFF(va), src, n);
    }
    return 0;
}
