/*
 * malloc.c - malloc and free on brk (K&R 8.7's first-fit free list, written
 * anew): every block has an 8-byte header (its size, and the next free block
 * while it is free); the free list is kept in address order so a freed block
 * merges with free neighbours. The heap grows by whole pages through brk and
 * never shrinks. A pointer free() did not hand out, or freed twice, is an
 * assert failure, not a corrupted heap.
 */
#include "ulib.h"

#define ALIGN       8u
#define GROW_BYTES  4096u

struct block {
    size_t size;                /* bytes, this header included; a multiple of ALIGN */
    struct block *next;         /* next free block by address (free blocks only) */
};

#define HEADER sizeof(struct block)

static char *heap_start, *heap_end; /* [heap_start, heap_end): what brk gave us */
static struct block *free_list;

size_t heap_bytes(void)
{
    return (size_t)(heap_end - heap_start);
}

/* Put a block on the free list in address order, merging with its neighbours. */
static void insert_free(struct block *b)
{
    struct block **link = &free_list;

    while (*link != NULL && *link < b)
        link = &(*link)->next;
    assert(*link != b);                                 /* freed twice */
    assert(*link == NULL || (char *)b + b->size <= (char *)*link);
    b->next = *link;
    *link = b;
    if (b->next != NULL && (char *)b + b->size == (char *)b->next) {
        b->size += b->next->size;
        b->next = b->next->next;
    }
    if (link != &free_list) {
        struct block *prev = (struct block *)((char *)link - offsetof(struct block, next));
        assert((char *)prev + prev->size <= (char *)b); /* inside a free block: freed twice */
        if ((char *)prev + prev->size == (char *)b) {
            prev->size += b->size;
            prev->next = b->next;
        }
    }
}

/* Take at least `need` more bytes from brk; false when the kernel says no. */
static int grow(size_t need)
{
    size_t bytes = (need + GROW_BYTES - 1) / GROW_BYTES * GROW_BYTES;
    char *want;

    if (heap_start == NULL) {
        heap_start = heap_end = (char *)brk(NULL);
        heap_start = heap_end = (char *)(((uintptr_t)heap_end + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1));
    }
    if (bytes < need || (uintptr_t)heap_end + bytes < (uintptr_t)heap_end)
        return 0;
    want = heap_end + bytes;
    if ((char *)brk(want) != want)
        return 0;
    struct block *b = (struct block *)heap_end;
    b->size = bytes;
    heap_end = want;
    insert_free(b);
    return 1;
}

void *malloc(size_t n)
{
    if (n == 0 || n > SIZE_MAX / 2)
        return NULL;
    size_t size = (n + HEADER + ALIGN - 1) & ~(size_t)(ALIGN - 1);

    for (;;) {
        for (struct block **link = &free_list; *link != NULL; link = &(*link)->next) {
            struct block *b = *link;
            if (b->size < size)
                continue;
            if (b->size - size >= HEADER + ALIGN) {     /* split: the tail stays free */
                struct block *rest = (struct block *)((char *)b + size);
                rest->size = b->size - size;
                rest->next = b->next;
                *link = rest;
                b->size = size;
            } else {
                *link = b->next;
            }
            b->next = NULL;
            return b + 1;
        }
        if (!grow(size))
            return NULL;
    }
}

void free(void *p)
{
    if (p == NULL)
        return;
    struct block *b = (struct block *)p - 1;

    assert((char *)b >= heap_start && (char *)p < heap_end);
    assert(((uintptr_t)b & (ALIGN - 1)) == 0 && b->size >= HEADER + ALIGN);
    assert((char *)b + b->size <= heap_end);
    insert_free(b);
}
