/*
 * netdev.h - lab 10's network card as lab 3 futures: the next received
 * frame, and a transmit that waits for room in the ring. Both are woken by
 * the card's interrupt; nothing polls the card in a loop. One receiver and
 * one transmitter at a time (each has one waker slot).
 */
#ifndef CAIRN_NETDEV_H
#define CAIRN_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "future.h"

#define ETH_ALEN      6
#define ETH_FRAME_MAX 1514              /* header + 1500, without the CRC */

struct netdev_stats {
    uint32_t rx_frames, tx_frames, irqs;
    uint32_t rx_errors, rx_split, tx_full;      /* the rings' (e1000_ring.h) */
    uint32_t crc_errors, missed, rx_no_buffer;  /* the card's counters (8254x SDM 13.7) */
    uint32_t rx_overruns;                       /* ICR.RXO interrupts */
};

bool netdev_present(void);                      /* an e1000 was bound and is up */
void netdev_mac(uint8_t mac[ETH_ALEN]);
struct netdev_stats netdev_stats(void);

/* READY with the next frame in buf (len bytes). Re-initialise it for each frame. */
struct netdev_rx_future {
    struct future base;
    uint8_t *buf;
    size_t cap;
    size_t len;                                 /* the result */
};
void netdev_rx_next(struct netdev_rx_future *f, uint8_t *buf, size_t cap);

/* READY once the frame is in the transmit ring (copied: frame may be reused then). */
struct netdev_tx_future {
    struct future base;
    const uint8_t *frame;
    size_t len;
};
void netdev_tx(struct netdev_tx_future *f, const uint8_t *frame, size_t len);

#endif
