/*
 * kheap.c - the kernel heap: the largest available RAM region of the
 * multiboot memory map, minus everything below the end of the kernel image.
 */
#include "bootinfo.h"
#include "heap.h"
#include "kstring.h"
#include "panic.h"

extern char __kernel_end[];

/* Keep the heap inside the first 4 GiB and leave the loader's low memory alone. */
#define HEAP_LIMIT 0xFFFFF000ull

static struct heap kernel_heap;

void kheap_init(void)
{
    uint64_t best_base = 0, best_len = 0;

    for (int i = 0; i < bootinfo.nregions; i++) {
        const struct mem_region *r = &bootinfo.regions[i];
        uint64_t base = r->base, end = r->base + r->len;
        if (r->type != MB_MMAP_AVAILABLE)
            continue;
        if (base < (uintptr_t)__kernel_end)
            base = (uintptr_t)__kernel_end;
        if (end > HEAP_LIMIT)
            end = HEAP_LIMIT;
        if (end > base && end - base > best_len) {
            best_base = base;
            best_len = end - base;
        }
    }
    if (!best_len && bootinfo.mem_upper_kib) {  /* no map: mem_upper counts from 1 MiB */
        best_base = (uintptr_t)__kernel_end;
        best_len = 0x100000ull + bootinfo.mem_upper_kib * 1024ull - best_base;
    }
    heap_init(&kernel_heap, (void *)(uintptr_t)best_base, (size_t)best_len);
}

void *kmalloc(size_t n)
{
    return heap_alloc(&kernel_heap, n);
}

void *kzalloc(size_t n)
{
    void *p = kmalloc(n);
    if (p)
        memset(p, 0, n);
    return p;
}

void kfree(void *p)
{
    if (heap_free(&kernel_heap, p) < 0)
        panic("kfree: %p was not allocated by kmalloc, or was freed twice", p);
}

const struct heap *kheap(void)
{
    return &kernel_heap;
}

size_t kheap_release_top(size_t keep, uintptr_t *start)
{
    return heap_release_top(&kernel_heap, keep, 4096, start);
}
