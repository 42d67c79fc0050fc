/*
 * lab8_bench.c - stage 8's benchmark (`bench`): lab 1's trap round trip in
 * ring 0 (an `int` to a handler that returns at once) as the floor, the time
 * to load and start a program from the disk (/hello: the ELF checks, its
 * segments read, its stack built, until its thread is queued) and to run it
 * to its end, the frames a process holds, and, when the disk has user/progs'
 * /ubench, the system-call round trip and the page-fault cost measured from
 * ring 3 (it prints its own `bench:` lines). Times are TSC cycles, converted
 * with the TSC's rate measured against the PIT (bench.h).
 */
#include "bench.h"
#include "kprintf.h"
#include "process.h"

#define TRAP_VECTOR 0x81                /* free in stage 8: 0x80 is the system call */
#define TRAP_ROUNDS 10000

static void trap_return(struct trapframe *tf)
{
    (void)tf;
}

static void trap_round_trip(void)
{
    trap_register(TRAP_VECTOR, trap_return);
    uint64_t c0 = rdtsc();
    for (int i = 0; i < TRAP_ROUNDS; i++)
        __asm__ volatile("int %0" : : "i"(TRAP_VECTOR) : "memory");
    uint64_t cycles = (rdtsc() - c0) / TRAP_ROUNDS;
    trap_register(TRAP_VECTOR, 0);
    kprintf("bench: trap round trip ring 0 (lab 1) %llu cycles\n", (unsigned long long)cycles);
}

/* Start `path`, wait for it; false if it is not on the disk. */
static bool run_one(const char *path, uint64_t tsc_hz, bool timed)
{
    const char *argv[] = { path };
    enum proc_end end;
    int code;
    uint64_t c0 = rdtsc();
    struct process *p = process_start(path, 1, argv);
    uint64_t c1 = rdtsc();

    if (!p)
        return false;
    process_wait(p, &end, &code);
    uint64_t c2 = rdtsc();
    if (timed) {
        kprintf("bench: load and start %s %u us\n", path, bench_cycles_to_ns(c1 - c0, tsc_hz) / 1000);
        kprintf("bench: load, run and end %s %u us\n", path,
                bench_cycles_to_ns(c2 - c0, tsc_hz) / 1000);
        kprintf("bench: frames held by %s %u frames\n", path, process_peak_frames());
    }
    return true;
}

void lab8_bench(void)
{
    uint64_t tsc_hz = bench_tsc_hz();

    trap_round_trip();
    if (!run_one("/hello", tsc_hz, true)) {
        kprintf("bench: no /hello on any disk (make progs-img; make bench boots with it)\n");
        return;
    }
    struct frame_counts before = frames_count();
    if (run_one("/ubench", tsc_hz, false))
        kprintf("bench: frames after /ubench back in the pool %d frames\n",
                (int)frames_count().free - (int)before.free);
}
