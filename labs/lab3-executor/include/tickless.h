/*
 * tickless.h - the idle without the periodic tick (NO_HZ idle, handouts/lab3.md
 * "Challenge: tickless idle"): the one place the tick is stopped and restarted,
 * for lab 3's executor and lab 6's idle thread alike. Given code.
 */
#ifndef CAIRN_LAB3_TICKLESS_H
#define CAIRN_LAB3_TICKLESS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * With interrupts masked and nothing ready: sleep until an interrupt, with
 * the tick stopped if `deadline` (an absolute tick; UINT64_MAX: none) is more
 * than one tick away. Returns with interrupts enabled, the tick running, the
 * ticks that passed counted and lab 1's tick subscribers told (lab 3's timers
 * due by then expired, lab 6's sleepers woken). While it halts with the tick
 * stopped, timer_tick_stopped() is true.
 */
void tickless_idle(uint64_t deadline);

/* tick=periodic: keep the tick while idle (today's behaviour, to compare). */
void tickless_set_periodic(bool periodic);

struct tickless_stats {
    uint32_t stops;                 /* idles with the tick stopped */
    uint32_t capped;                /* ... of which the one-shot ended short of the deadline */
    uint32_t periodic_halts;        /* idles with the tick kept (due within a tick, or tick=periodic) */
};
struct tickless_stats tickless_stats(void);

#endif
