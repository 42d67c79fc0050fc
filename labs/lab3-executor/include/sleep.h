/*
 * sleep.h - timers for futures: sleep for a number of timer ticks or until an
 * absolute tick. Sleeping tasks sit on one queue ordered by (deadline, task id);
 * the timer interrupt looks only at its head, so a tick costs O(1) until a
 * deadline passes, and tasks whose deadlines coincide wake in id order.
 */
#ifndef CAIRN_SLEEP_H
#define CAIRN_SLEEP_H

#include <stdint.h>
#include "future.h"

struct sleep_future {
    struct future base;
    uint64_t deadline;              /* absolute tick */
};
void sleep_ticks_init(struct sleep_future *f, uint64_t ticks);      /* from now */
void sleep_ms_init(struct sleep_future *f, uint32_t ms);            /* rounded up to ticks */
void sleep_until_init(struct sleep_future *f, uint64_t deadline);   /* absolute tick */

/* Lab 1's tick notifies this (lab3_init subscribes it), IF=0: wakes expired sleepers. */
void timerq_expire(uint64_t now);

/* For the executor and tests: take a finished task off the queue; the first sleeper. */
struct task;
void timerq_reset(void);
void timerq_cancel(struct task *t);
struct task *timerq_head(void);
uint64_t timerq_next_deadline(void);    /* the earliest deadline; UINT64_MAX: none */

#endif
