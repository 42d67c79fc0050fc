/*
 * test_lab1_irq.c - the IRQ dispatcher (irq_handle, labs/lab1-interrupts/pic.c)
 * on a model of the PC's two 8259As instead of their ports (Intel 8259A
 * datasheet: "Interrupt Sequence", "End of Interrupt", "Cascading").
 *
 * The model keeps each chip's in-service register as the real chips do: an
 * IRQ puts its input in service (a slave IRQ also puts the master's cascade
 * input 2 in service), a non-specific EOI clears the highest-priority bit in
 * service, and a spurious IRQ 7 / 15 sets no bit on the chip that raised it.
 * After every IRQ the registers must be back where they were: an EOI missing
 * leaves a bit set (the PIC holds back that input and all below it), an EOI
 * too many clears another interrupt's bit (the nested one it interrupted).
 * The dispatcher's in-interrupt flag (irq_run, intr_context) is checked too:
 * on in the handler, off again in the exit hook, which may switch threads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "interrupts.h"
#include "lab1_fake.h"
#include "panic.h"
#include "pic.h"

static uint8_t isr[2];                  /* [0] master, [1] slave */
static int isr_reads[2];
static char events[64];                 /* what happened, in order: H handler, S/M EOI, X exit hook */
static int n_events;
static int handled_irq = -1, hooked_irq = -1;

static void event(char c)
{
    if (n_events < (int)sizeof events - 1)
        events[n_events++] = c;
}

static uint8_t model_read_isr(int slave)
{
    isr_reads[slave]++;
    return isr[slave];
}

/* A non-specific EOI ends the highest-priority (lowest-numbered) input in service. */
static void model_send_eoi(int slave)
{
    event(slave ? 'S' : 'M');
    for (int bit = 0; bit < 8; bit++) {
        if (isr[slave] & (1u << bit)) {
            isr[slave] &= (uint8_t)~(1u << bit);
            return;
        }
    }
}

static const struct pic_ops model = { model_read_isr, model_send_eoi };

static bool context_in_handler, context_in_exit_hook;

static void handler(int irq)
{
    handled_irq = irq;
    context_in_handler = intr_context();
    event('H');
}

static void exit_hook(int irq)
{
    hooked_irq = irq;
    context_in_exit_hook = intr_context();
    event('X');
}

static struct irq_table table;

static void reset(void)
{
    memset(&table, 0, sizeof table);
    memset(isr, 0, sizeof isr);
    memset(isr_reads, 0, sizeof isr_reads);
    memset(events, 0, sizeof events);
    n_events = 0;
    handled_irq = hooked_irq = -1;
}

/* The chips deliver `irq` (not spurious): its bits go in service, then the dispatcher runs. */
static void deliver(int irq)
{
    if (irq >= 8) {
        isr[1] |= (uint8_t)(1u << (irq - 8));
        isr[0] |= 1u << PIC_CASCADE_IRQ;
    } else {
        isr[0] |= (uint8_t)(1u << irq);
    }
    irq_run(&table, &model, irq);
}

TEST(every_irq_ends_with_both_chips_idle)
{
    for (int irq = 0; irq < PIC_NIRQ; irq++) {
        reset();
        table.handler[irq] = handler;
        deliver(irq);
        CHECK_EQ(handled_irq, irq);
        CHECK_EQ(isr[0], 0);            /* a master EOI missing: the cascade stays in service */
        CHECK_EQ(isr[1], 0);            /* a slave EOI missing: IRQ 8-15 stop */
        CHECK_EQ(table.stats.count[irq], 1);
        if (host_current_failed) {
            printf("  (IRQ %d: events \"%s\")\n", irq, events);
            return;
        }
    }
}

TEST(handler_first_then_slave_eoi_then_master_eoi_then_exit_hook)
{
    reset();
    table.handler[0] = handler;
    table.exit_hook = exit_hook;
    deliver(0);
    CHECK_STR(events, "HMX");
    CHECK_EQ(hooked_irq, 0);
    reset();
    table.handler[14] = handler;
    table.exit_hook = exit_hook;
    deliver(14);
    CHECK_STR(events, "HSMX");
    CHECK_EQ(hooked_irq, 14);
}

