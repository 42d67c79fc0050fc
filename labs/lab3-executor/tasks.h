/*
 * tasks.h - lab 3's inside, shared by executor.c and join.c: finding a live
 * task by its id. Later labs and programs see tasks only through executor.h.
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

/*
 * The executor's idle (tickless.c), both with interrupts masked. executor_idle:
 * nothing is ready; lab 6's wait hook blocks the executor's thread, or, alone,
 * the CPU halts tickless until the first timer or any interrupt; returns with
 * IF=1. executor_task_queued: a task was just queued; lab 6's notify hook makes
 * the executor's thread ready.
 */
void executor_idle(void);
void executor_task_queued(void);

#endif
