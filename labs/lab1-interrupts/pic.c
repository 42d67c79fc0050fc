/*
 * pic.c - the two 8259A PICs: remapped so IRQ n arrives at vector
 * IRQ_BASE + n, a mask per IRQ, and the dispatcher that counts each IRQ,
 * calls its handler and then sends the EOI (Intel 8259A datasheet:
 * "Initialization Command Words", "Operation Command Words", "Cascading",
 * "End of Interrupt"; spurious IRQs: "Interrupt Sequence", step 4 - when the
 * request is gone by the second INTA pulse the 8259A answers with its
 * lowest-priority input, IRQ 7, without setting its ISR bit).
 *
 * The BIOS leaves the master at vectors 8-15, on top of the CPU's own
 * exceptions (#DF is 8): hence the remap. Every vector 0x20-0x2F gets the
 * dispatcher, registered or not, so a stray IRQ is counted and EOI'd rather
 * than hitting an empty gate (#NP) or blocking its PIC forever.
 *
 * The EOI rule and the order of an IRQ's work (pic_eoi_plan, irq_handle,
 * irq_run) reach the chips only through a struct pic_ops, so the host tests
 * run them on a model of the pair; they link this file with fakes of
 * trap_register and the interrupt flag.
 */
#include "interrupts.h"
#include "panic.h"
#include "pic.h"
#include "x86.h"

static struct irq_table irqs;
/* Bit n set = IRQ n masked (OCW1). All but the cascade until someone registers. */
static uint16_t masks = 0xFFFF & ~(1u << PIC_CASCADE_IRQ);

/* Exercise 5: OCW1, after the ICWs: a write to a data port sets that chip's mask. */
static void write_masks(void)
{
    /* LAB 1: BEGIN SOLUTION */
    outb(PIC1_DATA, masks & 0xFF);
    outb(PIC2_DATA, masks >> 8);
    /* LAB 1: STUB
    panic("lab1: write_masks() not implemented (OCW1 to both chips)");
    LAB 1: END SOLUTION */
}

uint16_t pic_read_masks(void)
{
    return (uint16_t)(inb(PIC2_DATA) << 8 | inb(PIC1_DATA));   /* OCW1 reads back */
}

/* OCW3 chooses what the next read of the command port returns. */
uint8_t pic_read_isr(int slave)
{
    uint16_t cmd = slave ? PIC2_CMD : PIC1_CMD;

    outb(cmd, OCW3_READ_ISR);
    uint8_t isr = inb(cmd);
    outb(cmd, OCW3_READ_IRR);           /* back to the power-on default */
    return isr;
}

static void pic_send_eoi(int slave)
{
    outb(slave ? PIC2_CMD : PIC1_CMD, OCW2_EOI);
}

static const struct pic_ops pic_ports = { pic_read_isr, pic_send_eoi };

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
 * One IRQ, from its vector's trap handler (irq_dispatch): irq_handle's work
 * in interrupt context, where intr_context() is true and a call that would
 * block asserts; then the exit hook, outside it. The exit hook runs last,
 * when the PIC is no longer waiting for this thread, and may switch threads
 * (lab 6): the thread switched to is not in a handler, whatever stack it came
 * from.
 */
void irq_run(struct irq_table *t, const struct pic_ops *pic, int irq)
{
    handlers_running++;
    irq_handle(t, pic, irq);
    handlers_running--;
    if (t->exit_hook)
        t->exit_hook(irq);
}

/* Every IRQ vector's trap handler (trap_register, in pic_init): IRQ n's work. */
static void irq_dispatch(struct trapframe *tf)
{
    irq_run(&irqs, &pic_ports, (int)tf->vector - IRQ_BASE);
}

/* Exercise 5: ICW1-ICW4 to both chips; the masks and the handlers follow. */
void pic_init(void)
{
    /* LAB 1: BEGIN SOLUTION */
    /*
     * ICW1 starts the sequence on both; ICW2 is the vector of input 0; ICW3
     * tells the master which input has a slave (a bit mask) and the slave
     * which master input it hangs on (a number); ICW4 selects 8086 mode.
     * io_wait gives an old 8259A time between writes.
     */
    outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
    io_wait();
    outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
    io_wait();
    outb(PIC1_DATA, IRQ_BASE);
    io_wait();
    outb(PIC2_DATA, PIC_SLAVE_VECTOR);
    io_wait();
    outb(PIC1_DATA, 1u << PIC_CASCADE_IRQ);
    io_wait();
    outb(PIC2_DATA, PIC_CASCADE_IRQ);
    io_wait();
    outb(PIC1_DATA, ICW4_8086);
    io_wait();
    outb(PIC2_DATA, ICW4_8086);
    io_wait();
    /* LAB 1: STUB
    panic("lab1: pic_init() not implemented (remap the 8259s to 0x20/0x28)");
    LAB 1: END SOLUTION */
    write_masks();
    /* IRQ vectors are trap handlers like any other (trap.c, trap_register): one way in. */
    for (int irq = 0; irq < PIC_NIRQ; irq++)
        trap_register(IRQ_VECTOR(irq), irq_dispatch);
}

static void check_irq(int irq)
{
    if (irq < 0 || irq >= PIC_NIRQ)
        panic("irq %d: there are only IRQs 0-%d", irq, PIC_NIRQ - 1);
}

void irq_enable(int irq)
{
    check_irq(irq);
    intr_state_t f = intr_disable();
    masks &= (uint16_t)~(1u << irq);
    write_masks();
    intr_restore(f);
}

void irq_disable(int irq)
{
    check_irq(irq);
    intr_state_t f = intr_disable();
    masks |= (uint16_t)(1u << irq);
    write_masks();
    intr_restore(f);
}

void irq_register(int irq, irq_handler_fn fn)
{
    check_irq(irq);
    /* Two drivers on one line would silently steal it (the timer's, say): refuse. */
    if (irqs.handler[irq] && irqs.handler[irq] != fn)
        panic("irq %d: already has a handler", irq);
    irqs.handler[irq] = fn;
    irq_enable(irq);
}

void irq_set_exit_hook(void (*hook)(int irq))
{
    irqs.exit_hook = hook;
}

struct irq_stats irq_stats(void)
{
    intr_state_t f = intr_disable();
    struct irq_stats s = irqs.stats;
    intr_restore(f);
    return s;
}
