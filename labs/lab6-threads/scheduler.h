/*
 * scheduler.h - lab 6's inside: the queues, the scheduler's internal calls shared
 * by sched.c, thread.c, queue.c, sync.c, donate.c, bridge.c and idle.c, and the
 * machine layer they need
 * (machine_x86.c on the kernel; tests/lab6_fake.h on the host, with real
 * stacks and the same switch for x86-64).
 *
 * The rule for every function here: call it with interrupts masked
 * (intr_disable), because on one CPU that is what makes it atomic against
 * both interrupt handlers and preemption.
 */
#ifndef CAIRN_LAB6_SCHEDULER_H
#define CAIRN_LAB6_SCHEDULER_H

#include <stdbool.h>
#include <stdint.h>
#include "interrupts.h"
#include "panic.h"
#include "x86.h"
#include "thread.h"

#define NPRIO (THREAD_PRIO_MAX + 1)
#define STACK_CANARY 0x57ac4ca7u        /* "stack canary" */
#define STACK_GUARD  1024               /* bytes under the canary: a frame (and the report) past it land here */
#define IDLE_PRIO    (-1)               /* the idle thread's: below every real thread */

/* The canary word at the top of the guard (NULL for the boot stack, which has none). */
static inline uint32_t *stack_canary(struct thread *t)
{
    return t->stack ? (uint32_t *)(t->stack + STACK_GUARD) - 1 : 0;
}

/* --- queue.c: the ready queue (one FIFO per priority), wait queues, sleepers */
struct readyq {
    struct thread *head[NPRIO], *tail[NPRIO];
    uint64_t nonempty;                  /* bit p: head[p] != NULL */
};
void readyq_init(struct readyq *q);
void readyq_push(struct readyq *q, struct thread *t);       /* at the back of its priority */
struct thread *readyq_pop(struct readyq *q);                /* highest priority, oldest; or NULL */
void readyq_remove(struct readyq *q, struct thread *t);
int  readyq_top(const struct readyq *q);                    /* highest priority queued, or -1 */

/* A wait queue: an unordered list, woken highest priority first (FIFO among equals). */
void waitq_push(struct thread **q, struct thread *t);
struct thread *waitq_pop(struct thread **q);
int  waitq_top(struct thread *const *q);                    /* highest priority waiting, or -1 */

/* The sleep queue, by deadline (thread_sleep_ticks joins it; the tick wakes those due). */
void alarm_wake_due(uint64_t now);      /* from the tick: unblock the sleepers due by now, in order */
uint64_t alarm_next_tick(void);         /* the first sleeper's wake tick; UINT64_MAX: none */

/* --- sched.c: the scheduler core ------------------------------------------ */
void schedule(void);                    /* switch to the best ready thread; cur is placed already */
void sched_block(void);                 /* the current thread blocks; returns once unblocked */
void sched_unblock(struct thread *t);   /* make t ready; never switches */
void sched_start(struct thread *t);     /* a new thread's first place on the ready queue */
void sched_preempt_if_outranked(void);  /* switch now if a ready thread has a higher priority */
void sched_set_prio(struct thread *t, int prio);  /* effective priority; requeues a ready t */
void sched_init(struct thread *boot);   /* boot runs; the idle thread */
void thread_irq_exit(int irq);          /* lab 1's IRQ exit hook: preempt if due */
void sched_tick(uint64_t now);          /* lab 1's tick subscriber: charge the running thread, wake sleepers */
extern uint32_t spin_depth;             /* spinlocks held (one CPU: one count) */
extern struct thread_stats thread_counts;   /* thread_stats() copies it */

/* --- thread.c: a thread's life ------------------------------------------- */
struct thread *thread_alloc(thread_fn fn, void *arg, const char *name, int prio);  /* not queued */
void thread_reap(struct thread *t);     /* free a finished thread (its joiner does) */
void thread_entry(void) __attribute__((noreturn));   /* a new thread's first C code */
void threads_init(void);                /* the boot context becomes "main"; the idle thread */
void threads_report(void);              /* one line per thread (panics and deadlocks) */
void threads_foreach(void (*fn)(struct thread *t));     /* every thread not yet reaped */

/* --- donate.c ------------------------------------------------------------ */
void donate_before_block(struct thread *t, struct mutex *m);  /* t is about to wait for m */
void donate_after_release(struct thread *t);                  /* t released a mutex */
int  deadlock_cycle(struct thread *t, struct mutex *m, struct mutex **locks, int max);

/* --- idle.c: the idle thread's halt, tickless -------------------------------- */
void idle_halt(void);                   /* IF=0, nothing ready: halt; returns with IF=1 */
uint64_t idle_deadline(void);           /* the first tick anything waits for; UINT64_MAX: none */

/* --- bridge.c ------------------------------------------------------------ */
void bridge_init(void);                 /* the executor thread and lab 3's idle hooks */

/* --- thread.c: a new thread's first frame (handouts/lab6.md section 2) ----- */
#if defined(__x86_64__)
#define SWITCH_SAVED_REGS 6     /* the host tests' switch (tests/lab6_fake.h): rbp rbx r12-r15 */
#else
#define SWITCH_SAVED_REGS 4     /* switch.S: ebp ebx esi edi */
#endif
#define STACK_ALIGN 16          /* the psABIs: sp + one word is 16-aligned as a function begins */
uintptr_t ctx_first_frame(uint8_t *top, void (*entry)(void));   /* the sp for switch_stacks */

/* --- the machine layer ---------------------------------------------------- */
void ctx_init(struct thread *t);        /* build t's stack so the first switch runs thread_entry */
void ctx_switch(struct thread *from, struct thread *to);
uint32_t slice_ticks(void);             /* the time slice, in ticks */
uint64_t cycles(void);                  /* a cycle counter (rdtsc), for the statistics */

#endif
