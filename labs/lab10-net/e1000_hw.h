/*
 * e1000_hw.h - the Intel 82540EM's registers and descriptors that lab 10
 * uses, as the PCI/PCI-X Family of Gigabit Ethernet Controllers Software
 * Developer's Manual (8254x SDM) gives them: register offsets in BAR0's
 * memory space (section 13.4), the legacy receive descriptor (3.2.3) and the
 * legacy transmit descriptor (3.3.3). handouts/lab10.md explains each one.
 */
#ifndef CAIRN_E1000_HW_H
#define CAIRN_E1000_HW_H

#include <stdint.h>

#define E1000_VENDOR_INTEL   0x8086
#define E1000_DEV_82540EM    0x100E     /* QEMU's -device e1000 */
#define E1000_MMIO_SIZE      0x20000    /* BAR0: 128 KiB of registers */

/* General (13.4.1-13.4.4). */
#define E1000_CTRL    0x0000
#define   CTRL_ASDE     (1u << 5)       /* auto-speed detection */
#define   CTRL_SLU      (1u << 6)       /* set link up */
#define   CTRL_RST      (1u << 26)      /* device reset: self-clearing */
#define E1000_STATUS  0x0008
#define   STATUS_LU     (1u << 1)       /* link up */
#define E1000_EERD    0x0014            /* EEPROM read (13.4.4) */
#define   EERD_START    (1u << 0)
#define   EERD_DONE     (1u << 4)
#define   EERD_ADDR_SHIFT 8
#define   EERD_DATA_SHIFT 16
#define EEPROM_MAC_WORDS 3              /* words 0-2: the Ethernet address (5.6.1) */

/* Interrupts (13.4.17-13.4.21): the same bits in ICR, IMS and IMC. */
#define E1000_ICR     0x00C0            /* cause: reading it clears it (the acknowledge) */
#define E1000_IMS     0x00D0            /* mask set: enable causes */
#define E1000_IMC     0x00D8            /* mask clear: disable causes */
#define   ICR_TXDW      (1u << 0)       /* a descriptor with RS was written back */
#define   ICR_LSC       (1u << 2)       /* link status change */
#define   ICR_RXDMT0    (1u << 4)       /* free receive descriptors below the threshold */
#define   ICR_RXO       (1u << 6)       /* receiver overrun */
#define   ICR_RXT0      (1u << 7)       /* receive timer: a frame is in memory */
#define E1000_IRQ_CAUSES (ICR_TXDW | ICR_LSC | ICR_RXDMT0 | ICR_RXO | ICR_RXT0)

/* Receive (13.4.22-13.4.30). */
#define E1000_RCTL    0x0100
#define   RCTL_EN       (1u << 1)
#define   RCTL_BAM      (1u << 15)      /* accept broadcast (ARP requests are) */
#define   RCTL_BSIZE_2048 (0u << 16)    /* with BSEX 0 */
#define   RCTL_SECRC    (1u << 26)      /* strip the CRC: lengths are the frame's */
#define E1000_RDBAL   0x2800
#define E1000_RDBAH   0x2804
#define E1000_RDLEN   0x2808            /* bytes; a multiple of 128 */
#define E1000_RDH     0x2810
#define E1000_RDT     0x2818
#define E1000_RDTR    0x2820            /* receive delay timer: 0, interrupt at once */

/* Transmit (13.4.33-13.4.45). */
#define E1000_TCTL    0x0400
#define   TCTL_EN       (1u << 1)
#define   TCTL_PSP      (1u << 3)       /* pad short packets to 64 bytes */
#define   TCTL_CT_SHIFT   4             /* collision threshold: 0x10 */
#define   TCTL_COLD_SHIFT 12            /* collision distance: 0x40 at full duplex */
#define E1000_TIPG    0x0410            /* 82540EM copper: IPGT 10, IPGR1 8, IPGR2 6 */
#define   TIPG_VALUE    (10u | 8u << 10 | 6u << 20)
#define E1000_TDBAL   0x3800
#define E1000_TDBAH   0x3804
#define E1000_TDLEN   0x3808
#define E1000_TDH     0x3810
#define E1000_TDT     0x3818

/* Addresses (13.4.47-13.4.49). */
#define E1000_MTA     0x5200            /* multicast table: 128 words, zeroed */
#define E1000_MTA_WORDS 128
#define E1000_RAL0    0x5400
#define E1000_RAH0    0x5404
#define   RAH_AV        (1u << 31)      /* address valid */

/* Statistics (13.7): clear on read, so the driver adds them up. */
#define E1000_CRCERRS 0x4000            /* CRC errors */
#define E1000_MPC     0x4010            /* missed: no room in the FIFO */
#define E1000_RNBC    0x40A0            /* receive no buffers: the ring was full */

/* The legacy receive descriptor (3.2.3), 16 bytes. */
struct e1000_rx_desc {
    uint64_t addr;                      /* the buffer's physical address */
    uint16_t length;                    /* bytes the card wrote */
    uint16_t checksum;
    uint8_t status;
    uint8_t errors;
    uint16_t special;
} __attribute__((packed));
#define RXD_STAT_DD   0x01              /* descriptor done: the card is through with it */
#define RXD_STAT_EOP  0x02              /* the frame's last descriptor */
#define RXD_ERR_CE    0x01              /* CRC error */
#define RXD_ERR_RXE   0x80              /* receive data error */

/* The legacy transmit descriptor (3.3.3), 16 bytes. */
struct e1000_tx_desc {
    uint64_t addr;
    uint16_t length;
    uint8_t cso;
    uint8_t cmd;
    uint8_t status;
    uint8_t css;
    uint16_t special;
} __attribute__((packed));
#define TXD_CMD_EOP   0x01              /* the frame's last descriptor */
#define TXD_CMD_IFCS  0x02              /* the card appends the CRC */
#define TXD_CMD_RS    0x08              /* report status: write DD back */
#define TXD_STAT_DD   0x01

#endif
