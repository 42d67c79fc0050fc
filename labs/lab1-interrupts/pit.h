/*
 * pit.h - the 8254 programmable interval timer, channel 0 on IRQ 0
 * (Intel 8254 datasheet: "Control Word Format", "Mode 2: Rate Generator").
 */
#ifndef CAIRN_LAB1_PIT_H
#define CAIRN_LAB1_PIT_H

#include <stdbool.h>
#include <stdint.h>
#include "interrupts.h"                 /* PIT_INPUT_HZ */

#define PIT_CH0         0x40
#define PIT_CMD         0x43
#define PIT_SEL_CH0     0x00
#define PIT_ACCESS_LOHI 0x30            /* low byte, then high byte */
#define PIT_MODE_RATE   0x04            /* mode 2: one pulse every `divisor` input clocks */
#define PIT_MODE_ONESHOT 0x00           /* mode 0: OUT rises once, when the count reaches 0 */
#define PIT_READBACK_CH0 0xC2           /* read-back: latch channel 0's status and count */
#define PIT_STATUS_OUT  0x80            /* status byte: the OUT pin (mode 0: count reached 0) */
#define PIT_MAX_COUNT   65535u          /* the largest one-shot: 65535 / 1193182 Hz = 54.9 ms */
#define PIT_LATCH_CH0   0x00            /* counter latch command for channel 0 */
#define PIT_DEFAULT_HZ  1000
#define PIT_MIN_HZ      19              /* the 16-bit divisor's limit: 1193182 / 65536 = 18.2 */
#define PIT_MAX_HZ      10000           /* beyond this, TCG spends its time in the handler */

/*
 * The reload value for `hz` ticks per second, rounded to the nearest; 0 when
 * hz is outside PIT_MIN_HZ..PIT_MAX_HZ. Pure.
 */
uint32_t pit_divisor(uint32_t hz);

/*
 * The one-shot that stands in for the periodic tick while the CPU idles
 * (tickless idle, handouts/lab3.md). `lead` is what the periodic count had
 * left (1..divisor) when it was stopped, and `lag` how far the chip's tick
 * grid runs late of the count's (pit_ticks_passed's slip). The one-shot ends
 * exactly where the count's tick number `ticks` falls: lead - lag +
 * (ticks - 1) * divisor input clocks (a divisor more when lead <= lag: the
 * count is a tick behind then), with `ticks` cut down so the count fits
 * PIT_MAX_COUNT. Aiming at the count's grid, not the chip's, is what keeps
 * the count exact: after the one-shot's end, pit_ticks_passed counts exactly
 * `ticks` and the slip is back to the few clocks the CPU took to read it. Pure.
 */
struct pit_oneshot {
    uint32_t count;                     /* input clocks, 1..PIT_MAX_COUNT */
    uint32_t ticks;                     /* tick boundaries it reaches, >= 1 */
};
struct pit_oneshot pit_oneshot_plan(uint32_t lead, uint32_t divisor, uint32_t lag,
                                    uint64_t ticks);

/*
 * The ticks that passed in `elapsed` input clocks of a one-shot planned with
 * `lead`. Restarting the periodic count puts the next tick a whole divisor
 * away, late by the part of a tick already run: *lag keeps that slip (always
 * < divisor) and turns each whole divisor of it into one more tick, so the
 * count never falls behind real time by a tick. Pure.
 */
uint32_t pit_ticks_passed(uint32_t lead, uint32_t divisor, uint32_t elapsed, uint32_t *lag);

/*
 * Tickless idle's choice (timer_idle_until): the ticks ahead to stop the tick
 * for, from tick `now` to `deadline` (UINT64_MAX: none, and so UINT64_MAX
 * ahead); 0 to keep the tick: tick=periodic (`periodic`), or the deadline is
 * the next tick or already past (stopping gains nothing). Pure.
 */
uint64_t pit_idle_ticks(uint64_t now, uint64_t deadline, bool periodic);

/*
 * What pit.c does to the 8254, and all it does: pit_ports for the chip's
 * ports; a host test passes a model of the chip (as pic.c's struct pic_ops).
 */
struct pit_ops {
    void (*program)(uint8_t mode, uint32_t count);  /* channel 0: control word, count */
    uint32_t (*latch)(void);            /* counter latch: channel 0's count (0: 65536) */
    uint8_t (*read_back)(uint32_t *count);          /* read-back: status byte, and count */
};
extern const struct pit_ops pit_ports;

/* Hardware (pit.c). */
void pit_init(void);                    /* hz= from the command line, on pit_ports */
/*
 * Channel 0 ticking at `hz` (PIT_MIN_HZ..PIT_MAX_HZ; `divisor` input clocks a
 * tick, pit_divisor's answer) on `chip`, IRQ 0 its handler, the count from
 * `first_tick` (boot: 0; a host test may start it anywhere, near the end of
 * time too). Called again, it starts over. The divisor comes in, rather than
 * being worked out here, so that the host tests of the given tickless code
 * (labs 1, 3, 6, 9) run without exercise 6's pit_divisor.
 */
void pit_start(const struct pit_ops *chip, uint32_t hz, uint32_t divisor, uint64_t first_tick);

#endif
