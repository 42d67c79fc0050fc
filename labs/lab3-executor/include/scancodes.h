/*
 * scancodes.h - the keyboard as an async stream: a future that completes
 * with the next scancode from lab 2's queue.
 */
#ifndef CAIRN_SCANCODES_H
#define CAIRN_SCANCODES_H

#include <stdint.h>
#include "future.h"

struct scancode_future {
    struct future base;
    uint8_t scancode;           /* the result, once READY */
};

/* Make f a future for the next scancode (re-initialise it for each one). */
void scancodes_next(struct scancode_future *f);

/* Hook the stream to lab 2's IRQ1 notify callback (lab 3's init does this). */
void scancodes_init(void);

#endif
