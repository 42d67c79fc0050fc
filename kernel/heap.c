/*
 * heap.c - first fit with boundary tags (Knuth, TAOCP Vol. 1, 2.5, Algorithm
 * C): every block starts with a header and ends with a footer that both hold
 * its size and a used bit, so a freed block finds both neighbours in O(1) and
 * merges with whichever is free. Free blocks sit on a doubly linked list
 * threaded through their payload. Pure code: the host tests run it as is.
 *
 *   | tag | magic | payload ...                             | tag |
 *   ^ block (HEAP_ALIGN-aligned)                            ^ footer
 */
#include <stdint.h>
#include "heap.h"

#define TAG_USED   ((size_t)1)
#define HEAP_MAGIC ((size_t)0x5AFEB10C)
#define HDR_SIZE   ((size_t)HEAP_ALIGN)         /* keeps payloads aligned */
#define FTR_SIZE   sizeof(size_t)

struct heap_block {
    size_t tag;                 /* block size | TAG_USED */
    size_t magic;               /* HEAP_MAGIC ^ tag: catches bad frees */
};

/* While a block is free its payload holds the list links. */
struct free_links {
    struct heap_block *next, *prev;
};

#define MIN_BLOCK  round_up(HDR_SIZE + sizeof(struct free_links) + FTR_SIZE)

static size_t round_up(size_t n)
{
    return (n + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1);
}

static size_t block_size(const struct heap_block *b) { return b->tag & ~TAG_USED; }
static int block_used(const struct heap_block *b) { return (int)(b->tag & TAG_USED); }

static struct free_links *links(struct heap_block *b)
{
    return (struct free_links *)((char *)b + HDR_SIZE);
}

static size_t *footer(const struct heap_block *b)
{
    return (size_t *)((char *)b + block_size(b) - FTR_SIZE);
}

static void set_tag(struct heap_block *b, size_t size, size_t used)
{
    b->tag = size | used;
    b->magic = HEAP_MAGIC ^ b->tag;
    *footer(b) = b->tag;
}

static void list_push(struct heap *h, struct heap_block *b)
{
    links(b)->prev = NULL;
    links(b)->next = h->free_list;
    if (h->free_list)
        links(h->free_list)->prev = b;
    h->free_list = b;
}

static void list_remove(struct heap *h, struct heap_block *b)
{
    struct free_links *l = links(b);
    if (l->prev)
        links(l->prev)->next = l->next;
    else
        h->free_list = l->next;
    if (l->next)
        links(l->next)->prev = l->prev;
}

void heap_init(struct heap *h, void *base, size_t len)
{
    uintptr_t start = ((uintptr_t)base + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1);
    uintptr_t end = ((uintptr_t)base + len) & ~(uintptr_t)(HEAP_ALIGN - 1);

    h->free_list = NULL;
    h->bytes_used = h->nallocs = 0;
    h->start = h->end = start;
    h->bytes_free = 0;
    if (end <= start || end - start < MIN_BLOCK)
        return;
    h->end = end;
    struct heap_block *b = (struct heap_block *)start;
    set_tag(b, end - start, 0);
    list_push(h, b);
    h->bytes_free = end - start;
}

void *heap_alloc(struct heap *h, size_t n)
{
    if (n > h->end - h->start)
        return NULL;
    size_t need = round_up(n + HDR_SIZE + FTR_SIZE);
    if (need < MIN_BLOCK)
        need = MIN_BLOCK;

    for (struct heap_block *b = h->free_list; b; b = links(b)->next) {
        size_t size = block_size(b);
        if (size < need)
            continue;
        list_remove(h, b);
        if (size - need >= MIN_BLOCK) {         /* split off the tail */
            struct heap_block *rest = (struct heap_block *)((char *)b + need);
            set_tag(rest, size - need, 0);
            list_push(h, rest);
            size = need;
        }
        set_tag(b, size, TAG_USED);
        h->bytes_free -= size;
        h->bytes_used += size;
        h->nallocs++;
        return (char *)b + HDR_SIZE;
    }
    return NULL;
}

/*
 * Give the top of the heap away (lab 8's frame allocator takes it): the last
 * block must be free; it keeps at least `keep` bytes, and the cut falls on an
 * `align` boundary. Returns the bytes given (from *start to the old end), or 0.
 */
size_t heap_release_top(struct heap *h, size_t keep, size_t align, uintptr_t *start)
{
    if (h->end == h->start || align == 0 || align % HEAP_ALIGN)
        return 0;
    size_t tag = *(size_t *)(h->end - FTR_SIZE);
    if (tag & TAG_USED)
        return 0;
    struct heap_block *b = (struct heap_block *)(h->end - tag);
    keep = round_up(keep < MIN_BLOCK ? MIN_BLOCK : keep);
    if (keep >= tag)
        return 0;
    uintptr_t cut = ((uintptr_t)b + keep + align - 1) & ~(uintptr_t)(align - 1);
    if (cut >= h->end)
        return 0;
    size_t given = h->end - cut;
    list_remove(h, b);
    set_tag(b, cut - (uintptr_t)b, 0);
    list_push(h, b);
    h->end = cut;
    h->bytes_free -= given;
    *start = cut;
    return given;
}

static int is_block(const struct heap *h, const struct heap_block *b)
{
    uintptr_t a = (uintptr_t)b;
    return a >= h->start && a + MIN_BLOCK <= h->end && (a & (HEAP_ALIGN - 1)) == 0 &&
           b->magic == (HEAP_MAGIC ^ b->tag);
}

int heap_free(struct heap *h, void *p)
{
    if (!p)
        return 0;
    struct heap_block *b = (struct heap_block *)((char *)p - HDR_SIZE);
    if (!is_block(h, b) || !block_used(b))
        return -1;

    size_t size = block_size(b);
    h->bytes_used -= size;
    h->bytes_free += size;
    h->nallocs--;

    struct heap_block *next = (struct heap_block *)((char *)b + size);
    if ((uintptr_t)next < h->end && !block_used(next)) {
        list_remove(h, next);
        size += block_size(next);
        next->magic = 0;        /* now inside b: no longer a block to free */
    }
    if ((uintptr_t)b > h->start) {
        size_t prev_tag = *(size_t *)((char *)b - FTR_SIZE);
        if (!(prev_tag & TAG_USED)) {
            struct heap_block *prev = (struct heap_block *)((char *)b - prev_tag);
            list_remove(h, prev);
            size += prev_tag;
            b->magic = 0;       /* now inside prev: a second free of it must fail */
            b = prev;
        }
    }
    set_tag(b, size, 0);
    list_push(h, b);
    return 0;
}

int heap_check(const struct heap *h)
{
    size_t free_bytes = 0, used_bytes = 0, nfree = 0;
    int prev_free = 0;

    for (uintptr_t a = h->start; a < h->end;) {
        struct heap_block *b = (struct heap_block *)a;
        size_t size = block_size(b);
        if (!is_block(h, b) || size < MIN_BLOCK || a + size > h->end ||
            *footer(b) != b->tag)
            return -1;
        if (!block_used(b)) {
            if (prev_free)
                return -1;      /* two free neighbours should have merged */
            free_bytes += size;
            nfree++;
        } else {
            used_bytes += size;
        }
        prev_free = !block_used(b);
        a += size;
    }
    size_t listed = 0;
    for (struct heap_block *b = h->free_list; b; b = links(b)->next)
        if (block_used(b) || ++listed > nfree)
            return -1;
    if (listed != nfree || free_bytes != h->bytes_free || used_bytes != h->bytes_used)
        return -1;
    return 0;
}
