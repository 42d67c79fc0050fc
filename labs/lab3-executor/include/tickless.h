/*
 * tickless.h - the executor's idle without the periodic tick (NO_HZ idle,
 * handouts/lab3.md "Challenge: tickless idle"); lab 6's idle thread uses its
 * decision too. Given code.
 */
#ifndef CAIRN_LAB3_TICKLESS_H
#define CAIRN_LAB3_TICKLESS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * With interrupts masked and nothing ready: sleep until an interrupt, with
 * the tick stopped if `deadline` (an absolute tick; UINT64_MAX: none) is more
 * than one tick away. Returns with interrupts enabled, the tick running, the
 * ticks that passed counted and the timers due by then expired.
 */
void tickless_idle(uint64_t deadline);

/*
 * Its decision, for an idle loop of another kind (lab 6's idle thread), with
 * interrupts masked: stop the tick and arm the one-shot for `deadline` (true),
 * or keep the tick (false: tick=periodic, or due within a tick). After a true,
 * the caller halts, and then restarts the tick with plat_tick_restart.
 */
bool tickless_stop(uint64_t deadline);

/* tick=periodic: keep the tick while idle (today's behaviour, to compare). */
void tickless_set_periodic(bool periodic);

struct tickless_stats {
    uint32_t stops;                 /* idles with the tick stopped */
    uint32_t capped;                /* ... of which the one-shot ended short of the deadline */
    uint32_t periodic_halts;        /* idles with the tick kept (due within a tick, or tick=periodic) */
};
struct tickless_stats tickless_stats(void);

#endif
