/* e1000.h - what e1000.c (bring-up) and e1000io.c (the futures) share. */
#ifndef CAIRN_E1000_H
#define CAIRN_E1000_H

#include <stdbool.h>
#include <stdint.h>
#include "e1000_ring.h"
#include "future.h"
#include "netdev.h"

#define E1000_NRX 32                    /* descriptors: 32 x 16 bytes, a multiple of 128 */
#define E1000_NTX 32

struct e1000 {
    volatile uint32_t *regs;            /* BAR0, mapped uncached in the kernel's directory */
    bool up;
    int irq;
    uint8_t mac[ETH_ALEN];
    struct e1000_ring ring;
    struct atomic_waker rx_waker, tx_waker;
    volatile bool irq_pending;          /* the IRQ came and is masked until ICR is read */
    struct netdev_stats hw;             /* the card's counters and interrupts, summed */
};
extern struct e1000 e1000;

uint32_t e1000_read(uint32_t reg);
void e1000_write(uint32_t reg, uint32_t v);
/* From a task: acknowledge a pending interrupt (read ICR), count, unmask the line. */
void e1000_service(void);

#endif
