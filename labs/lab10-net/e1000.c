/*
 * e1000.c - the Intel 82540EM found by lab 5's scan (8086:100E): BAR0's
 * registers mapped uncached, the reset, the address from the EEPROM, the
 * descriptor rings and the legacy interrupt. The order is the 8254x SDM's
 * (14.3 general configuration, 14.4 receive, 14.5 transmit initialization).
 *
 * The registers are mapped in the kernel's page directory only (processes'
 * directories share just the identity map below USER_BASE). The interrupt
 * handler therefore never touches them: it masks the line at the PIC and
 * wakes the futures, and the first task to run reads ICR (which acknowledges
 * the interrupt and lowers the line) and unmasks it (e1000_service).
 */
#include "e1000.h"
#include "heap.h"
#include "interrupts.h"
#include "kprintf.h"
#include "labinit.h"
#include "panic.h"
#include "pci.h"
#include "uvm.h"
#include "x86.h"

#define PTE_PWT 0x008                   /* write-through */
#define PTE_PCD 0x010                   /* cache disabled: registers, not memory */
#define RESET_SPINS   1000000           /* bounded waits on the card */
#define EEPROM_SPINS  100000

struct e1000 e1000;

uint32_t e1000_read(uint32_t reg)
{
    return e1000.regs[reg / 4];
}

void e1000_write(uint32_t reg, uint32_t v)
{
    e1000.regs[reg / 4] = v;
}

static void write_tail(void *card, uint32_t reg, uint32_t v)
{
    (void)card;
    e1000_write(reg, v);
}

static int map_registers(uint32_t base)
{
    for (uint32_t off = 0; off < E1000_MMIO_SIZE; off += PAGE_SIZE) {
        pte_t *pte = pgtable_walk(&frame_pool, kernel_pgdir, base + off, true, 0);
        if (!pte)
            return -1;
        *pte = (base + off) | PTE_P | PTE_W | PTE_PCD | PTE_PWT;   /* lab 8 maps only RAM */
        tlb_invalidate(base + off);
    }
    e1000.regs = (volatile uint32_t *)(uintptr_t)base;
    return 0;
}

static int reset(void)
{
    e1000_write(E1000_IMC, 0xFFFFFFFFu);
    e1000_write(E1000_CTRL, e1000_read(E1000_CTRL) | CTRL_RST);
    for (int i = 0; i < RESET_SPINS; i++)
        if (!(e1000_read(E1000_CTRL) & CTRL_RST)) {
            e1000_write(E1000_IMC, 0xFFFFFFFFu);    /* the reset may raise causes */
            (void)e1000_read(E1000_ICR);
            return 0;
        }
    return -1;
}

/* Exercise 2a: one EEPROM word through EERD (13.4.4): start, wait for DONE (bounded). */
static int eeprom_word(uint32_t addr, uint16_t *out)
{
    /* LAB 10: BEGIN SOLUTION */
    e1000_write(E1000_EERD, EERD_START | addr << EERD_ADDR_SHIFT);
    for (int i = 0; i < EEPROM_SPINS; i++) {
        uint32_t v = e1000_read(E1000_EERD);
        if (v & EERD_DONE) {
            *out = (uint16_t)(v >> EERD_DATA_SHIFT);
            return 0;
        }
    }
    return -1;
    /* LAB 10: STUB
    (void)addr; (void)out;
    panic("lab10: eeprom_word not implemented");
    LAB 10: END SOLUTION */
}

static int read_mac(void)
{
    for (uint32_t w = 0; w < EEPROM_MAC_WORDS; w++) {
        uint16_t v;
        if (eeprom_word(w, &v))
            return -1;
        e1000.mac[2 * w] = (uint8_t)v;
        e1000.mac[2 * w + 1] = (uint8_t)(v >> 8);
    }
    const uint8_t *m = e1000.mac;
    e1000_write(E1000_RAL0, m[0] | m[1] << 8 | m[2] << 16 | (uint32_t)m[3] << 24);
    e1000_write(E1000_RAH0, m[4] | m[5] << 8 | RAH_AV);
    for (int i = 0; i < E1000_MTA_WORDS; i++)
        e1000_write(E1000_MTA + 4 * i, 0);
    return 0;
}

/* Descriptors and buffers from the kernel heap: identity-mapped, so virtual = physical. */
static int alloc_rings(struct e1000_ring *r)
{
    r->nrx = E1000_NRX;
    r->ntx = E1000_NTX;
    r->rx = kzalloc(E1000_NRX * sizeof *r->rx);
    r->tx = kzalloc(E1000_NTX * sizeof *r->tx);
    r->rx_buf = kmalloc(E1000_NRX * sizeof *r->rx_buf);
    r->tx_buf = kmalloc(E1000_NTX * sizeof *r->tx_buf);
    if (!r->rx || !r->tx || !r->rx_buf || !r->tx_buf)
        return -1;
    for (uint32_t i = 0; i < E1000_NRX; i++)
        r->rx[i].addr = (uintptr_t)r->rx_buf[i];
    for (uint32_t i = 0; i < E1000_NTX; i++)
        r->tx[i].addr = (uintptr_t)r->tx_buf[i];
    r->write_tail = write_tail;
    return 0;
}

