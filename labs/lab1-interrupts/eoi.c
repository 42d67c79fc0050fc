/*
 * eoi.c - the end-of-interrupt rule for two cascaded 8259As, kept apart from
 * the port I/O so the host tests can check it (8259A datasheet, "End of
 * Interrupt" and "Cascading"; spurious IRQs: "Interrupt Sequence", step 4 -
 * when the request is gone by the second INTA pulse the 8259A answers with
 * its lowest-priority input, IRQ 7, without setting its ISR bit), the order
 * of an IRQ's work around it, and the in-interrupt flag (intr_context).
 */
#include "interrupts.h"
#include "panic.h"
#include "pic.h"

/* Exercise 9: the rule is spelled out in pic.h. */
unsigned pic_eoi_plan(int irq, uint8_t isr)
{
    /* LAB 1: BEGIN SOLUTION */
    int line = irq & 7;                 /* the input on its own PIC */
    int in_service = isr >> line & 1;

    if (irq == 7 && !in_service)
        return PIC_SPURIOUS;            /* the master never put it in service */
    if (irq == 15 && !in_service)       /* the slave didn't, but the master did (IRQ 2) */
        return PIC_SPURIOUS | PIC_EOI_MASTER;
    if (irq >= 8)
        return PIC_EOI_SLAVE | PIC_EOI_MASTER;
    return PIC_EOI_MASTER;
    /* LAB 1: STUB
    (void)irq; (void)isr;
    panic("lab1: the EOI rule pic_eoi_plan() not implemented");
    LAB 1: END SOLUTION */
}

/* IRQ handlers running now: more than 0 only inside irq_run's irq_handle. */
static int handlers_running;

bool intr_context(void)
{
    return handlers_running > 0;
}

/*
 * Exercise 8: the handler runs before the EOI, so the PIC holds this IRQ
 * (and every lower-priority one) back until the handler is done; the slave's
 * EOI goes before the master's, which ends the cascade's turn.
 */
void irq_handle(struct irq_table *t, const struct pic_ops *pic, int irq)
{
    /* LAB 1: BEGIN SOLUTION */
    /* Only IRQ 7 and 15 can be spurious; the ISR read costs two port accesses. */
    uint8_t isr = irq == 7 || irq == 15 ? pic->read_isr(irq == 15) : 0;
    unsigned plan = pic_eoi_plan(irq, isr);

    if (plan & PIC_SPURIOUS) {
        if (irq == 7)
            t->stats.spurious7++;
        else
            t->stats.spurious15++;
    } else {
        t->stats.count[irq]++;
        if (t->handler[irq])
            t->handler[irq](irq);
    }
    if (plan & PIC_EOI_SLAVE)
        pic->send_eoi(1);
    if (plan & PIC_EOI_MASTER)
        pic->send_eoi(0);
    /* LAB 1: STUB
    (void)t; (void)pic; (void)irq;
    panic("lab1: the IRQ dispatcher irq_handle() not implemented");
    LAB 1: END SOLUTION */
}

/*
 * One IRQ, from its vector's trap handler (pic.c): irq_handle's work in
 * interrupt context, where intr_context() is true and a call that would block
 * asserts; then the exit hook, outside it. The exit hook runs last, when the
 * PIC is no longer waiting for this thread, and may switch threads (lab 6):
 * the thread switched to is not in a handler, whatever stack it came from.
 */
void irq_run(struct irq_table *t, const struct pic_ops *pic, int irq)
{
    handlers_running++;
    irq_handle(t, pic, irq);
    handlers_running--;
    if (t->exit_hook)
        t->exit_hook(irq);
}
