/*
 * pit.c - the tick: PIT channel 0 as a rate generator on IRQ 0 (Intel 8254
 * datasheet, "Control Word Format" and "Mode 2").
 *
 * The default rate is 1000 Hz (hz=N on the command line changes it). At
 * 1000 Hz a tick is a millisecond, the unit lab 3's sleeps and lab 4's disk
 * timeouts are written in, and a test waiting N ticks takes N ms. The price
 * is 1000 interrupts a second; under QEMU's TCG each costs a few
 * microseconds, so an idle kernel still leaves the host CPU almost idle.
 * 100 Hz would make every sleep round to 10 ms and every tick test ten times
 * slower.
 */
#include "cmdline.h"
#include "interrupts.h"
#include "kprintf.h"
#include "machine.h"
#include "pit.h"
#include "x86.h"

CMDLINE_OPTION(hz, "hz", "PIT tick rate in Hz, 19-10000 (default 1000)");

static volatile uint64_t ticks;
static uint32_t rate_hz;
static void (*tick_hook)(uint64_t now);

static void pit_tick(int irq)
{
    (void)irq;
    ticks++;
    if (tick_hook)
        tick_hook(ticks);
}

void pit_init(void)
{
    uint64_t hz = cmdline_uint("hz", PIT_DEFAULT_HZ, 0, UINT64_MAX);   /* the range: below */
    uint32_t divisor = hz > 0 && hz <= PIT_MAX_HZ ? pit_divisor((uint32_t)hz) : 0;

    if (divisor == 0) {
        kprintf("pit: hz=%s is not a rate from %u to %u Hz\n", cmdline_str("hz", "?"),
                PIT_MIN_HZ, PIT_MAX_HZ);
        machine_exit(EXIT_FAILURE_CODE);
    }
    rate_hz = (uint32_t)hz;
    outb(PIT_CMD, PIT_SEL_CH0 | PIT_ACCESS_LOHI | PIT_MODE_RATE);
    outb(PIT_CH0, divisor & 0xFF);
    outb(PIT_CH0, divisor >> 8);
    irq_register(0, pit_tick);
}

/* 64 bits are two loads on i386: keep the tick from landing between them. */
uint64_t timer_ticks(void)
{
    irq_flags_t f = irq_save();
    uint64_t t = ticks;
    irq_restore(f);
    return t;
}

uint32_t timer_hz(void)
{
    return rate_hz;
}

void timer_set_hook(void (*hook)(uint64_t now))
{
    tick_hook = hook;
}

/* Latch, then low and high byte; the tick must not read the chip in between. */
uint32_t pit_read_count(void)
{
    irq_flags_t f = irq_save();
    outb(PIT_CMD, PIT_LATCH_CH0);
    uint32_t lo = inb(PIT_CH0), hi = inb(PIT_CH0);
    irq_restore(f);
    return (hi << 8 | lo) ? (hi << 8 | lo) : 65536;     /* 0 is the full 65536 */
}
