/*
 * pcilib.c - the parts of PCI that are arithmetic, not port I/O: the
 * CONFIG_ADDRESS layout, BAR decoding and sizing, driver matching. Pure, so
 * the host tests (tests/test_lab5_pci.c) check them on the host.
 * (PCI Local Bus Specification 3.0: 3.2.2.3.2 and 6.2.5.1.)
 */
#include "pci.h"
#include "format.h"
#include "panic.h"

/*
 * Mechanism #1's CONFIG_ADDRESS (spec 3.2.2.3.2, figure 3-2):
 *   bit 31 enable | 23:16 bus | 15:11 device | 10:8 function | 7:2 dword | 1:0 zero
 * A bdf already packs bus, device and function as bits 15:0, so it only
 * moves up 8 bits. Byte and word accesses select their lanes of CONFIG_DATA
 * (0xCFC + (reg & 3)), so the address always names the whole dword.
 */
uint32_t pci_config_address(uint16_t bdf, uint8_t reg)
{
    /* LAB 5: BEGIN SOLUTION */
    return PCI_CONFIG_ENABLE | (uint32_t)bdf << 8 | (reg & 0xFCu);
    /* LAB 5: STUB
    (void)bdf; (void)reg;
    panic("lab5: pci_config_address not implemented");
    LAB 5: END SOLUTION */
}

int pci_bar_slots(uint32_t lo)
{
    if (lo & PCI_BAR_IO_FLAG)
        return 1;
    return (lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_TYPE_64 ? 2 : 1;
}

/*
 * After writing all ones, a BAR reads back ones in exactly the address bits
 * the device lets software set; the bits below its size read zero (spec
 * 6.2.5.1). So the size is the lowest set address bit, once the flag bits
 * are masked off. I/O space is 64 KiB: bits above 15 may read zero, so only
 * the low 16 count. All zeros: the BAR is not implemented.
 */
uint64_t pci_bar_size(uint32_t lo, uint32_t size_lo, uint32_t size_hi)
{
    /* LAB 5: BEGIN SOLUTION */
    uint64_t mask;

    if (lo & PCI_BAR_IO_FLAG)
        mask = size_lo & PCI_BAR_IO_MASK & 0xFFFFu;
    else if ((lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_TYPE_64)
        mask = (uint64_t)size_hi << 32 | (size_lo & PCI_BAR_MEM_MASK);
    else
        mask = size_lo & PCI_BAR_MEM_MASK;
    return mask & -mask;        /* the lowest set bit; 0 when none is */
    /* LAB 5: STUB
    (void)lo; (void)size_lo; (void)size_hi;
    panic("lab5: pci_bar_size not implemented");
    LAB 5: END SOLUTION */
}

void pci_bar_decode(struct pci_bar *bar, uint32_t lo, uint32_t hi,
                    uint32_t size_lo, uint32_t size_hi)
{
    uint32_t type = lo & PCI_BAR_MEM_TYPE;

    *bar = (struct pci_bar){ .kind = PCI_BAR_NONE };
    bar->size = pci_bar_size(lo, size_lo, size_hi);
    if (bar->size == 0)
        return;
    if (lo & PCI_BAR_IO_FLAG) {
        bar->kind = PCI_BAR_IO;
        bar->base = lo & PCI_BAR_IO_MASK;
        return;
    }
    bar->kind = type == PCI_BAR_MEM_TYPE_64 ? PCI_BAR_MEM64 : PCI_BAR_MEM32;
    bar->below_1m = type == PCI_BAR_MEM_TYPE_1M;
    bar->prefetchable = (lo & PCI_BAR_PREFETCH) != 0;
    bar->base = (lo & PCI_BAR_MEM_MASK) | (type == PCI_BAR_MEM_TYPE_64 ? (uint64_t)hi << 32 : 0);
}

char *pci_size_string(char *buf, size_t n, uint64_t size)
{
    static const char units[] = "KMGTPE";
    int u = -1;

    while (size >= 1024 && size % 1024 == 0 && units[u + 1]) {
        size /= 1024;
        u++;
    }
    if (u < 0)
        ksnprintf(buf, n, "%llu", (unsigned long long)size);
    else
        ksnprintf(buf, n, "%llu%c", (unsigned long long)size, units[u]);
    return buf;
}

static bool field_matches(uint32_t want, uint32_t have)
{
    return want == PCI_ANY || want == have;
}

bool pci_driver_matches(const struct pci_match *m, const struct pci_device *d)
{
    return field_matches(m->vendor, d->vendor) && field_matches(m->device, d->device) &&
           field_matches(m->cls, d->cls) && field_matches(m->subclass, d->subclass);
}
