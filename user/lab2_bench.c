/*
 * lab2_bench.c - stage 2's benchmark (`bench`): lab 2's pieces timed in TSC
 * cycles: a ring push+pop, a pop of the empty queue (what an idle consumer
 * pays per wake-up), and the decoder per byte of typical typing.
 */
#include <stdbool.h>
#include <stdint.h>
#include "bench.h"
#include "keyboard.h"
#include "keymap.h"
#include "kprintf.h"
#include "ring.h"
#include "x86.h"

#define BENCH_ROUNDS 100000

void lab2_bench(void)
{
    static uint8_t buf[64];
    static const uint8_t typing[] = {   /* "Hi, you" with a shift and an arrow */
        0x2A, 0x23, 0xA3, 0xAA, 0x17, 0x97, 0x33, 0xB3, 0x39, 0xB9,
        0x15, 0x95, 0x18, 0x98, 0x16, 0x96, 0xE0, 0x4B, 0xE0, 0xCB,
    };
    struct ring r;
    struct keymap km;
    struct key_event ev;
    uint8_t b;
    uint32_t sink = 0;

    ring_init(&r, buf, sizeof(buf));
    uint64_t t0 = rdtsc();
    for (int i = 0; i < BENCH_ROUNDS; i++) {
        ring_push(&r, (uint8_t)i);
        ring_pop(&r, &b);
        sink += b;
    }
    uint64_t t1 = rdtsc();
    for (int i = 0; i < BENCH_ROUNDS; i++)
        sink += scancode_pop(&b);
    uint64_t t2 = rdtsc();
    keymap_init(&km);
    for (int i = 0; i < BENCH_ROUNDS / 10; i++)
        for (unsigned j = 0; j < sizeof(typing); j++)
            sink += keymap_feed(&km, typing[j], &ev) ? (uint32_t)key_event_char(&ev) : 0;
    uint64_t t3 = rdtsc();

    kprintf("bench: ring push+pop %u cycles\n", (unsigned)((t1 - t0) / BENCH_ROUNDS));
    kprintf("bench: scancode_pop, empty queue %u cycles\n", (unsigned)((t2 - t1) / BENCH_ROUNDS));
    kprintf("bench: keymap decode %u cycles/byte\n",
            (unsigned)((t3 - t2) / (BENCH_ROUNDS / 10 * sizeof(typing))));
    if (sink == 0xFFFFFFFF)             /* keep the loops from being optimised away */
        kprintf("bench: (sink)\n");
}
