/*
 * ring.h - a byte ring for one producer and one consumer, no lock.
 *
 * The producer (IRQ1) only ever writes `head`, the consumer (a task) only
 * ever writes `tail`. Both are free-running 32-bit counters: the ring holds
 * head - tail bytes (unsigned arithmetic survives the wrap because the
 * capacity is a power of two, which divides 2^32), and slot i lives at
 * buf[i & mask]. No index is written by both sides, so neither side needs to
 * stop the other: the producer publishes a byte by storing the new head after
 * the byte itself; the consumer frees a slot by storing the new tail after it
 * has read the byte.
 *
 * When the ring is full the producer drops the new byte and counts it: old
 * bytes are never overwritten (that would race with the consumer reading them)
 * and the producer never waits (it runs in an interrupt handler).
 */
#ifndef CAIRN_RING_H
#define CAIRN_RING_H

#include <stdbool.h>
#include <stdint.h>

struct ring {
    uint8_t *buf;
    uint32_t mask;              /* capacity - 1 */
    uint32_t head;              /* next slot to fill: written by the producer only */
    uint32_t tail;              /* next slot to read: written by the consumer only */
    uint32_t pushed;            /* producer only: bytes accepted */
    uint32_t dropped;           /* producer only: bytes refused because the ring was full */
};

/* capacity must be a power of two, at least 2; buf holds capacity bytes. */
void ring_init(struct ring *r, uint8_t *buf, uint32_t capacity);

/* Producer side. False (and counted in `dropped`) when the ring is full. */
bool ring_push(struct ring *r, uint8_t byte);

/* Consumer side. False when the ring is empty. */
bool ring_pop(struct ring *r, uint8_t *out);

/* Bytes waiting; a snapshot, exact only when called by one of the two sides. */
uint32_t ring_count(const struct ring *r);
uint32_t ring_capacity(const struct ring *r);
uint32_t ring_dropped(const struct ring *r);

#endif
