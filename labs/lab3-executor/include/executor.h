/*
 * executor.h - tasks and the executor: cooperative multitasking on one CPU
 * and one stack, in the style of blog_os' executor and Embassy's raw
 * executor (see handouts/lab3.md §5).
 *
 * A task is a slot in a static table holding one root future. spawn() fills a
 * slot and queues it; executor_run() polls queued tasks in FIFO order and
 * frees each one whose root future returns POLL_READY. A task is polled only
 * after a wake: when nothing is queued the CPU sleeps in `hlt` until an
 * interrupt wakes someone. Nothing here allocates: not spawn, poll nor wake.
 *
 * spawn() is the spawner: it may be called from inside a task's poll (the
 * new task runs after the tasks already queued), but not from an interrupt
 * handler.
 */
#ifndef CAIRN_EXECUTOR_H
#define CAIRN_EXECUTOR_H

#include <stdbool.h>
#include <stdint.h>
#include "future.h"
#include "sleep.h"

#define EXECUTOR_MAX_TASKS 32

/* task.state bits (Embassy's SPAWNED / RUN_QUEUED) */
#define TASK_SPAWNED  (1u << 0)     /* the slot holds a live task */
#define TASK_QUEUED   (1u << 1)     /* on the ready queue: further wakes coalesce */
#define TASK_TIMER    (1u << 2)     /* on the timer queue (sleep.h) */
#define TASK_THREAD   (1u << 3)     /* no task: a thread polling a future itself (lab 6) */

struct task {
    struct task *next;              /* ready-queue link (intrusive: no allocation) */
    struct task *timer_next;        /* timer-queue link, sorted by (deadline, id) */
    uint64_t deadline;              /* earliest tick a sleep of this task waits for */
    struct future *root;
    volatile uint32_t state;        /* TASK_* bits; changed only with interrupts off */
    uint32_t gen;                   /* bumped when the task finishes: old wakers go stale */
    uint32_t id;                    /* unique, in spawn order (1, 2, ...) */
    struct atomic_waker on_exit;    /* woken when the task finishes (task_join) */
    /* TASK_THREAD: lab 6's thread_block_on lends futures a waker naming this node,
       outside the table and never queued; waker_wake calls wake(node, gen) instead.
       IRQ-safe; it ignores a stale gen. The timer queue takes such a node as any. */
    void (*wake)(struct task *node, uint32_t gen);
};

struct executor_stats {
    uint32_t polls;                 /* root polls */
    uint32_t wakes;                 /* waker_wake calls on a live task */
    uint32_t coalesced;             /* ...of which found it already queued */
    uint32_t stale_wakes;           /* wakes of finished tasks or the no-op waker */
    uint32_t sleeps;                /* times the executor halted waiting for an interrupt */
    uint32_t spawned;               /* tasks ever spawned */
    uint32_t alive;                 /* tasks spawned and not yet finished */
    uint32_t max_alive;
};

void executor_init(void);           /* forget every task (boot, host tests) */
int  spawn(struct future *f);       /* the new task's id, or -1 if every slot is taken */
void executor_run(void);            /* poll until every task has finished */
void block_on(struct future *f);    /* spawn f; run until it (not the others) is done */
bool executor_run_ready(void);      /* poll until no task is ready, never sleeping; false if none was */
struct executor_stats executor_stats(void);
uint32_t task_current_id(void);     /* the task being polled, 0 outside any poll */

/*
 * Lab 6 runs the executor as one thread among others. With these hooks set,
 * an executor with nothing ready calls wait() (interrupts masked; it returns
 * with them enabled) instead of halting the CPU, and every task queued calls
 * notify() (interrupts masked; from a handler too). NULL: halt, as alone.
 * wait() must enable them as the halt does: the loop goes straight on to poll
 * the task that woke it, with interrupts as wait() left them, and a poll that
 * runs masked holds off the tick and every IRQ (tests/test_lab6_sched.c checks).
 */
struct executor_idle_hooks {
    void (*wait)(void);
    void (*notify)(void);
};
void executor_set_idle_hooks(const struct executor_idle_hooks *hooks);

/*
 * Called around every poll of a task's root future, with interrupts as the
 * task has them: before(id) and after(id, result). Lab 6's trace records the
 * polls through them. NULL (the default): nothing is called.
 */
struct executor_poll_hooks {
    void (*before)(uint32_t task_id);
    void (*after)(uint32_t task_id, enum poll result);
};
void executor_set_poll_hooks(const struct executor_poll_hooks *hooks);

/*
 * Await another task's end. Initialise it right after spawn(), in the same
 * poll (the child cannot have finished before the parent yields). One joiner
 * per task: a second joiner replaces the first.
 */
struct task_join_future {
    struct future base;
    struct task *task;
    uint32_t gen;
};
void task_join_init(struct task_join_future *j, int id);

#endif
