/*
 * ring.c - the single-producer, single-consumer byte ring (see ring.h).
 *
 * The ordering the two sides rely on is spelled with GCC's __atomic builtins:
 * a release store publishes an index after the data it covers, an acquire
 * load of the other side's index comes before touching that data. On i386
 * (and x86-64, where the host tests run) these are plain moves: they only
 * stop the compiler from reordering, which is all one CPU needs, and the
 * code stays correct on a machine where the two sides run on two CPUs.
 * Pure C: built into the kernel and into the host tests.
 */
#include "ring.h"
#include "panic.h"

/* Exercise 1 (handouts/lab2.md, section 3). */
void ring_init(struct ring *r, uint8_t *buf, uint32_t capacity)
{
    /* LAB 2: BEGIN SOLUTION */
    assert(capacity >= 2 && (capacity & (capacity - 1)) == 0);
    r->buf = buf;
    r->mask = capacity - 1;
    r->head = r->tail = 0;
    r->pushed = r->dropped = 0;
    /* LAB 2: STUB
    (void)r;
    (void)buf;
    (void)capacity;
    panic("lab2: ring_init not implemented");
    LAB 2: END SOLUTION */
}

bool ring_push(struct ring *r, uint8_t byte)
{
    /* LAB 2: BEGIN SOLUTION */
    uint32_t head = r->head;            /* ours: nobody else writes it */
    uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);

    if (head - tail > r->mask) {        /* full: capacity bytes waiting */
        __atomic_store_n(&r->dropped, r->dropped + 1, __ATOMIC_RELAXED);
        return false;
    }
    r->buf[head & r->mask] = byte;
    __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
    __atomic_store_n(&r->pushed, r->pushed + 1, __ATOMIC_RELAXED);
    return true;
    /* LAB 2: STUB
    (void)r;
    (void)byte;
    panic("lab2: ring_push not implemented");
    LAB 2: END SOLUTION */
}

bool ring_pop(struct ring *r, uint8_t *out)
{
    /* LAB 2: BEGIN SOLUTION */
    uint32_t tail = r->tail;            /* ours: nobody else writes it */
    uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);

    if (head == tail)
        return false;
    *out = r->buf[tail & r->mask];
    __atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
    return true;
    /* LAB 2: STUB
    (void)r;
    (void)out;
    panic("lab2: ring_pop not implemented");
    LAB 2: END SOLUTION */
}

uint32_t ring_count(const struct ring *r)
{
    /* LAB 2: BEGIN SOLUTION */
    return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) -
           __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    /* LAB 2: STUB
    (void)r;
    panic("lab2: ring_count not implemented");
    LAB 2: END SOLUTION */
}

uint32_t ring_capacity(const struct ring *r)
{
    return r->mask + 1;
}

uint32_t ring_dropped(const struct ring *r)
{
    return __atomic_load_n(&r->dropped, __ATOMIC_RELAXED);
}
