/*
 * pic.h - the two cascaded 8259A PICs of the PC (Intel 8259A datasheet,
 * "Programming the 8259A": ICW1-4, OCW1-3). Vectors and the public IRQ API
 * are in interrupts.h; this is lab 1's inside.
 */
#ifndef CAIRN_LAB1_PIC_H
#define CAIRN_LAB1_PIC_H

#include <stdint.h>
#include "interrupts.h"

#define PIC1_CMD    0x20        /* master: IRQ 0-7 */
#define PIC1_DATA   0x21
#define PIC2_CMD    0xA0        /* slave: IRQ 8-15, wired to the master's IRQ 2 */
#define PIC2_DATA   0xA1

#define ICW1_ICW4   0x01        /* an ICW4 follows */
#define ICW1_INIT   0x10        /* start the initialisation sequence */
#define ICW4_8086   0x01        /* 8086/88 mode (not MCS-80/85) */
#define OCW2_EOI    0x20        /* non-specific end of interrupt */
#define OCW3_READ_IRR 0x0A      /* the next read of the command port returns the IRR */
#define OCW3_READ_ISR 0x0B      /* ... the ISR */

#define PIC_CASCADE_IRQ 2       /* the master input the slave is wired to */
#define PIC_NIRQ        16
#define PIC_SLAVE_VECTOR (IRQ_BASE + 8)

/* What the dispatcher owes the PICs after IRQ `irq` (pic_eoi_plan). */
#define PIC_EOI_MASTER  0x1
#define PIC_EOI_SLAVE   0x2
#define PIC_SPURIOUS    0x4

/*
 * The EOI rule, pure: `isr` is the in-service register of the PIC whose
 * input `irq` is (the master's for 0-7, the slave's for 8-15), read just
 * before; only IRQ 7 and 15 need it (the dispatcher reads it for no other,
 * and passes 0). A real IRQ 8-15 needs the slave's EOI and then the master's (the
 * master has the cascade input in service); a spurious IRQ 7 needs none, a
 * spurious IRQ 15 only the master's (it did put IRQ 2 in service).
 */
unsigned pic_eoi_plan(int irq, uint8_t isr);

/*
 * The dispatcher's state (pic.c keeps one) and its two chip operations,
 * passed in so that irq_handle stays pure and the host tests can hand it a
 * model of the 8259A pair instead of the ports.
 */
struct irq_table {
    irq_handler_fn handler[PIC_NIRQ];    /* 0: none registered */
    struct irq_stats stats;
    void (*exit_hook)(int irq);          /* after the EOI (lab 6 preempts there) */
};
struct pic_ops {
    uint8_t (*read_isr)(int slave);      /* OCW3: the in-service register */
    void (*send_eoi)(int slave);         /* OCW2: a non-specific EOI */
};

/*
 * The work of one IRQ, `irq` 0-15, with IF = 0: the ISR read for IRQ 7 and
 * 15 only, the count (or the spurious count), the handler if any, and the
 * EOIs pic_eoi_plan asks for - slave first - after the handler. Pure.
 */
void irq_handle(struct irq_table *t, const struct pic_ops *pic, int irq);
/* irq_handle inside the in-interrupt flag (intr_context), then the exit hook. Pure. */
void irq_run(struct irq_table *t, const struct pic_ops *pic, int irq);

/* Hardware (pic.c). */
void pic_init(void);                     /* remap to IRQ_BASE, mask all but the cascade */
uint8_t pic_read_isr(int slave);

#endif
