/*
 * lab6_bench.c - stage 6's benchmark (`bench`): what a thread costs beside a
 * task (handouts/lab6.md, "Numbers"; handouts/benchmarks.md).
 *   - a context switch: two threads of one priority yielding to each other;
 *   - a thread wake: a semaphore ping-pong, up in one thread to running in the
 *     other (lab 3's wake->poll is the task's figure);
 *   - an IRQ to a blocked thread running: a thread asleep on the tick, from the
 *     start of the IRQ's exit hook to its first instruction after the sleep;
 *   - memory per thread (control block and stack) against lab 3's per task.
 */
#include <stdint.h>
#include "bench.h"
#include "executor.h"
#include "kprintf.h"
#include "panic.h"
#include "thread.h"
#include "x86.h"

#define SWITCH_ROUNDS 20000
#define PINGPONG_ROUNDS 10000
#define IRQ_ROUNDS 50
#define BENCH_PRIO 50

static volatile int yields_left;

static void yielder(void *unused)
{
    (void)unused;
    while (yields_left-- > 0)
        thread_yield();
}

static uint64_t switch_cycles(void)
{
    yields_left = 2 * SWITCH_ROUNDS;
    struct thread *t = thread_create(yielder, 0, "yielder", BENCH_PRIO);
    if (!t)
        panic("lab6 bench: no memory for a thread");
    uint64_t c0 = rdtsc();
    yielder(0);                         /* main and t alternate: one switch per yield */
    uint64_t per = (rdtsc() - c0) / (2 * SWITCH_ROUNDS);
    thread_join(t);
    return per;
}

static struct semaphore ping, pong;

static void ponger(void *unused)
{
    (void)unused;
    for (int i = 0; i < PINGPONG_ROUNDS; i++) {
        sema_down(&ping);
        sema_up(&pong);
    }
}

/* One round: up, switch, down returns, up, switch back: two wakes. */
static uint64_t wake_cycles(void)
{
    sema_init(&ping, 0);
    sema_init(&pong, 0);
    struct thread *t = thread_create(ponger, 0, "ponger", BENCH_PRIO);
    if (!t)
        panic("lab6 bench: no memory for a thread");
    uint64_t c0 = rdtsc();
    for (int i = 0; i < PINGPONG_ROUNDS; i++) {
        sema_up(&ping);
        sema_down(&pong);
    }
    uint64_t per = (rdtsc() - c0) / (2 * PINGPONG_ROUNDS);
    thread_join(t);
    return per;
}

/* A sample whose IRQ is not the one that woke us (another came in between) is dropped. */
static uint64_t irq_to_thread_cycles(void)
{
    uint64_t sum = 0;
    int n = 0;
    for (int i = 0; i < IRQ_ROUNDS; i++) {
        thread_sleep_ms(1);
        uint64_t now = rdtsc(), irq = thread_stats().irq_exit_cycles;
        if (irq <= now) {
            sum += now - irq;
            n++;
        }
    }
    return n ? sum / (uint64_t)n : 0;
}

void lab6_bench(void)
{
    int prio = thread_get_priority();
    thread_set_priority(BENCH_PRIO);
    kprintf("bench: thread switch (yield) %u cycles\n", (unsigned)switch_cycles());
    kprintf("bench: thread wake (semaphore) %u cycles\n", (unsigned)wake_cycles());
    kprintf("bench: irq to blocked thread %u cycles\n", (unsigned)irq_to_thread_cycles());
    kprintf("bench: thread memory %u bytes\n",
            (unsigned)(sizeof(struct thread) + THREAD_STACK_SIZE));
    kprintf("bench: task memory %u bytes\n", (unsigned)sizeof(struct task));
    thread_set_priority(prio);
}
