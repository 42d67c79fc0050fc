/*
 * scancodes.h - the keyboard as async streams: a future that completes with
 * the next scancode from lab 2's queue, and one that completes with the next
 * key event decoded from them (lab 2's keymap.h). One reader at a time: the
 * stream has one waker slot, and a second reader's registration replaces the
 * first's (handouts/lab3.md §5).
 */
#ifndef CAIRN_SCANCODES_H
#define CAIRN_SCANCODES_H

#include <stdbool.h>
#include <stdint.h>
#include "future.h"
#include "keymap.h"

struct scancode_future {
    struct future base;
    uint8_t scancode;           /* the result, once READY */
};

/* Make f a future for the next scancode (re-initialise it for each one). Once
   it has been READY it is not polled again: unlike future.h's general rule, a
   second poll would take the next byte, so key_poll re-initialises it first. */
void scancodes_next(struct scancode_future *f);

/*
 * The next key event: scancodes fed to `km` until one completes an event
 * (several for 0xE0 keys and Pause). km is the decoder's state (modifiers, a
 * pending prefix): it outlives each future. Re-initialise f for each event.
 */
struct key_future {
    struct future base;
    struct keymap *km;
    struct scancode_future next;    /* the byte being awaited */
    struct key_event ev;            /* the result, once READY */
    bool done;
};
void keys_next(struct key_future *f, struct keymap *km);

/* Hook the stream to lab 2's IRQ1 notify callback (lab 3's init does this). */
void scancodes_init(void);

#endif
