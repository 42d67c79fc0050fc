/*
 * frames.c - the page-frame allocator: two bitmaps over the frames below
 * FRAME_LIMIT, one saying which frames belong to the pool (the multiboot
 * map's available RAM less what paging.c reserves: the BIOS areas, the
 * kernel image, its heap, the modules) and one saying which are free. A bad
 * free is a panic where it happens: an address not page-aligned, a frame the
 * pool never had (a kernel page, a device), or one already free. Each used
 * frame counts its mappings (refs): lab 9's fork maps one frame in two
 * address spaces, and it is free only when the last one lets it go.
 * Pure code: tests/test_lab8_frames.c runs it on the host.
 */
#include "kstring.h"
#include "panic.h"
#include "uvm.h"

#define BIT(i) (1u << ((i) % 32))

void frames_init(struct frame_pool *p)
{
    memset(p, 0, sizeof *p);
}

static uint32_t clip(uint64_t a)
{
    return a > FRAME_LIMIT ? FRAME_LIMIT : (uint32_t)a;
}

void frames_add(struct frame_pool *p, uint64_t base, uint64_t end)
{
    uint32_t first = (clip(base) + PAGE_SIZE - 1) / PAGE_SIZE;  /* whole frames only */
    uint32_t last = clip(end) / PAGE_SIZE;

    for (uint32_t f = first; f < last; f++) {
        if (p->usable[f / 32] & BIT(f))
            continue;                   /* the map may list a region twice */
        p->usable[f / 32] |= BIT(f);
        p->free[f / 32] |= BIT(f);
        p->total++;
        p->nfree++;
    }
}

void frames_reserve(struct frame_pool *p, uint64_t base, uint64_t end)
{
    uint32_t first = clip(base) / PAGE_SIZE;                    /* every frame it touches */
    uint32_t last = (clip(end) + PAGE_SIZE - 1) / PAGE_SIZE;

    for (uint32_t f = first; f < last && f < FRAME_COUNT; f++) {
        if (!(p->usable[f / 32] & BIT(f)))
            continue;
        assert(p->free[f / 32] & BIT(f));   /* reserve before the first allocation */
        p->usable[f / 32] &= ~BIT(f);
        p->free[f / 32] &= ~BIT(f);
        p->total--;
        p->nfree--;
    }
}

uint32_t frame_alloc(struct frame_pool *p)
{
    for (uint32_t n = 0; n < FRAME_WORDS; n++) {
        uint32_t w = (p->hint + n) % FRAME_WORDS;
        if (p->free[w]) {
            uint32_t f = w * 32 + (uint32_t)__builtin_ctz(p->free[w]);
            p->free[w] &= ~BIT(f);
            p->nfree--;
            p->hint = w;
            p->refs[f] = 1;
            return f * PAGE_SIZE;
        }
    }
    return 0;
}

void frame_free(struct frame_pool *p, uint32_t pa)
{
    uint32_t f = pa / PAGE_SIZE;

    if (pa % PAGE_SIZE)
        panic("lab8: frame_free(0x%08x): not a page boundary", pa);
    if (f >= FRAME_COUNT || !(p->usable[f / 32] & BIT(f)))
        panic("lab8: frame_free(0x%08x): not a frame of the pool", pa);
    if (p->free[f / 32] & BIT(f))
        panic("lab8: frame_free(0x%08x): freed twice", pa);
    if (p->refs[f] > 1) {               /* still mapped elsewhere (lab 9's copy-on-write) */
        p->refs[f]--;
        return;
    }
    p->refs[f] = 0;
    p->free[f / 32] |= BIT(f);
    p->nfree++;
}

bool frame_is_free(const struct frame_pool *p, uint32_t pa)
{
    uint32_t f = pa / PAGE_SIZE;
    return f < FRAME_COUNT && (p->free[f / 32] & BIT(f));
}

bool frame_share(struct frame_pool *p, uint32_t pa)
{
    uint32_t f = pa / PAGE_SIZE;

    if (pa % PAGE_SIZE || f >= FRAME_COUNT || !(p->usable[f / 32] & BIT(f)) ||
        (p->free[f / 32] & BIT(f)))
        panic("lab8: frame_share(0x%08x): not a used frame of the pool", pa);
    if (p->refs[f] >= FRAME_REFS_MAX)
        return false;
    p->refs[f]++;
    return true;
}

uint32_t frame_refs(const struct frame_pool *p, uint32_t pa)
{
    uint32_t f = pa / PAGE_SIZE;
    return f < FRAME_COUNT && !(p->free[f / 32] & BIT(f)) ? p->refs[f] : 0;
}
