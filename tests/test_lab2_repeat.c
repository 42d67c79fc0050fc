/*
 * test_lab2_repeat.c - typematic repeat in the set-1 decoder
 * (labs/lab2-keyboard/keymap.c): a held key repeats its make code with no
 * break between ("Keyboard Scan Code Specification", Microsoft, rev. 1.3a:
 * typematic keys), so the decoder must remember which keys are down to tell a
 * repeat from a new press. Caps Lock toggles on a press, never on a repeat.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "host.h"
#include "keymap.h"
#include "panic.h"

#include "lab2_feed.h"

/* Holding a key repeats its make code with no break between (typematic repeat). */
TEST(held_keys_repeat)
{
    struct key_event ev;
    keymap_init(&km);
    CHECK_EQ(FEED(&ev, 0x1E), 1);
    CHECK(ev.pressed);
    CHECK(!ev.repeat);                      /* the first make is a press */
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(FEED(&ev, 0x1E), 1);
        CHECK(ev.pressed);
        CHECK(ev.repeat);
        CHECK_EQ(key_event_char(&ev), 'a'); /* a held key types again, as on a terminal */
    }
    CHECK_EQ(FEED(&ev, 0x9E), 1);
    CHECK(!ev.pressed);
    CHECK(!ev.repeat);
    CHECK_EQ(FEED(&ev, 0x1E), 1);           /* pressed again after its release: new */
    CHECK(!ev.repeat);
    FEED(&ev, 0x9E);
}

TEST(repeat_is_per_key)
{
    struct key_event ev;
    keymap_init(&km);
    FEED(&ev, 0x2A);                        /* Shift held ... */
    CHECK_EQ(FEED(&ev, 0x1E), 1);           /* ... a pressed: not a repeat of Shift */
    CHECK(!ev.repeat);
    CHECK_EQ(FEED(&ev, 0x2A), 1);           /* Shift's own repeat */
    CHECK(ev.repeat);
    CHECK_EQ(ev.modifiers, MOD_LSHIFT);
    CHECK_EQ(FEED(&ev, 0x1E), 1);           /* a's repeat, Shift still held */
    CHECK(ev.repeat);
    CHECK_EQ(key_event_char(&ev), 'A');
    FEED(&ev, 0x9E);
    FEED(&ev, 0xAA);
    CHECK_EQ(km.modifiers, 0);
    /* Up (E0 48) and keypad 8 (48) are different keys. */
    CHECK_EQ(FEED(&ev, 0xE0, 0x48), 1);
    CHECK(!ev.repeat);
    CHECK_EQ(FEED(&ev, 0x48), 1);
    CHECK(!ev.repeat);
    CHECK_EQ(FEED(&ev, 0xE0, 0x48), 1);
    CHECK(ev.repeat);
    CHECK_EQ(FEED(&ev, 0xE0, 0xC8), 1);
    CHECK(!ev.pressed);
    CHECK_EQ(FEED(&ev, 0x48), 1);           /* keypad 8 still held */
    CHECK(ev.repeat);
}

/* A release nobody saw pressed (the key was down at boot) must not make the next press a repeat. */
TEST(stray_releases_and_pause_never_repeat)
{
    struct key_event ev;
    keymap_init(&km);
    CHECK_EQ(FEED(&ev, 0x9F), 1);
    CHECK(!ev.pressed);
    CHECK_EQ(FEED(&ev, 0x1F), 1);
    CHECK(!ev.repeat);
    for (int i = 0; i < 2; i++) {           /* Pause sends no break: every press is new */
        CHECK_EQ(FEED(&ev, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5), 1);
        CHECK_EQ(ev.code, KEY_PAUSE);
        CHECK(!ev.repeat);
    }
    keymap_init(&km);                       /* a fresh decoder has no key down */
    CHECK_EQ(FEED(&ev, 0x1F), 1);
    CHECK(!ev.repeat);
}

/* Held Caps Lock: one toggle per press, however long it repeats. */
TEST(held_caps_lock_toggles_once)
{
    struct key_event ev;
    keymap_init(&km);
    CHECK_EQ(FEED(&ev, 0x3A, 0x3A, 0x3A, 0x3A), 4);
    CHECK(ev.repeat);
    CHECK_EQ(km.modifiers, MOD_CAPSLOCK);
    FEED(&ev, 0xBA);
    CHECK_EQ(km.modifiers, MOD_CAPSLOCK);
    CHECK_EQ(FEED(&ev, 0x3A), 1);           /* a new press after the release toggles */
    CHECK(!ev.repeat);
    CHECK_EQ(km.modifiers, 0);
    FEED(&ev, 0xBA);
}

int main(void)
{
    RUN(held_keys_repeat);
    RUN(repeat_is_per_key);
    RUN(stray_releases_and_pause_never_repeat);
    RUN(held_caps_lock_toggles_once);
    return host_summary("lab2 repeat");
}
