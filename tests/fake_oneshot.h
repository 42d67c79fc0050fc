/*
 * fake_oneshot.h - lab 1's tick and tickless idle (labs/lab1-interrupts/pit.c,
 * linked as it is) on the fake machines (lab3_fake.h, lab6_fake.h): the part
 * both share. pit.c runs on tests/fake_pit.h's model of the 8254, so the
 * tick, timer_idle_until's choice, its one-shot, restart and counters are
 * pit.c's own.
 *
 * Real time (fake_clock) moves in whole ticks, FAKE_HZ of them a second; the
 * chip's time is fake_clock ticks of input clocks. The kernel's count is
 * pit.c's; fake_ticks is what its subscribers were last told (pit.c tells
 * the fake, and the fake its boot's subscribers, fake_subscribers, which a
 * test may replace), and fake_set_ticks starts the count anywhere. pit.c's
 * mode 0 write is the tick stopping: the one-shot ends at fake_oneshot_at (a
 * test may move it later), and fake_on_tick_stop can raise an interrupt
 * between the idle's decision and its hlt. The fake's hlt asks
 * fake_irq_comes_by whether IRQ 1, set for fake_irq_at, ends the wait before
 * the one-shot does, and runs fake_irq0 (pit_tick) for a tick or the
 * one-shot's end.
 *
 * The fake that includes this defines first: fake_if, FAKE_HZ, and
 *   fake_stop_because(why)  the machine cannot go on: back to fake_run;
 *   fake_raise_irq1()       raise the keyboard's interrupt;
 * and, anywhere in its file, x86.h's intr_* and panic_at.
 */
#ifndef CAIRN_TESTS_FAKE_ONESHOT_H
#define CAIRN_TESTS_FAKE_ONESHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "interrupts.h"
#include "machine.h"
#include "panic.h"
#include "pit.h"
#include "x86.h"

static uint64_t fake_clock;             /* real time, in ticks */
static uint32_t fake_div;               /* input clocks a tick: pit_divisor(the rate) */
#define FAKE_PIT_NOW (fake_clock * fake_div)
#include "fake_pit.h"

static uint64_t fake_ticks;             /* the count pit.c last told its subscribers */
static uint64_t fake_oneshot_at;        /* fake_clock when the one-shot ends */
static uint64_t fake_irq_at;            /* IRQ 1 comes at this fake_clock (0: never) */
static int fake_tick_stops, fake_tick_restarts, fake_oneshots_fired;
static void (*fake_on_tick_stop)(void);     /* right after the tick stops, IF=0 */
#define fake_tick_stopped (fake_pit.mode == PIT_MODE_ONESHOT)

/* --- what pit.c calls of the kernel ---------------------------------------- */
const char *cmdline_str(const char *name, const char *fallback) { (void)name; return fallback; }
uint64_t cmdline_uint(const char *name, uint64_t fallback, uint64_t min, uint64_t max)
{
    (void)name; (void)min; (void)max;
    return fallback;
}
void machine_exit(enum exit_code code)
{
    (void)code;
    fake_stop_because("machine_exit");
    abort();
}
void irq_register(int irq, irq_handler_fn fn)
{
    if (irq != 0)
        fake_stop_because("pit.c registered an IRQ other than 0");
    fake_pit.irq0 = fn;
}

static void fake_irq0(void) { fake_pit.irq0(0); }

/* pit.c's writes of a count: the tick stopping (mode 0) or restarting (mode 2). */
static void fake_pit_written(uint8_t mode)
{
    if (fake_if) {
        fake_stop_because(mode == PIT_MODE_ONESHOT ? "tick stopped with IF=1"
                                                   : "tick restarted with IF=1");
        return;
    }
    if (mode != PIT_MODE_ONESHOT) {
        fake_tick_restarts += fake_pit.restarts > 0;
        fake_pit.restarts = 0;
        return;
    }
    fake_tick_stops++;
    fake_oneshot_at = fake_clock + (fake_pit.reload + fake_div - 1) / fake_div;
    if (fake_on_tick_stop)
        fake_on_tick_stop();
}

/* The boot's subscribers (lab3_init's, lab6_init's), which a test may replace: pit.c
   tells fake_note_tick, the one the fake subscribed, and it tells them in order. */
static void (*fake_subscribers[TIMER_SUBSCRIBERS_MAX])(uint64_t now);
static int fake_nsubscribers;

static void fake_note_tick(uint64_t now)
{
    fake_ticks = now;
    for (int i = 0; i < fake_nsubscribers; i++)
        fake_subscribers[i](now);
}

/* The count starts over at `first` at `hz` (the chip reprogrammed, IF=0 for it). */
static void fake_start_tick(uint32_t hz, uint64_t first)
{
    bool was = fake_if;
    fake_if = false;
    fake_div = (PIT_INPUT_HZ + hz / 2) / hz;     /* pit_divisor's answer, without exercise 6 */
    fake_pit.mode = PIT_MODE_RATE;
    fake_pit.restarts = 0;
    pit_start(&fake_pit_ops, hz, fake_div, first);
    fake_ticks = first;
    fake_if = was;
}

static __attribute__((unused)) void fake_set_ticks(uint64_t first)
{
    fake_start_tick(timer_hz(), first);
}

/* A fresh machine: its tick at FAKE_HZ from 0, and `boot`, its n subscribers. */
static void fake_oneshot_reset(void (*const boot[])(uint64_t now), int n)
{
    static bool booted;
    for (fake_nsubscribers = 0; fake_nsubscribers < n; fake_nsubscribers++)
        fake_subscribers[fake_nsubscribers] = boot[fake_nsubscribers];
    fake_clock = 0;
    fake_oneshot_at = fake_irq_at = 0;
    fake_tick_stops = fake_tick_restarts = fake_oneshots_fired = 0;
    fake_on_tick_stop = 0;
    fake_pit.on_program = fake_pit_written;
    fake_pit.late = 0;
    fake_start_tick(FAKE_HZ, 0);
    if (!booted) {                      /* lab 1's table: subscribed at boot, once */
        booted = true;
        timer_subscribe(fake_note_tick);
    }
}

/* Let real time run to `at`, raising IRQ 1 if fake_irq_at comes first (not in the past). */
static bool fake_irq_comes_by(uint64_t at)
{
    if (fake_irq_at == 0 || fake_irq_at > at || fake_irq_at < fake_clock)
        return false;
    fake_clock = fake_irq_at;
    fake_irq_at = 0;
    fake_raise_irq1();
    return true;
}

#endif
