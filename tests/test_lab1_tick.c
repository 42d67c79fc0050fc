/*
 * test_lab1_tick.c - lab 1's tick, pit.c built as is, on a model of the 8254
 * (tests/fake_pit.h; Intel 8254 datasheet, modes 0 and 2). The subscribers
 * (timer_subscribe): a fixed table, so one subscriber too many must stop the
 * boot by name instead of silently taking the place of another (what the
 * one-slot hook it replaced did). Tickless idle (handouts/lab3.md): the choice
 * (pit_idle_ticks), and timer_idle_until both ways: keeping the tick (one
 * "sti; hlt", counted) and stopping it (the one-shot on the tick grid, the
 * restart, the ticks it missed counted exactly and told once, the capped
 * 16-bit count, a key or a late IRQ 0 ending the hlt). What pit.c calls of
 * the kernel is stubbed below; it reaches the chip only through the model.
 *
 * grade: given code only, no points (the table is the kit's, not the student's).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "host.h"
#include "interrupts.h"
#include "machine.h"
#include "pit.h"
#include "x86.h"
#include "fake_pit.h"
#include "lab1_fake.h"

/* --- what pit.c calls of lab 1 (the rest: lab1_fake.h) and its hlt --------- */
void irq_register(int irq, irq_handler_fn fn) { CHECK_EQ(irq, 0); fake_pit.irq0 = fn; }
static int halts;
static bool halts_run_time;             /* the fake 8254 is started: a hlt lets time run */
static uint64_t key_at;                 /* IRQ 1 ends the next hlt at this clock (0: none) */
void intr_enable_and_halt(void)
{
    CHECK(!fake_if);
    fake_if = true;
    halts++;
    if (!halts_run_time)
        return;
    uint64_t irq0 = fake_pit_next_irq0();   /* time runs to it, or to the key first */
    CHECK(irq0 != UINT64_MAX || key_at);    /* a hlt nothing ends: the CPU sleeps for good */
    if (key_at && key_at <= irq0) {
        fake_pit.now = key_at;
    } else {
        fake_pit.now = irq0;
        fake_pit.irq_done = fake_pit.mode == PIT_MODE_ONESHOT;
        fake_pit.irq0(0);               /* pit_tick, IF=0 as in a handler */
    }
    key_at = 0;
}

static int told;                        /* subscriber calls, and the last `now` told */
static uint64_t told_now;
static void subscriber(uint64_t now) { told++; told_now = now; }

TEST(a_subscriber_past_the_table_panics)
{
    for (int i = 0; i < TIMER_SUBSCRIBERS_MAX; i++)
        timer_subscribe(subscriber);        /* room for every lab that subscribes */
    jmp_buf jb;
    host_panic_catcher = &jb;
    bool panicked = setjmp(jb) != 0;
    if (!panicked)
        timer_subscribe(subscriber);        /* one more: must not replace one silently */
    host_panic_catcher = NULL;
    CHECK(panicked);
    CHECK(!timer_tick_stopped());           /* the periodic tick, as booted */
}

TEST(the_idle_stops_the_tick_only_when_a_tick_or_more_is_gained)
{
    CHECK_EQ(pit_idle_ticks(10, 12, false), 2);
    CHECK_EQ(pit_idle_ticks(10, UINT64_MAX, false), UINT64_MAX);   /* nothing due */
    CHECK_EQ(pit_idle_ticks(10, 11, false), 0);     /* the next tick is the one */
    CHECK_EQ(pit_idle_ticks(10, 10, false), 0);     /* due now, or past: */
    CHECK_EQ(pit_idle_ticks(10, 5, false), 0);
    CHECK_EQ(pit_idle_ticks(10, 100, true), 0);     /* tick=periodic */
}

/* Where the deadline gains nothing, the idle is the one "sti; hlt", the tick kept. */
TEST(the_idle_keeps_the_tick_and_halts_once)
{
    struct tickless_stats before = tickless_stats();
    int halted = halts;
    tickless_set_periodic(false);
    fake_if = false;
    timer_idle_until(timer_ticks() + 1);
    CHECK(fake_if);                         /* back with interrupts on */
    tickless_set_periodic(true);
    fake_if = false;
    timer_idle_until(UINT64_MAX);
    tickless_set_periodic(false);
    CHECK_EQ(halts - halted, 2);
    CHECK_EQ(tickless_stats().periodic_halts - before.periodic_halts, 2);
    CHECK_EQ(tickless_stats().stops - before.stops, 0);
    CHECK(!timer_tick_stopped());
}

TEST(the_idle_refuses_interrupts_on)
{
    jmp_buf jb;
    host_panic_catcher = &jb;
    int halted = halts;
    tickless_set_periodic(true);            /* the branch that reaches no chip */
    fake_if = true;
    bool panicked = setjmp(jb) != 0;
    if (!panicked)
        timer_idle_until(UINT64_MAX);       /* the hlt race: the choice must be made masked */
    host_panic_catcher = NULL;
    tickless_set_periodic(false);
    CHECK(panicked);
    CHECK_EQ(halts, halted);
}

/* --- the stopped tick, on the fake 8254 (after the tests above: pit_start once) --- */
#define DIV 1193u                       /* pit_divisor(1000): 1193182 / 1000, nearest */

