/*
 * scancodes.c - the async scancode stream (blog_os' ScancodeStream, in C).
 *
 * The producer is lab 2's IRQ1 handler: it pushes a byte into its ring and
 * then calls our notify hook, which wakes whichever task last registered.
 * The consumer polls:
 *     pop            a byte is already there: READY, no waker needed
 *     register       otherwise arm the waker...
 *     pop again      ...and look once more: a byte pushed between the first
 *                    pop and the register found no waker to wake, so without
 *                    this second look the task could wait for the next key
 *     PENDING        any byte pushed from now on wakes us
 * Decoding happens in the task, never in the interrupt handler.
 */
#include "keyboard.h"
#include "panic.h"
#include "platform.h"
#include "scancodes.h"

static struct atomic_waker kbd_waker;

/* IRQ1, after each byte is pushed. */
static void kbd_notify(void)
{
    plat_assert_irqs_off();
    atomic_waker_wake(&kbd_waker);
}

static enum poll scancode_poll(struct future *self, struct context *cx)
{
    /* LAB 3: BEGIN SOLUTION */
    struct scancode_future *f = (struct scancode_future *)self;

    if (scancode_pop(&f->scancode))
        return POLL_READY;
    atomic_waker_register(&kbd_waker, cx);
    if (scancode_pop(&f->scancode))
        return POLL_READY;      /* the armed waker may fire later: a spurious poll, harmless */
    return POLL_PENDING;
    /* LAB 3: STUB
    (void)self; (void)cx;
    panic("lab3: scancode_poll not implemented");
    LAB 3: END SOLUTION */
}

void scancodes_next(struct scancode_future *f)
{
    f->base.poll = scancode_poll;
    f->scancode = 0;
}

void scancodes_init(void)
{
    kbd_waker.armed = false;
    scancode_set_notify(kbd_notify);
}
