/*
 * fake_oneshot.h - lab 1's tickless idle (timer_idle_until, labs/lab1-interrupts/pit.c):
 * its stopped tick and one-shot timer, for the host's fake machines
 * (lab3_fake.h, lab6_fake.h), the part of tickless idle both share.
 *
 * pit.c cannot run here (the 8254's ports), so its timer_idle_until is
 * rebuilt below around fake chip steps, step for step: the same choice
 * (pitdiv.c's pit_idle_ticks, the real one, linked), the same counters
 * (tickless_stats), masked decision, one "sti; hlt", then the restart.
 * Real time (fake_clock, in ticks) runs apart from the kernel's count
 * (fake_ticks) only while the tick is stopped. fake_tick_stop arms the
 * one-shot at most fake_oneshot_cap ticks ahead, as lab 1's 16-bit count
 * allows; fake_tick_restart adds the ticks that passed and notifies the tick
 * subscribers once (fake_notify_tick), as lab 1's pit.c does. The fake's
 * hlt asks fake_irq_comes_by whether IRQ 1, set for fake_irq_at, ends the
 * wait before the one-shot does. fake_on_tick_stop can raise an interrupt
 * between the idle's decision and its hlt.
 *
 * The fake that includes this defines first: fake_if and fake_ticks, and
 *   fake_stop_because(why)  the machine cannot go on: back to fake_run;
 *   fake_raise_irq1()       raise the keyboard's interrupt;
 * and, anywhere in its file, x86.h's intr_* and timer_ticks().
 */
#ifndef CAIRN_TESTS_FAKE_ONESHOT_H
#define CAIRN_TESTS_FAKE_ONESHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "interrupts.h"
#include "panic.h"
#include "pit.h"
#include "x86.h"

#define FAKE_ONESHOT_CAP 54             /* 65535 input clocks at 1000 Hz */

static uint64_t fake_clock;             /* real time, in ticks */
static bool fake_tick_stopped;
static bool fake_idle_periodic;         /* tickless_set_periodic */
static struct tickless_stats fake_idle_stats;   /* they only grow, as pit.c's */
static uint64_t fake_oneshot_at;        /* fake_clock when the one-shot ends */
static uint32_t fake_oneshot_cap;       /* ticks one one-shot reaches at most */
static uint64_t fake_irq_at;            /* IRQ 1 comes at this fake_clock (0: never) */
static int fake_tick_stops, fake_tick_restarts, fake_oneshots_fired;
static void (*fake_on_tick_stop)(void);     /* right after the tick stops, IF=0 */
/* Lab 1's tick subscribers (timer_subscribe): what the fake's boot subscribes. */
static void (*fake_subscribers[TIMER_SUBSCRIBERS_MAX])(uint64_t now);
static int fake_nsubscribers;

void timer_subscribe(void (*fn)(uint64_t now))
{
    if (fake_nsubscribers == TIMER_SUBSCRIBERS_MAX)
        fake_stop_because("more tick subscribers than lab 1 has room for");
    fake_subscribers[fake_nsubscribers++] = fn;
}

static void fake_notify_tick(uint64_t now)
{
    for (int i = 0; i < fake_nsubscribers; i++)
        fake_subscribers[i](now);
}

bool timer_tick_stopped(void) { return fake_tick_stopped; }

static void fake_oneshot_reset(void)
{
    fake_clock = 0;
    fake_tick_stopped = false;
    fake_oneshot_at = fake_irq_at = 0;
    fake_oneshot_cap = FAKE_ONESHOT_CAP;
    fake_tick_stops = fake_tick_restarts = fake_oneshots_fired = 0;
    fake_on_tick_stop = 0;
    fake_nsubscribers = 0;
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

/* Lab 1's timer_tick_stop: arm the one-shot `ticks` (capped) ahead. */
static uint32_t fake_tick_stop(uint64_t ticks)
{
    if (fake_if || fake_tick_stopped || ticks == 0) {
        char why[128];
        snprintf(why, sizeof why, "tick stopped with IF=%d, already stopped %d, for %llu ticks",
                 fake_if, fake_tick_stopped, (unsigned long long)ticks);
        fake_stop_because(why);
    }
    uint32_t armed = ticks < fake_oneshot_cap ? (uint32_t)ticks : fake_oneshot_cap;
    fake_tick_stops++;
    fake_tick_stopped = true;
    fake_oneshot_at = fake_clock + armed;
    if (fake_on_tick_stop)
        fake_on_tick_stop();
    return armed;
}

/* Lab 1's timer_tick_restart: add the ticks that passed, notify the subscribers once. */
static void fake_tick_restart(void)
{
    if (fake_if || !fake_tick_stopped) {
        char why[128];
        snprintf(why, sizeof why, "tick restarted with IF=%d, stopped %d", fake_if,
                 fake_tick_stopped);
        fake_stop_because(why);
    }
    fake_tick_restarts++;
    fake_tick_stopped = false;
    uint64_t passed = fake_clock - fake_ticks;
    fake_ticks = fake_clock;
    if (passed)
        fake_notify_tick(fake_ticks);
}

void tickless_set_periodic(bool periodic) { fake_idle_periodic = periodic; }

struct tickless_stats tickless_stats(void) { return fake_idle_stats; }

/* Lab 1's timer_idle_until (pit.c), step for step, on the fake chip. */
void timer_idle_until(uint64_t deadline)
{
    assert(!intr_enabled());
    uint64_t ahead = pit_idle_ticks(timer_ticks(), deadline, fake_idle_periodic);
    if (ahead == 0) {
        fake_idle_stats.periodic_halts++;
        intr_enable_and_halt();
        return;
    }
    uint32_t armed = fake_tick_stop(ahead);
    fake_idle_stats.stops++;
    if (armed < ahead)
        fake_idle_stats.capped++;
    intr_enable_and_halt();
    intr_disable();
    fake_tick_restart();
    intr_enable();
}

#endif