static void idle(uint64_t deadline)
{
    fake_if = false;                    /* the idle decides masked */
    timer_idle_until(deadline);
    CHECK(fake_if);
}

/* The count is never ahead of real time, nor behind it by a whole tick. */
static void check_count_keeps_time(void)
{
    CHECK(timer_ticks() <= fake_pit.now / DIV);
    CHECK(timer_ticks() + 1 >= fake_pit.now / DIV);
    CHECK(!timer_tick_stopped());
    CHECK_EQ(fake_pit.mode, PIT_MODE_RATE);     /* the tick runs again, */
    CHECK_EQ(fake_pit.reload, DIV);             /* at its rate */
}

TEST(the_idle_stops_the_tick_and_counts_the_ticks_it_missed)
{
    fake_pit.mode = PIT_MODE_RATE;
    pit_start(&fake_pit_ops, 1000, DIV, 0);
    halts_run_time = true;
    CHECK_EQ(fake_pit.reload, DIV);
    idle(timer_ticks() + 1);            /* the next tick: kept */
    CHECK_EQ(timer_ticks(), 1);
    CHECK_EQ(pit_read_count(), DIV);    /* the count just reloaded */
    struct tickless_stats before = tickless_stats();
    int told_before = told;
    idle(31);
    CHECK_EQ(fake_pit.oneshots, 1);     /* one mode 0 count, */
    CHECK_EQ(fake_pit.now, 31 * DIV);   /* ending on tick 31's boundary */
    CHECK_EQ(timer_ticks(), 31);        /* its IRQ 0 no tick; the restart counts 30 */
    CHECK_EQ(told - told_before, TIMER_SUBSCRIBERS_MAX);    /* each subscriber told once */
    CHECK_EQ(told_now, 31);
    CHECK_EQ(tickless_stats().stops - before.stops, 1);
    CHECK_EQ(tickless_stats().capped - before.capped, 0);
    check_count_keeps_time();
    fake_pit.now += DIV / 3;            /* a third of a tick busy, then idle: */
    CHECK_EQ(pit_read_count(), DIV - DIV / 3);
    idle(36);
    CHECK_EQ(fake_pit.now, 36 * DIV);   /* the one-shot took the rest of the tick */
    CHECK_EQ(timer_ticks(), 36);
    check_count_keeps_time();
}

/* 16 bits hold 54 ticks at 1000 Hz (54 x 1193 = 64422): the next idle arms the rest. */
TEST(a_long_idle_is_capped_at_the_16_bit_count)
{
    uint64_t t = timer_ticks();
    struct tickless_stats before = tickless_stats();
    idle(UINT64_MAX);
    CHECK_EQ(timer_ticks(), t + 54);
    CHECK_EQ(fake_pit.now, (t + 54) * DIV);
    CHECK_EQ(tickless_stats().capped - before.capped, 1);
    check_count_keeps_time();
}

/* A key mid-tick ends the hlt: the ticks so far, and the slip taken up by the next stop. */
TEST(a_key_ends_the_idle_and_the_count_keeps_real_time)
{
    uint64_t t = timer_ticks();
    key_at = fake_pit.now + 37 * DIV + 100;
    idle(t + 54);
    CHECK_EQ(timer_ticks(), t + 37);    /* not 54: the one-shot had not ended */
    check_count_keeps_time();
    idle(t + 38);                       /* the next tick, 100 clocks late of the grid */
    CHECK_EQ(timer_ticks(), t + 38);
    idle(t + 48);                       /* the one-shot aims at the count's grid: */
    CHECK_EQ(fake_pit.now, (t + 48) * DIV);     /* on it again, the slip gone */
    CHECK_EQ(timer_ticks(), t + 48);
    uint32_t seed = 12345;
    for (int i = 0; i < 300; i++) {     /* keys at any clock, idles of any length */
        seed = seed * 1103515245u + 12345u;
        uint64_t ahead = 1 + (seed >> 8) % 80;
        key_at = seed & 0x10000 ? fake_pit.now + 1 + (seed >> 4) % (60 * DIV) : 0;
        idle(timer_ticks() + ahead);
        check_count_keeps_time();
        key_at = 0;
    }
}

/* An IRQ 0 that comes late (an emulator's): the count ran on past 0; the ticks still count. */
TEST(a_late_one_shot_counts_the_ticks_it_ran_late)
{
    idle(timer_ticks() + 1);            /* onto a tick boundary */
    uint64_t t = timer_ticks();
    fake_pit.late = 3 * DIV;
    idle(t + 10);
    fake_pit.late = 0;
    CHECK_EQ(timer_ticks(), t + 13);
    CHECK_EQ(told_now, t + 13);
    check_count_keeps_time();
}

int main(void)
{
    RUN(a_subscriber_past_the_table_panics);
    RUN(the_idle_stops_the_tick_only_when_a_tick_or_more_is_gained);
    RUN(the_idle_keeps_the_tick_and_halts_once);
    RUN(the_idle_refuses_interrupts_on);
    RUN(the_idle_stops_the_tick_and_counts_the_ticks_it_missed);
    RUN(a_long_idle_is_capped_at_the_16_bit_count);
    RUN(a_key_ends_the_idle_and_the_count_keeps_real_time);
    RUN(a_late_one_shot_counts_the_ticks_it_ran_late);
    return host_summary("lab1 tick");
}
