/*
 * lab3_fake.h - a fake machine for lab 3's executor core (x86.h's masking, lab 1's tick) on the
 * host: an interrupt flag, interrupts that stay pending while it is clear and
 * are delivered when it is set again, lab 1's own tick (pit.c, on a fake
 * 8254), and a hlt that either ends at once (an interrupt was pending) or
 * advances time by one tick.
 * A test can raise an interrupt at the worst moments: just before any `cli`
 * (intr_disable finding IF on; an executor that looked at its queue earlier,
 * with interrupts on, then sleeps through it), just after (it must stay
 * pending and end the `sti; hlt`), and a tick right after a sleep reads the
 * clock (fake_raise_tick from fake_on_cli: the mask of timer_ticks' read).
 * Interrupt handlers and tick subscribers run with intr_context() true.
 * The preconditions (assert(!intr_enabled())) are checked against its IF.
 *
 * Tickless idle is lab 1's timer_idle_until itself; the glue to pit.c and its
 * fake 8254 is fake_oneshot.h's, shared with lab6_fake.h. While the tick is stopped a hlt
 * lasts until the one-shot or the interrupt set for fake_irq_at, whichever is
 * first.
 */
#ifndef CAIRN_TESTS_LAB3_FAKE_H
#define CAIRN_TESTS_LAB3_FAKE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "executor.h"
#include "interrupts.h"
#include "x86.h"

static bool fake_if = true;                 /* the interrupt flag */
static bool fake_in_handler;                /* an interrupt's handler runs: intr_context() */
static int fake_pending;                    /* interrupts raised, not yet delivered */
static void (*fake_irq)(void);              /* what an interrupt does */
static void (*fake_before_cli)(void);       /* called right before a cli that finds IF on */
static void (*fake_on_cli)(void);           /* called right after such a cli */
static bool fake_tick_pending;              /* IRQ 0 raised, not yet delivered */
static bool fake_timer_on = true;           /* hlt with nothing pending: one tick passes */
static int fake_waits, fake_waits_cut_short, fake_idle_limit = 100000;
static void (*fake_idle)(void);             /* the executor's idle (its wait hook): fake_halt */
static void fake_halt(void);
static void fake_idle_wait(void);
static void fake_idle_notify(void);
/* The executor's idle hooks (lab 6's place): its idle is fake_idle, and a queued task tells nobody. */
static const struct executor_idle_hooks fake_idle_hooks = { fake_idle_wait, fake_idle_notify };
static void fake_stop_because(const char *why);
static void fake_raise_irq1(void);
static jmp_buf fake_escape;
static char fake_panic_msg[256];
static bool fake_expect_stop;            /* the test wants a panic or a stop: say nothing */
/* cli's since the last hlt: an executor busy for ever is stopped at the bound. */
#define FAKE_MASKS_AWAKE_MAX 10000000L
static long fake_masks_awake;
static bool fake_escape_set;                /* fake_escape is live (inside fake_run) */

#define FAKE_HZ 1000                        /* a one-shot reaches 54 ticks, as in the kernel */
#include "fake_oneshot.h"

int kprintf(const char *fmt, ...) { (void)fmt; return 0; }

static void fake_reset(void)
{
    fake_if = true;
    fake_in_handler = false;
    fake_pending = 0;
    fake_irq = 0;
    fake_before_cli = 0;
    fake_on_cli = 0;
    fake_tick_pending = false;
    fake_timer_on = true;
    fake_waits = fake_waits_cut_short = 0;
    fake_idle_limit = 100000;
    fake_panic_msg[0] = 0;
    static void (*const boot[])(uint64_t) = { timerq_expire };  /* as lab3_init does */
    fake_oneshot_reset(boot, 1);
    fake_idle = fake_halt;
    executor_set_idle_hooks(&fake_idle_hooks);
    executor_init();
}

static void fake_tick(void);

static void fake_deliver(void)
{
    if (fake_if && fake_tick_pending) {
        fake_tick_pending = false;
        fake_tick();
    }
    while (fake_if && fake_pending > 0) {
        fake_pending--;
        fake_if = false;                    /* handlers run with IF=0 */
        fake_in_handler = true;
        if (fake_irq)
            fake_irq();
        fake_in_handler = false;
        fake_if = true;
    }
}

/* Raise an interrupt: taken now if IF=1, else when IF is set again. */
static void fake_raise(void)
{
    fake_pending++;
    fake_deliver();
}

void intr_restore(intr_state_t f)
{
    fake_if = f != 0;
    fake_deliver();
}

