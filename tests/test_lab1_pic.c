/*
 * test_lab1_pic.c - the pure rules of lab 1's hardware: the 8259 EOI rule
 * with spurious IRQ 7/15 (pic.c), and the PIT divisor and the one-shot's
 * arithmetic (pit.c's pure functions; its chip code is linked, never run).
 */
#include <stdint.h>
#include <stdlib.h>
#include "host.h"
#include "panic.h"
#include "interrupts.h"
#include "lab1_fake.h"
#include "machine.h"
#include "pic.h"
#include "pit.h"

/* pit.c's idle, never run here (the rest it calls: lab1_fake.h). */
void intr_enable_and_halt(void) { abort(); }

TEST(master_irqs_eoi_master_only)
{
    for (int irq = 0; irq < 8; irq++)
        CHECK_EQ(pic_eoi_plan(irq, (uint8_t)(1u << irq)), PIC_EOI_MASTER);
}

TEST(slave_irqs_eoi_slave_then_master)
{
    for (int irq = 8; irq < 16; irq++)
        CHECK_EQ(pic_eoi_plan(irq, (uint8_t)(1u << (irq - 8))), PIC_EOI_SLAVE | PIC_EOI_MASTER);
}

TEST(spurious_irq7_gets_no_eoi)
{
    CHECK_EQ(pic_eoi_plan(7, 0x00), PIC_SPURIOUS);
    CHECK_EQ(pic_eoi_plan(7, 0x7F), PIC_SPURIOUS);     /* other inputs in service: still spurious */
    CHECK_EQ(pic_eoi_plan(7, 0x80), PIC_EOI_MASTER);
}

TEST(spurious_irq15_eois_master_only)
{
    CHECK_EQ(pic_eoi_plan(15, 0x00), PIC_SPURIOUS | PIC_EOI_MASTER);
    CHECK_EQ(pic_eoi_plan(15, 0x40), PIC_SPURIOUS | PIC_EOI_MASTER);  /* IRQ 14 in service */
    CHECK_EQ(pic_eoi_plan(15, 0x80), PIC_EOI_SLAVE | PIC_EOI_MASTER);
}

/* The dispatcher reads the ISR only for IRQ 7 and 15, and passes 0 for the others. */
TEST(isr_matters_only_for_irq_7_and_15)
{
    for (int irq = 0; irq < 16; irq++) {
        if (irq == 7 || irq == 15)
            continue;
        unsigned want = irq < 8 ? PIC_EOI_MASTER : PIC_EOI_SLAVE | PIC_EOI_MASTER;
        CHECK_EQ(pic_eoi_plan(irq, 0), want);
        CHECK_EQ(pic_eoi_plan(irq, 0xFF), want);
    }
}

TEST(pit_divisors)
{
    CHECK_EQ(pit_divisor(1000), 1193);          /* 1193.182 */
    CHECK_EQ(pit_divisor(100), 11932);          /* 11931.82: rounded, not truncated */
    CHECK_EQ(pit_divisor(19), 62799);
    CHECK_EQ(pit_divisor(10000), 119);
    CHECK_EQ(pit_divisor(250), 4773);
    for (uint32_t hz = PIT_MIN_HZ; hz <= PIT_MAX_HZ; hz++) {
        uint32_t d = pit_divisor(hz);
        CHECK(d >= 1 && d <= 0xFFFF);
        /* the nearest divisor: no neighbour gives a rate closer to hz */
        uint64_t err = d * (uint64_t)hz > PIT_INPUT_HZ ? d * (uint64_t)hz - PIT_INPUT_HZ
                                                       : PIT_INPUT_HZ - d * (uint64_t)hz;
        CHECK(2 * err <= hz);
        if (host_current_failed)
            break;
    }
}

TEST(pit_rejects_rates_out_of_range)
{
    CHECK_EQ(pit_divisor(0), 0);
    CHECK_EQ(pit_divisor(18), 0);               /* would need a divisor above 65535 */
    CHECK_EQ(pit_divisor(10001), 0);
    CHECK_EQ(pit_divisor(0xFFFFFFFF), 0);
}

