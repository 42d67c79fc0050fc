/*
 * test_lab2_fuzz.c - a seeded random fuzz of the set-1 decoder: a million
 * bytes (biased towards prefixes, modifiers and replies, where the state
 * machine has its corners) under ASan and UBSan. After every byte the decoder
 * state is sane and every event is well formed (a repeat is exactly a make of
 * a key the events say is held); after each burst of garbage a
 * short resynchronising sequence brings the decoder back to typing exactly.
 * The seed is fixed so a failure replays; CAIRN_FUZZ_SEED=N tries another.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "keymap.h"
#include "panic.h"

#define FUZZ_BYTES 1000000
#define MOD_ALL    (MOD_SHIFT | MOD_CTRL | MOD_ALT | MOD_CAPSLOCK)

static uint8_t random_byte(void)
{
    static const uint8_t interesting[] = {
        0xE0, 0xE1, 0x2A, 0xAA, 0x36, 0xB6, 0x1D, 0x9D, 0x38, 0xB8, 0x3A, 0xBA,
        0x45, 0xC5, 0x00, 0x80, 0xFA, 0xFE, 0xFF, 0xEE, 0x7F, 0x1C, 0x0E,
    };
    return (host_rng() % 3) ? (uint8_t)host_rng()
                       : interesting[host_rng() % sizeof(interesting)];
}

static uint8_t modifier_of(uint16_t code)
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

static int bad_events, bad_states, bad_chars, bad_resyncs, bad_repeats;
static bool model_down[KEY_CODE_LIMIT];     /* which keys the events say are held */

static void start(struct keymap *km)
{
    keymap_init(km);
    memset(model_down, 0, sizeof model_down);
}

static void check_event(const struct key_event *ev)
{
    uint8_t bit = modifier_of(ev->code);

    if (ev->code == KEY_NONE || ev->code >= KEY_CODE_LIMIT || (ev->modifiers & ~MOD_ALL))
        bad_events++;
    if (bit && !!(ev->modifiers & bit) != ev->pressed)
        bad_events++;                       /* a modifier's own bit follows it */
    if (ev->code == KEY_PAUSE && (!ev->pressed || ev->repeat))
        bad_events++;
    if (ev->repeat && !ev->pressed)
        bad_events++;                       /* a release is never a repeat */
    if (ev->code < KEY_CODE_LIMIT) {        /* a repeat is exactly a make of a held key */
        if (ev->repeat != (ev->pressed && model_down[ev->code]))
            bad_repeats++;
        model_down[ev->code] = ev->pressed && ev->code != KEY_PAUSE;
    }

    char c = key_event_char(ev);
    unsigned char u = (unsigned char)c;
    bool ok = c == 0 || (u >= ' ' && u <= '~') || c == '\n' || c == '\b' || c == '\t' ||
              c == 0x1b || (u >= 1 && u <= 26 && (ev->modifiers & MOD_CTRL));
    if (!ok || (c && !ev->pressed) || (c && (ev->modifiers & MOD_ALT)))
        bad_chars++;
    const char *name = key_name(ev->code);
    if (!name || !name[0])
        bad_chars++;
}

static void check_state(const struct keymap *km)
{
    if ((km->prefix != 0 && km->prefix != 0xE0) || km->pause_left > 5 ||
        (km->modifiers & ~MOD_ALL) || (km->pause_left && km->prefix))
        bad_states++;
}

/* Every event goes through check_event, which keeps the model of held keys. */
static bool feed_checked(struct keymap *km, uint8_t byte, struct key_event *ev)
{
    bool got = keymap_feed(km, byte, ev);
    if (got)
        check_event(ev);
    return got;
}

/*
 * After any garbage: a reply byte cancels a pending prefix or Pause, the
 * releases of every modifier clear them, and then 'a' types 'a' or 'A' as the
 * Caps Lock state says, and Shift-1 types '!'.
 */
static void resync(struct keymap *km)
{
    static const uint8_t calm[] = { 0xFA, 0xAA, 0xB6, 0x9D, 0xE0, 0x9D, 0xB8, 0xE0, 0xB8, 0xBA };
    struct key_event ev;

    for (size_t i = 0; i < sizeof(calm); i++)
        if (keymap_feed(km, calm[i], &ev))
            check_event(&ev);
    bool caps = km->modifiers & MOD_CAPSLOCK;
    if (km->modifiers != (caps ? MOD_CAPSLOCK : 0) || km->prefix || km->pause_left)
        bad_resyncs++;
    if (!feed_checked(km, 0x1E, &ev) || key_event_char(&ev) != (caps ? 'A' : 'a'))
        bad_resyncs++;
    feed_checked(km, 0x2A, &ev);
    if (!feed_checked(km, 0x02, &ev) || key_event_char(&ev) != '!')
        bad_resyncs++;
    feed_checked(km, 0x82, &ev);
    feed_checked(km, 0xAA, &ev);
    feed_checked(km, 0x9E, &ev);
}

TEST(a_million_random_bytes)
{
    struct keymap km;
    struct key_event ev;
    long events = 0;

    start(&km);
    for (long i = 0; i < FUZZ_BYTES; i++) {
        ev.code = 0xDEAD;
        if (keymap_feed(&km, random_byte(), &ev)) {
            events++;
            check_event(&ev);
        } else if (ev.code != 0xDEAD) {
            bad_events++;                   /* no event, yet *out was written */
        }
        check_state(&km);
        if (host_rng() % 4096 == 0)
            resync(&km);
    }
    printf("  fuzz: %d bytes, %ld events\n", FUZZ_BYTES, events);
    CHECK(events > FUZZ_BYTES / 4);
    CHECK_EQ(bad_events, 0);
    CHECK_EQ(bad_states, 0);
    CHECK_EQ(bad_chars, 0);
    CHECK_EQ(bad_resyncs, 0);
    CHECK_EQ(bad_repeats, 0);
}

/* Every two-byte sequence from every reachable prefix state, exhaustively. */
TEST(every_byte_pair)
{
    static const uint8_t lead[] = { 0x00, 0xE0, 0xE1, 0x3A };
    struct keymap km;
    struct key_event ev;

    for (size_t l = 0; l < sizeof(lead); l++) {
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                start(&km);
                if (keymap_feed(&km, lead[l], &ev))
                    check_event(&ev);
                if (keymap_feed(&km, (uint8_t)a, &ev))
                    check_event(&ev);
                check_state(&km);
                if (keymap_feed(&km, (uint8_t)b, &ev))
                    check_event(&ev);
                check_state(&km);
            }
        }
    }
    CHECK_EQ(bad_events, 0);
    CHECK_EQ(bad_states, 0);
    CHECK_EQ(bad_chars, 0);
    CHECK_EQ(bad_repeats, 0);
}

int main(void)
{
    host_rng_seed(0x9E3779B97F4A7C15ull);
    RUN(a_million_random_bytes);
    RUN(every_byte_pair);
    return host_summary("lab2 decoder fuzz");
}
