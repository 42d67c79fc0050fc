/*
 * cow.c - copy-on-write address spaces for fork(2) (Intel SDM Vol. 3A, 4.6
 * "Access rights" for the W bit, 6.15 "Interrupt 14" for the fault's error
 * code; xv6's uvmcopy copies eagerly, this is what Linux does instead).
 *
 * fork maps every present user page of the parent into the child as well,
 * the same frame, and takes a reference on it (frames.c counts them). A page
 * either could write is made read-only in both and marked PTE_COW, a bit the
 * CPU ignores. The first write to it faults; the fault finds PTE_COW and
 * gives the writer a page of its own: a copy if others still map the frame,
 * or the frame itself, made writable again, if the writer is the last. Text
 * stays read-only and shared: nobody may write it, so no copy ever happens.
 *
 * Why the parent's pages too: a parent left writable would write the shared
 * frame in place, and the child would see the parent's writes after fork.
 * Why the TLB: the parent's TLB may still hold the writable entry, and a write
 * through it never faults; the child's directory is new, its TLB has nothing.
 * Why the reference count decides: a frame's count is how many address spaces
 * map it; the one that finds it at 1 is the only one left (the others copied
 * or ended), so it may write it in place. Every caller masks interrupts (the
 * frame pool is everyone's; a count read and then acted on must not change
 * between the two: lab 1 runs the fault hook masked, fork and user_writable mask).
 * Pure code: tests/test_lab9_cow.c runs it on lab 8's fake physical memory.
 */
#include "kstring.h"
#include "panic.h"
#include "kproc.h"

/*
 * Exercise 1a: share every present page of from_dir's user half with
 * to_dir (tables made as needed, counted in *frames). A writable page, or one
 * already copy-on-write, becomes read-only + PTE_COW in both directories
 * (invalidate the parent's TLB entry: it may still say writable); each shared
 * frame gets one more reference (frame_share). A directory entry that is not
 * present is skipped whole. 0, or -ENOMEM if a table found no frame: what was
 * shared stays counted, and freeing to_dir gives it back.
 */
int cow_copy(struct frame_pool *fp, uint32_t from_dir, uint32_t to_dir, uint32_t *frames)
{
    const pte_t *dir = frame_kva(from_dir);

    /* LAB 9: BEGIN SOLUTION */
    for (uint32_t d = PDX(USER_BASE); d < PDX(USER_TOP); d++) {
        if (!(dir[d] & PTE_P))
            continue;
        pte_t *table = frame_kva(PTE_ADDR(dir[d]));
        for (uint32_t i = 0; i < PT_ENTRIES; i++) {
            uint32_t va = (d << 22) | (i << 12);
            if (!(table[i] & PTE_P))
                continue;
            if (table[i] & (PTE_W | PTE_COW)) {         /* the parent too: see above */
                table[i] = (table[i] & ~PTE_W) | PTE_COW;
                tlb_invalidate(va);
            }
            pte_t *child = pgtable_walk(fp, to_dir, va, true, frames);
            if (!child)
                return -ENOMEM;
            if (!frame_share(fp, PTE_ADDR(table[i])))
                panic("lab9: frame 0x%08x shared too often", PTE_ADDR(table[i]));
            *child = table[i];              /* mapped twice: counted twice first */
        }
    }
    return 0;
    /* LAB 9: STUB
    (void)dir;
    (void)fp;
    (void)to_dir;
    (void)frames;
    panic("lab9: cow_copy not implemented");
    LAB 9: END SOLUTION */
}

/*
 * Exercise 1b: a write to va's present page. Not PTE_COW: COW_NONE (the
 * program wrote where it may not). If this address space holds the frame's
 * last reference (frame_refs is 1), make the entry writable again and drop
 * PTE_COW: COW_REUSED. Otherwise copy the page into a fresh frame, map that
 * writable instead, and drop one reference on the old frame (frame_free):
 * COW_COPIED, counted in *frames; COW_NOMEM, changing nothing, if the pool
 * is empty. Either way the TLB may still hold the read-only entry.
 */
enum cow_result cow_fault(struct frame_pool *fp, uint32_t pgdir, uint32_t va, uint32_t *frames)
{
    pte_t *pte = pgtable_walk(fp, pgdir, PAGE_ROUND_DOWN(va), false, NULL);

    if (!pte || !(*pte & PTE_P) || !(*pte & PTE_COW))
        return COW_NONE;
    /* LAB 9: BEGIN SOLUTION */
    uint32_t old = PTE_ADDR(*pte), flags = (*pte & 0xFFFu & ~PTE_COW) | PTE_W;

    if (frame_refs(fp, old) == 1) {
        *pte = old | flags;
        tlb_invalidate(PAGE_ROUND_DOWN(va));
        return COW_REUSED;
    }
    uint32_t copy = frame_alloc(fp);
    if (!copy)
        return COW_NOMEM;
    memcpy(frame_kva(copy), frame_kva(old), PAGE_SIZE);
    *pte = copy | flags;
    tlb_invalidate(PAGE_ROUND_DOWN(va));
    frame_free(fp, old);                /* only now: we map it no more (the others keep it) */
    if (frames)
        (*frames)++;
    return COW_COPIED;
    /* LAB 9: STUB
    (void)frames;
    panic("lab9: cow_fault not implemented (0x%08x)", va);
    LAB 9: END SOLUTION */
}

bool cow_unshare(struct frame_pool *fp, uint32_t pgdir, uint32_t va, uint32_t len,
                 uint32_t *frames)
{
    uint32_t end = va + len < va ? 0xFFFFFFFFu : va + len;

    for (uint32_t page = PAGE_ROUND_DOWN(va), next; page < end && page >= PAGE_ROUND_DOWN(va);
         page = next) {
        pte_t *pte = pgtable_walk(fp, pgdir, page, false, NULL);
        next = pte ? page + PAGE_SIZE : ((PDX(page) + 1) << 22);   /* no table: 4 MiB at once */
        if (next == 0)
            break;
        if (pte && cow_fault(fp, pgdir, page, frames) == COW_NOMEM)
            return false;
    }
    return true;
}
