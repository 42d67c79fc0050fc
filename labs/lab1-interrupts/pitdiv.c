/*
 * pitdiv.c - the PIT divisor for a rate (Intel 8254 datasheet, "Mode 2"):
 * channel 0 counts the 1.193182 MHz input down from the divisor and pulses
 * IRQ 0 when it reaches 1, so the rate is 1193182 / divisor.
 */
#include "panic.h"
#include "pit.h"

/* Exercise 5. */
uint32_t pit_divisor(uint32_t hz)
{
    if (hz < PIT_MIN_HZ || hz > PIT_MAX_HZ)
        return 0;
    /* LAB 1: BEGIN SOLUTION */
    return (PIT_INPUT_HZ + hz / 2) / hz;        /* nearest, not truncated: 1000 Hz -> 1193 */
    /* LAB 1: STUB
    panic("lab1: pit_divisor() not implemented");
    LAB 1: END SOLUTION */
}
