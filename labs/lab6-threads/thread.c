/*
 * thread.c - threads and the scheduler: create, yield, block, exit, join,
 * sleep, and preemption from the end of every IRQ (lab 1's exit hook).
 *
 * One CPU. The scheduler's state (the ready queue, `cur`, the sleepers) is
 * touched only with interrupts masked; that alone makes each operation atomic
 * against interrupt handlers and against preemption, which only ever happens
 * at the end of an interrupt. A switch always runs with interrupts masked
 * too, and the thread switched to restores its own IF when it returns from
 * schedule() (irq_restore) or from the interrupt it was preempted in (iret).
 *
 * The idle thread runs when nothing else is ready. It has priority -1, below
 * every real thread, and is never on the ready queue.
 */
#include "kprintf.h"
#include "kstring.h"
#include "heap.h"
#include "panic.h"
#include "scheduler.h"

uint32_t spin_depth;
static struct readyq ready;
static struct thread *cur;
static struct thread *idle;
static struct thread *all;              /* every thread not yet reaped */
static struct thread main_thread;       /* the boot context */
static struct thread_stats stats;
static uint32_t last_id;

static uint32_t *canary_of(struct thread *t)
{
    return t->stack ? (uint32_t *)(t->stack + STACK_GUARD) - 1 : 0;
}

static void check_canary(struct thread *t)
{
    uint32_t *c = canary_of(t);
    if (c && *c != STACK_CANARY)
        panic("lab6: thread %s overflowed its stack (canary at %p is 0x%08x)", t->name,
              (void *)c, *c);
}

/* Allocate a thread and its stack, guard filled with the canary; not yet queued. */
static struct thread *thread_alloc(thread_fn fn, void *arg, const char *name, int prio)
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
    for (uint32_t *w = (uint32_t *)stack; w <= canary_of(t); w++)
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
    stats.created++;
    stats.alive++;
    readyq_push(&ready, t);
    plat_irq_restore(fl);
    sched_preempt_if_outranked();
    return t;
}

/*
 * Switch to the best ready thread (or idle). The caller has masked interrupts
 * and already put `cur` where it belongs: back on the ready queue (yield), on
 * a wait queue (block) or nowhere (exit).
 */
static void schedule(void)
{
    plat_assert_irqs_off();
    if (spin_depth)
        panic("lab6: thread %s switches while holding a spinlock", cur->name);
    /* LAB 6: BEGIN SOLUTION */
    struct thread *prev = cur;
    struct thread *next = readyq_pop(&ready);

    if (!next)
        next = idle;
    check_canary(prev);
    next->state = THREAD_RUNNING;
    if (next == prev)
        return;
    next->slice_left = slice_ticks();
    next->switches_in++;
    stats.switches++;
    cur = next;
    ctx_switch(prev, next);
    /* LAB 6: STUB
    (void)check_canary;
    panic("lab6: schedule not implemented");
    LAB 6: END SOLUTION */
}

/* Put the running thread at the back of its priority's queue and switch. */
static void yield_locked(void)
{
    if (cur != idle) {
        cur->state = THREAD_READY;
        readyq_push(&ready, cur);
    }
    schedule();
}

void thread_yield(void)
{
    plat_irq_t fl = plat_irq_save();
    yield_locked();
    plat_irq_restore(fl);
}

void sched_block(void)
{
    plat_assert_irqs_off();
    assert(cur != idle);
    cur->state = THREAD_BLOCKED;
    schedule();
}

void sched_unblock(struct thread *t)
{
    plat_assert_irqs_off();
    assert(t->state == THREAD_BLOCKED);
    t->state = THREAD_READY;
    readyq_push(&ready, t);
}

/*
 * Only where interrupts were enabled: with them masked the caller may be an
 * interrupt handler (which must not switch before its EOI; the IRQ exit hook
 * will preempt) or a thread inside a critical section.
 */
void sched_preempt_if_outranked(void)
{
    plat_irq_t fl = plat_irq_save();
    if (irqs_were_enabled(fl) && readyq_top(&ready) > cur->prio)
        yield_locked();
    plat_irq_restore(fl);
}

void sched_set_prio(struct thread *t, int prio)
{
    plat_assert_irqs_off();
    if (t->prio == prio)
        return;
    if (t->state == THREAD_READY && t != idle) {
        readyq_remove(&ready, t);
        t->prio = prio;
        readyq_push(&ready, t);
    } else {
        t->prio = prio;
    }
}

void thread_entry(void)
{
    plat_irq_enable();                  /* we arrive from schedule(), interrupts masked */
    cur->fn(cur->arg);
    thread_exit();
}

void thread_exit(void)
{
    plat_irq_disable();
    if (cur == &main_thread || cur == idle)
        panic("lab6: thread %s cannot exit", cur->name);
    if (cur->held)
        panic("lab6: thread %s exits holding mutex %s", cur->name, cur->held->name);
    cur->state = THREAD_DONE;
    stats.alive--;
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

struct thread *thread_current(void)
{
    return cur;
}

/* The PIT tick: charge the running thread, wake the sleepers whose tick it is. */
static void tick(void)
{
    uint64_t now = plat_ticks();

    cur->ticks++;
    if (cur == idle)
        stats.idle_ticks++;
    if (cur->slice_left)
        cur->slice_left--;
    alarm_wake_due(now);
}

/*
 * Lab 1 calls this at the end of every IRQ, after the EOI, with interrupts
 * masked: a higher-priority thread that became ready runs now, and a thread
 * whose slice is over yields to its equals.
 */
void thread_irq_exit(int irq)
{
    stats.irq_exit_cycles = cycles();
    if (irq == 0)
        tick();
    /* LAB 6: BEGIN SOLUTION */
    int top = readyq_top(&ready);
    if (top > cur->prio || (top == cur->prio && cur->slice_left == 0)) {
        stats.preemptions++;
        yield_locked();
    }
    /* LAB 6: STUB
    panic("lab6: preemption (thread_irq_exit) not implemented");
    LAB 6: END SOLUTION */
}

/* Nothing ready: halt until an interrupt; its exit hook switches away if it woke someone. */
static void idle_loop(void *unused)
{
    (void)unused;
    for (;;) {
        plat_irq_disable();
        if (readyq_top(&ready) >= 0) {
            schedule();
            plat_irq_enable();
        } else {
            cpu_wait();                 /* sti; hlt: no IRQ can fall between check and halt */
        }
    }
}

void threads_init(void)
{
    readyq_init(&ready);
    main_thread = (struct thread){ .name = "main", .id = ++last_id, .state = THREAD_RUNNING,
                                   .base_prio = THREAD_PRIO_DEFAULT, .prio = THREAD_PRIO_DEFAULT };
    main_thread.slice_left = slice_ticks();
    cur = all = &main_thread;
    stats.created = stats.alive = 1;
    idle = thread_alloc(idle_loop, 0, "idle", THREAD_PRIO_MIN);
    if (!idle)
        panic("lab6: no memory for the idle thread");
    idle->base_prio = idle->prio = -1;
}

struct thread_stats thread_stats(void)
{
    plat_irq_t fl = plat_irq_save();
    struct thread_stats s = stats;
    plat_irq_restore(fl);
    return s;
}

static const char *state_name(enum thread_state s)
{
    static const char *const names[] = { "running", "ready", "blocked", "done" };
    return s <= THREAD_DONE ? names[s] : "?";
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
