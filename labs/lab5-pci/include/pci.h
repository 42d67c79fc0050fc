/*
 * pci.h - lab 5's public interface: PCI configuration space, the devices the
 * scan found, their BARs, and the drivers bound to them.
 * (PCI Local Bus Specification 3.0: 3.2.2.3.2 configuration mechanism #1,
 * 6.1 the configuration header, 6.2.5 base addresses; PCI-to-PCI Bridge
 * Architecture Specification 1.2: 3.2 the type 1 header.)
 */
#ifndef CAIRN_PCI_H
#define CAIRN_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A function's address, bus:device.function, packed as Linux and lspci do. */
#define PCI_BDF(bus, dev, fn) ((uint16_t)((bus) << 8 | (dev) << 3 | (fn)))
#define PCI_BUS(bdf)  ((uint8_t)((bdf) >> 8))
#define PCI_SLOT(bdf) ((uint8_t)(((bdf) >> 3) & 0x1F))
#define PCI_FUNC(bdf) ((uint8_t)((bdf) & 0x07))
#define PCI_MAX_BUS   256
#define PCI_MAX_SLOT  32
#define PCI_MAX_FUNC  8

/* Mechanism #1: write the address to CONFIG_ADDRESS, then move data at CONFIG_DATA. */
#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA    0xCFC
#define PCI_CONFIG_ENABLE  0x80000000u

/* The header every function has (spec 6.1). */
#define PCI_VENDOR_ID       0x00        /* 0xFFFF: no function here */
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define   PCI_COMMAND_IO      0x0001    /* decode its I/O BARs */
#define   PCI_COMMAND_MEMORY  0x0002    /* decode its memory BARs */
#define   PCI_COMMAND_MASTER  0x0004    /* may be a bus master */
#define PCI_STATUS          0x06
#define PCI_REVISION_ID     0x08
#define PCI_PROG_IF         0x09
#define PCI_SUBCLASS        0x0A
#define PCI_CLASS           0x0B
#define PCI_HEADER_TYPE     0x0E
#define   PCI_HEADER_MULTIFUNCTION 0x80
#define   PCI_HEADER_LAYOUT   0x7F
#define   PCI_HEADER_NORMAL   0x00
#define   PCI_HEADER_BRIDGE   0x01
#define   PCI_HEADER_CARDBUS  0x02
#define PCI_BAR0            0x10        /* type 0: BAR0-5 at 0x10-0x24; type 1: BAR0-1 */
#define PCI_SUBSYSTEM_VENDOR_ID 0x2C    /* type 0 only */
#define PCI_SUBSYSTEM_ID    0x2E
#define PCI_INTERRUPT_LINE  0x3C        /* the IRQ firmware routed it to (0xFF: none) */
#define PCI_INTERRUPT_PIN   0x3D        /* 0 none, 1-4 INTA#-INTD# */
/* Type 1 (PCI-to-PCI bridge) header. */
#define PCI_PRIMARY_BUS     0x18
#define PCI_SECONDARY_BUS   0x19        /* the bus behind it */
#define PCI_SUBORDINATE_BUS 0x1A        /* the highest bus behind it */

#define PCI_NUM_BARS_NORMAL 6
#define PCI_NUM_BARS_BRIDGE 2

/* Class codes used here (pci.ids' class section names all of them). */
#define PCI_CLASS_STORAGE   0x01
#define   PCI_SUBCLASS_IDE    0x01
#define PCI_CLASS_BRIDGE    0x06
#define   PCI_SUBCLASS_HOST   0x00
#define   PCI_SUBCLASS_PCI    0x04
/* IDE prog-if (PCI IDE Controller Specification 1.0, 2.1). */
#define PCI_IDE_PRIMARY_NATIVE   0x01
#define PCI_IDE_SECONDARY_NATIVE 0x04
#define PCI_IDE_BUSMASTER        0x80

/* ---- configuration space (pciconf.c) ---- */
uint8_t  pci_read8(uint16_t bdf, uint8_t reg);
uint16_t pci_read16(uint16_t bdf, uint8_t reg);     /* reg must be 2-aligned */
uint32_t pci_read32(uint16_t bdf, uint8_t reg);     /* reg must be 4-aligned */
void     pci_write8(uint16_t bdf, uint8_t reg, uint8_t v);
void     pci_write16(uint16_t bdf, uint8_t reg, uint16_t v);
void     pci_write32(uint16_t bdf, uint8_t reg, uint32_t v);
/* Config accesses so far (each is one CONFIG_ADDRESS write + one CONFIG_DATA transfer). */
uint32_t pci_config_accesses(void);

/* The CONFIG_ADDRESS value for a register (pcilib.c): the one place its layout is written. */
uint32_t pci_config_address(uint16_t bdf, uint8_t reg);

/* ---- BARs (pcilib.c: pure) ---- */
enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM32, PCI_BAR_MEM64 };

struct pci_bar {
    uint8_t kind;               /* enum pci_bar_kind; NONE: not implemented */
    bool prefetchable;
    bool below_1m;              /* memory type 01 ("below 1 MiB", PCI 2.x legacy) */
    uint64_t base;
    uint64_t size;
};

