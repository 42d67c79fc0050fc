/*
 * keyboard.c - the PS/2 keyboard behind the 8042 controller. IRQ1 reads one
 * byte and queues it; decoding, echoing and any printing happen outside the
 * interrupt, in whoever calls scancode_pop.
 *
 * (IBM PC AT Technical Reference, "Keyboard Controller": ports 0x60/0x64, the
 * status register and the controller command byte; OSDev wiki "8042 PS/2
 * Controller" for the commands as today's chipsets and QEMU implement them.)
 *
 * The controller translates the keyboard's scan code set 2 into set 1 when bit
 * 6 of its command byte is set. SeaBIOS leaves it set; we set it again rather
 * than trust whoever booted us, and decode set 1 (keymap.c).
 */
#include "keyboard.h"
#include "interrupts.h"
#include "kprintf.h"
#include "labinit.h"
#include "panic.h"
#include "ring.h"
#include "x86.h"

#define I8042_DATA          0x60
#define I8042_STATUS        0x64    /* read */
#define I8042_COMMAND       0x64    /* write */

#define I8042_STR_OBF       0x01    /* output buffer full: a byte waits at 0x60 */
#define I8042_STR_IBF       0x02    /* input buffer full: our last write not yet taken */
#define I8042_STR_AUXDATA   0x20    /* the waiting byte came from the mouse port */

#define I8042_CMD_READ_CTR  0x20    /* the command byte appears at 0x60 */
#define I8042_CMD_WRITE_CTR 0x60    /* the next byte written to 0x60 is the command byte */
#define I8042_CMD_KBD_DIS   0xAD
#define I8042_CMD_KBD_EN    0xAE

#define I8042_CTR_KBDINT    0x01    /* raise IRQ1 when a keyboard byte arrives */
#define I8042_CTR_KBDDIS    0x10    /* keyboard clock off */
#define I8042_CTR_XLATE     0x40    /* translate set 2 to set 1 */

#define I8042_SPINS         100000  /* status polls before we call the controller dead */
#define I8042_FLUSH_MAX     64      /* bytes a sane controller can have buffered (QEMU: 16) */

#define KBD_IRQ             1
#define SCANCODE_QUEUE_SIZE 128     /* power of two; QEMU's own queue is only 16 bytes */

static uint8_t queue_buf[SCANCODE_QUEUE_SIZE];
static struct ring queue;
static void (*volatile notify)(void);
static uint32_t drops_reported;     /* consumer side only */

static void i8042_wait_writable(void)
{
    for (int i = 0; i < I8042_SPINS; i++)
        if (!(inb(I8042_STATUS) & I8042_STR_IBF))
            return;
    panic("kbd: 8042 does not accept commands (status 0x%02x)", inb(I8042_STATUS));
}

static uint8_t i8042_read(void)
{
    for (int i = 0; i < I8042_SPINS; i++)
        if (inb(I8042_STATUS) & I8042_STR_OBF)
            return inb(I8042_DATA);
    panic("kbd: 8042 does not answer (status 0x%02x)", inb(I8042_STATUS));
}

static void i8042_command(uint8_t cmd)
{
    i8042_wait_writable();
    outb(I8042_COMMAND, cmd);
}

/* Throw away whatever the firmware or early keystrokes left behind. */
static void i8042_flush(void)
{
    for (int i = 0; i < I8042_FLUSH_MAX; i++) {
        if (!(inb(I8042_STATUS) & I8042_STR_OBF))
            return;
        inb(I8042_DATA);
    }
    panic("kbd: 8042 output buffer never empties (status 0x%02x)", inb(I8042_STATUS));
}

/*
 * With the keyboard port off, nothing new can arrive between the flush and
 * the command byte's reply, so the byte we read back really is the reply.
 */
