/*
 * test_lab2_keymap.c - the set-1 decoder (labs/lab2-keyboard/keymap.c), one
 * key class at a time: letters, digits and symbols with and without Shift,
 * Caps Lock, Ctrl and Alt, Enter/Backspace/Tab/Escape, the 0xE0 keys, F-keys,
 * Pause, fake shifts and controller replies (typematic repeat: test_lab2_repeat.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "host.h"
#include "keymap.h"
#include "panic.h"

#include "lab2_feed.h"

/* Tap a key (make then break) and return the character of its press. */
static char tap(uint8_t make)
{
    struct key_event ev;
    char c = 0;
    if (keymap_feed(&km, make, &ev))
        c = key_event_char(&ev);
    keymap_feed(&km, make | 0x80, &ev);
    return c;
}

/* Type the row of keys that make codes first..first+n-1 cover into out. */
static void type_row(uint8_t first, int n, char *out)
{
    for (int i = 0; i < n; i++)
        out[i] = tap((uint8_t)(first + i));
    out[n] = '\0';
}

static void rows(char *out)
{
    char row[16];
    out[0] = '\0';
    type_row(0x29, 1, row); strcat(out, row);       /* ` */
    type_row(0x02, 12, row); strcat(out, row);      /* 1..= */
    type_row(0x10, 12, row); strcat(out, row);      /* q..] */
    type_row(0x2B, 1, row); strcat(out, row);       /* \ */
    type_row(0x1E, 11, row); strcat(out, row);      /* a..' */
    type_row(0x2C, 10, row); strcat(out, row);      /* z../ */
    strcat(out, (char[]){ tap(0x39), 0 });          /* space */
}

TEST(plain_keys)
{
    char out[64];
    keymap_init(&km);
    rows(out);
    CHECK_STR(out, "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./ ");
    CHECK_EQ(km.modifiers, 0);
}

TEST(left_shift)
{
    char out[64];
    struct key_event ev;
    keymap_init(&km);
    CHECK_EQ(FEED(&ev, 0x2A), 1);
    CHECK_EQ(ev.code, KEY_LSHIFT);
    CHECK(ev.pressed);
    CHECK_EQ(ev.modifiers, MOD_LSHIFT);
    CHECK_EQ(key_event_char(&ev), 0);
    rows(out);
    CHECK_STR(out, "~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:\"ZXCVBNM<>? ");
    CHECK_EQ(FEED(&ev, 0xAA), 1);
    CHECK(!ev.pressed);
    CHECK_EQ(ev.modifiers, 0);
    CHECK_EQ(tap(0x1E), 'a');
}

TEST(right_shift_and_both)
{
    struct key_event ev;
    keymap_init(&km);
    FEED(&ev, 0x36);
    CHECK_EQ(ev.code, KEY_RSHIFT);
    CHECK_EQ(ev.modifiers, MOD_RSHIFT);
    CHECK_EQ(tap(0x1F), 'S');
    FEED(&ev, 0x2A);                        /* both held */
    FEED(&ev, 0xB6);                        /* right let go: left still holds */
    CHECK_EQ(ev.modifiers, MOD_LSHIFT);
    CHECK_EQ(tap(0x04), '#');
    FEED(&ev, 0xAA);
    CHECK_EQ(tap(0x04), '3');
}

TEST(caps_lock)
{
    struct key_event ev;
    keymap_init(&km);
    CHECK_EQ(tap(0x3A), 0);
    CHECK_EQ(km.modifiers, MOD_CAPSLOCK);
    CHECK_EQ(tap(0x10), 'Q');
    CHECK_EQ(tap(0x02), '1');               /* only letters */
    CHECK_EQ(tap(0x1A), '[');
    FEED(&ev, 0x2A);
    CHECK_EQ(tap(0x10), 'q');               /* Shift inverts Caps */
    CHECK_EQ(tap(0x02), '!');
    FEED(&ev, 0xAA);
    /* A held Caps Lock repeats its make code: it toggles once per press. */
    CHECK_EQ(FEED(&ev, 0x3A, 0x3A, 0x3A, 0xBA), 4);
    CHECK_EQ(km.modifiers, 0);
    CHECK_EQ(tap(0x10), 'q');
    tap(0x3A);
    CHECK_EQ(tap(0x10), 'Q');
    tap(0x3A);
    CHECK_EQ(tap(0x10), 'q');
}