/*
 * Exercise 2b: the rings' registers (14.4, 14.5): base, length, head; ring_reset for the
 * tails; then TIPG, TCTL, RCTL, and the link up. The order matters: enable last.
 */
static void start_rings(struct e1000_ring *r)
{
    /* LAB 10: BEGIN SOLUTION */
    e1000_write(E1000_RDBAL, (uintptr_t)r->rx);
    e1000_write(E1000_RDBAH, 0);
    e1000_write(E1000_RDLEN, E1000_NRX * sizeof *r->rx);
    e1000_write(E1000_RDH, 0);
    e1000_write(E1000_RDTR, 0);
    e1000_write(E1000_TDBAL, (uintptr_t)r->tx);
    e1000_write(E1000_TDBAH, 0);
    e1000_write(E1000_TDLEN, E1000_NTX * sizeof *r->tx);
    e1000_write(E1000_TDH, 0);
    ring_reset(r);
    e1000_write(E1000_TIPG, TIPG_VALUE);
    e1000_write(E1000_TCTL, TCTL_EN | TCTL_PSP | 0x10u << TCTL_CT_SHIFT | 0x40u << TCTL_COLD_SHIFT);
    e1000_write(E1000_RCTL, RCTL_EN | RCTL_BAM | RCTL_BSIZE_2048 | RCTL_SECRC);
    e1000_write(E1000_CTRL, e1000_read(E1000_CTRL) | CTRL_SLU | CTRL_ASDE);
    /* LAB 10: STUB
    (void)r;
    panic("lab10: start_rings not implemented");
    LAB 10: END SOLUTION */
}

/* Exercise 3a: the interrupt. IF=0; the registers may not be mapped here (see the top). */
static void e1000_irq(int irq)
{
    /* LAB 10: BEGIN SOLUTION */
    irq_disable(irq);
    e1000.irq_pending = true;
    e1000.hw.irqs++;
    atomic_waker_wake(&e1000.rx_waker);
    atomic_waker_wake(&e1000.tx_waker);
    /* LAB 10: STUB
    (void)irq;
    panic("lab10: e1000_irq not implemented");
    LAB 10: END SOLUTION */
}

static int e1000_attach(struct pci_device *d)
{
    const char *why = 0;

    if (d->bar[0].kind != PCI_BAR_MEM32 || d->irq_line == 0xFF || d->irq_line >= 16)
        why = "no 32-bit memory BAR0 or no legacy IRQ";
    else if (map_registers((uint32_t)d->bar[0].base))
        why = "no frame for the page table of its registers";
    else if (reset())
        why = "the reset never finished";
    else if (read_mac())
        why = "the EEPROM never answered";
    else if (alloc_rings(&e1000.ring))
        why = "no memory for the rings";
    if (why) {
        kprintf("e1000: %02x:%02x.%x: %s\n", PCI_BUS(d->bdf), PCI_SLOT(d->bdf), PCI_FUNC(d->bdf), why);
        return -1;
    }
    pci_write16(d->bdf, PCI_COMMAND, pci_read16(d->bdf, PCI_COMMAND) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    e1000.irq = d->irq_line;
    start_rings(&e1000.ring);
    irq_register(e1000.irq, e1000_irq);
    e1000_write(E1000_IMS, E1000_IRQ_CAUSES);
    e1000.up = true;
    const uint8_t *m = e1000.mac;
    kprintf("e1000: %02x:%02x.%x mac %02x:%02x:%02x:%02x:%02x:%02x irq %d\n", PCI_BUS(d->bdf),
            PCI_SLOT(d->bdf), PCI_FUNC(d->bdf), m[0], m[1], m[2], m[3], m[4], m[5], e1000.irq);
    return 0;
}

static const struct pci_driver e1000_driver = {
    "e1000", { E1000_VENDOR_INTEL, E1000_DEV_82540EM, PCI_ANY, PCI_ANY }, e1000_attach,
};

/* After lab 5's scan and lab 8's paging: bind the first free 82540EM. */
static void lab10_init(void)
{
    for (int i = 0; i < pci_device_count() && !e1000.up; i++) {
        struct pci_device *d = pci_device_at(i);
        if (!d->driver && pci_driver_matches(&e1000_driver.match, d) && e1000_attach(d) == 0)
            d->driver = &e1000_driver;
    }
}
LAB_INIT(lab10_init);
