/*
 * lab2_feed.h - feeding scancode bytes to lab 2's decoder, for the host tests
 * of the keymap and of typematic repeat (one copy, included by each).
 */
#ifndef LAB2_FEED_H
#define LAB2_FEED_H

#include <stdint.h>

#include "keymap.h"

static struct keymap km;

/* Feed bytes; return how many events came out, the last one in *last. */
static int feed(const uint8_t *bytes, int n, struct key_event *last)
{
    int events = 0;
    struct key_event ev;
    for (int i = 0; i < n; i++) {
        if (keymap_feed(&km, bytes[i], &ev)) {
            events++;
            *last = ev;
        }
    }
    return events;
}
#define FEED(last, ...) \
    feed((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }), (last))

#endif
