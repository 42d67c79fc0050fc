/*
 * keyboard.c - the PS/2 keyboard behind the 8042 controller, and the byte
 * ring its interrupt fills. IRQ1 reads one byte and queues it; decoding,
 * echoing and any printing happen outside the interrupt, in whoever calls
 * scancode_pop.
 *
 * (IBM PC AT Technical Reference, "Keyboard Controller": ports 0x60/0x64, the
 * status register and the controller command byte; OSDev wiki "8042 PS/2
 * Controller" for the commands as today's chipsets and QEMU implement them.)
 *
 * The controller translates the keyboard's scan code set 2 into set 1 when bit
 * 6 of its command byte is set. SeaBIOS leaves it set; we set it again rather
 * than trust whoever booted us, and decode set 1 (keymap.c).
 *
 * The ring (ring.h) is the single-producer, single-consumer queue between the
 * two sides. The ordering they rely on is spelled with GCC's __atomic
 * builtins: a release store publishes an index after the data it covers, an
 * acquire load of the other side's index comes before touching that data. On
 * i386 (and x86-64, where the host tests run) these are plain moves: they only
 * stop the compiler from reordering, which is all one CPU needs, and the code
 * stays correct on a machine where the two sides run on two CPUs. The ring is
 * pure C; the host tests (tests/test_lab2_ring.c) run it from this file.
 */
#include "keyboard.h"
#include "interrupts.h"
#include "kprintf.h"
#include "panic.h"
#include "ring.h"
#include "x86.h"

/* Exercise 1 (handouts/lab2.md, section 3). */
void ring_init(struct ring *r, uint8_t *buf, uint32_t capacity)
{
    /* LAB 2: BEGIN SOLUTION */
    assert(capacity >= 2 && (capacity & (capacity - 1)) == 0);
    r->buf = buf;
    r->mask = capacity - 1;
    r->head = r->tail = 0;
    r->pushed = r->dropped = 0;
    /* LAB 2: STUB
    (void)r;
    (void)buf;
    (void)capacity;
    panic("lab2: ring_init not implemented");
    LAB 2: END SOLUTION */
}

bool ring_push(struct ring *r, uint8_t byte)
{
    /* LAB 2: BEGIN SOLUTION */
    uint32_t head = r->head;            /* ours: nobody else writes it */
    uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);

    if (head - tail > r->mask) {        /* full: capacity bytes waiting */
        __atomic_store_n(&r->dropped, r->dropped + 1, __ATOMIC_RELAXED);
        return false;
    }
    r->buf[head & r->mask] = byte;
    __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
    __atomic_store_n(&r->pushed, r->pushed + 1, __ATOMIC_RELAXED);
    return true;
    /* LAB 2: STUB
    (void)r;
    (void)byte;
    panic("lab2: ring_push not implemented");
    LAB 2: END SOLUTION */
}

bool ring_pop(struct ring *r, uint8_t *out)
{
    /* LAB 2: BEGIN SOLUTION */
    uint32_t tail = r->tail;            /* ours: nobody else writes it */
    uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);

    if (head == tail)
        return false;
    *out = r->buf[tail & r->mask];
    __atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
    return true;
    /* LAB 2: STUB
    (void)r;
    (void)out;
    panic("lab2: ring_pop not implemented");
    LAB 2: END SOLUTION */
}

uint32_t ring_count(const struct ring *r)
{
    /* LAB 2: BEGIN SOLUTION */
    return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) -
           __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    /* LAB 2: STUB
    (void)r;
    panic("lab2: ring_count not implemented");
    LAB 2: END SOLUTION */
}

uint32_t ring_capacity(const struct ring *r)
{
    return r->mask + 1;
}

uint32_t ring_dropped(const struct ring *r)
{
    return __atomic_load_n(&r->dropped, __ATOMIC_RELAXED);
}

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

/* Boot (lab 2's init.c, after the ring's self-test): the queue, the 8042, IRQ1. */
void keyboard_init(void)
{
    ring_init(&queue, queue_buf, SCANCODE_QUEUE_SIZE);
    i8042_init();
    i8042_flush();
    irq_register(KBD_IRQ, keyboard_irq);
    kprintf("kbd: 8042 keyboard on IRQ1, scan code set 1, queue of %u bytes\n",
            (unsigned)SCANCODE_QUEUE_SIZE);
}

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
