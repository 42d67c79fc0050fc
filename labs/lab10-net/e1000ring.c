/*
 * e1000ring.c - the descriptor rings' bookkeeping (8254x SDM 3.2.6 receive
 * descriptor queue, 3.3.4 transmit descriptor ring): the software side of
 * the head/tail protocol. The card owns descriptors from head up to tail;
 * software owns the rest. A descriptor becomes the card's when the tail
 * moves past it, so every field must be written before the tail is: the
 * barrier stops the compiler from moving the stores across the MMIO write.
 */
#include "e1000_ring.h"
#include "kstring.h"
#include "panic.h"

#define compiler_barrier() __asm__ volatile("" ::: "memory")

uint32_t tx_ring_free(const struct e1000_ring *r)
{
    return r->ntx - 1 - ring_used(r->tx_clean, r->tx_tail, r->ntx);
}

void ring_reset(struct e1000_ring *r)
{
    for (uint32_t i = 0; i < r->nrx; i++)
        r->rx[i].status = 0;
    for (uint32_t i = 0; i < r->ntx; i++) {
        r->tx[i].status = 0;
        r->tx[i].cmd = 0;
    }
    r->rx_next = 0;
    r->tx_tail = r->tx_clean = 0;
    r->write_tail(r->card, E1000_RDT, r->nrx - 1);
    r->write_tail(r->card, E1000_TDT, 0);
}

int rx_ready(const struct e1000_ring *r)
{
    return (r->rx[r->rx_next].status & RXD_STAT_DD) != 0;
}

/* Exercise 1a: the receive side. */
int rx_take(struct e1000_ring *r, uint8_t *out, size_t cap)
{
    /* LAB 10: BEGIN SOLUTION */
    struct e1000_rx_desc *d = &r->rx[r->rx_next];
    int len;

    if (!(d->status & RXD_STAT_DD))
        return -1;
    compiler_barrier();                 /* read the length only after DD */
    len = d->length;
    if (d->errors & (RXD_ERR_CE | RXD_ERR_RXE)) {
        r->stats.rx_errors++;
        len = 0;
    } else if (!(d->status & RXD_STAT_EOP) || (size_t)len > cap) {
        r->stats.rx_split++;
        len = 0;
    } else {
        memcpy(out, r->rx_buf[r->rx_next], (size_t)len);
        r->stats.rx_frames++;
    }
    d->status = 0;
    d->errors = 0;
    compiler_barrier();                 /* the descriptor is clean before the card sees it */
    r->write_tail(r->card, E1000_RDT, r->rx_next);
    r->rx_next = ring_next(r->rx_next, r->nrx);
    return len;
    /* LAB 10: STUB
    (void)r; (void)out; (void)cap;
    panic("lab10: rx_take not implemented");
    LAB 10: END SOLUTION */
}

void tx_reclaim(struct e1000_ring *r)
{
    /* LAB 10: BEGIN SOLUTION */
    while (r->tx_clean != r->tx_tail && (r->tx[r->tx_clean].status & TXD_STAT_DD))
        r->tx_clean = ring_next(r->tx_clean, r->ntx);
    /* LAB 10: STUB
    (void)r;
    panic("lab10: tx_reclaim not implemented");
    LAB 10: END SOLUTION */
}

/* Exercise 1b: the transmit side (tx_reclaim above is 1c). */
int tx_put(struct e1000_ring *r, const uint8_t *frame, size_t len)
{
    /* LAB 10: BEGIN SOLUTION */
    struct e1000_tx_desc *d = &r->tx[r->tx_tail];

    tx_reclaim(r);
    if (tx_ring_free(r) == 0) {
        r->stats.tx_full++;
        return -1;
    }
    memcpy(r->tx_buf[r->tx_tail], frame, len);
    d->length = (uint16_t)len;
    d->cso = d->css = 0;
    d->special = 0;
    d->status = 0;
    d->cmd = TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS;
    compiler_barrier();                 /* the descriptor, then the tail */
    r->tx_tail = ring_next(r->tx_tail, r->ntx);
    r->write_tail(r->card, E1000_TDT, r->tx_tail);
    r->stats.tx_frames++;
    return 0;
    /* LAB 10: STUB
    (void)r; (void)frame; (void)len;
    panic("lab10: tx_put not implemented");
    LAB 10: END SOLUTION */
}
