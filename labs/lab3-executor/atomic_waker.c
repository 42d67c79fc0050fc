/*
 * atomic_waker.c - the one-slot waker an interrupt handler wakes
 * (handouts/lab3.md §5): a future registers the waker of the task that
 * polls it, and the handler takes it on wake (take-on-wake), so each
 * registration wakes at most once. The slot is only touched with
 * interrupts off, so a handler never sees it half-written.
 */
#include "executor.h"
#include "panic.h"
#include "platform.h"

void atomic_waker_register(struct atomic_waker *aw, const struct context *cx)
{
    /* LAB 3: BEGIN SOLUTION */
    intr_state_t fl = intr_disable();
    aw->waker = cx->waker;                  /* replaces (does not wake) an older waker */
    aw->armed = true;
    intr_restore(fl);
    /* LAB 3: STUB
    (void)aw; (void)cx;
    panic("lab3: atomic_waker_register not implemented");
    LAB 3: END SOLUTION */
}

void atomic_waker_wake(struct atomic_waker *aw)
{
    /* LAB 3: BEGIN SOLUTION */
    intr_state_t fl = intr_disable();
    bool armed = aw->armed;
    struct waker w = aw->waker;
    aw->armed = false;                      /* take-on-wake: the future registers again */
    intr_restore(fl);
    if (armed)
        waker_wake(w);
    /* LAB 3: STUB
    (void)aw;
    panic("lab3: atomic_waker_wake not implemented");
    LAB 3: END SOLUTION */
}