static void i8042_init(void)
{
    i8042_command(I8042_CMD_KBD_DIS);
    i8042_flush();
    i8042_command(I8042_CMD_READ_CTR);
    uint8_t ctr = i8042_read();
    ctr |= I8042_CTR_KBDINT | I8042_CTR_XLATE;
    ctr &= (uint8_t)~I8042_CTR_KBDDIS;
    i8042_command(I8042_CMD_WRITE_CTR);
    i8042_wait_writable();
    outb(I8042_DATA, ctr);
    i8042_command(I8042_CMD_KBD_EN);
}

/*
 * IRQ1, with IF=0: take the byte, queue it, wake the consumer. Nothing else:
 * no decoding, no printing, no waiting. Lab 1's dispatcher sends the EOI after
 * we return, so there is none here.
 */
static void keyboard_irq(int irq)
{
    (void)irq;
    /* LAB 2: BEGIN SOLUTION */
    uint8_t status = inb(I8042_STATUS);

    if (!(status & I8042_STR_OBF))
        return;                 /* nothing there: a stale edge from before init */
    uint8_t byte = inb(I8042_DATA);
    if (status & I8042_STR_AUXDATA)
        return;                 /* a mouse byte: read to unblock the port, not ours */
    if (ring_push(&queue, byte)) {
        void (*fn)(void) = notify;
        if (fn)
            fn();
    }
    /* LAB 2: STUB
    panic("lab2: keyboard interrupt handler not implemented");
    LAB 2: END SOLUTION */
}

/*
 * IRQ1 will trust the ring without a second chance, so check it once on a
 * scratch ring first: a broken push or pop stops the boot here, by name,
 * instead of showing up later as keys that vanish or repeat.
 */
static void ring_selftest(void)
{
    uint8_t scratch[4], b;
    struct ring r;

    ring_init(&r, scratch, sizeof(scratch));
    for (int i = 0; i < 6; i++)
        ring_push(&r, (uint8_t)(0xA0 + i));         /* the last two find it full */
    for (int i = 0; i < 4; i++)
        if (!ring_pop(&r, &b) || b != 0xA0 + i)
            panic("kbd: ring self-test: byte %d of 4 is wrong or missing", i);
    if (ring_pop(&r, &b) || ring_dropped(&r) != 2)
        panic("kbd: ring self-test: a full ring must drop (and count) the extra bytes");
}

void lab2_init(void)
{
    ring_selftest();
    ring_init(&queue, queue_buf, SCANCODE_QUEUE_SIZE);
    i8042_init();
    i8042_flush();
    irq_register(KBD_IRQ, keyboard_irq);
    kprintf("kbd: 8042 keyboard on IRQ1, scan code set 1, queue of %u bytes\n",
            (unsigned)SCANCODE_QUEUE_SIZE);
}
LAB_INIT(lab2_init);

/*
 * Exercise 2: drops are counted by the handler and reported here, in task
 * context, once per run of drops; then the consumer's pop.
 */
bool scancode_pop(uint8_t *out)
{
    /* LAB 2: BEGIN SOLUTION */
    uint32_t dropped = ring_dropped(&queue);

    if (dropped != drops_reported) {
        kprintf("kbd: queue full, dropped %u\n", (unsigned)(dropped - drops_reported));
        drops_reported = dropped;
    }
    return ring_pop(&queue, out);
    /* LAB 2: STUB
    (void)out;
    (void)drops_reported;
    panic("lab2: scancode_pop not implemented");
    LAB 2: END SOLUTION */
}

void scancode_set_notify(void (*fn)(void))
{
    notify = fn;
}

/* Exercise 2: two of the producer's counters, from the same instant. */
struct kbd_counters kbd_counters(void)
{
    struct kbd_counters c = { 0, 0 };

    /* LAB 2: BEGIN SOLUTION */
    intr_state_t f = intr_disable();     /* IRQ1 must not land between the two loads */
    c.received = queue.pushed + queue.dropped;
    c.dropped = queue.dropped;
    intr_restore(f);
    /* LAB 2: STUB
    panic("lab2: kbd_counters not implemented");
    LAB 2: END SOLUTION */
    return c;
}
