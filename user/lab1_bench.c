/*
 * lab1_bench.c - stage 1's benchmark (`bench`): what a trap costs, an
 * `int $0x80` round trip through the stub, the dispatcher and iret, in TSC
 * cycles and (with the TSC's rate measured against the tick) nanoseconds.
 */
#include <stdint.h>
#include "bench.h"
#include "interrupts.h"
#include "kprintf.h"
#include "x86.h"

#define BENCH_VECTOR 0x80       /* nothing else uses it */
#define BENCH_TRAPS  100000
#define BENCH_CALIBRATE_TICKS 50

static void bench_handler(struct trapframe *tf)
{
    (void)tf;
}

void lab1_bench(void)
{
    /* The TSC's rate, against the tick: from one tick edge to another. */
    uint64_t t0 = timer_ticks();
    while (timer_ticks() == t0)
        hlt();
    uint64_t c0 = rdtsc(), start = timer_ticks();
    while (timer_ticks() - start < BENCH_CALIBRATE_TICKS)
        hlt();
    uint64_t tsc_hz = (rdtsc() - c0) * timer_hz() / BENCH_CALIBRATE_TICKS;

    trap_register(BENCH_VECTOR, bench_handler);
    uint64_t c1 = rdtsc();
    for (int i = 0; i < BENCH_TRAPS; i++)
        __asm__ volatile("int $0x80" ::: "memory");
    uint64_t per = (rdtsc() - c1) / BENCH_TRAPS;
    trap_register(BENCH_VECTOR, 0);

    kprintf("bench: tsc %u MHz\n", (unsigned)(tsc_hz / 1000000));
    kprintf("bench: trap round trip %u cycles\n", (unsigned)per);
    if (tsc_hz)
        kprintf("bench: trap round trip time %u ns\n", (unsigned)(per * 1000000000 / tsc_hz));
}
