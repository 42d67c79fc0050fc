/*
 * keymap.c - decode scan code set 1 (what the 8042 delivers with translation
 * on) into key events, and key events into US-layout characters. Pure C.
 *
 * Set 1 in one paragraph (IBM PC AT Technical Reference, keyboard section;
 * "Keyboard Scan Code Specification", Microsoft, rev. 1.3a, appendix A):
 * a key sends its make code (0x01..0x58) when pressed, again for every
 * typematic repeat, and make | 0x80 (the break code) when released. Keys added
 * with the 101-key keyboard send the prefix 0xE0 first; some of them also wrap
 * themselves in "fake shifts" (E0 2A / E0 AA, E0 36 / E0 B6) that we swallow.
 * Pause sends E1 1D 45 E1 9D C5 on press and nothing on release. 0x00, 0xEE,
 * 0xFA, 0xFC..0xFF are controller or keyboard replies, never keys.
 */
#include <stddef.h>
#include "keymap.h"
#include "panic.h"

#define SC_PREFIX_EXT   0xE0
#define SC_PREFIX_PAUSE 0xE1
#define SC_BREAK        0x80    /* set in a break code */

/* US layout, indexed by make code: without and with Shift. */
static const char us_plain[0x80] = {
    [0x01] = 0x1b,
    [0x02] = '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b',
    [0x0F] = '\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n',
    [0x1E] = 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
    [0x2B] = '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/',
    [0x37] = '*',
    [0x39] = ' ',
    [0x4A] = '-',
    [0x4E] = '+',
};

static const char us_shifted[0x80] = {
    [0x01] = 0x1b,
    [0x02] = '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b',
    [0x0F] = '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n',
    [0x1E] = 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
    [0x2B] = '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?',
    [0x37] = '*',
    [0x39] = ' ',
    [0x4A] = '-',
    [0x4E] = '+',
};

void keymap_init(struct keymap *km)
{
    km->prefix = 0;
    km->pause_left = 0;
    km->modifiers = 0;
    for (size_t i = 0; i < sizeof km->down; i++)
        km->down[i] = 0;
}

/* LAB 2: BEGIN SOLUTION */
/* After E1, Pause continues with exactly these bytes. */
static const uint8_t pause_tail[] = { 0x1D, 0x45, 0xE1, 0x9D, 0xC5 };
#define PAUSE_TAIL_LEN ((uint8_t)sizeof(pause_tail))

static bool is_reply(uint8_t b)
{
    return b == 0x00 || b == 0xEE || b == 0xFA || b >= 0xFC;
}

static uint8_t modifier_bit(uint16_t code)
{
    switch (code) {
    case KEY_LSHIFT: return MOD_LSHIFT;
    case KEY_RSHIFT: return MOD_RSHIFT;
    case KEY_LCTRL:  return MOD_LCTRL;
    case KEY_RCTRL:  return MOD_RCTRL;
    case KEY_LALT:   return MOD_LALT;
    case KEY_RALT:   return MOD_RALT;
    default:         return 0;
    }
}

static void track_modifiers(struct keymap *km, uint16_t code, bool pressed, bool repeat)
{
    uint8_t bit = modifier_bit(code);

    if (bit) {
        if (pressed)
            km->modifiers |= bit;
        else
            km->modifiers &= (uint8_t)~bit;
    } else if (code == KEY_CAPSLOCK && pressed && !repeat) {
        km->modifiers ^= MOD_CAPSLOCK;  /* the first make only: a held key repeats it */
    }
}

/* Which keys are down: a make of one of them is a repeat, not a new press. */
static bool key_down(const struct keymap *km, uint16_t code)
{
    return km->down[code / 8] >> (code % 8) & 1;
}

static void set_key_down(struct keymap *km, uint16_t code, bool down)
{
    if (down)
        km->down[code / 8] |= (uint8_t)(1u << (code % 8));
    else
        km->down[code / 8] &= (uint8_t)~(1u << (code % 8));
}

static bool emit(struct keymap *km, uint16_t code, bool pressed, struct key_event *out)
{
    bool repeat = pressed && key_down(km, code);

    if (code != KEY_PAUSE)              /* no break ever comes to clear it */
        set_key_down(km, code, pressed);
    track_modifiers(km, code, pressed, repeat);
    out->code = code;
    out->pressed = pressed;
    out->repeat = repeat;
    out->modifiers = km->modifiers;
    return true;
}

/* Inside Pause's sequence: swallow the expected bytes; any other byte aborts it. */
static bool feed_pause(struct keymap *km, uint8_t b, struct key_event *out, bool *done)
{
    uint8_t at = PAUSE_TAIL_LEN - km->pause_left;

    *done = true;
    if (b != pause_tail[at]) {
        km->pause_left = 0;
        *done = false;              /* not Pause after all: decode b normally */
        return false;
    }
    if (--km->pause_left > 0)
        return false;
    return emit(km, KEY_PAUSE, true, out);
}
/* LAB 2: END SOLUTION */

