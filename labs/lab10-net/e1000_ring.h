/*
 * e1000_ring.h - the receive and transmit descriptor rings as plain memory
 * (8254x SDM 3.2.6 and 3.3.4): which descriptor is the next to read, where
 * the tail goes, how many slots are free. Pure code: the host tests run it
 * against a fake card (tests/test_lab10_ring.c); e1000.c gives it the real
 * tail registers.
 */
#ifndef CAIRN_E1000_RING_H
#define CAIRN_E1000_RING_H

#include <stddef.h>
#include <stdint.h>
#include "e1000_hw.h"

#define E1000_BUF_SIZE 2048             /* RCTL_BSIZE_2048: a whole frame fits one */

struct e1000_ring_stats {
    uint32_t rx_frames, tx_frames;
    uint32_t rx_errors;                 /* CRC or data errors the descriptor reported */
    uint32_t rx_split;                  /* frames longer than a buffer (no EOP): dropped */
    uint32_t tx_full;                   /* a transmit found no free slot (and waited) */
};

struct e1000_ring {
    struct e1000_rx_desc *rx;           /* nrx descriptors, each with its buffer */
    uint8_t (*rx_buf)[E1000_BUF_SIZE];
    uint32_t nrx, rx_next;              /* rx_next: the next descriptor the card fills */
    struct e1000_tx_desc *tx;
    uint8_t (*tx_buf)[E1000_BUF_SIZE];
    uint32_t ntx, tx_tail, tx_clean;    /* tx_clean: the oldest one not yet seen done */
    /* The card's tail register (E1000_RDT or E1000_TDT) gets v. */
    void (*write_tail)(void *card, uint32_t reg, uint32_t v);
    void *card;
    struct e1000_ring_stats stats;
};

static inline uint32_t ring_next(uint32_t i, uint32_t n)
{
    return i + 1 == n ? 0 : i + 1;
}

/* Descriptors handed to the card and not yet reclaimed, from clean up to tail. */
static inline uint32_t ring_used(uint32_t clean, uint32_t tail, uint32_t n)
{
    return tail >= clean ? tail - clean : n - clean + tail;
}

/* Transmit slots free: one always stays empty, since head == tail means "none queued". */
uint32_t tx_ring_free(const struct e1000_ring *r);

/* After the descriptors hold their buffers' addresses: the software state of a fresh
   ring, and the tails the card starts with (RDT n-1: every receive slot but one is its). */
void ring_reset(struct e1000_ring *r);

/*
 * The next received frame: copies it to out (at most cap bytes) and gives the
 * descriptor back to the card. >= 0: the frame's length (0: a frame dropped and
 * counted: an error, or longer than a buffer); -1: nothing has arrived.
 */
int rx_take(struct e1000_ring *r, uint8_t *out, size_t cap);
/* True when rx_take would find a frame. */
int rx_ready(const struct e1000_ring *r);

/* Queue one frame of len bytes (1..E1000_BUF_SIZE): 0, or -1 when the ring is full. */
int tx_put(struct e1000_ring *r, const uint8_t *frame, size_t len);
/* Take back every descriptor the card has finished with. */
void tx_reclaim(struct e1000_ring *r);

#endif