#define PCI_BAR_IO_FLAG      0x1u
#define PCI_BAR_MEM_TYPE     0x6u       /* bits 2:1 */
#define   PCI_BAR_MEM_TYPE_32  0x0u
#define   PCI_BAR_MEM_TYPE_1M  0x2u
#define   PCI_BAR_MEM_TYPE_64  0x4u
#define PCI_BAR_PREFETCH     0x8u
#define PCI_BAR_IO_MASK      0xFFFFFFFCu
#define PCI_BAR_MEM_MASK     0xFFFFFFF0u

/* How many BAR slots the BAR whose value is `lo` takes: 2 for 64-bit memory. */
int pci_bar_slots(uint32_t lo);
/*
 * Fills *bar from a BAR's value and what it read back after all ones were
 * written (for a 64-bit BAR, hi/size_hi are the next slot's; else 0).
 */
void pci_bar_decode(struct pci_bar *bar, uint32_t lo, uint32_t hi,
                    uint32_t size_lo, uint32_t size_hi);
/* The size the all-ones readback encodes: its lowest writable address bit. 0: no BAR. */
uint64_t pci_bar_size(uint32_t lo, uint32_t size_lo, uint32_t size_hi);
/* "16", "4K", "16M", "2G" - as lspci shows sizes. Returns buf. */
char *pci_size_string(char *buf, size_t n, uint64_t size);

/* ---- devices (pciscan.c) ---- */
struct pci_device {
    uint16_t bdf;
    uint16_t vendor, device;
    uint8_t cls, subclass, prog_if, revision;
    uint8_t header_type;                /* with the multi-function bit */
    uint8_t irq_line, irq_pin;
    uint16_t subsys_vendor, subsys_id;  /* type 0 headers only; else 0 */
    uint8_t secondary_bus, subordinate_bus;     /* bridges only */
    int parent;                         /* index of the bridge it sits behind, -1 on a root bus */
    int nbars;                          /* 6, 2 for a bridge, 0 for CardBus */
    struct pci_bar bar[PCI_NUM_BARS_NORMAL];
    const struct pci_driver *driver;    /* bound by pci_bind_drivers, or NULL */
    int driver_data;                    /* the driver's: "ide" keeps its first ATA channel */
};

#define PCI_MAX_DEVICES 128

struct pci_scan {
    uint32_t accesses;                  /* config accesses the scan used */
    uint64_t cycles;                    /* rdtsc cycles it took */
    uint32_t sizing_accesses;           /* of those, BAR sizing's */
    uint64_t sizing_cycles;
    int ndevices;                       /* functions found (may exceed PCI_MAX_DEVICES) */
    int buses;                          /* buses scanned */
};

/* Present: an ID dword with a real vendor (absent functions read all ones;
 * Linux also refuses 0 and half-ones, which broken bridges return). */
static inline bool pci_id_present(uint32_t id)
{
    return id != 0xFFFFFFFFu && id != 0 && id != 0x0000FFFFu && id != 0xFFFF0000u;
}

/* Walks every bus reachable from the host bridges and records each function
 * (again from scratch on every call). lab 5's LAB_INIT hook runs it once. */
struct pci_scan pci_scan(void);
struct pci_scan pci_last_scan(void);    /* the figures of the last pci_scan */
/* The brute-force 256 x 32 x 8 vendor read, for comparison (counts only). */
struct pci_scan pci_scan_brute_force(void);

int pci_device_count(void);             /* recorded devices, in scan order */
struct pci_device *pci_device_at(int i);

/*
 * A PCI-to-PCI bridge: class 06/04, or 06/09 for a semi-transparent one. The
 * type 1 header layout is what matters (it has the bus number registers), so
 * that is what is tested.
 */
static inline bool pci_is_bridge(const struct pci_device *d)
{
    return (d->header_type & PCI_HEADER_LAYOUT) == PCI_HEADER_BRIDGE;
}

/* ---- drivers (pcidrv.c; matching in pcilib.c) ---- */
#define PCI_ANY 0xFFFFFFFFu

struct pci_match {
    uint32_t vendor, device;            /* PCI_ANY matches anything */
    uint32_t cls, subclass;
};

struct pci_driver {
    const char *name;
    struct pci_match match;
    int (*attach)(struct pci_device *dev);      /* 0: bound */
};

bool pci_driver_matches(const struct pci_match *m, const struct pci_device *d);
/* Offers every device to the driver table; returns how many were bound. */
int pci_bind_drivers(void);

/* ---- IDE controllers (pciide.c: pure) ---- */
struct pci_ide_channel {
    uint16_t cmd_base, ctl_base;        /* command block, device control / alt status */
    int irq;
    bool native;
};
/* Each channel's ports and IRQ from the prog-if (compatibility or native). 0, or -1 when
 * a native channel's BARs are not I/O BARs. */
int pci_ide_channels(const struct pci_device *d, struct pci_ide_channel ch[2]);

#define PCI_IDE_CTL_OFFSET 2            /* native: control = BAR1/BAR3 + 2 */

#endif