bool keymap_feed(struct keymap *km, uint8_t b, struct key_event *out)
{
    /* LAB 2: BEGIN SOLUTION */
    if (km->pause_left) {
        bool done;
        bool got = feed_pause(km, b, out, &done);
        if (done)
            return got;
    }
    if (is_reply(b)) {
        km->prefix = 0;
        return false;
    }
    if (b == SC_PREFIX_EXT) {
        km->prefix = SC_PREFIX_EXT;
        return false;
    }
    if (b == SC_PREFIX_PAUSE) {
        km->prefix = 0;
        km->pause_left = PAUSE_TAIL_LEN;
        return false;
    }

    bool extended = km->prefix == SC_PREFIX_EXT;
    bool pressed = !(b & SC_BREAK);
    uint8_t make = b & (uint8_t)~SC_BREAK;

    km->prefix = 0;
    if (make == 0)
        return false;
    if (extended && (make == KEY_LSHIFT || make == KEY_RSHIFT))
        return false;               /* a fake shift around Print Screen & co. */
    return emit(km, extended ? (uint16_t)(KEY_EXT | make) : make, pressed, out);
    /* LAB 2: STUB
    (void)km;
    (void)b;
    (void)out;
    panic("lab2: keymap_feed not implemented");
    LAB 2: END SOLUTION */
}

static bool is_letter(uint16_t code)
{
    char c = code < 0x80 ? us_plain[code] : 0;
    return c >= 'a' && c <= 'z';
}

/* Exercise 4 (handouts/lab2.md, section 5): the US layout's rules, from the two tables. */
char key_event_char(const struct key_event *ev)
{
    /* LAB 2: BEGIN SOLUTION */
    uint16_t code = ev->code;
    uint8_t mods = ev->modifiers;

    if (!ev->pressed || (mods & MOD_ALT))
        return 0;
    if (code == KEY_KP_ENTER)
        return '\n';
    if (code == KEY_KP_SLASH)
        return '/';
    if (code >= 0x80)
        return 0;
    bool shift = (mods & MOD_SHIFT) != 0;
    if (is_letter(code)) {
        if (mods & MOD_CTRL)
            return (char)(us_plain[code] - 'a' + 1);
        if (mods & MOD_CAPSLOCK)
            shift = !shift;         /* Caps Lock inverts Shift, for letters only */
    }
    return shift ? us_shifted[code] : us_plain[code];
    /* LAB 2: STUB
    (void)ev;
    (void)us_shifted;
    (void)is_letter;
    panic("lab2: key_event_char not implemented");
    LAB 2: END SOLUTION */
}

/* Names of the keys whose character does not name them. */
static const struct { uint16_t code; const char *name; } key_names[] = {
    { KEY_ESC, "esc" }, { KEY_BACKSPACE, "backspace" }, { KEY_TAB, "tab" },
    { KEY_ENTER, "enter" }, { KEY_SPACE, "space" }, { KEY_LCTRL, "lctrl" },
    { KEY_RCTRL, "rctrl" }, { KEY_LSHIFT, "lshift" }, { KEY_RSHIFT, "rshift" },
    { KEY_LALT, "lalt" }, { KEY_RALT, "ralt" }, { KEY_CAPSLOCK, "capslock" },
    { KEY_NUMLOCK, "numlock" }, { KEY_SCROLLLOCK, "scrolllock" },
    { KEY_F1, "f1" }, { KEY_F1 + 1, "f2" }, { KEY_F1 + 2, "f3" }, { KEY_F1 + 3, "f4" },
    { KEY_F1 + 4, "f5" }, { KEY_F1 + 5, "f6" }, { KEY_F1 + 6, "f7" }, { KEY_F1 + 7, "f8" },
    { KEY_F1 + 8, "f9" }, { KEY_F10, "f10" }, { KEY_F11, "f11" }, { KEY_F12, "f12" },
    { KEY_KP_STAR, "kp_multiply" }, { KEY_KP_MINUS, "kp_subtract" },
    { KEY_KP_PLUS, "kp_add" }, { KEY_KP_ENTER, "kp_enter" }, { KEY_KP_SLASH, "kp_divide" },
    { KEY_UP, "up" }, { KEY_DOWN, "down" }, { KEY_LEFT, "left" }, { KEY_RIGHT, "right" },
    { KEY_HOME, "home" }, { KEY_END, "end" }, { KEY_PAGEUP, "pgup" },
    { KEY_PAGEDOWN, "pgdn" }, { KEY_INSERT, "insert" }, { KEY_DELETE, "delete" },
    { KEY_LGUI, "lgui" }, { KEY_RGUI, "rgui" }, { KEY_MENU, "menu" }, { KEY_PAUSE, "pause" },
};

/* Every printable ASCII character from '!' on, as a one-character string. */
static const char ascii_names[][2] = {
    "!", "\"", "#", "$", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
    "@", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
    "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "[", "\\", "]", "^",
    "_", "`", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "{", "|", "}", "~",
};

const char *key_name(uint16_t code)
{
    for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
        if (key_names[i].code == code)
            return key_names[i].name;
    if (code < 0x80 && us_plain[code] > ' ')
        return ascii_names[us_plain[code] - '!'];
    return "?";
}
