/*
 * lab2.c - stage 2's program: a line editor on the keyboard queue.
 *
 * It takes scancodes from lab 2's queue, sleeping with hlt while the queue is
 * empty, decodes them (keymap.h), echoes what they type and prints each line
 * back when Enter ends it. Backspace edits the line. Releasing Escape prints
 * the queue's counters; in grade mode it then ends the program.
 *
 * Everything printed follows from the keys alone, so the grader can compute
 * the whole log from what it typed: the echo of a line is its characters with
 * "\b \b" for each backspace that erased one, then a newline and
 * "line: <the line>".
 *
 * With `bench` it instead runs user/lab2_bench.c and returns.
 */
#include <stdbool.h>
#include <stdint.h>
#include "bench.h"
#include "cmdline.h"
#include "keyboard.h"
#include "keymap.h"
#include "kprintf.h"
#include "line.h"
#include "x86.h"

CMDLINE_OPTION(kbd_hold, "kbd_hold",
               "lab2: leave the queue alone until N bytes arrived (shows what a full queue drops)");

/*
 * The next scancode, sleeping until one arrives. The emptiness check and the
 * hlt must not be separated by an interrupt: if IRQ1 queued a byte right after
 * we saw the queue empty, a plain hlt would sleep on it until some later
 * interrupt. So interrupts are off for the check, and "sti; hlt" is one asm
 * statement: sti takes effect only after the next instruction, so an IRQ that
 * is already pending wakes the hlt instead of slipping in before it
 * (Intel SDM Vol. 2, STI).
 */
static uint8_t next_scancode(void)
{
    uint8_t sc;

    for (;;) {
        intr_disable();
        if (scancode_pop(&sc)) {
            intr_enable();
            return sc;
        }
        intr_enable_and_halt();
    }
}

/*
 * kbd_hold=N: a consumer that falls behind. Sleep until the handler has
 * received N bytes, popping none, so a burst longer than the queue overflows it.
 */
static void hold_until_received(uint32_t n)
{
    for (;;) {
        intr_disable();
        if (kbd_counters().received >= n)
            break;
        intr_enable_and_halt();
    }
    intr_enable();
}

void program_main(void)
{
    static struct line line;
    struct keymap km;
    struct key_event ev;
    bool grading = cmdline_flag("grade");
    uint32_t hold = (uint32_t)cmdline_uint("kbd_hold", 0, 0, UINT32_MAX);

    if (cmdline_flag("bench")) {
        lab2_bench();
        return;
    }
    keymap_init(&km);
    kprintf("lab2: ready: type; Enter ends a line, Esc shows the counters%s\n",
            grading ? " and ends" : "");
    if (hold > 0)
        hold_until_received(hold);
    for (;;) {
        if (!keymap_feed(&km, next_scancode(), &ev))
            continue;
        if (ev.code == KEY_ESC) {
            /* On the release: it is the last byte typed, so the count is final. */
            if (!ev.pressed) {
                line_show_counters();
                if (grading)
                    return;
            }
            continue;
        }
        line_edit(&line, key_event_char(&ev));
    }
}
