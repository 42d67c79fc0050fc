/*
 * paging.c - turning paging on in stage 8 (Intel SDM Vol. 3A, 4.3 "32-bit
 * paging", 2.5 for CR0.PG and CR0.WP): the frame pool from the multiboot
 * memory map, the kernel's identity map below USER_BASE (supervisor-only, in
 * every directory), CR3 switches, and user pages made on first touch (the
 * page itself in uaccess.c, with the pointer check and the copies).
 *
 * The pool is the map's available RAM below USER_BASE less: the first MiB
 * (the real-mode vectors, the BIOS data area, the EBDA, video memory and
 * ROMs), the kernel image, and the kernel heap, which keeps HEAP_KEEP bytes
 * and gives us the rest of its region (kheap_release_top). The boot paths load
 * no multiboot modules; bootinfo keeps none, so there is nothing else to
 * leave out. Page 0 stays unmapped: a kernel NULL dereference faults.
 */
#include "bootinfo.h"
#include "heap.h"
#include "interrupts.h"
#include "kprintf.h"
#include "kstring.h"
#include "panic.h"
#include "uvm.h"
#include "x86.h"

#define HEAP_KEEP   (8u << 20)          /* threads, the FAT caches, the volumes */
#define LOW_MEMORY  0x100000u           /* the first MiB: the BIOS's */
#define CR0_PG      0x80000000u
#define CR0_WP      0x00010000u         /* the kernel, too, cannot write a read-only page */

extern char __kernel_start[], __kernel_end[];

struct frame_pool frame_pool;
uint32_t kernel_pgdir;

void *frame_kva(uint32_t pa)
{
    return (void *)(uintptr_t)pa;       /* the kernel half is an identity map */
}

void tlb_invalidate(uint32_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/*
 * Exercise 2e: make pgdir the CPU's page directory. Loading CR3 flushes the
 * TLB of every page (SDM Vol. 3A, 4.10.4.1), so it costs each page's next
 * touch a table walk: when pgdir is already loaded (a switch between two
 * kernel threads, or back to the same process), leave it.
 */
void paging_switch(uint32_t pgdir)
{
    /* LAB 8: BEGIN SOLUTION */
    if (read_cr3() != pgdir)
        write_cr3(pgdir);
    /* LAB 8: STUB
    panic("lab8: paging_switch not implemented (to 0x%08x)", pgdir);
    LAB 8: END SOLUTION */
}

static void pool_init(void)
{
    uintptr_t given_start = 0;
    size_t given = kheap_release_top(HEAP_KEEP, &given_start);
    const struct heap *h = kheap();

    frames_init(&frame_pool);
    for (int i = 0; i < bootinfo.nregions; i++)
        if (bootinfo.regions[i].type == MB_MMAP_AVAILABLE)
            frames_add(&frame_pool, bootinfo.regions[i].base,
                       bootinfo.regions[i].base + bootinfo.regions[i].len);
    frames_reserve(&frame_pool, 0, LOW_MEMORY);
    frames_reserve(&frame_pool, (uintptr_t)__kernel_start, (uintptr_t)__kernel_end);
    frames_reserve(&frame_pool, (uintptr_t)__kernel_end, h->end);
    if (!given)
        kprintf("lab8: the kernel heap gave no memory to the frame pool\n");
}

/*
 * Exercise 2a: the kernel half, the same in every address space. Map every
 * page of [PAGE_SIZE, USER_BASE) to itself (frame_kva is the identity), writable
 * and supervisor-only (no PTE_U: ring 3 touching it is a protection fault),
 * in a fresh zeroed directory, kernel_pgdir. Page 0 stays out, so that a NULL
 * pointer faults in the kernel too. pgtable_new_dir copies this directory's
 * entries for the kernel half into every process's: the tables made here are
 * shared by all, so they must all exist before the first process does.
 * Panic if a frame is missing: without its map the kernel cannot run at all.
 */
static void map_kernel(void)
{
    /* LAB 8: BEGIN SOLUTION */
    kernel_pgdir = frame_alloc(&frame_pool);
    if (!kernel_pgdir)
        panic("lab8: no frame for the kernel's page directory");
    memset(frame_kva(kernel_pgdir), 0, PAGE_SIZE);
    for (uint32_t va = PAGE_SIZE; va < USER_BASE; va += PAGE_SIZE)
        if (pgtable_map(&frame_pool, kernel_pgdir, va, va, PTE_W, 0))
            panic("lab8: no frame for the kernel's page tables");
    /* LAB 8: STUB
    panic("lab8: map_kernel not implemented");
    LAB 8: END SOLUTION */
}

/*
 * Exercise 2b: turn paging on. Lab 1's double-fault task must get the
 * kernel's directory first (a task switch loads CR3 from its TSS). Then
 * CR3, then CR0.PG and CR0.WP together (SDM Vol. 3A, 2.5): the next
 * instruction is fetched through the map, which is why the kernel maps itself
 * at its own addresses; WP makes the kernel too fault on a read-only page.
 */
void paging_init(void)
{
    pool_init();
    map_kernel();
    /* LAB 8: BEGIN SOLUTION */
    double_fault_set_cr3(kernel_pgdir);
    write_cr3(kernel_pgdir);
    write_cr0(read_cr0() | CR0_PG | CR0_WP);
    /* LAB 8: STUB
    panic("lab8: paging_init not implemented (turning paging on)");
    LAB 8: END SOLUTION */
}

struct frame_counts frames_count(void)
{
    struct frame_counts c;
    intr_state_t fl = intr_disable();

    c.total = frame_pool.total;
    c.free = frame_pool.nfree;
    c.used = c.total - c.free;
    intr_restore(fl);
    return c;
}

/* From a fault (interrupts masked) or a copy_out (not): the pool is everyone's. */
bool uvm_fault_in(struct process *p, uint32_t va)
{
    intr_state_t fl = intr_disable();
    bool made = uvm_make_page(p, va);

    intr_restore(fl);
    return made;
}
