/*
 * join.c - the future that awaits another task's end (task_join_init).
 *
 * A task's slot keeps a one-slot atomic waker, on_exit, that task_finish()
 * wakes after bumping the slot's gen. The joiner remembers the gen it saw in
 * task_join_init (right after the spawn): once the slot's gen differs, the task it joined has finished, even if
 * the slot already holds a new task. Registering and then checking again
 * closes the race with a task that finishes between the first check and the
 * registration (the same check-register-check as every future in lab 3).
 */
#include "executor.h"
#include "panic.h"
#include "tasks.h"

static enum poll task_join_poll(struct future *self, struct context *cx)
{
    struct task_join_future *j = (struct task_join_future *)self;

    /* LAB 3: BEGIN SOLUTION */
    if (!j->task || j->task->gen != j->gen)
        return POLL_READY;
    atomic_waker_register(&j->task->on_exit, cx);
    return j->task->gen != j->gen ? POLL_READY : POLL_PENDING;
    /* LAB 3: STUB
    (void)j; (void)cx;
    panic("lab3: task_join_poll not implemented");
    LAB 3: END SOLUTION */
}

void task_join_init(struct task_join_future *j, int id)
{
    struct task *t = task_find(id);

    j->base.poll = task_join_poll;
    j->task = t;
    j->gen = t ? t->gen : 0;
}
