/*
 * trace.h - lab 6's trace, inside: the one-line hooks the scheduler calls
 * where a switch, a block, a wake, a priority change, an exit or an IRQ
 * happens, and the buffer they record into (trace.c). Given code, not an
 * exercise. The public side (start, print) is in thread.h; the printed
 * format is in trace.c's top comment and handouts/lab6.md.
 *
 * Off (the default) a hook costs one load and one untaken branch: every hook
 * is inline here and calls into trace.c only when the trace is on.
 */
#ifndef CAIRN_LAB6_TRACE_H
#define CAIRN_LAB6_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include "thread.h"

#define TRACE_EVENTS 4096               /* the buffer: 20 bytes an event on i386, 80 KiB */
#define TRACE_THREADS 64                /* names kept for the picture's rows */

enum trace_kind {
    TRACE_SWITCH,                       /* a: from, b: to (thread ids) */
    TRACE_IRQ,                          /* a: IRQ number (at its exit hook, after the EOI) */
    TRACE_POLL,                         /* a: task id; the executor starts polling it */
    TRACE_POLLED,                       /* a: task id, b: 1 if it finished (POLL_READY) */
    TRACE_WAKE,                         /* a: thread made ready */
    TRACE_BLOCK,                        /* a: thread that blocks */
    TRACE_PRIO,                         /* a: thread, b: its new effective priority */
    TRACE_EXIT,                         /* a: thread that ends */
    TRACE_NEW,                          /* a: thread created (its name is in the table) */
};

struct trace_event {
    uint64_t cycles;                    /* TSC, since the trace started */
    uint32_t a, b;
    uint8_t kind;                       /* enum trace_kind */
};

extern bool trace_on;
void trace_record(enum trace_kind kind, uint32_t a, uint32_t b);
void trace_thread_new(struct thread *t);

static inline void trace_switch(const struct thread *from, const struct thread *to)
{
    if (trace_on)
        trace_record(TRACE_SWITCH, from->id, to->id);
}

static inline void trace_irq(int irq)
{
    if (trace_on)
        trace_record(TRACE_IRQ, (uint32_t)irq, 0);
}

static inline void trace_wake(const struct thread *t)
{
    if (trace_on)
        trace_record(TRACE_WAKE, t->id, 0);
}

static inline void trace_block(const struct thread *t)
{
    if (trace_on)
        trace_record(TRACE_BLOCK, t->id, 0);
}

static inline void trace_prio(const struct thread *t, int prio)
{
    if (trace_on)
        trace_record(TRACE_PRIO, t->id, (uint32_t)prio);
}

static inline void trace_exit(const struct thread *t)
{
    if (trace_on)
        trace_record(TRACE_EXIT, t->id, 0);
}

static inline void trace_new(struct thread *t)
{
    if (trace_on)
        trace_thread_new(t);
}

/* For the host test: the buffer as recorded, and what was dropped. */
struct trace_counts {
    uint32_t events, dropped, names_dropped;
};
struct trace_counts trace_counts(void);
const struct trace_event *trace_events(void);

#endif
