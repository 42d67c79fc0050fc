/*
 * tasks.h - lab 3's inside, shared by executor.c (the queue, the wakers, the
 * loop) and join.c (a task's life): finding a live task by its id, and what
 * each of the two calls of the other. Later labs and programs see tasks only
 * through executor.h.
 */
#ifndef CAIRN_LAB3_TASKS_H
#define CAIRN_LAB3_TASKS_H

#include "executor.h"

struct task *task_find(int id);     /* the live task with this id; NULL if none (or id < 1) */

/* waker_wake's first look: a TASK_THREAD node (executor.h) is woken through its own
   wake, never queued. True if w names one (now woken); false for a task or no-op. */
static inline bool wake_if_thread_node(struct waker w)
{
    if (!w.task || !(w.task->state & TASK_THREAD))
        return false;
    w.task->wake(w.task, w.gen);
    return true;
}

/* join.c's, for executor.c: forget every task (executor_init); the lives in executor_stats. */
void tasks_reset(void);
void tasks_count_lives(struct executor_stats *s);
void task_finish(struct task *t);   /* its root returned READY: free the slot, wake a joiner */

/* executor.c's, for join.c: the ready queue (masked) and the loop (run until done(arg)). */
void ready_push(struct task *t);
void ready_unlink(struct task *t);
void run_until(bool (*done)(const void *), const void *arg);
/* wait_for_work's halt (masked; returns with IF=1). Not static: a handout whose
   wait_for_work is still a stub must build without its one caller. */
void executor_idle(void);

#endif
