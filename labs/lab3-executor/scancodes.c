/*
 * scancodes.c - the keyboard as async streams (blog_os' ScancodeStream and
 * its print_keypresses loop, in C; handouts/lab3.md §5, "Leaf futures").
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
 * Decoding happens in the task, never in the interrupt handler: the key
 * stream feeds the bytes to lab 2's decoder (keymap.h, Scan Code Set 1) until
 * one completes an event.
 */
#include "keyboard.h"
#include "panic.h"
#include "scancodes.h"
#include "x86.h"

static struct atomic_waker kbd_waker;

/* IRQ1, after each byte is pushed (lab 2 sets the condition first, then calls us). */
static void kbd_notify(void)
{
    assert(!intr_enabled());
    /* LAB 3: BEGIN SOLUTION */
    atomic_waker_wake(&kbd_waker);      /* take-on-wake: the reader registers again */
    /* LAB 3: STUB
    panic("lab3: kbd_notify not implemented");
    LAB 3: END SOLUTION */
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

/*
 * The next key event. A byte that completes none (an 0xE0 prefix, the first
 * five of Pause) is no reason to wait: the rest may be in the ring already,
 * and the scancode stream found a byte, so it armed no waker. Only a PENDING
 * from the stream itself (which did register) may become our PENDING.
 */
static enum poll key_poll(struct future *self, struct context *cx)
{
    struct key_future *f = (struct key_future *)self;

    if (f->done)
        return POLL_READY;          /* a finished future stays finished */
    /* LAB 3: BEGIN SOLUTION */
    for (;;) {
        if (future_poll(&f->next.base, cx) == POLL_PENDING)
            return POLL_PENDING;    /* the stream registered our waker */
        uint8_t byte = f->next.scancode;
        scancodes_next(&f->next);   /* a fresh future for the byte after it */
        if (keymap_feed(f->km, byte, &f->ev)) {
            f->done = true;
            return POLL_READY;
        }
    }
    /* LAB 3: STUB
    (void)cx;
    panic("lab3: key_poll not implemented");
    LAB 3: END SOLUTION */
}

void keys_next(struct key_future *f, struct keymap *km)
{
    f->base.poll = key_poll;
    f->km = km;
    f->done = false;
    f->ev = (struct key_event){ 0 };
    scancodes_next(&f->next);
}

void scancodes_init(void)
{
    kbd_waker.armed = false;
    scancode_set_notify(kbd_notify);
}
