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

static void bench_handler(struct trapframe *tf)
{
    (void)tf;
}

void lab1_bench(void)
{
    uint64_t tsc_hz = bench_tsc_hz();

    trap_register(BENCH_VECTOR, bench_handler);
    uint64_t c1 = rdtsc();
    for (int i = 0; i < BENCH_TRAPS; i++)
        __asm__ volatile("int $0x80" ::: "memory");
    uint64_t per = (rdtsc() - c1) / BENCH_TRAPS;
    trap_register(BENCH_VECTOR, 0);

    kprintf("bench: tsc %u MHz\n", (unsigned)(tsc_hz / 1000000));
    kprintf("bench: trap round trip %u cycles\n", (unsigned)per);
    if (tsc_hz)
        kprintf("bench: trap round trip time %u ns\n", bench_cycles_to_ns(per, tsc_hz));
}
