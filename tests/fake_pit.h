/*
 * fake_pit.h - a model of the 8254's channel 0 for host tests that run lab 1's
 * pit.c on it (pit_start(&fake_pit_ops, hz, divisor, first tick); Intel 8254
 * datasheet: "Mode 0: Interrupt on Terminal Count", "Mode 2: Rate Generator",
 * "Read-Back Command").
 *
 * Time is FAKE_PIT_NOW, in input clocks (1193182 a second): fake_pit.now
 * unless the includer defines it first (the fake machines count whole ticks,
 * tests/fake_oneshot.h). Mode 2 counts reload..1 over and over and raises
 * IRQ 0 at each reload; mode 0 raises it once, at terminal count (`late`
 * clocks late if the test says so: an emulator's late IRQ), and then counts
 * on down past 0 (0xFFFF, ...) as the chip does. fake_pit_next_irq0 says
 * when; the includer's hlt lets time run to it and runs irq0, the handler
 * pit.c registered (the includer's irq_register stores it).
 */
#ifndef CAIRN_TESTS_FAKE_PIT_H
#define CAIRN_TESTS_FAKE_PIT_H

#include <stdbool.h>
#include <stdint.h>
#include "interrupts.h"
#include "pit.h"

#ifndef FAKE_PIT_NOW
#define FAKE_PIT_NOW fake_pit.now
#endif

static struct {
    uint64_t now;                       /* input clocks since the fake's boot */
    void (*on_program)(uint8_t mode);   /* after each write of a count */
    uint64_t start;                     /* when the count was last written */
    uint32_t reload;                    /* what was written, 1..65536 */
    uint8_t mode;                       /* PIT_MODE_RATE or PIT_MODE_ONESHOT */
    bool irq_done;                      /* mode 0: its IRQ 0 came */
    uint64_t late;                      /* mode 0: its IRQ 0 comes this many clocks late */
    int oneshots, restarts;             /* mode 0 writes; mode 2 writes after a mode 0 */
    irq_handler_fn irq0;                /* pit.c's handler */
} fake_pit;

static void fake_pit_program(uint8_t mode, uint32_t count)
{
    if (mode == PIT_MODE_ONESHOT)
        fake_pit.oneshots++;
    else if (fake_pit.mode == PIT_MODE_ONESHOT)
        fake_pit.restarts++;
    fake_pit.mode = mode;
    fake_pit.reload = count ? count : 65536;
    fake_pit.start = FAKE_PIT_NOW;
    fake_pit.irq_done = false;
    if (fake_pit.on_program)
        fake_pit.on_program(mode);
}

/* The count now: mode 2 runs reload..1 over and over; mode 0 on down past 0, mod 2^16. */
static uint32_t fake_pit_count(void)
{
    uint64_t ran = FAKE_PIT_NOW - fake_pit.start;
    if (fake_pit.mode == PIT_MODE_RATE)
        return (uint32_t)(fake_pit.reload - ran % fake_pit.reload) & 0xFFFF;
    return (uint32_t)(fake_pit.reload - ran) & 0xFFFF;
}

static uint32_t fake_pit_latch(void) { return fake_pit_count(); }

static uint8_t fake_pit_read_back(uint32_t *count)
{
    *count = fake_pit_count();
    bool out = fake_pit.mode == PIT_MODE_RATE ||
               FAKE_PIT_NOW - fake_pit.start >= fake_pit.reload;
    return (uint8_t)((out ? PIT_STATUS_OUT : 0) | fake_pit.mode);    /* bits 3-1: the mode, as written */
}

static const struct pit_ops fake_pit_ops = { fake_pit_program, fake_pit_latch,
                                             fake_pit_read_back };

/* When IRQ 0 comes next (UINT64_MAX: not before the count is written again). */
static __attribute__((unused)) uint64_t fake_pit_next_irq0(void)
{
    if (fake_pit.mode == PIT_MODE_RATE)
        return fake_pit.start + ((FAKE_PIT_NOW - fake_pit.start) / fake_pit.reload + 1) *
                                    fake_pit.reload;
    return fake_pit.irq_done ? UINT64_MAX : fake_pit.start + fake_pit.reload + fake_pit.late;
}

#endif
