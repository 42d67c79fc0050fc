/*
 * test_lab2_ring.c - the scancode ring (ring.h, in labs/lab2-keyboard/keyboard.c):
 * order, full/drop without overwriting, wraparound of the slots and of the
 * 32-bit indices, and a seeded random producer/consumer run against a model.
 * keyboard.c is built as is; the kernel it calls for the 8042's side is
 * stubbed below, and nothing here runs that side (its port I/O).
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "host.h"
#include "interrupts.h"
#include "panic.h"
#include "ring.h"
#include "x86.h"

/* --- what keyboard.c calls of the kernel and of lab 1, never on the ring's side --- */
int kprintf(const char *fmt, ...) { (void)fmt; abort(); }
void irq_register(int irq, irq_handler_fn fn) { (void)irq; (void)fn; abort(); }
intr_state_t intr_disable(void) { abort(); }
void intr_restore(intr_state_t was) { (void)was; abort(); }

#define CAP 8
static uint8_t buf[CAP];
static struct ring r;

TEST(starts_empty)
{
    uint8_t b = 0x55;
    ring_init(&r, buf, CAP);
    CHECK(!ring_pop(&r, &b));
    CHECK_EQ(b, 0x55);
    CHECK_EQ(ring_count(&r), 0);
    CHECK_EQ(ring_capacity(&r), CAP);
    CHECK_EQ(ring_dropped(&r), 0);
}

TEST(keeps_order)
{
    uint8_t b;
    ring_init(&r, buf, CAP);
    for (int i = 0; i < 5; i++)
        CHECK(ring_push(&r, (uint8_t)(0x10 + i)));
    CHECK_EQ(ring_count(&r), 5);
    for (int i = 0; i < 5; i++) {
        CHECK(ring_pop(&r, &b));
        CHECK_EQ(b, 0x10 + i);
    }
    CHECK(!ring_pop(&r, &b));
}

TEST(full_drops_and_counts_without_overwriting)
{
    uint8_t b;
    ring_init(&r, buf, CAP);
    for (int i = 0; i < CAP; i++)
        CHECK(ring_push(&r, (uint8_t)i));
    CHECK_EQ(ring_count(&r), CAP);
    CHECK(!ring_push(&r, 0xAA));
    CHECK(!ring_push(&r, 0xBB));
    CHECK_EQ(ring_dropped(&r), 2);
    CHECK_EQ(ring_count(&r), CAP);
    CHECK(ring_pop(&r, &b));
    CHECK_EQ(b, 0);                         /* the oldest byte survived */
    CHECK(ring_push(&r, 0xCC));             /* one slot free again */
    CHECK(!ring_push(&r, 0xDD));
    CHECK_EQ(ring_dropped(&r), 3);
    for (int i = 1; i < CAP; i++) {
        CHECK(ring_pop(&r, &b));
        CHECK_EQ(b, i);
    }
    CHECK(ring_pop(&r, &b));
    CHECK_EQ(b, 0xCC);
    CHECK(!ring_pop(&r, &b));
    CHECK_EQ(r.pushed, CAP + 1);
}

TEST(wraps_around_the_buffer)
{
    uint8_t b;
    uint8_t next_in = 0, next_out = 0;
    ring_init(&r, buf, CAP);
    for (int round = 0; round < 100; round++) {
        for (int i = 0; i < 5; i++)
            CHECK(ring_push(&r, next_in++));
        for (int i = 0; i < 5; i++) {
            CHECK(ring_pop(&r, &b));
            CHECK_EQ(b, next_out++);
        }
    }
    CHECK_EQ(ring_count(&r), 0);
    CHECK_EQ(ring_dropped(&r), 0);
}

/* head and tail are free-running: the ring must work across 2^32. */
TEST(wraps_around_the_indices)
{
    uint8_t b;
    ring_init(&r, buf, CAP);
    r.head = r.tail = UINT32_MAX - 3;
    for (int i = 0; i < CAP; i++)
        CHECK(ring_push(&r, (uint8_t)(0x40 + i)));
    CHECK(r.head < r.tail);                 /* head has wrapped, tail not yet */
    CHECK_EQ(ring_count(&r), CAP);
    CHECK(!ring_push(&r, 0xEE));            /* still full, not "empty" */
    for (int i = 0; i < CAP; i++) {
        CHECK(ring_pop(&r, &b));
        CHECK_EQ(b, 0x40 + i);
    }
    CHECK(!ring_pop(&r, &b));
    CHECK_EQ(ring_dropped(&r), 1);
}

TEST(rejects_a_capacity_that_is_not_a_power_of_two)
{
    static uint8_t big[12];
    jmp_buf jb;
    int panicked = 0;

    host_panic_catcher = &jb;
    if (setjmp(jb) == 0)
        ring_init(&r, big, 12);
    else
        panicked = 1;
    host_panic_catcher = NULL;
    CHECK(panicked);
}

static uint32_t rng_state = 0x2545F491u;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Bursts of pushes and pops in random sizes, against a plain model queue. */
TEST(random_against_a_model)
{
    static uint8_t big[64];
    static uint8_t model[1 << 20];
    uint32_t m_head = 0, m_tail = 0, dropped = 0;
    uint8_t b;
    int mismatches = 0;

    ring_init(&r, big, sizeof(big));
    for (int step = 0; step < 100000 && m_head < sizeof(model); step++) {
        uint32_t n = rng() % 80;
        if (rng() & 1) {
            for (uint32_t i = 0; i < n && m_head < sizeof(model); i++) {
                uint8_t v = (uint8_t)rng();
                if (m_head - m_tail < sizeof(big)) {
                    model[m_head++] = v;
                    mismatches += !ring_push(&r, v);
                } else {
                    dropped++;
                    mismatches += ring_push(&r, v);
                }
            }
        } else {
            for (uint32_t i = 0; i < n; i++) {
                bool got = ring_pop(&r, &b);
                if (m_tail == m_head) {
                    mismatches += got;
                    break;
                }
                mismatches += !got || b != model[m_tail++];
            }
        }
        mismatches += ring_count(&r) != m_head - m_tail;
    }
    CHECK_EQ(mismatches, 0);
    CHECK_EQ(ring_dropped(&r), dropped);
    CHECK(dropped > 0);
}

int main(void)
{
    RUN(starts_empty);
    RUN(keeps_order);
    RUN(full_drops_and_counts_without_overwriting);
    RUN(wraps_around_the_buffer);
    RUN(wraps_around_the_indices);
    RUN(rejects_a_capacity_that_is_not_a_power_of_two);
    RUN(random_against_a_model);
    return host_summary("lab2 ring");
}
