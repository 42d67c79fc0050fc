/*
 * test_core_heap.c - kernel/heap.c, the first-fit boundary-tag heap, on
 * regions taken from the host's malloc (so ASan sees any write outside one):
 * alignment, splitting, coalescing with either and both neighbours,
 * exhaustion, bad frees, tiny and unaligned regions, giving the top away
 * (lab 8's frames), and a long seeded random
 * sequence checked step by step against a shadow model.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "heap.h"
#include "host.h"

/* Per-block overhead bounds: used only to size requests, never as a fact. */
#define SLACK 64

static int aligned(const void *p)
{
    return ((uintptr_t)p & (HEAP_ALIGN - 1)) == 0;
}

static size_t heap_bytes(const struct heap *h)
{
    return (size_t)(h->end - h->start);
}

/* The heap's own accounting must always cover the region exactly. */
static int accounting_ok(const struct heap *h)
{
    return h->bytes_free + h->bytes_used == heap_bytes(h);
}

static void *region_alloc(size_t len)
{
    void *p = malloc(len ? len : 1);
    if (!p) {
        perror("malloc");
        exit(2);
    }
    return p;
}

TEST(init_and_first_alloc)
{
    char *mem = region_alloc(4096);
    struct heap h;
    heap_init(&h, mem, 4096);
    CHECK_EQ(heap_check(&h), 0);
    CHECK(h.start >= (uintptr_t)mem && h.end <= (uintptr_t)mem + 4096);
    CHECK_EQ(h.bytes_used, 0);
    CHECK_EQ(h.nallocs, 0);
    CHECK(accounting_ok(&h));

    char *p = heap_alloc(&h, 100);
    CHECK(p != NULL);
    CHECK(aligned(p));
    CHECK(p >= mem && p + 100 <= mem + 4096);
    CHECK_EQ(h.nallocs, 1);
    CHECK(h.bytes_used >= 100);
    CHECK(accounting_ok(&h));
    memset(p, 0xAB, 100);
    CHECK_EQ(heap_check(&h), 0);
    CHECK_EQ(heap_free(&h, p), 0);
    CHECK_EQ(heap_check(&h), 0);
    CHECK_EQ(h.bytes_used, 0);
    CHECK_EQ(h.nallocs, 0);
    free(mem);
}

TEST(alignment_of_every_size)
{
    size_t len = 64 * 1024;
    char *mem = region_alloc(len);
    struct heap h;
    heap_init(&h, mem, len);
    void *ptrs[130];
    for (size_t n = 0; n < 130; n++) {
        ptrs[n] = heap_alloc(&h, n);
        CHECK(ptrs[n] != NULL);
        CHECK(aligned(ptrs[n]));
        memset(ptrs[n], (int)n, n);
        CHECK_EQ(heap_check(&h), 0);
    }
    for (size_t n = 0; n < 130; n++)
        CHECK_EQ(heap_free(&h, ptrs[n]), 0);
    CHECK_EQ(heap_check(&h), 0);
    CHECK_EQ(h.bytes_free, heap_bytes(&h));
    free(mem);
}

/* Small allocations are carved from one free block, one after another. */
TEST(splitting)
{
    char *mem = region_alloc(8192);
    struct heap h;
    heap_init(&h, mem, 8192);
    char *a = heap_alloc(&h, 40), *b = heap_alloc(&h, 40), *c = heap_alloc(&h, 40);
    CHECK(a && b && c);
    CHECK(a < b && b < c);                  /* first fit from the bottom */
    CHECK(b - a == c - b);                  /* equal requests, equal blocks */
    CHECK(b - a >= 40 && b - a <= 40 + SLACK);
    CHECK_EQ(h.nallocs, 3);
    CHECK(h.bytes_free > 8192 - 4 * (40 + SLACK));  /* the rest stayed free */
    CHECK_EQ(heap_check(&h), 0);
    free(mem);
}

/*
 * Frees a, b, c (three neighbours) in the given order, then asks for one
 * block spanning all three: it must come back at a's address.
 */
