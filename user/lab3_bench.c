/*
 * lab3_bench.c - stage 3's benchmarks (`bench`), a future that lab 3's main
 * task awaits inline: the TSC's rate against the tick, wake->poll round trips
 * between two tasks that wake each other in turn, the cost of a spawn that
 * is polled once and exits, and the bytes a task and a frame take.
 */
#include <stdbool.h>
#include <stdint.h>
#include "bench.h"
#include "executor.h"
#include "kprintf.h"
#include "x86.h"

#define PINGPONG_ROUNDS 10000
#define SPAWN_ROUNDS 1000

struct pingpong {
    struct future base;
    struct pingpong *peer;
    struct waker waker;                 /* ours, for the peer to wake */
    uint32_t rounds;
    bool serving;                       /* the side that starts */
    bool my_turn;
};

static enum poll pingpong_poll(struct future *self, struct context *cx)
{
    struct pingpong *p = (struct pingpong *)self;

    p->waker = cx->waker;
    if (p->rounds == PINGPONG_ROUNDS)
        return POLL_READY;
    if (!p->my_turn)
        return POLL_PENDING;            /* the peer's wake brings us back */
    p->my_turn = false;
    p->rounds++;
    p->peer->my_turn = true;
    waker_wake(p->peer->waker);
    return p->rounds == PINGPONG_ROUNDS && !p->serving ? POLL_READY : POLL_PENDING;
}

static enum poll instant_poll(struct future *self, struct context *cx)
{
    (void)self;
    (void)cx;
    return POLL_READY;
}

/* Runs from inside a task: it spawns helpers and lets the executor run them. */
struct bench_task {
    struct future base;
    int lc;
    uint64_t t0, tsc0, tsc_hz;
    struct pingpong ping, pong;
    struct task_join_future jping, jpong;
    struct future *joins[2];
    struct join_future both;
    struct future instant[SPAWN_ROUNDS];
    int i;
    struct sleep_future sleep;
    size_t print_number_frame, echo_frame;      /* the program's, to print */
};

static void report_spawns(uint64_t cycles_per_task, uint64_t tsc_hz)
{
    kprintf("bench: spawn+poll+exit %u cycles\n", (unsigned)cycles_per_task);
    if (cycles_per_task)
        kprintf("bench: tasks spawned per second %u k/s\n",
                (unsigned)(tsc_hz / cycles_per_task / 1000));
}

static enum poll bench_poll(struct future *self, struct context *cx)
{
    struct bench_task *fr = (struct bench_task *)self;
    ASYNC_BEGIN(fr);
    /* The TSC rate against the PIT, as bench_tsc_hz measures it, but awaiting a
     * sleep future: a task must not hlt. 100 ticks from the start of a tick. */
    sleep_ticks_init(&fr->sleep, 1);
    AWAIT(fr, &fr->sleep);
    fr->t0 = timer_ticks();
    fr->tsc0 = rdtsc();
    sleep_until_init(&fr->sleep, fr->t0 + 100);
    AWAIT(fr, &fr->sleep);
    fr->tsc_hz = (rdtsc() - fr->tsc0) * timer_hz() / 100;
    kprintf("bench: tsc %u MHz\n", (unsigned)(fr->tsc_hz / 1000000));

    fr->ping = (struct pingpong){ .base.poll = pingpong_poll, .peer = &fr->pong,
                                  .serving = true, .my_turn = true };
    fr->pong = (struct pingpong){ .base.poll = pingpong_poll, .peer = &fr->ping };
    fr->pong.waker = waker_noop();
    task_join_init(&fr->jpong, spawn(&fr->pong.base));  /* pong first: its waker exists */
    task_join_init(&fr->jping, spawn(&fr->ping.base));  /* before ping's first wake */
    fr->joins[0] = &fr->jping.base;
    fr->joins[1] = &fr->jpong.base;
    join_init(&fr->both, fr->joins, 2);
    fr->t0 = rdtsc();
    AWAIT(fr, &fr->both);
    {
        uint64_t per = (rdtsc() - fr->t0) / (2ull * PINGPONG_ROUNDS);
        kprintf("bench: wake->poll %u cycles\n", (unsigned)per);
        kprintf("bench: wake->poll time %u ns\n", bench_cycles_to_ns(per, fr->tsc_hz));
    }

    fr->t0 = rdtsc();
    for (fr->i = 0; fr->i < SPAWN_ROUNDS; fr->i++) {
        fr->instant[fr->i].poll = instant_poll;
        if (spawn(&fr->instant[fr->i]) < 0) {
            YIELD(fr);                  /* slots full: let them finish */
            fr->i--;
        }
    }
    YIELD(fr);                          /* the last batch runs before us */
    report_spawns((rdtsc() - fr->t0) / SPAWN_ROUNDS, fr->tsc_hz);
    kprintf("bench: task header %u bytes\n", (unsigned)sizeof(struct task));
    kprintf("bench: print_number frame %u bytes\n", (unsigned)fr->print_number_frame);
    kprintf("bench: echo task frame %u bytes\n", (unsigned)fr->echo_frame);
    ASYNC_END(fr);
}

struct future *lab3_bench(size_t print_number_frame, size_t echo_frame)
{
    static struct bench_task task;      /* static: a polled future must not move */

    task = (struct bench_task){ .base.poll = bench_poll, .print_number_frame = print_number_frame,
                                .echo_frame = echo_frame };
    ASYNC_INIT(&task);
    return &task.base;
}
