/*
 * bench.h - the stage programs' benchmarks, run with the core `bench` option.
 * Each stage's lives in user/labN_bench.c, apart from its program
 * (user/labN.c), so that the program reads as the lab's demonstration.
 * handouts/benchmarks.md explains every figure they print.
 */
#ifndef CAIRN_USER_BENCH_H
#define CAIRN_USER_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "interrupts.h"
#include "x86.h"

struct future;
struct pci_scan;
struct fat_volume;
struct blockdev;

void lab1_bench(void);
void lab2_bench(void);
/* A future for lab 3's main task to await inline; the frame sizes are the program's. */
struct future *lab3_bench(size_t print_number_frame, size_t echo_frame);
void lab4_bench(void);
void lab5_bench(const struct pci_scan *boot);
void lab6_bench(void);
/* On the first disk; `mounted`: v holds its FAT volume (else v is only used for its cache). */
void lab7_bench(struct fat_volume *v, struct blockdev *bd, bool mounted);
void lab8_bench(void);          /* with the volumes mounted: programs from the disk */

/*
 * The TSC's rate in cycles per second, measured against lab 1's PIT over
 * about 50 ms from a tick edge; 0 when the timer is not running. It waits
 * with hlt, so it is for a program's own thread, never inside a task.
 * (Lab 3's benchmark measures the same way, but as a future.)
 */
static inline uint64_t bench_tsc_hz(void)
{
    uint32_t hz = timer_hz();
    uint64_t t0, c0, ticks = hz / 20 + 1;

    if (!hz)
        return 0;
    t0 = timer_ticks();
    while (timer_ticks() == t0)
        hlt();
    t0 = timer_ticks();
    c0 = rdtsc();
    while (timer_ticks() < t0 + ticks)
        hlt();
    return (rdtsc() - c0) * hz / ticks;
}

/* Cycles as nanoseconds at tsc_hz; 0 when the rate is unknown. */
static inline uint32_t bench_cycles_to_ns(uint64_t cycles, uint64_t tsc_hz)
{
    return tsc_hz ? (uint32_t)(cycles * 1000000000ull / tsc_hz) : 0;
}

#endif
