/*
 * lab0.c - stage 0's program: the core kernel alone. It shows what the boot
 * loader handed over: who booted us, the memory map, the heap, the command line.
 */
#include "bootinfo.h"
#include "cmdline.h"
#include "heap.h"
#include "kprintf.h"
#include "stage.h"

CMDLINE_OPTION(tag, "tag", "a word to print back (the grader checks the command line with it)");

static void show_memory_map(void)
{
    kprintf("memory map (%d regions, %u KiB low, %u KiB high):\n", bootinfo.nregions,
            bootinfo.mem_lower_kib, bootinfo.mem_upper_kib);
    for (int i = 0; i < bootinfo.nregions; i++) {
        const struct mem_region *r = &bootinfo.regions[i];
        kprintf("  [%016llx-%016llx] %s\n", (unsigned long long)r->base,
                (unsigned long long)(r->base + r->len - 1), mem_region_type_name(r->type));
    }
}

static void show_heap(void)
{
    const struct heap *h = kheap();
    void *a = kmalloc(100), *b = kmalloc(4096);

    kprintf("heap: %u KiB at %p, alloc/free %s\n", (unsigned)((h->end - h->start) / 1024),
            (void *)h->start, a && b ? "ok" : "FAILED");
    kfree(a);
    kfree(b);
}

void program_main(void)
{
    kprintf("Cairn: the core kernel (stage 0)\n");
    show_memory_map();
    show_heap();
    kprintf("command line: \"%s\"\n", cmdline_args());
    const char *tag = cmdline_str("tag", NULL);
    if (tag)
        kprintf("tag: %s\n", tag);
}
