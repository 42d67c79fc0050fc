/*
 * future.h - futures, wakers and contexts in C: the shape of Rust's
 * core::future::Future / core::task::{Context, Waker} (see handouts/lab3.md).
 *
 * A future is a struct whose FIRST member is `struct future`: a pointer to its
 * poll function. After it, the future keeps its own state: where to resume
 * (`int lc` or an enum) and every variable that must live across an await.
 * poll() runs the future as far as it can without blocking and returns
 *   POLL_READY    done; the result (if any) is in the future's own fields;
 *   POLL_PENDING  not yet; before returning it has arranged for cx->waker to
 *                 be woken when progress is possible (or woken it already).
 * Polling a finished future must be harmless (it returns POLL_READY again).
 *
 * The promise that replaces Rust's Pin: once a future has been polled it does
 * not move (never copy it, never let its storage go away while it is pending),
 * because wakers, timer queues and parents may hold pointers into it.
 *
 * A waker is a plain value {task, gen}: copying it is clone, forgetting it is
 * drop (no reference counts, no allocation). When the task finishes, its
 * slot's gen changes, so a stale waker's wake is a harmless no-op.
 */
#ifndef CAIRN_FUTURE_H
#define CAIRN_FUTURE_H

#include <stdbool.h>
#include <stdint.h>

enum poll { POLL_PENDING, POLL_READY };

struct context;
struct future {
    enum poll (*poll)(struct future *self, struct context *cx);
};

struct task;
struct waker {
    struct task *task;          /* NULL: the no-op waker */
    uint32_t gen;               /* the task slot's generation when this waker was made */
};

struct context {
    struct waker waker;         /* the task being polled */
};

/* Poll any future through its first member. */
static inline enum poll future_poll(struct future *f, struct context *cx)
{
    return f->poll(f, cx);
}

/*
 * Wake: put the task on the ready queue unless it is already there (N wakes
 * before the next poll coalesce into one poll). O(1), never allocates, never
 * fails, safe from interrupt handlers; a stale or no-op waker does nothing.
 */
void waker_wake(struct waker w);
static inline struct waker waker_clone(struct waker w) { return w; }    /* a copy */
static inline void waker_drop(struct waker w) { (void)w; }             /* nothing to free */
static inline struct waker waker_noop(void) { return (struct waker){ 0, 0 }; }
static inline bool waker_will_wake(struct waker a, struct waker b)
{
    return a.task == b.task && a.gen == b.gen;
}

/*
 * One waker slot shared by a task (which registers) and an interrupt handler
 * (which wakes). Take-on-wake: wake() disarms the slot, so a future must
 * register again on every poll that returns PENDING. register() replaces the
 * previous waker without waking it: one waiter per slot. A wake with nothing
 * registered does nothing, hence the rule for leaf futures:
 *     check | register | check again | PENDING
 * (the producer sets its condition first and wakes second).
 */
struct atomic_waker {
    struct waker waker;
    volatile bool armed;
};
void atomic_waker_register(struct atomic_waker *aw, const struct context *cx);
void atomic_waker_wake(struct atomic_waker *aw);

/*
 * Coroutine macros (the switch-on-line technique of Duff, Tatham and Dunkels'
 * protothreads): a poll function written as straight-line code.
 *
 *     struct frame { struct future base; int lc; struct child_future child; int i; };
 *     static enum poll frame_poll(struct future *self, struct context *cx) {
 *         struct frame *fr = (struct frame *)self;
 *         ASYNC_BEGIN(fr);
 *         for (fr->i = 0; fr->i < 3; fr->i++) {
 *             child_init(&fr->child);
 *             AWAIT(fr, &fr->child);
 *         }
 *         ASYNC_END(fr);
 *     }
 * Rules:
 *  1. Locals do not survive an await: every variable used after an AWAIT or
 *     YIELD lives in the frame struct (`fr->i`, not `int i`).
 *  2. No AWAIT/YIELD inside a `switch` of your own (its `case` labels would
 *     capture ours), and at most one per source line.
 *  3. The poll function's context parameter is named `cx`.
 *  4. Initialise `lc` to 0 (ASYNC_INIT) before the first poll; finish with
 *     ASYNC_END or ASYNC_RETURN, never a bare `return POLL_READY`.
 *  5. A child is initialised before its AWAIT and must not move while pending.
 */
#define ASYNC_INIT(fr)  ((fr)->lc = 0)
#define ASYNC_BEGIN(fr) switch ((fr)->lc) { case 0:
#define AWAIT(fr, child)                                                     \
    do {                                                                     \
        (fr)->lc = __LINE__;                                                 \
        __attribute__((fallthrough));                                        \
    case __LINE__:                                                           \
        if (future_poll((struct future *)(child), cx) == POLL_PENDING)       \
            return POLL_PENDING;                                             \
    } while (0)
#define YIELD(fr)                                                            \
    do {                                                                     \
        (fr)->lc = __LINE__;                                                 \
        waker_wake(cx->waker);                                               \
        return POLL_PENDING;                                                 \
    case __LINE__:;                                                          \
    } while (0)
#define ASYNC_RETURN(fr)                                                     \
    do {                                                                     \
        (fr)->lc = -1;                                                       \
        return POLL_READY;                                                   \
    } while (0)
#define ASYNC_END(fr)                                                        \
        __attribute__((fallthrough));                                        \
    default:;                                                                \
    }                                                                        \
    (fr)->lc = -1;                                                           \
    return POLL_READY

/* yield_now: PENDING once (after waking itself), READY the next time. */
struct yield_future {
    struct future base;
    bool yielded;
};
void yield_now_init(struct yield_future *f);

/*
 * join: READY when all of up to JOIN_MAX children are. Each poll polls only
 * the children not yet done; they share the task's waker, so any child's
 * wake re-polls the others too (a spurious poll, which futures tolerate).
 */
#define JOIN_MAX 32
struct join_future {
    struct future base;
    struct future **children;
    uint32_t n;
    uint32_t done;              /* bit i: children[i] returned READY */
};
void join_init(struct join_future *j, struct future **children, uint32_t n);

#endif
