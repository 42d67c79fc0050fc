/*
 * pitdiv.c - the PIT divisor for a rate (Intel 8254 datasheet, "Mode 2"):
 * channel 0 counts the 1.193182 MHz input down from the divisor and pulses
 * IRQ 0 when it reaches 1, so the rate is 1193182 / divisor. And the
 * arithmetic of the one-shot that replaces the tick while idle ("Mode 0"),
 * and the idle's choice to stop the tick at all. Pure: the host tests run it.
 */
#include "panic.h"
#include "pit.h"

/* Exercise 6 (with pit_program in pit.c). */
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

/* Given code (the tickless challenge, handouts/lab3.md). */
struct pit_oneshot pit_oneshot_plan(uint32_t lead, uint32_t divisor, uint32_t lag, uint64_t ticks)
{
    assert(divisor > 0 && divisor <= PIT_MAX_COUNT);
    assert(lead >= 1 && lead <= divisor && lag < divisor);
    assert(ticks >= 1);
    /* The count's next boundary is `lag` clocks before the chip's. When that has
       passed already (lead <= lag), the count is a tick behind the clock. */
    uint64_t first_tick = lead > lag ? 1 : 2;
    uint32_t first = lead > lag ? lead - lag : lead + divisor - lag;   /* 1..divisor */
    if (ticks < first_tick)
        return (struct pit_oneshot){ 1, 1 };        /* due already: end at once */
    uint64_t reach = first_tick + (PIT_MAX_COUNT - first) / divisor;  /* within 16 bits */
    uint64_t n = ticks < reach ? ticks : reach;
    return (struct pit_oneshot){ first + (uint32_t)(n - first_tick) * divisor, (uint32_t)n };
}

uint32_t pit_ticks_passed(uint32_t lead, uint32_t divisor, uint32_t elapsed, uint32_t *lag)
{
    assert(divisor > 0 && lead >= 1 && lead <= divisor && *lag < divisor);
    uint32_t passed, into;              /* into: clocks already run of the current tick */
    if (elapsed < lead) {
        passed = 0;
        into = divisor - lead + elapsed;
    } else {
        passed = 1 + (elapsed - lead) / divisor;
        into = (elapsed - lead) % divisor;
    }
    *lag += into;
    if (*lag >= divisor) {
        *lag -= divisor;
        passed++;
    }
    return passed;
}

/* Given code (the tickless challenge): see pit.h. */
uint64_t pit_idle_ticks(uint64_t now, uint64_t deadline, bool periodic)
{
    if (periodic || deadline <= now + 1)
        return 0;
    return deadline == UINT64_MAX ? UINT64_MAX : deadline - now;
}