/* The tickless idle's one-shot (given code): it ends on a tick boundary, within 16 bits. */
TEST(pit_oneshot_ends_on_a_tick_boundary_within_16_bits)
{
    struct pit_oneshot p = pit_oneshot_plan(1193, 1193, 0, 30);
    CHECK_EQ(p.ticks, 30);
    CHECK_EQ(p.count, 30 * 1193);
    p = pit_oneshot_plan(200, 1193, 0, 30);          /* 200 clocks were left of this tick */
    CHECK_EQ(p.count, 200 + 29 * 1193);
    p = pit_oneshot_plan(1193, 1193, 0, UINT64_MAX); /* the cap: 54 whole ticks, 54.9 ms */
    CHECK_EQ(p.ticks, 54);
    CHECK_EQ(p.count, 54 * 1193);
    p = pit_oneshot_plan(1, 1193, 0, UINT64_MAX);    /* a tick just ending leaves room for 55 */
    CHECK_EQ(p.ticks, 55);
    CHECK(p.count <= PIT_MAX_COUNT);
    p = pit_oneshot_plan(62799, 62799, 0, 5);        /* 19 Hz: one tick is all that fits */
    CHECK_EQ(p.ticks, 1);
    for (uint32_t lead = 1; lead <= 1193; lead += 7) {
        p = pit_oneshot_plan(lead, 1193, 0, 1000);
        CHECK(p.count <= PIT_MAX_COUNT && p.count + 1193 > PIT_MAX_COUNT);   /* no room for one more */
        CHECK_EQ((p.count - lead) % 1193, 0);
    }
}

/* With a slip, the one-shot aims at the count's grid: it counts exactly its ticks, and the
   slip it leaves is only what ran after its end (read late by `late` clocks). */
TEST(pit_oneshot_on_the_counts_grid_counts_exactly_and_takes_up_the_slip)
{
    struct pit_oneshot p = pit_oneshot_plan(1193, 1193, 300, 30);
    CHECK_EQ(p.count, 1193 - 300 + 29 * 1193);
    CHECK_EQ(p.ticks, 30);
    p = pit_oneshot_plan(200, 1193, 300, 30);     /* the count's boundary has passed */
    CHECK_EQ(p.count, 200 + 1193 - 300 + 28 * 1193);
    CHECK_EQ(p.ticks, 30);
    p = pit_oneshot_plan(200, 1193, 300, 1);      /* and it is the one asked for */
    CHECK_EQ(p.count, 1);
    CHECK_EQ(p.ticks, 1);
    p = pit_oneshot_plan(1193, 1193, 1192, UINT64_MAX);
    CHECK(p.count <= PIT_MAX_COUNT && p.count + 1193 > PIT_MAX_COUNT);
    for (uint32_t lead = 1; lead <= 1193; lead += 13) {
        for (uint32_t lag = 0; lag < 1193; lag += 17) {
            for (uint32_t late = 0; late < 1193; late += 397) {
                for (uint64_t ticks = 2; ticks <= 60; ticks += 29) {
                    p = pit_oneshot_plan(lead, 1193, lag, ticks);
                    uint32_t slip = lag;
                    CHECK_EQ(pit_ticks_passed(lead, 1193, p.count + late, &slip), p.ticks);
                    CHECK_EQ(slip, late);
                }
            }
            if (host_current_failed)
                return;
        }
    }
}

TEST(pit_ticks_passed_is_exact_and_carries_the_slip)
{
    uint32_t lag = 0;
    CHECK_EQ(pit_ticks_passed(200, 1193, 200 + 29 * 1193, &lag), 30);   /* the one-shot's end */
    CHECK_EQ(lag, 0);
    CHECK_EQ(pit_ticks_passed(200, 1193, 199, &lag), 0);                /* woken before a tick */
    CHECK_EQ(lag, 1193 - 1);                    /* the tick restarts late by all it had run */
    CHECK_EQ(pit_ticks_passed(200, 1193, 200 + 5, &lag), 2);            /* 1, and the slip's */
    CHECK_EQ(lag, 4);
    /* Many wake-ups at odd moments: ticks counted + slip = real time, to the clock. */
    uint64_t total = 0, clocks = 0;
    lag = 0;
    uint32_t lead = 1193;
    for (uint32_t i = 0; i < 5000; i++) {
        uint32_t elapsed = (i * 7919u) % 65000u;
        total += pit_ticks_passed(lead, 1193, elapsed, &lag);
        clocks += elapsed + (1193 - lead);      /* what ran of the tick before the stop, too */
        lead = 1193;                            /* a stop right after a restart */
        CHECK_EQ(total * 1193 + lag, clocks);
        if (host_current_failed)
            break;
    }
}

int main(void)
{
    RUN(master_irqs_eoi_master_only);
    RUN(slave_irqs_eoi_slave_then_master);
    RUN(spurious_irq7_gets_no_eoi);
    RUN(spurious_irq15_eois_master_only);
    RUN(isr_matters_only_for_irq_7_and_15);
    RUN(pit_divisors);
    RUN(pit_rejects_rates_out_of_range);
    RUN(pit_oneshot_ends_on_a_tick_boundary_within_16_bits);
    RUN(pit_oneshot_on_the_counts_grid_counts_exactly_and_takes_up_the_slip);
    RUN(pit_ticks_passed_is_exact_and_carries_the_slip);
    return host_summary("lab1 pic+pit");
}