TEST(ctrl_and_alt)
{
    struct key_event ev;
    keymap_init(&km);
    FEED(&ev, 0x1D);
    CHECK_EQ(ev.code, KEY_LCTRL);
    CHECK_EQ(ev.modifiers, MOD_LCTRL);
    CHECK_EQ(tap(0x2E), 3);                 /* Ctrl-C */
    CHECK_EQ(tap(0x1E), 1);                 /* Ctrl-A */
    FEED(&ev, 0x9D);
    FEED(&ev, 0xE0, 0x1D);                  /* right Ctrl */
    CHECK_EQ(ev.code, KEY_RCTRL);
    CHECK_EQ(ev.modifiers, MOD_RCTRL);
    CHECK_EQ(tap(0x2C), 26);                /* Ctrl-Z */
    FEED(&ev, 0xE0, 0x9D);
    CHECK_EQ(ev.modifiers, 0);
    FEED(&ev, 0x38);
    CHECK_EQ(ev.code, KEY_LALT);
    CHECK_EQ(ev.modifiers, MOD_LALT);
    CHECK_EQ(tap(0x1E), 0);                 /* Alt chords are commands, not text */
    FEED(&ev, 0xB8);
    FEED(&ev, 0xE0, 0x38);
    CHECK_EQ(ev.code, KEY_RALT);
    CHECK_EQ(ev.modifiers, MOD_RALT);
    FEED(&ev, 0xE0, 0xB8);
    CHECK_EQ(ev.modifiers, 0);
    CHECK_EQ(tap(0x1E), 'a');
}

TEST(editing_keys)
{
    struct key_event ev;
    keymap_init(&km);
    CHECK_EQ(tap(0x1C), '\n');
    CHECK_EQ(tap(0x0E), '\b');
    CHECK_EQ(tap(0x0F), '\t');
    CHECK_EQ(tap(0x01), 0x1b);
    FEED(&ev, 0x01);
    CHECK_EQ(ev.code, KEY_ESC);
    FEED(&ev, 0x81);
    CHECK_EQ(ev.code, KEY_ESC);
    CHECK(!ev.pressed);
    CHECK_EQ(key_event_char(&ev), 0);       /* releases never type */
    FEED(&ev, 0x2A);
    CHECK_EQ(tap(0x1C), '\n');              /* Shift changes none of them */
    CHECK_EQ(tap(0x0E), '\b');
    FEED(&ev, 0xAA);
}

TEST(extended_keys)
{
    static const struct { uint8_t make; uint16_t code; const char *name; } ext[] = {
        { 0x48, KEY_UP, "up" }, { 0x50, KEY_DOWN, "down" }, { 0x4B, KEY_LEFT, "left" },
        { 0x4D, KEY_RIGHT, "right" }, { 0x47, KEY_HOME, "home" }, { 0x4F, KEY_END, "end" },
        { 0x49, KEY_PAGEUP, "pgup" }, { 0x51, KEY_PAGEDOWN, "pgdn" },
        { 0x52, KEY_INSERT, "insert" }, { 0x53, KEY_DELETE, "delete" },
    };
    struct key_event ev;
    keymap_init(&km);
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        CHECK_EQ(FEED(&ev, 0xE0), 0);       /* a prefix alone is no event */
        CHECK_EQ(FEED(&ev, ext[i].make), 1);
        CHECK_EQ(ev.code, ext[i].code);
        CHECK(ev.pressed);
        CHECK_EQ(key_event_char(&ev), 0);
        CHECK_STR(key_name(ev.code), ext[i].name);
        CHECK_EQ(FEED(&ev, 0xE0, ext[i].make | 0x80), 1);
        CHECK_EQ(ev.code, ext[i].code);
        CHECK(!ev.pressed);
    }
    /* The prefix applies to one byte only: keypad 8 after Up is keypad 8. */
    FEED(&ev, 0xE0, 0x48, 0x48);
    CHECK_EQ(ev.code, 0x48);
    FEED(&ev, 0xE0, 0x1C);
    CHECK_EQ(ev.code, KEY_KP_ENTER);
    CHECK_EQ(key_event_char(&ev), '\n');
    FEED(&ev, 0xE0, 0x35);
    CHECK_EQ(ev.code, KEY_KP_SLASH);
    CHECK_EQ(key_event_char(&ev), '/');
    CHECK_EQ(tap(0x37), '*');
    CHECK_EQ(tap(0x4A), '-');
    CHECK_EQ(tap(0x4E), '+');
}

