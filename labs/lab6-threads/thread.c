/*
 * thread.c - a thread's life: its stack (with the canary under it), creation,
 * its first C code, exit, join and reaping, the boot context as the thread
 * "main", and the report of every thread. Where threads run, and when, is the
 * scheduler's business (sched.c).
 *
 * The list of all threads and the counters are changed with interrupts
 * masked, like the scheduler's state (scheduler.h).
 */
#include "kprintf.h"
#include "kstring.h"
#include "heap.h"
#include "panic.h"
#include "scheduler.h"
#include "trace.h"

static struct thread *all;              /* every thread not yet reaped */
static struct thread main_thread;       /* the boot context */
static uint32_t last_id;

struct thread *thread_alloc(thread_fn fn, void *arg, const char *name, int prio)
{
    if (strlen(name) >= THREAD_NAME_MAX)
        panic("lab6: thread name \"%s\" is longer than %d characters", name, THREAD_NAME_MAX - 1);
    plat_irq_t fl = plat_irq_save();            /* the heap has no lock of its own */
    struct thread *t = kzalloc(sizeof *t);
    uint8_t *stack = t ? kmalloc(THREAD_STACK_SIZE) : 0;
    if (t && !stack)
        kfree(t);
    plat_irq_restore(fl);
    if (!stack)
        return 0;
    strlcpy(t->name, name, sizeof t->name);
    t->stack = stack;
    for (uint32_t *w = (uint32_t *)stack; w <= stack_canary(t); w++)
        *w = STACK_CANARY;
    t->fn = fn;
    t->arg = arg;
    t->base_prio = t->prio = prio;
    t->state = THREAD_READY;
    ctx_init(t);
    fl = plat_irq_save();
    t->id = ++last_id;
    t->all_next = all;
    all = t;
    trace_new(t);
    plat_irq_restore(fl);
    return t;
}

struct thread *thread_create(thread_fn fn, void *arg, const char *name, int prio)
{
    if (prio < THREAD_PRIO_MIN || prio > THREAD_PRIO_MAX)
        panic("lab6: thread %s: priority %d is outside %d-%d", name, prio, THREAD_PRIO_MIN,
              THREAD_PRIO_MAX);
    struct thread *t = thread_alloc(fn, arg, name, prio);
    if (!t)
        return 0;
    plat_irq_t fl = plat_irq_save();
    thread_counts.created++;
    thread_counts.alive++;
    sched_start(t);
    plat_irq_restore(fl);
    sched_preempt_if_outranked();
    return t;
}

void thread_entry(void)
{
    plat_irq_enable();                  /* we arrive from schedule(), interrupts masked */
    struct thread *cur = thread_current();
    cur->fn(cur->arg);
    thread_exit();
}

void thread_exit(void)
{
    plat_irq_disable();
    struct thread *cur = thread_current();
    if (cur == &main_thread || cur->prio == IDLE_PRIO)
        panic("lab6: thread %s cannot exit", cur->name);
    if (cur->held)
        panic("lab6: thread %s exits holding mutex %s", cur->name, cur->held->name);
    trace_exit(cur);
    cur->state = THREAD_DONE;
    thread_counts.alive--;
    if (cur->joiner)
        sched_unblock(cur->joiner);
    atomic_waker_wake(&cur->on_exit);  /* a task's thread_join_future */
    schedule();
    panic("lab6: thread %s ran after its exit", cur->name);
}

/* Free a finished thread. Interrupts masked. */
void thread_reap(struct thread *t)
{
    assert(t->state == THREAD_DONE);
    for (struct thread **p = &all; *p; p = &(*p)->all_next) {
        if (*p == t) {
            *p = t->all_next;
            break;
        }
    }
    kfree(t->stack);
    kfree(t);
}

void thread_join(struct thread *t)
{
    plat_irq_t fl = plat_irq_save();
    struct thread *cur = thread_current();
    if (t == cur || t->joiner)
        panic("lab6: thread %s cannot join thread %s (itself, or joined already)", cur->name,
              t->name);
    if (t->state != THREAD_DONE) {
        t->joiner = cur;
        sched_block();
    }
    thread_reap(t);
    plat_irq_restore(fl);
}

void threads_init(void)
{
    main_thread = (struct thread){ .name = "main", .id = ++last_id, .state = THREAD_RUNNING,
                                   .base_prio = THREAD_PRIO_DEFAULT, .prio = THREAD_PRIO_DEFAULT };
    all = &main_thread;
    thread_counts = (struct thread_stats){ .created = 1, .alive = 1 };
    sched_init(&main_thread);
}

struct thread_stats thread_stats(void)
{
    plat_irq_t fl = plat_irq_save();
    struct thread_stats s = thread_counts;
    plat_irq_restore(fl);
    return s;
}

static const char *state_name(enum thread_state s)
{
    static const char *const names[] = { "running", "ready", "blocked", "done" };
    return s <= THREAD_DONE ? names[s] : "?";
}

void threads_foreach(void (*fn)(struct thread *t))
{
    for (struct thread *t = all; t; t = t->all_next)
        fn(t);
}

void threads_report(void)
{
    for (struct thread *t = all; t; t = t->all_next) {
        kprintf("  thread %s: %s, priority %d (base %d), %u ticks", t->name, state_name(t->state),
                t->prio, t->base_prio, t->ticks);
        if (t->waiting_on)
            kprintf(", waiting for mutex %s", t->waiting_on->name);
        kprintf("\n");
    }
}