static void coalesce_case(int order0, int order1, int order2)
{
    char *mem = region_alloc(8192);
    struct heap h;
    heap_init(&h, mem, 8192);
    char *p[3];
    for (int i = 0; i < 3; i++)
        p[i] = heap_alloc(&h, 200);
    char *guard = heap_alloc(&h, 200);      /* keeps the tail out of the merge */
    CHECK(p[0] && p[1] && p[2] && guard);
    size_t span = (size_t)(guard - p[0]);   /* three blocks, payloads and tags */

    int order[3] = { order0, order1, order2 };
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(heap_free(&h, p[order[i]]), 0);
        CHECK_EQ(heap_check(&h), 0);
    }
    /* The largest payload the merged block can hold: span minus one block's overhead. */
    size_t overhead = (size_t)(p[1] - p[0]) - 200;
    char *big = heap_alloc(&h, span - overhead);
    CHECK(big == p[0]);
    CHECK_EQ(heap_check(&h), 0);
    CHECK_EQ(heap_free(&h, big), 0);
    CHECK_EQ(heap_free(&h, guard), 0);
    CHECK_EQ(heap_check(&h), 0);
    CHECK_EQ(h.bytes_free, heap_bytes(&h));
    free(mem);
}

TEST(coalesce_with_next)     { coalesce_case(2, 1, 0); }  /* b merges c, a merges bc */
TEST(coalesce_with_prev)     { coalesce_case(0, 1, 2); }
TEST(coalesce_both_sides)    { coalesce_case(0, 2, 1); }  /* b joins a and c at once */

/* A merged block is one block: the whole heap comes back as one. */
TEST(everything_merges_back)
{
    size_t len = 16384;
    char *mem = region_alloc(len);
    struct heap h;
    heap_init(&h, mem, len);
    size_t whole = h.bytes_free;
    void *ptrs[40];
    for (int i = 0; i < 40; i++)
        ptrs[i] = heap_alloc(&h, (size_t)(16 + i * 7));
    for (int i = 0; i < 40; i += 2)
        CHECK_EQ(heap_free(&h, ptrs[i]), 0);
    for (int i = 39; i > 0; i -= 2)
        CHECK_EQ(heap_free(&h, ptrs[i]), 0);
    CHECK_EQ(heap_check(&h), 0);
    CHECK_EQ(h.bytes_free, whole);
    CHECK_EQ(h.nallocs, 0);
    /* One block again: the biggest request that fits at all fits now. */
    size_t n = whole;
    void *p = NULL;
    while (n > 0 && !(p = heap_alloc(&h, n)))
        n--;
    CHECK(p != NULL);
    CHECK(n + SLACK >= whole);
    CHECK_EQ((char *)p - mem < HEAP_ALIGN * 2, 1);
    free(mem);
}

TEST(exhaustion_returns_null)
{
    size_t len = 4096;
    char *mem = region_alloc(len);
    struct heap h;
    heap_init(&h, mem, len);
    CHECK(heap_alloc(&h, len) == NULL);
    CHECK(heap_alloc(&h, heap_bytes(&h)) == NULL);
    CHECK(heap_alloc(&h, SIZE_MAX) == NULL);
    CHECK(heap_alloc(&h, SIZE_MAX - 8) == NULL);     /* n + tags must not wrap */
    CHECK_EQ(heap_check(&h), 0);

    void *ptrs[512];
    int count = 0;
    while (count < 512 && (ptrs[count] = heap_alloc(&h, 100)) != NULL) {
        memset(ptrs[count], count, 100);
        count++;
    }
    CHECK(count > 4096 / (100 + SLACK));
    CHECK(count < 512);
    CHECK(heap_alloc(&h, 100) == NULL);
    CHECK_EQ(heap_check(&h), 0);
    CHECK_EQ(h.nallocs, count);
    for (int i = 0; i < count; i++) {
        unsigned char *q = ptrs[i];
        CHECK(q[0] == (unsigned char)i && q[99] == (unsigned char)i);
        CHECK_EQ(heap_free(&h, ptrs[i]), 0);
    }
    CHECK_EQ(heap_check(&h), 0);
    CHECK(heap_alloc(&h, 100) != NULL);
    free(mem);
}