TEST(unregistered_irqs_are_counted_and_eoid)
{
    reset();
    deliver(3);
    deliver(3);
    deliver(9);
    CHECK_EQ(table.stats.count[3], 2);
    CHECK_EQ(table.stats.count[9], 1);
    CHECK_EQ(isr[0], 0);
    CHECK_EQ(isr[1], 0);
    CHECK_STR(events, "MMSM");
}

/* Nested: IRQ 0 is in service (its handler enabled interrupts) when IRQ 7 comes. */
TEST(spurious_irq7_gets_no_eoi_and_no_handler)
{
    reset();
    table.handler[7] = handler;
    table.exit_hook = exit_hook;
    isr[0] = 0x01;
    irq_run(&table, &model, 7);         /* the 8259 set no ISR bit for it */
    CHECK_EQ(isr[0], 0x01);             /* an EOI here would have ended IRQ 0 */
    CHECK_EQ(handled_irq, -1);
    CHECK_EQ(table.stats.spurious7, 1);
    CHECK_EQ(table.stats.count[7], 0);
    CHECK_STR(events, "X");             /* the exit hook still runs */
    CHECK_EQ(isr_reads[0], 1);
    isr[0] = 0;
    deliver(7);                         /* a real IRQ 7: its bit is in service */
    CHECK_EQ(handled_irq, 7);
    CHECK_EQ(table.stats.count[7], 1);
    CHECK_EQ(isr[0], 0);
}

TEST(spurious_irq15_eois_the_master_only)
{
    reset();
    table.handler[15] = handler;
    isr[1] = 0x40;                      /* IRQ 14 in service on the slave */
    isr[0] = 1u << PIC_CASCADE_IRQ;     /* the master put the cascade in service for 15 */
    irq_handle(&table, &model, 15);
    CHECK_EQ(isr[1], 0x40);             /* IRQ 14's bit survives */
    CHECK_EQ(isr[0], 0);                /* the cascade's turn ended */
    CHECK_EQ(handled_irq, -1);
    CHECK_EQ(table.stats.spurious15, 1);
    CHECK_EQ(table.stats.count[15], 0);
    CHECK_STR(events, "M");
    CHECK_EQ(isr_reads[1], 1);
}

/* A handler runs in interrupt context; the exit hook (which may switch threads) and after do not. */
TEST(intr_context_only_while_the_handler_runs)
{
    reset();
    table.handler[1] = handler;
    table.exit_hook = exit_hook;
    CHECK(!intr_context());
    context_in_handler = false;
    context_in_exit_hook = true;
    deliver(1);
    CHECK(context_in_handler);
    CHECK(!context_in_exit_hook);
    CHECK(!intr_context());
    deliver(7);                         /* and after a spurious one, with no handler */
    CHECK(!intr_context());
}

/* The ISR read costs port accesses on every IRQ: only 7 and 15 can be spurious. */
TEST(isr_read_only_for_irq_7_and_15)
{
    reset();
    for (int irq = 0; irq < PIC_NIRQ; irq++)
        deliver(irq);
    CHECK_EQ(isr_reads[0], 1);
    CHECK_EQ(isr_reads[1], 1);
    for (int irq = 0; irq < PIC_NIRQ; irq++)
        CHECK_EQ(table.stats.count[irq], 1);
    CHECK_EQ(table.stats.spurious7 + table.stats.spurious15, 0);
}

int main(void)
{
    RUN(every_irq_ends_with_both_chips_idle);
    RUN(handler_first_then_slave_eoi_then_master_eoi_then_exit_hook);
    RUN(unregistered_irqs_are_counted_and_eoid);
    RUN(spurious_irq7_gets_no_eoi_and_no_handler);
    RUN(spurious_irq15_eois_the_master_only);
    RUN(isr_read_only_for_irq_7_and_15);
    RUN(intr_context_only_while_the_handler_runs);
    return host_summary("lab1 irq");
}
