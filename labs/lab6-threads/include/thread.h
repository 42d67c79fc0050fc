/*
 * thread.h - lab 6's public interface: preemptive kernel threads beside lab 3's
 * executor, and the locks between them (see handouts/lab6.md).
 *
 * A thread has its own kernel stack (from the heap, with a canary at the
 * bottom checked at every switch) and a priority from THREAD_PRIO_MIN to
 * THREAD_PRIO_MAX. The highest-priority ready thread always runs, round-robin
 * among equals; the PIT tick ends a thread's time slice (slice=MS, default 10)
 * and switches it out on the way back from the interrupt. One CPU: "at once"
 * below means "with interrupts masked".
 *
 * Priorities are donated through mutexes (Pintos' scheme): a thread blocked on
 * a mutex lends its priority to the holder, and on along the chain of holders
 * that are themselves blocked; the loan ends when the mutex is released.
 * Semaphores and condition variables wake their highest-priority waiter first.
 *
 * The bridge to lab 3: the executor runs as one thread (it blocks instead of
 * halting the CPU when nothing is ready), a thread can wait for any future,
 * polled by the executor's thread (thread_await) or by itself
 * (thread_block_on), and a task can wait for a thread's end (thread_join_future).
 */
#ifndef CAIRN_THREAD_H
#define CAIRN_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "future.h"

#define THREAD_PRIO_MIN     0
#define THREAD_PRIO_DEFAULT 31
#define THREAD_PRIO_MAX     63
#define THREAD_NAME_MAX     16          /* with the NUL */
#define THREAD_STACK_SIZE   8192        /* bytes, canary guard included */
#define THREAD_SLICE_DEFAULT_MS 10

/* The idle thread is never queued, so its state stays THREAD_RUNNING once it has
   run, switched out or not (threads_report shows it so): it is runnable whenever
   nothing else is, and no scheduling decision reads its state. */
enum thread_state { THREAD_RUNNING, THREAD_READY, THREAD_BLOCKED, THREAD_DONE };

struct mutex;
typedef void (*thread_fn)(void *arg);

struct thread {
    uintptr_t sp;                       /* saved stack pointer while switched out (switch.S) */
    char name[THREAD_NAME_MAX];
    uint32_t id;                        /* 1, 2, ... in creation order */
    enum thread_state state;
    int base_prio;                      /* as set by create / thread_set_priority */
    int prio;                           /* effective: base or the highest donation */
    struct thread *next;                /* ready-queue or wait-queue link (on one at a time) */
    struct thread *all_next;            /* every thread not yet reaped */
    struct mutex *waiting_on;           /* the mutex this thread is blocked on, or NULL */
    struct mutex *held;                 /* mutexes it holds (linked through mutex.held_next) */
    uint64_t wake_tick;                 /* thread_sleep_ticks: the tick it wakes on */
    uint64_t alarm_tick;                /* the tick the alarm clock made it ready on */
    struct thread *sleep_next;
    uint32_t ticks;                     /* PIT ticks charged while it ran */
    uint32_t slice_left;                /* ticks left in its time slice */
    uint32_t switches_in;               /* times it was switched to */
    uint8_t *stack;                     /* its allocation (NULL: the boot stack) */
    thread_fn fn;
    void *arg;
    struct thread *joiner;              /* thread_join waiting for it */
    struct atomic_waker on_exit;        /* a task's thread_join_future */
    void *process;                      /* lab 8: the user process it runs, or NULL */
};

/* Threads. */
struct thread *thread_create(thread_fn fn, void *arg, const char *name, int prio);
void thread_yield(void);
void thread_exit(void) __attribute__((noreturn));
void thread_join(struct thread *t);             /* wait for t's end, then free it (one joiner) */
struct thread *thread_current(void);
void thread_sleep_ms(uint32_t ms);              /* blocks on the timer: never spins */
void thread_sleep_ticks(uint64_t ticks);        /* the same in ticks: ready on tick now + ticks */
void thread_set_priority(int prio);             /* base priority of the current thread */
int  thread_get_priority(void);                 /* effective (with donations) */

struct thread_stats {
    uint32_t switches;                          /* context switches */
    uint32_t preemptions;                       /* ...of which at the end of an IRQ */
    uint32_t created, alive;
    uint32_t idle_ticks;                        /* ticks charged to the idle thread */
    uint64_t irq_exit_cycles;                   /* TSC as the last IRQ's exit hook began */
};
struct thread_stats thread_stats(void);
/* Called with interrupts masked just before every switch, with the thread about to
   run: lab 8 loads its address space and kernel stack there. */
void thread_set_switch_hook(void (*hook)(struct thread *next));
uintptr_t thread_stack_top(const struct thread *t);     /* 0 for the boot thread */

/* A spinlock on one CPU: masks interrupts while held, restores IF on release. */
struct spinlock {
    const char *name;
    bool locked;
    uint32_t saved_flags;
};
void spin_init(struct spinlock *l, const char *name);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);

/* A sleeping mutex with an owner. Locking one you hold panics, naming you. */
struct mutex {
    const char *name;
    struct thread *owner;
    struct thread *waiters;             /* blocked lockers (woken by priority) */
    struct mutex *held_next;            /* the owner's list of held mutexes */
};
void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);

/* A counting semaphore. */
struct semaphore {
    uint32_t count;
    struct thread *waiters;
};
void sema_init(struct semaphore *s, uint32_t count);
void sema_down(struct semaphore *s);
void sema_up(struct semaphore *s);              /* safe from interrupt handlers */

/* A condition variable with Mesa semantics: re-check the condition after wait. */
struct condvar {
    struct cv_waiter *waiters;
};
void cond_init(struct condvar *c);
void cond_wait(struct condvar *c, struct mutex *m);
void cond_signal(struct condvar *c, struct mutex *m);     /* m must be held */
void cond_broadcast(struct condvar *c, struct mutex *m);

/* The bridge to lab 3. */
/*
 * Block until f is READY. thread_await hands f to the executor's thread, so it
 * is polled in turn with every task: for a future whose state tasks share
 * unlocked (lab 10's sockets, which the network task drives). thread_block_on
 * polls f on this thread, woken straight from the IRQ (two switches a wait,
 * not four): for a future no task polls meanwhile (a disk request, the keys
 * under their lock). Neither from an interrupt handler or the executor's thread.
 */
void thread_await(struct future *f);
void thread_block_on(struct future *f);
int  thread_spawn(struct future *f);            /* lab 3's spawn, safe from any thread */
struct thread_join_future {
    struct future base;
    struct thread *thread;                      /* freed when the future completes */
};
void thread_join_future_init(struct thread_join_future *j, struct thread *t);
struct thread *executor_thread(void);

/*
 * The trace (handouts/lab6.md, "A picture of it running"): from start to stop,
 * every switch, IRQ, executor poll, wake, block, priority change and exit is
 * recorded with its TSC into a fixed buffer (a full one drops and counts);
 * print stops the trace and prints it, for tools/tracesvg.py to draw.
 */
void thread_trace_start(void);
void thread_trace_stop(void);
void thread_trace_print(void);

#endif