TEST(bad_frees)
{
    char *mem = region_alloc(4096);
    struct heap h;
    heap_init(&h, mem, 4096);
    char *a = heap_alloc(&h, 64), *b = heap_alloc(&h, 64);
    static char outside[64];
    CHECK(a && b);
    CHECK_EQ(heap_free(&h, NULL), 0);             /* free(NULL) is a no-op */
    CHECK_EQ(heap_free(&h, outside + 32), -1);    /* not the heap's */
    CHECK_EQ(heap_free(&h, a + 16), -1);          /* inside a block */
    CHECK_EQ(heap_free(&h, a + 1), -1);           /* unaligned */
    CHECK_EQ(heap_free(&h, mem + 4096 + 64), -1); /* past the end: not read */
    CHECK_EQ(heap_check(&h), 0);
    CHECK_EQ(heap_free(&h, a), 0);
    CHECK_EQ(heap_free(&h, a), -1);               /* double free */
    CHECK_EQ(heap_check(&h), 0);
    CHECK_EQ(h.nallocs, 1);
    CHECK_EQ(heap_free(&h, b), 0);
    CHECK_EQ(heap_check(&h), 0);
    CHECK_EQ(h.nallocs, 0);
    free(mem);
}

/*
 * Freeing b after a makes them one block whose header is a's; b's old header
 * is now just bytes inside a free block. A second free of b must still be
 * refused, and must not touch the heap. (heap_free must clear the magic of a
 * header it merges away; otherwise the stale header still passes is_block.)
 */
TEST(double_free_after_merge)
{
    char *mem = region_alloc(4096);
    struct heap h;
    heap_init(&h, mem, 4096);
    char *a = heap_alloc(&h, 32), *b = heap_alloc(&h, 32), *c = heap_alloc(&h, 32);
    CHECK(a && b && c);
    CHECK_EQ(heap_free(&h, a), 0);
    CHECK_EQ(heap_free(&h, b), 0);                /* merges into a */
    size_t used = h.bytes_used;
    CHECK_EQ(heap_free(&h, b), -1);               /* double free */
    CHECK_EQ(h.bytes_used, used);
    CHECK_EQ(h.nallocs, 1);
    CHECK_EQ(heap_check(&h), 0);

    /* The same with the next neighbour: free c, then b merges c into itself. */
    char *d = heap_alloc(&h, 32), *e = heap_alloc(&h, 32), *f = heap_alloc(&h, 32);
    CHECK(d && e && f);
    CHECK_EQ(heap_free(&h, e), 0);
    CHECK_EQ(heap_free(&h, d), 0);                /* d absorbs e */
    CHECK_EQ(heap_free(&h, e), -1);
    CHECK_EQ(heap_free(&h, d), -1);
    CHECK_EQ(heap_check(&h), 0);
    free(mem);
}

/* A region too small for one block is an empty heap, not a broken one. */
TEST(tiny_regions)
{
    for (size_t len = 0; len < 200; len++) {
        char *mem = region_alloc(len);
        for (size_t off = 0; off < HEAP_ALIGN && off <= len; off++) {
            struct heap h;
            heap_init(&h, mem + off, len - off);
            CHECK_EQ(heap_check(&h), 0);
            CHECK(h.start >= (uintptr_t)(mem + off) || h.start == h.end);
            CHECK(h.end <= (uintptr_t)(mem + len) || h.start == h.end);
            CHECK(accounting_ok(&h));
            char *p = heap_alloc(&h, 1);
            if (p) {
                CHECK(aligned(p));
                CHECK(p >= mem + off && p + 1 <= mem + len);
                *p = 1;
                CHECK_EQ(heap_check(&h), 0);
                CHECK_EQ(heap_free(&h, p), 0);
            } else {
                CHECK(h.bytes_free < 2 * SLACK);
            }
            CHECK(heap_alloc(&h, len) == NULL);
            CHECK_EQ(heap_check(&h), 0);
        }
        free(mem);
    }
    struct heap h;
    heap_init(&h, NULL, 0);
    CHECK(heap_alloc(&h, 0) == NULL);
    CHECK_EQ(heap_check(&h), 0);
}

