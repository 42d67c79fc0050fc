/*
 * heap.h - a first-fit heap with boundary tags (Knuth, TAOCP 2.5): blocks
 * carry their size in a header and a footer, so kfree merges a freed block
 * with both neighbours in O(1). A heap manages one contiguous region; the
 * kernel's heap is the largest free RAM above the kernel.
 */
#ifndef CAIRN_HEAP_H
#define CAIRN_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_ALIGN 16

struct heap {
    uintptr_t start, end;       /* block boundaries, HEAP_ALIGN-aligned */
    struct heap_block *free_list;
    size_t bytes_free, bytes_used, nallocs;
};

void  heap_init(struct heap *h, void *base, size_t len);
void *heap_alloc(struct heap *h, size_t n);
/* 0 on success; -1 for a pointer the heap did not hand out or a double free. */
int   heap_free(struct heap *h, void *p);
/* Gives away the top of the heap (its last block must be free), keeping `keep`
   bytes of that block; the cut is `align`-aligned. Returns the bytes given, or 0. */
size_t heap_release_top(struct heap *h, size_t keep, size_t align, uintptr_t *start);
/* Walks every block; returns 0 when the heap is consistent, -1 otherwise. */
int   heap_check(const struct heap *h);

/* The kernel heap. */
void  kheap_init(void);
void *kmalloc(size_t n);
void *kzalloc(size_t n);
void  kfree(void *p);
const struct heap *kheap(void);
/* The kernel heap's top, given to lab 8's page frames (page-aligned; see heap_release_top). */
size_t kheap_release_top(size_t keep, uintptr_t *start);

#endif
