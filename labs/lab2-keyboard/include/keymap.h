/*
 * keymap.h - scan code set 1 to key events to US characters. Pure: no I/O,
 * no globals; the decoder's whole state is a struct keymap, so it runs (and
 * is fuzzed) on the host as well.
 *
 * Key codes: a key's set-1 make code (0x01..0x7F), or KEY_EXT | make code for
 * the keys whose codes come after an 0xE0 prefix (arrows, right Ctrl/Alt, the
 * navigation block, keypad Enter and /). Pause (E1 1D 45) is KEY_PAUSE.
 */
#ifndef CAIRN_KEYMAP_H
#define CAIRN_KEYMAP_H

#include <stdbool.h>
#include <stdint.h>

#define KEY_EXT        0x80     /* added to the make code of an 0xE0 key */

enum key_code {
    KEY_NONE       = 0x00,
    KEY_ESC        = 0x01,
    KEY_1          = 0x02,      /* KEY_1..KEY_9 are 0x02..0x0A, KEY_0 0x0B */
    KEY_0          = 0x0B,
    KEY_MINUS      = 0x0C,
    KEY_EQUAL      = 0x0D,
    KEY_BACKSPACE  = 0x0E,
    KEY_TAB        = 0x0F,
    KEY_Q          = 0x10,
    KEY_P          = 0x19,
    KEY_LBRACKET   = 0x1A,
    KEY_RBRACKET   = 0x1B,
    KEY_ENTER      = 0x1C,
    KEY_LCTRL      = 0x1D,
    KEY_A          = 0x1E,
    KEY_L          = 0x26,
    KEY_SEMICOLON  = 0x27,
    KEY_APOSTROPHE = 0x28,
    KEY_GRAVE      = 0x29,
    KEY_LSHIFT     = 0x2A,
    KEY_BACKSLASH  = 0x2B,
    KEY_Z          = 0x2C,
    KEY_M          = 0x32,
    KEY_COMMA      = 0x33,
    KEY_DOT        = 0x34,
    KEY_SLASH      = 0x35,
    KEY_RSHIFT     = 0x36,
    KEY_KP_STAR    = 0x37,
    KEY_LALT       = 0x38,
    KEY_SPACE      = 0x39,
    KEY_CAPSLOCK   = 0x3A,
    KEY_F1         = 0x3B,      /* KEY_F1..KEY_F10 are 0x3B..0x44 */
    KEY_F10        = 0x44,
    KEY_NUMLOCK    = 0x45,
    KEY_SCROLLLOCK = 0x46,
    KEY_KP_MINUS   = 0x4A,
    KEY_KP_PLUS    = 0x4E,
    KEY_F11        = 0x57,
    KEY_F12        = 0x58,
    KEY_KP_ENTER   = KEY_EXT | 0x1C,
    KEY_RCTRL      = KEY_EXT | 0x1D,
    KEY_KP_SLASH   = KEY_EXT | 0x35,
    KEY_RALT       = KEY_EXT | 0x38,
    KEY_HOME       = KEY_EXT | 0x47,
    KEY_UP         = KEY_EXT | 0x48,
    KEY_PAGEUP     = KEY_EXT | 0x49,
    KEY_LEFT       = KEY_EXT | 0x4B,
    KEY_RIGHT      = KEY_EXT | 0x4D,
    KEY_END        = KEY_EXT | 0x4F,
    KEY_DOWN       = KEY_EXT | 0x50,
    KEY_PAGEDOWN   = KEY_EXT | 0x51,
    KEY_INSERT     = KEY_EXT | 0x52,
    KEY_DELETE     = KEY_EXT | 0x53,
    KEY_LGUI       = KEY_EXT | 0x5B,
    KEY_RGUI       = KEY_EXT | 0x5C,
    KEY_MENU       = KEY_EXT | 0x5D,
    KEY_PAUSE      = 0x100,
    KEY_CODE_LIMIT = 0x101,     /* every code is below this */
};

/* Modifier bits: the state after the event (a Shift press carries MOD_LSHIFT). */
#define MOD_LSHIFT   0x01
#define MOD_RSHIFT   0x02
#define MOD_LCTRL    0x04
#define MOD_RCTRL    0x08
#define MOD_LALT     0x10
#define MOD_RALT     0x20
#define MOD_CAPSLOCK 0x40       /* Caps Lock is on (toggled by each press) */
#define MOD_SHIFT    (MOD_LSHIFT | MOD_RSHIFT)
#define MOD_CTRL     (MOD_LCTRL | MOD_RCTRL)
#define MOD_ALT      (MOD_LALT | MOD_RALT)

struct key_event {
    uint16_t code;              /* enum key_code */
    bool pressed;               /* make (true) or break (false) */
    bool repeat;                /* a make of a key already down: typematic repeat */
    uint8_t modifiers;          /* MOD_* */
};

struct keymap {
    uint8_t prefix;             /* 0, or 0xE0 right after that prefix (0xE1 starts pause_left) */
    uint8_t pause_left;         /* bytes still to swallow of Pause's E1 sequence */
    uint8_t modifiers;          /* MOD_* now in effect */
    uint8_t down[KEY_CODE_LIMIT / 8 + 1];   /* bit `code`: that key is held down */
};

void keymap_init(struct keymap *km);

/*
 * Feed one byte. True when it completes an event, written to *out; false for
 * prefixes and for bytes that mean nothing (controller replies, fake shifts).
 * Any byte sequence is accepted: unknown codes give events with their code.
 * A make of a key that is already down is a press with `repeat` set (the
 * keyboard's typematic repeat); Pause, which has no break, never repeats.
 */
bool keymap_feed(struct keymap *km, uint8_t scancode, struct key_event *out);

/*
 * The character a press produces on a US keyboard, or 0 (releases, modifiers,
 * arrows, F-keys, anything with Alt). Enter gives '\n', Backspace '\b', Tab
 * '\t', Escape 0x1b; Ctrl with a letter gives its control code (Ctrl-A = 1).
 */
char key_event_char(const struct key_event *ev);

/* "a", "enter", "f5", "up", ... for messages; "?" for unnamed codes. */
const char *key_name(uint16_t code);

#endif
