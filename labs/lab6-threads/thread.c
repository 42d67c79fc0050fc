/*
 * thread.c - a thread's life: its stack (with the canary under it), creation
 * and its first frame (Intel SDM Vol. 1, 6.2 and 6.3; handouts/lab6.md
 * section 2), its first C code, exit, join and reaping, the boot context as
 * the thread "main", and the report of every thread. Where threads run, and when, is the
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
    intr_state_t fl = intr_disable();            /* the heap has no lock of its own */
    struct thread *t = kzalloc(sizeof *t);
    uint8_t *stack = t ? kmalloc(THREAD_STACK_SIZE) : 0;
    if (t && !stack)
        kfree(t);
    intr_restore(fl);
    if (!stack)
        return 0;
    strlcpy(t->name, name, sizeof t->name);
    t->stack = stack;
    t->fn = fn;
    t->arg = arg;
    t->base_prio = t->prio = prio;
    t->state = THREAD_READY;
    /* Exercise 2: the stack's two ends. The canary at the bottom, the first frame at the top. */
    /* LAB 6: BEGIN SOLUTION */
    for (uint32_t *w = (uint32_t *)stack; w <= stack_canary(t); w++)
        *w = STACK_CANARY;              /* the whole guard: the report runs on it (STACK_GUARD) */
    ctx_init(t);                        /* machine_x86.c: ctx_first_frame on this stack */
    /* LAB 6: STUB
    panic("lab6: thread_alloc's stack (the canary and ctx_init) not implemented");
    LAB 6: END SOLUTION */
    fl = intr_disable();
    t->id = ++last_id;
    t->all_next = all;
    all = t;
    trace_new(t);
    intr_restore(fl);
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
    /* Exercise 2: counted, on the ready queue, and running now if it outranks its creator. */
    /* LAB 6: BEGIN SOLUTION */
    intr_state_t fl = intr_disable();
    thread_counts.created++;
    thread_counts.alive++;
    sched_start(t);
    intr_restore(fl);
    sched_preempt_if_outranked();       /* only where IF was on: not from a handler */
    /* LAB 6: STUB
    panic("lab6: thread_create not implemented");
    LAB 6: END SOLUTION */
    return t;
}

/*
 * Exercise 2. A new thread's first frame, built at the top of its stack: the
 * frame switch_stacks would have left had the thread called it just before
 * entering `entry` (handouts/lab6.md section 2). switch_stacks pops
 * SWITCH_SAVED_REGS registers, then its ret pops the return address (Intel
 * SDM Vol. 1, 6.3.1: RET takes EIP from the top of the stack), so `entry` is
 * the word above the registers, and the word above it is where entry would
 * find its own return address (0: it never returns; a backtrace ends there).
 * The stack grows down (SDM Vol. 1, 6.2): the frame is below `top`, and
 * nothing is written at or above it. The psABIs want sp + one word to be
 * STACK_ALIGN-aligned as a function begins (SDM Vol. 1, 6.2.2: the CPU never
 * checks; the compiler counts on it). Returns the sp switch_stacks will load.
 */
uintptr_t ctx_first_frame(uint8_t *top, void (*entry)(void))
{
    /* LAB 6: BEGIN SOLUTION */
    uintptr_t *sp = (uintptr_t *)((uintptr_t)top & ~(uintptr_t)(STACK_ALIGN - 1));

    *--sp = 0;                          /* entry's return address: none */
    *--sp = (uintptr_t)entry;           /* what switch_stacks' ret pops */
    for (int i = 0; i < SWITCH_SAVED_REGS; i++)
        *--sp = 0;                      /* the registers it pops; ebp = 0 ends backtraces */
    return (uintptr_t)sp;
    /* LAB 6: STUB
    (void)top; (void)entry;
    panic("lab6: ctx_first_frame not implemented");
    LAB 6: END SOLUTION */
}

/*
 * Exercise 3. The trampoline: a new thread's first C code. It arrives here
 * from schedule(), in whichever thread switched to it, with interrupts masked
 * (an interrupt gate clears IF, SDM Vol. 3A 6.12.1.3, and every switch masks);
 * a thread switched back in restores its own IF as schedule()'s caller
 * returns, but a new one has no caller to do it: that is done here, or the
 * thread runs with the tick silenced. Then fn(arg), and the thread ends when
 * fn returns.
 */
void thread_entry(void)
{
    /* LAB 6: BEGIN SOLUTION */
    intr_enable();                  /* release schedule()'s mask */
    struct thread *cur = thread_current();
    cur->fn(cur->arg);
    thread_exit();
    /* LAB 6: STUB
    panic("lab6: thread_entry (the new thread's trampoline) not implemented");
    LAB 6: END SOLUTION */
}

/* Exercise 3. Wake the joiner (a thread, or a task's thread_join_future), then switch for good. */
void thread_exit(void)
{
    intr_disable();
    struct thread *cur = thread_current();
    if (cur == &main_thread || cur->prio == IDLE_PRIO)
        panic("lab6: thread %s cannot exit", cur->name);
    if (cur->held)
        panic("lab6: thread %s exits holding mutex %s", cur->name, cur->held->name);
    /* LAB 6: BEGIN SOLUTION */
    trace_exit(cur);
    cur->state = THREAD_DONE;           /* its stack stays until the joiner reaps it */
    thread_counts.alive--;
    if (cur->joiner)
        sched_unblock(cur->joiner);
    atomic_waker_wake(&cur->on_exit);   /* a task's thread_join_future */
    schedule();
    /* LAB 6: STUB
    panic("lab6: thread_exit not implemented");
    LAB 6: END SOLUTION */
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
    assert(!intr_context());            /* a handler never blocks (interrupts.h) */
    intr_state_t fl = intr_disable();
    struct thread *cur = thread_current();
    if (t == cur || t->joiner)
        panic("lab6: thread %s cannot join thread %s (itself, or joined already)", cur->name,
              t->name);
    /* LAB 6: BEGIN SOLUTION */
    if (t->state != THREAD_DONE) {      /* checked masked: an exit cannot slip in before the block */
        t->joiner = cur;
        sched_block();
    }
    thread_reap(t);
    /* LAB 6: STUB
    panic("lab6: thread_join not implemented");
    LAB 6: END SOLUTION */
    intr_restore(fl);
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
    intr_state_t fl = intr_disable();
    struct thread_stats s = thread_counts;
    intr_restore(fl);
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
