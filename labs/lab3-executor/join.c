/*
 * join.c - a task's life: the task table, spawn, the end (task_finish), the
 * future that awaits another task's end (task_join_init), and the two runs
 * that wait for ends (executor_run, block_on). executor.c keeps the ready
 * queue, the wakers and the loop: the path of every wake.
 *
 * A task's slot keeps a one-slot atomic waker, on_exit, that task_finish()
 * wakes after bumping the slot's gen. The joiner remembers the gen it saw in
 * task_join_init (right after the spawn): once the slot's gen differs, the
 * task it joined has finished, even if the slot already holds a new task. Registering and then checking again
 * closes the race with a task that finishes between the first check and the
 * registration (the same check-register-check as every future in lab 3).
 */
#include "executor.h"
#include "panic.h"
#include "tasks.h"
#include "x86.h"

static struct task tasks[EXECUTOR_MAX_TASKS];
static uint32_t last_id;
static struct executor_stats stats;         /* the lives: spawned, alive, max_alive */

void tasks_reset(void)
{
    for (int i = 0; i < EXECUTOR_MAX_TASKS; i++) {
        uint32_t gen = tasks[i].gen;
        tasks[i] = (struct task){ 0 };
        tasks[i].gen = gen + 1;             /* wakers from before stay stale */
    }
    stats = (struct executor_stats){ 0 };
    last_id = 0;
}

void tasks_count_lives(struct executor_stats *s)
{
    s->spawned = stats.spawned;
    s->alive = stats.alive;
    s->max_alive = stats.max_alive;
}

struct task *task_find(int id)
{
    for (int i = 0; i < EXECUTOR_MAX_TASKS && id > 0; i++)
        if ((tasks[i].state & TASK_SPAWNED) && tasks[i].id == (uint32_t)id)
            return &tasks[i];
    return 0;
}

int spawn(struct future *f)
{
    struct task *t = 0;
    for (int i = 0; i < EXECUTOR_MAX_TASKS && !t; i++)
        if (tasks[i].state == 0)
            t = &tasks[i];
    if (!t)
        return -1;
    t->root = f;
    t->id = ++last_id;
    t->timer_next = 0;
    t->deadline = 0;
    t->on_exit.armed = false;

    intr_state_t fl = intr_disable();
    t->state = TASK_SPAWNED | TASK_QUEUED;
    ready_push(t);
    stats.spawned++;
    if (++stats.alive > stats.max_alive)
        stats.max_alive = stats.alive;
    intr_restore(fl);
    return (int)t->id;
}

/* Done: free the slot, make its wakers stale, tell a joiner. A slot left on
   either queue would be polled (or woken) as the slot's next task. */
void task_finish(struct task *t)
{
    /* LAB 3: BEGIN SOLUTION */
    timerq_cancel(t);
    intr_state_t fl = intr_disable();
    if (t->state & TASK_QUEUED)             /* woken during its last poll */
        ready_unlink(t);
    t->state = 0;
    t->gen++;
    t->root = 0;
    stats.alive--;
    intr_restore(fl);
    atomic_waker_wake(&t->on_exit);         /* after gen++: the joiner sees it finished */
    /* LAB 3: STUB
    (void)t; panic("lab3: task_finish not implemented");
    LAB 3: END SOLUTION */
}

static bool all_finished(const void *unused)
{
    (void)unused;
    return stats.alive == 0;
}

void executor_run(void)
{
    run_until(all_finished, 0);
}

static bool waker_stale(const void *arg)
{
    const struct waker *w = arg;
    return w->task->gen != w->gen;
}

void block_on(struct future *f)
{
    int id = spawn(f);
    if (id < 0)
        panic("lab3: block_on: all %d task slots are taken", EXECUTOR_MAX_TASKS);
    struct task *t = task_find(id);
    assert(t);                          /* just spawned: it has not run yet */
    struct waker w = { t, t->gen };
    run_until(waker_stale, &w);
}

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
