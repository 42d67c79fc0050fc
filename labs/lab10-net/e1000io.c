/*
 * e1000io.c - the card as lab 3 futures. A poll first finishes what the
 * interrupt started (e1000_service: read ICR, the acknowledge, and unmask
 * the line), then looks at its ring. Leaf futures follow lab 3's rule:
 * check, register the waker, check again, PENDING; the interrupt handler
 * sets its flag before it wakes.
 */
#include "e1000.h"
#include "interrupts.h"
#include "panic.h"
#include "x86.h"

/* Clear-on-read statistics (8254x SDM 13.7), added up at every acknowledge. */
static void add_counters(void)
{
    e1000.hw.crc_errors += e1000_read(E1000_CRCERRS);
    e1000.hw.missed += e1000_read(E1000_MPC);
    e1000.hw.rx_no_buffer += e1000_read(E1000_RNBC);
}

/* Exercise 3b: finish what the interrupt started: acknowledge, count, unmask. */
void e1000_service(void)
{
    assert(!intr_context());
    /* LAB 10: BEGIN SOLUTION */
    if (!e1000.irq_pending)
        return;
    e1000.irq_pending = false;
    uint32_t icr = e1000_read(E1000_ICR);      /* acknowledges: the line goes low */
    if (icr & ICR_RXO)
        e1000.hw.rx_overruns++;
    add_counters();
    irq_enable(e1000.irq);
    /* LAB 10: STUB
    (void)add_counters;
    panic("lab10: e1000_service not implemented");
    LAB 10: END SOLUTION */
}

static enum poll rx_poll(struct future *self, struct context *cx)
{
    struct netdev_rx_future *f = (struct netdev_rx_future *)self;

    for (int pass = 0; pass < 2; pass++) {
        e1000_service();
        int len;
        while ((len = rx_take(&e1000.ring, f->buf, f->cap)) == 0)
            ;                           /* a frame dropped and counted: the next one */
        if (len > 0) {
            f->len = (size_t)len;
            return POLL_READY;
        }
        if (pass == 0)
            atomic_waker_register(&e1000.rx_waker, cx);
    }
    return POLL_PENDING;
}

void netdev_rx_next(struct netdev_rx_future *f, uint8_t *buf, size_t cap)
{
    assert(e1000.up);
    f->base.poll = rx_poll;
    f->buf = buf;
    f->cap = cap;
    f->len = 0;
}

static enum poll tx_poll(struct future *self, struct context *cx)
{
    struct netdev_tx_future *f = (struct netdev_tx_future *)self;

    for (int pass = 0; pass < 2; pass++) {
        e1000_service();
        if (tx_put(&e1000.ring, f->frame, f->len) == 0)
            return POLL_READY;
        if (pass == 0)
            atomic_waker_register(&e1000.tx_waker, cx);
    }
    return POLL_PENDING;
}

void netdev_tx(struct netdev_tx_future *f, const uint8_t *frame, size_t len)
{
    assert(e1000.up && len > 0 && len <= E1000_BUF_SIZE);
    f->base.poll = tx_poll;
    f->frame = frame;
    f->len = len;
}

bool netdev_present(void)
{
    return e1000.up;
}

void netdev_mac(uint8_t mac[ETH_ALEN])
{
    for (int i = 0; i < ETH_ALEN; i++)
        mac[i] = e1000.mac[i];
}

struct netdev_stats netdev_stats(void)
{
    struct netdev_stats s = e1000.hw;
    const struct e1000_ring_stats *r = &e1000.ring.stats;

    s.rx_frames = r->rx_frames;
    s.tx_frames = r->tx_frames;
    s.rx_errors = r->rx_errors;
    s.rx_split = r->rx_split;
    s.tx_full = r->tx_full;
    return s;
}
