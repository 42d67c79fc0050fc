/*
 * test_lab1_pic.c - the pure rules of lab 1's hardware: the 8259 EOI rule
 * with spurious IRQ 7/15 (eoi.c) and the PIT divisor (pitdiv.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include "host.h"
#include "panic.h"
#include "interrupts.h"
#include "pic.h"
#include "pit.h"

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

int main(void)
{
    RUN(master_irqs_eoi_master_only);
    RUN(slave_irqs_eoi_slave_then_master);
    RUN(spurious_irq7_gets_no_eoi);
    RUN(spurious_irq15_eois_master_only);
    RUN(isr_matters_only_for_irq_7_and_15);
    RUN(pit_divisors);
    RUN(pit_rejects_rates_out_of_range);
    return host_summary("lab1 pic+pit");
}
