/*
 * sched.c - the scheduler core: the ready queue, the running thread, the
 * switch (schedule), yield, block and unblock, priority changes, the tick's
 * charge (lab 1's tick subscriber) and preemption from the end of every IRQ
 * (lab 1's exit hook), and the idle thread's loop. Threads are made and ended in thread.c; the idle
 * thread's halt, tickless, is idle.c.
 *
 * One CPU. The scheduler's state (the ready queue, `cur`, the sleepers) is
 * touched only with interrupts masked; that alone makes each operation atomic
 * against interrupt handlers and against preemption, which only ever happens
 * at the end of an interrupt, or when a thread makes a higher-priority one
 * ready (sched_preempt_if_outranked). A switch always runs with interrupts masked
 * too, and the thread switched to restores its own IF when it returns from
 * schedule() (intr_restore) or from the interrupt it was preempted in (iret).
 *
 * The idle thread runs when nothing else is ready. It has priority -1, below
 * every real thread, and is never on the ready queue.
 */
#include "panic.h"
#include "scheduler.h"
#include "trace.h"

uint32_t spin_depth;
struct thread_stats thread_counts;
static struct readyq ready;
static struct thread *cur;
static struct thread *idle;
static uint64_t charged_until;          /* the tick count sched_tick last charged up to */

static void check_canary(struct thread *t)
{
    uint32_t *c = stack_canary(t);
    if (c && *c != STACK_CANARY)
        panic("lab6: thread %s overflowed its stack (canary at %p is 0x%08x)", t->name,
              (void *)c, *c);
}

/*
 * Switch to the best ready thread (or idle). The caller has masked interrupts
 * and already put `cur` where it belongs: back on the ready queue (yield), on
 * a wait queue (block) or nowhere (exit).
 */
void schedule(void)
{
    assert(!intr_enabled());
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
    thread_counts.switches++;
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
    assert(!intr_context());            /* a handler never blocks (interrupts.h) */
    intr_state_t fl = intr_disable();
    yield_locked();
    intr_restore(fl);
}

struct thread *thread_current(void)
{
    return cur;
}

void sched_block(void)
{
    assert(!intr_enabled());
    assert(!intr_context());
    assert(cur != idle);
    trace_block(cur);
    cur->state = THREAD_BLOCKED;
    schedule();
}

void sched_unblock(struct thread *t)
{
    assert(!intr_enabled());
    assert(t->state == THREAD_BLOCKED);
    trace_wake(t);
    t->state = THREAD_READY;
    readyq_push(&ready, t);
}

void sched_start(struct thread *t)
{
    assert(!intr_enabled());
    assert(t->state == THREAD_READY);
    readyq_push(&ready, t);
}

/*
 * Only where interrupts were enabled: with them masked the caller may be an
 * interrupt handler (which must not switch before its EOI; the IRQ exit hook
 * will preempt) or a thread inside a critical section.
 */
void sched_preempt_if_outranked(void)
{
    intr_state_t was_on = intr_disable();
    if (was_on && readyq_top(&ready) > cur->prio)
        yield_locked();
    intr_restore(was_on);
}

void sched_set_prio(struct thread *t, int prio)
{
    assert(!intr_enabled());
    if (t->prio == prio)
        return;
    trace_prio(t, prio);
    if (t->state == THREAD_READY && t != idle) {
        readyq_remove(&ready, t);
        t->prio = prio;
        readyq_push(&ready, t);
    } else {
        t->prio = prio;
    }
}

/*
 * Lab 1's tick subscriber: every tick from the IRQ 0 handler, or once after a
 * tickless halt with all the ticks that passed (then `now` is several on, and
 * they go to the idle thread, which ran them). Never switches: the IRQ exit
 * hook (or the idle loop) does.
 */
void sched_tick(uint64_t now)
{
    assert(!intr_enabled());
    uint32_t n = (uint32_t)(now - charged_until);
    charged_until = now;
    cur->ticks += n;
    if (cur == idle)
        thread_counts.idle_ticks += n;
    cur->slice_left = cur->slice_left > n ? cur->slice_left - n : 0;
    alarm_wake_due(now);
}

/*
 * The preemption decision, interrupts masked: a higher-priority thread that
 * became ready runs now, and a thread whose slice is over yields to its equals.
 */
static void preempt_if_due(void)
{
    assert(!intr_enabled());
    /* LAB 6: BEGIN SOLUTION */
    int top = readyq_top(&ready);
    if (top > cur->prio || (top == cur->prio && cur->slice_left == 0)) {
        thread_counts.preemptions++;
        yield_locked();
    }
    /* LAB 6: STUB
    panic("lab6: preemption (preempt_if_due) not implemented");
    LAB 6: END SOLUTION */
}

/*
 * Lab 1 calls this at the end of every IRQ, after the EOI, with interrupts
 * masked (the tick's charge came before, from sched_tick). An IRQ that came
 * during a print was held at the PIC until the print ended (console.h), so a
 * preemption here never cuts a line.
 */
void thread_irq_exit(int irq)
{
    thread_counts.irq_exit_cycles = cycles();
    trace_irq(irq);
    if (timer_tick_stopped())
        return;     /* idle halts tickless: it counts what passed, then switches */
    preempt_if_due();
}

/* Nothing ready: halt until an interrupt (idle.c); switch to whatever it made ready. */
static void idle_loop(void *unused)
{
    (void)unused;
    for (;;) {
        intr_disable();
        if (readyq_top(&ready) >= 0) {
            schedule();
            intr_enable();
        } else {
            idle_halt();                /* no IRQ can fall between the check and the halt */
        }
    }
}

void sched_init(struct thread *boot)
{
    readyq_init(&ready);
    boot->slice_left = slice_ticks();
    cur = boot;
    charged_until = timer_ticks();
    idle = thread_alloc(idle_loop, 0, "idle", THREAD_PRIO_MIN);
    if (!idle)
        panic("lab6: no memory for the idle thread");
    idle->base_prio = idle->prio = IDLE_PRIO;
}
