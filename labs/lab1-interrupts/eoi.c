/*
 * eoi.c - the end-of-interrupt rule for two cascaded 8259As, kept apart from
 * the port I/O so the host tests can check it (8259A datasheet, "End of
 * Interrupt" and "Cascading"; spurious IRQs: "Interrupt Sequence", step 4 -
 * when the request is gone by the second INTA pulse the 8259A answers with
 * its lowest-priority input, IRQ 7, without setting its ISR bit).
 */
#include "interrupts.h"
#include "panic.h"
#include "pic.h"

/* Exercise 4: the rule is spelled out in pic.h. */
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