/* Unaligned base and length: blocks stay inside the region and aligned. */
TEST(unaligned_regions)
{
    for (size_t off = 1; off < HEAP_ALIGN * 2; off += 3) {
        size_t len = 3000 + off * 7;
        char *mem = region_alloc(len + off);
        struct heap h;
        heap_init(&h, mem + off, len);
        CHECK(h.start >= (uintptr_t)(mem + off));
        CHECK(h.end <= (uintptr_t)(mem + off + len));
        CHECK(h.end - h.start + 2 * HEAP_ALIGN >= len);     /* little wasted */
        void *ptrs[64];
        int n = 0;
        while (n < 64 && (ptrs[n] = heap_alloc(&h, 40)) != NULL) {
            CHECK(aligned(ptrs[n]));
            memset(ptrs[n], 0x5A, 40);      /* ASan: inside the malloc'd region */
            n++;
        }
        CHECK(n > 10);
        CHECK_EQ(heap_check(&h), 0);
        for (int i = n - 1; i >= 0; i--)
            CHECK_EQ(heap_free(&h, ptrs[i]), 0);
        CHECK_EQ(heap_check(&h), 0);
        free(mem);
    }
}

/* heap_check must notice damage, or the other tests prove little. */
/* heap_release_top: only a free last block gives, it keeps `keep`, the cut is aligned. */
TEST(release_top)
{
    char *mem = region_alloc(64 * 1024);
    struct heap h;
    uintptr_t start = 0;
    heap_init(&h, mem, 64 * 1024);
    char *p = heap_alloc(&h, 1000);
    uintptr_t old_end = h.end;
    size_t given = heap_release_top(&h, 8192, 4096, &start);
    CHECK(given > 0);
    CHECK_EQ(start % 4096, 0);
    CHECK_EQ(start + given, old_end);
    CHECK_EQ(h.end, start);
    CHECK(accounting_ok(&h));
    CHECK_EQ(heap_check(&h), 0);
    CHECK(h.bytes_free >= 8192);
    char *q = heap_alloc(&h, 8000);            /* what was kept is still there */
    CHECK(q != NULL && (uintptr_t)q + 8000 <= h.end);
    CHECK_EQ(heap_release_top(&h, 1 << 20, 4096, &start), 0);   /* wants more than it has */
    CHECK_EQ(heap_release_top(&h, 0, 100, &start), 0);          /* not a HEAP_ALIGN multiple */
    CHECK_EQ(heap_free(&h, q), 0);
    CHECK_EQ(heap_free(&h, p), 0);
    CHECK_EQ(heap_check(&h), 0);
    /* A used last block gives nothing. */
    heap_init(&h, mem, 4096);
    char *all = heap_alloc(&h, h.bytes_free - SLACK);
    char *rest = heap_alloc(&h, 8);
    CHECK(all != NULL);
    while (rest) {
        rest = heap_alloc(&h, 8);
    }
    CHECK_EQ(heap_release_top(&h, 0, 16, &start), 0);
    free(mem);
}

TEST(check_detects_corruption)
{
    char *mem = region_alloc(4096);
    struct heap h;
    heap_init(&h, mem, 4096);
    char *a = heap_alloc(&h, 64), *b = heap_alloc(&h, 64);
    CHECK(a && b);
    CHECK_EQ(heap_check(&h), 0);

    char saved[HEAP_ALIGN];
    memcpy(saved, b - HEAP_ALIGN, sizeof saved);
    memset(b - HEAP_ALIGN, 0x77, HEAP_ALIGN);      /* a overran into b's header */
    CHECK_EQ(heap_check(&h), -1);
    CHECK_EQ(heap_free(&h, b), -1);
    memcpy(b - HEAP_ALIGN, saved, sizeof saved);
    CHECK_EQ(heap_check(&h), 0);

    h.bytes_used += HEAP_ALIGN;                     /* accounting drift */
    CHECK_EQ(heap_check(&h), -1);
    h.bytes_used -= HEAP_ALIGN;
    CHECK_EQ(heap_check(&h), 0);
    free(mem);
}

