/*
 * pgtable.c - two-level i386 page tables with 4 KiB pages (Intel SDM Vol. 3A,
 * 4.3 "32-bit paging": Figure 4-2 for how a linear address splits, Tables 4-5
 * and 4-6 for the entries). A directory is one frame of 1024 entries, each
 * naming a table of 1024 entries, each naming a page. Tables are reached
 * through frame_kva (the kernel's identity map; an array on the host), so
 * this file runs in tests/test_lab8_pgtable.c as it is.
 */
#include "kstring.h"
#include "panic.h"
#include "uvm.h"

static pte_t *table_at(uint32_t pa)
{
    return (pte_t *)frame_kva(pa);
}

static uint32_t zeroed_frame(struct frame_pool *fp)
{
    uint32_t pa = frame_alloc(fp);
    if (pa)
        memset(frame_kva(pa), 0, PAGE_SIZE);
    return pa;
}

/*
 * Exercise 1a: the entry of va in the table its directory entry names. A
 * missing table: NULL, or with `create` a zeroed frame installed as the table
 * (present, writable, user: the page entries below decide what the page
 * allows), counted in *frames.
 */
pte_t *pgtable_walk(struct frame_pool *fp, uint32_t pgdir, uint32_t va, bool create,
                    uint32_t *frames)
{
    pte_t *dir = table_at(pgdir);
    assert(PDX(va) < PT_ENTRIES);
    /* LAB 8: BEGIN SOLUTION */
    pte_t *pde = &dir[PDX(va)];

    if (!(*pde & PTE_P)) {
        uint32_t pa;
        if (!create || !(pa = zeroed_frame(fp)))
            return NULL;
        *pde = pa | PTE_P | PTE_W | PTE_U;
        if (frames)
            (*frames)++;
    }
    return &table_at(PTE_ADDR(*pde))[PTX(va)];
    /* LAB 8: STUB
    (void)dir;
    (void)fp;
    (void)create;
    (void)frames;
    (void)zeroed_frame;
    panic("lab8: pgtable_walk not implemented");
    LAB 8: END SOLUTION */
}

/* Exercise 1b: map one page; the TLB may hold the old entry of va. */
int pgtable_map(struct frame_pool *fp, uint32_t pgdir, uint32_t va, uint32_t pa, uint32_t flags,
                uint32_t *frames)
{
    assert(PGOFF(va) == 0 && PGOFF(pa) == 0 && (flags & ~(PTE_W | PTE_U)) == 0);
    /* LAB 8: BEGIN SOLUTION */
    pte_t *pte = pgtable_walk(fp, pgdir, va, true, frames);

    if (!pte)
        return -1;
    *pte = pa | flags | PTE_P;
    tlb_invalidate(va);
    return 0;
    /* LAB 8: STUB
    (void)fp;
    (void)pgdir;
    (void)frames;
    panic("lab8: pgtable_map not implemented");
    LAB 8: END SOLUTION */
}

/*
 * Exercise 2c: a directory for a new process: a zeroed frame whose kernel half
 * (the entries below PDX(USER_BASE)) names the very tables kernel_pgdir's
 * does. Not copies of the tables: a kernel page mapped later is then everyone's,
 * and whatever CR3 holds, the kernel finds its code, stack and heap. 0 if no
 * frame is left.
 */
uint32_t pgtable_new_dir(struct frame_pool *fp, uint32_t kernel_pgdir)
{
    /* LAB 8: BEGIN SOLUTION */
    uint32_t pa = zeroed_frame(fp);

    if (pa)
        memcpy(table_at(pa), table_at(kernel_pgdir), PDX(USER_BASE) * sizeof(pte_t));
    return pa;
    /* LAB 8: STUB
    (void)fp;
    (void)kernel_pgdir;
    panic("lab8: pgtable_new_dir not implemented");
    LAB 8: END SOLUTION */
}

/*
 * Exercise 2d: a process's end: free every page of its user half
 * [USER_BASE, USER_TOP), every table that held them, and the directory
 * itself. Never the kernel half's tables: every other directory shares them.
 * Skip a directory entry that is not present whole (1024 pages at a time).
 */
void pgtable_free_user(struct frame_pool *fp, uint32_t pgdir)
{
    /* LAB 8: BEGIN SOLUTION */
    pte_t *dir = table_at(pgdir);

    for (uint32_t d = PDX(USER_BASE); d < PDX(USER_TOP); d++) {
        if (!(dir[d] & PTE_P))
            continue;
        pte_t *pt = table_at(PTE_ADDR(dir[d]));
        for (uint32_t t = 0; t < PT_ENTRIES; t++)
            if (pt[t] & PTE_P)
                frame_free(fp, PTE_ADDR(pt[t]));
        frame_free(fp, PTE_ADDR(dir[d]));
        dir[d] = 0;
    }
    frame_free(fp, pgdir);
    /* LAB 8: STUB
    (void)fp;
    (void)pgdir;
    panic("lab8: pgtable_free_user not implemented");
    LAB 8: END SOLUTION */
}