TEST(function_keys)
{
    struct key_event ev;
    char name[16];
    keymap_init(&km);
    for (int f = 1; f <= 12; f++) {
        uint8_t make = (uint8_t)(f <= 10 ? 0x3B + f - 1 : 0x57 + f - 11);
        CHECK_EQ(FEED(&ev, make), 1);
        CHECK_EQ(ev.code, f <= 10 ? KEY_F1 + f - 1 : (f == 11 ? KEY_F11 : KEY_F12));
        CHECK_EQ(key_event_char(&ev), 0);
        snprintf(name, sizeof(name), "f%d", f);
        CHECK_STR(key_name(ev.code), name);
        FEED(&ev, make | 0x80);
        CHECK(!ev.pressed);
    }
}

/* Print Screen wraps itself in fake shifts; they must not touch the real ones. */
TEST(fake_shifts_are_swallowed)
{
    struct key_event ev;
    keymap_init(&km);
    CHECK_EQ(FEED(&ev, 0xE0, 0x2A, 0xE0, 0x37), 1);
    CHECK_EQ(ev.code, KEY_EXT | 0x37);
    CHECK_EQ(ev.modifiers, 0);
    CHECK_EQ(FEED(&ev, 0xE0, 0xB7, 0xE0, 0xAA), 1);
    CHECK_EQ(ev.modifiers, 0);
    FEED(&ev, 0x36);                        /* real right shift held ... */
    FEED(&ev, 0xE0, 0xB6, 0xE0, 0x4B, 0xE0, 0xCB, 0xE0, 0x36);
    CHECK_EQ(ev.code, KEY_LEFT);
    CHECK_EQ(ev.modifiers, MOD_RSHIFT);     /* ... survives the fake release */
    FEED(&ev, 0xB6);
    CHECK_EQ(km.modifiers, 0);
}

TEST(pause)
{
    struct key_event ev;
    keymap_init(&km);
    CHECK_EQ(FEED(&ev, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5), 1);
    CHECK_EQ(ev.code, KEY_PAUSE);
    CHECK(ev.pressed);
    CHECK_EQ(km.modifiers, 0);              /* its 1D/9D are not Ctrl */
    CHECK_STR(key_name(KEY_PAUSE), "pause");
    /* A broken sequence gives up and decodes the stray byte normally. */
    CHECK_EQ(FEED(&ev, 0xE1, 0x1D, 0x1E), 1);
    CHECK_EQ(ev.code, KEY_A);
    CHECK_EQ(km.pause_left, 0);
    CHECK_EQ(tap(0x30), 'b');
}

TEST(replies_are_not_keys)
{
    struct key_event ev;
    keymap_init(&km);
    CHECK_EQ(FEED(&ev, 0xFA, 0xFE, 0x00, 0xFF, 0xEE, 0xFC, 0xFD), 0);
    CHECK_EQ(FEED(&ev, 0xE0, 0xFA, 0x48), 1);   /* a reply cancels a prefix */
    CHECK_EQ(ev.code, 0x48);
    CHECK_EQ(FEED(&ev, 0x80), 0);               /* "release of key 0" */
    CHECK_EQ(km.modifiers, 0);
    CHECK_EQ(km.prefix, 0);
}

TEST(names)
{
    CHECK_STR(key_name(KEY_A), "a");
    CHECK_STR(key_name(KEY_SLASH), "/");
    CHECK_STR(key_name(KEY_BACKSLASH), "\\");
    CHECK_STR(key_name(KEY_ENTER), "enter");
    CHECK_STR(key_name(KEY_SPACE), "space");
    CHECK_STR(key_name(KEY_LSHIFT), "lshift");
    CHECK_STR(key_name(0x7F), "?");
    CHECK_STR(key_name(0xFFFF), "?");
}

int main(void)
{
    RUN(plain_keys);
    RUN(left_shift);
    RUN(right_shift_and_both);
    RUN(caps_lock);
    RUN(ctrl_and_alt);
    RUN(editing_keys);
    RUN(extended_keys);
    RUN(function_keys);
    RUN(fake_shifts_are_swallowed);
    RUN(pause);
    RUN(replies_are_not_keys);
    RUN(names);
    return host_summary("lab2 keymap");
}