/* --- long random sequence against a shadow model ------------------------ */

static uint64_t rng_state = 0xC0FFEE1234ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

struct live {
    unsigned char *p;
    size_t n;
    unsigned char fill;
};

static int contents_ok(const struct live *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->p[i] != (unsigned char)(l->fill + i))
            return 0;
    return 1;
}

static size_t random_size(void)
{
    switch (rng() % 8) {
    case 0:
        return 0;
    case 1:
        return rng() % 8;
    case 2:
        return 2000 + rng() % 6000;
    default:
        return rng() % 300;
    }
}

TEST(random_sequence_shadow_model)
{
    enum { MAXLIVE = 200, STEPS = 30000 };
    size_t len = 128 * 1024 + 5;
    char *raw = region_alloc(len + 3);
    char *mem = raw + 3;                    /* an unaligned region on purpose */
    struct heap h;
    heap_init(&h, mem, len);
    static struct live live[MAXLIVE];
    int nlive = 0, failed_allocs = 0, bad_steps = 0;

    for (int step = 0; step < STEPS && bad_steps < 5; step++) {
        int bad = 0;
        if (nlive < MAXLIVE && (nlive == 0 || rng() % 100 < 55)) {
            size_t n = random_size();
            unsigned char *p = heap_alloc(&h, n);
            if (!p) {
                failed_allocs++;
                bad |= n < 64 && h.bytes_free > 64 * 1024;     /* plenty left */
            } else {
                bad |= !aligned(p);
                bad |= p < (unsigned char *)mem || p + n > (unsigned char *)mem + len;
                bad |= (uintptr_t)p < h.start || (uintptr_t)p + n > h.end;
                for (int i = 0; i < nlive; i++)
                    bad |= p < live[i].p + live[i].n + (live[i].n == 0) &&
                           live[i].p < p + n + (n == 0);
                struct live *l = &live[nlive++];
                l->p = p;
                l->n = n;
                l->fill = (unsigned char)rng();
                for (size_t i = 0; i < n; i++)
                    p[i] = (unsigned char)(l->fill + i);
            }
        } else {
            int i = (int)(rng() % (unsigned)nlive);
            bad |= !contents_ok(&live[i]);
            bad |= heap_free(&h, live[i].p) != 0;
            live[i] = live[--nlive];
        }
        bad |= heap_check(&h) != 0;
        bad |= !accounting_ok(&h);
        bad |= h.nallocs != (size_t)nlive;
        if (step % 512 == 0)
            for (int i = 0; i < nlive; i++)
                bad |= !contents_ok(&live[i]);
        if (bad) {
            printf("  step %d: heap or model inconsistent (%d live)\n", step, nlive);
            bad_steps++;
            host_current_failed = 1;
        }
    }
    CHECK(failed_allocs > 0);               /* the big sizes did exhaust it */
    for (int i = 0; i < nlive; i++) {
        CHECK(contents_ok(&live[i]));
        CHECK_EQ(heap_free(&h, live[i].p), 0);
    }
    CHECK_EQ(heap_check(&h), 0);
    CHECK_EQ(h.bytes_used, 0);
    CHECK_EQ(h.bytes_free, heap_bytes(&h));
    free(raw);
}

/* A broken free list can send heap_alloc round a cycle: fail, don't hang. */
static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "core-heap: timed out (a cycle in the free list?)\n";
    if (write(1, msg, sizeof msg - 1) < 0)
        _exit(2);
    _exit(1);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(20);
    RUN(init_and_first_alloc);
    RUN(alignment_of_every_size);
    RUN(splitting);
    RUN(coalesce_with_next);
    RUN(coalesce_with_prev);
    RUN(coalesce_both_sides);
    RUN(everything_merges_back);
    RUN(exhaustion_returns_null);
    RUN(bad_frees);
    RUN(double_free_after_merge);
    RUN(tiny_regions);
    RUN(unaligned_regions);
    RUN(release_top);
    RUN(check_detects_corruption);
    RUN(random_sequence_shadow_model);
    return host_summary("core-heap");
}