/* x86.h's masking, on the fake: a cli that finds IF on calls the test's hooks around it. */
intr_state_t intr_disable(void)
{
    intr_state_t was = fake_if;
    /* An executor that never sleeps masks on for ever: say so, not a 120 s HANG. */
    if (++fake_masks_awake > FAKE_MASKS_AWAKE_MAX && fake_escape_set)
        fake_stop_because("the executor masked interrupts 10000000 times without halting: "
                          "it never sleeps (does it poll tasks nobody woke?)");
    if (was && fake_before_cli)
        fake_before_cli();
    fake_if = false;
    if (was && fake_on_cli)
        fake_on_cli();
    return was;
}

void intr_enable(void)
{
    fake_if = true;
    fake_deliver();
}

bool intr_enabled(void)
{
    return fake_if;
}

bool intr_context(void)
{
    return fake_in_handler;
}

/* IRQ 0 (pit.c's pit_tick): like every handler, it runs with IF=0. */
static void fake_run_irq0(void)
{
    bool was = fake_if;
    fake_if = false;
    fake_in_handler = true;
    fake_irq0();
    fake_in_handler = false;
    fake_if = was;
}

/* The timer interrupt: a tick of real time, and pit.c counts it. */
static void fake_tick(void)
{
    fake_clock++;
    fake_run_irq0();
}

/* A tick raised now, taken when IF is next set (right after a masked read of the clock). */
static __attribute__((unused)) void fake_raise_tick(void)
{
    fake_tick_pending = true;
    fake_deliver();
}

/*
 * The machine cannot go on (why: 2 bad wait, 3 asleep forever): back to
 * fake_run, or, outside it, say so and fail the test binary. Never silently.
 */
static void fake_stop(int why)
{
    if (!fake_escape_set) {
        printf("  lab3 fake machine: %s (outside fake_run)\n", fake_panic_msg);
        exit(1);
    }
    longjmp(fake_escape, why);
}

static void fake_stop_because(const char *why)
{
    snprintf(fake_panic_msg, sizeof fake_panic_msg, "%s", why);
    fake_stop(2);
}

static void fake_raise_irq1(void)
{
    fake_raise();
}

static void fake_asleep_forever(void)
{
    snprintf(fake_panic_msg, sizeof fake_panic_msg,
             "executor asleep forever (%d waits): a lost wakeup, or nothing left to wake it",
             fake_waits);
    fake_stop(3);
}

/* sti; hlt */
static void fake_halt(void)
{
    if (fake_if) {
        snprintf(fake_panic_msg, sizeof fake_panic_msg, "wait entered with interrupts on");
        fake_stop(2);
    }
    fake_waits++;
    fake_masks_awake = 0;
    fake_if = true;
    if (fake_waits > fake_idle_limit) {     /* every way of waiting, the tickless one too */
        fake_asleep_forever();
    }
    if (fake_pending || fake_tick_pending) {    /* sti; hlt: a pending interrupt ends it */
        fake_waits_cut_short++;
        fake_deliver();
        return;
    }
    if (fake_tick_stopped) {                /* the one-shot, or fake_irq first */
        if (!fake_irq_comes_by(fake_oneshot_at)) {
            fake_clock = fake_oneshot_at;
            fake_oneshots_fired++;
            fake_pit.irq_done = true;
            fake_run_irq0();                /* the one-shot's IRQ 0: pit_tick counts no tick */
        }
        return;
    }
    if (!fake_timer_on) {
        fake_asleep_forever();
    }
    fake_tick();                            /* the next interrupt is the timer's */
    fake_irq_comes_by(fake_clock);
}

void intr_enable_and_halt(void)
{
    fake_halt();
}

void hlt(void)
{
    fake_stop_because("hlt() on its own: an interrupt that comes between a separate sti and the hlt is "
                      "slept through; use intr_enable_and_halt(), the one 'sti; hlt'");
}

static void fake_idle_wait(void)
{
    fake_idle();
}

static void fake_idle_notify(void) {}

void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fake_panic_msg, sizeof fake_panic_msg, fmt, ap);
    va_end(ap);
    if (!fake_expect_stop)
        printf("  panic at %s:%d: %s\n", file, line, fake_panic_msg);
    if (!fake_escape_set) {
        printf("  lab3 fake machine: panic outside fake_run\n");
        exit(1);
    }
    longjmp(fake_escape, 1);
}

/*
 * Run the executor; 0 when it returned, else why it stopped (panic 1, bad
 * wait 2, asleep forever 3), said on stdout unless the test expects a stop.
 */
static __attribute__((unused)) int fake_run(void)
{
    int why = setjmp(fake_escape);
    if (why == 0) {
        fake_escape_set = true;
        fake_masks_awake = 0;
        executor_run();
    }
    fake_escape_set = false;
    if (why > 1 && !fake_expect_stop)
        printf("  lab3 fake machine: %s\n", fake_panic_msg);
    return why;
}

#endif
