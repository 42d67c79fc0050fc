/*
 * pit.h - the 8254 programmable interval timer, channel 0 on IRQ 0
 * (Intel 8254 datasheet: "Control Word Format", "Mode 2: Rate Generator").
 */
#ifndef CAIRN_LAB1_PIT_H
#define CAIRN_LAB1_PIT_H

#include <stdint.h>
#include "interrupts.h"                 /* PIT_INPUT_HZ */

#define PIT_CH0         0x40
#define PIT_CMD         0x43
#define PIT_SEL_CH0     0x00
#define PIT_ACCESS_LOHI 0x30            /* low byte, then high byte */
#define PIT_MODE_RATE   0x04            /* mode 2: one pulse every `divisor` input clocks */
#define PIT_LATCH_CH0   0x00            /* counter latch command for channel 0 */
#define PIT_DEFAULT_HZ  1000
#define PIT_MIN_HZ      19              /* the 16-bit divisor's limit: 1193182 / 65536 = 18.2 */
#define PIT_MAX_HZ      10000           /* beyond this, TCG spends its time in the handler */

/*
 * The reload value for `hz` ticks per second, rounded to the nearest; 0 when
 * hz is outside PIT_MIN_HZ..PIT_MAX_HZ. Pure.
 */
uint32_t pit_divisor(uint32_t hz);

/* Hardware (pit.c). */
void pit_init(void);

#endif
