/*
 * linux_mm.c - mmap2(2) and munmap(2) as glibc's malloc and stdio use them:
 * private mappings, anonymous (zeroed) or a private copy of a file's bytes.
 * Cairn makes every page at once (lab 8's demand paging covers only the heap
 * and the stack) and never shares a page of a file: a MAP_SHARED mapping of
 * a file is refused with -ENODEV, which tells the program to read() instead.
 * Mappings are placed downwards from MMAP_TOP, below the stack's 1 MiB; a
 * fork shares them copy-on-write like any other user page (cow.c).
 */
#include "kstring.h"
#include "kproc.h"
#include "x86.h"

#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MMAP_TOP      0xB0000000u       /* 255 MiB below the stack's lowest page */
#define MMAP_FLOOR    0x40000000u       /* the heap (brk) grows up to meet it */
#define ENODEV        19                /* asm-generic/errno-base.h */

/* Unmap [va, va+len): each present page drops its frame's reference. */
static void unmap_range(struct proc *p, uint32_t va, uint32_t len)
{
    for (uint32_t a = va; a < va + len; a += PAGE_SIZE) {
        intr_state_t fl = intr_disable(); /* the pool is everyone's */
        pte_t *pte = pgtable_walk(&frame_pool, p->base.pgdir, a, false, 0);
        if (pte && (*pte & PTE_P)) {
            frame_free(&frame_pool, PTE_ADDR(*pte));
            *pte = 0;
            tlb_invalidate(a);
            p->base.frames--;
        }
        intr_restore(fl);
    }
}

/* A page's bytes from an open file at off (the rest zero): false on a read error. */
static bool fill_from_file(struct ofile *of, uint32_t off, uint8_t *page)
{
    vfs_lock();
    int32_t n = inode_read(of->ip, off, page, PAGE_SIZE);
    vfs_unlock();
    return n >= 0;
}

/* Map len bytes at va, zeroed or from of at off: 0, or -ENOMEM with nothing left mapped. */
static int map_range(struct proc *p, uint32_t va, uint32_t len, struct ofile *of, uint32_t off)
{
    for (uint32_t done = 0; done < len; done += PAGE_SIZE) {
        intr_state_t fl = intr_disable();
        uint32_t pa = frame_alloc(&frame_pool);
        intr_restore(fl);
        if (!pa)
            goto fail;
        memset(frame_kva(pa), 0, PAGE_SIZE);
        bool ok = !of || fill_from_file(of, off + done, frame_kva(pa));
        fl = intr_disable();
        if (ok && !pgtable_map(&frame_pool, p->base.pgdir, va + done, pa, PTE_W | PTE_U,
                               &p->base.frames)) {
            p->base.frames++;
            intr_restore(fl);
            continue;
        }
        frame_free(&frame_pool, pa);
        intr_restore(fl);
        goto fail;
    }
    return 0;
fail:
    unmap_range(p, va, len);
    return -ENOMEM;
}

int32_t linux_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, uint32_t fd,
                    uint32_t pgoff)
{
    struct proc *p = proc_current();
    struct ofile *of = NULL;

    (void)prot;                         /* every page readable and writable: no PROT_NONE */
    if (!len || len > MMAP_TOP - MMAP_FLOOR || !(flags & (MAP_PRIVATE | MAP_SHARED)))
        return -EINVAL;
    len = PAGE_ROUND_UP(len);
    if (!(flags & MAP_ANONYMOUS)) {
        if (!(of = fd_get(&p->files, fd)))
            return -EBADF;
        if (of->kind != OF_DISK)
            return -ENODEV;
        if (flags & MAP_SHARED)
            return -ENODEV;
    }
    if (frames_count().free < len / PAGE_SIZE + PROC_FRAME_RESERVE)
        return -ENOMEM;
    uint32_t va;
    if (flags & MAP_FIXED) {
        if (PGOFF(addr) || addr < USER_BASE || addr + len > USER_STACK_BOTTOM || addr + len < addr)
            return -EINVAL;
        unmap_range(p, addr, len);
        va = addr;
    } else {
        if (!p->lx.mmap_next)
            p->lx.mmap_next = MMAP_TOP;
        if (p->lx.mmap_next - MMAP_FLOOR < len)
            return -ENOMEM;
        va = p->lx.mmap_next - len;
    }
    int err = map_range(p, va, len, of, pgoff * PAGE_SIZE);
    if (err)
        return err;
    if (!(flags & MAP_FIXED))
        p->lx.mmap_next = va;
    return (int32_t)va;
}

int32_t linux_munmap(uint32_t addr, uint32_t len)
{
    if (PGOFF(addr) || !len || addr < USER_BASE || addr + len > USER_TOP || addr + len < addr)
        return -EINVAL;
    unmap_range(proc_current(), addr, PAGE_ROUND_UP(len));
    return 0;
}
