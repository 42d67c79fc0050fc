/*
 * pciscan.c - finding every PCI function and recording what it is.
 *
 * The scan follows the topology instead of trying all 256 x 32 x 8 addresses:
 * it starts at the host bridge's bus 0 (bus N for function N of a
 * multi-function host bridge), reads function 0 of each of the 32 slots, looks
 * at functions 1-7 only when function 0's header type has the multi-function
 * bit, and descends through every PCI-to-PCI bridge (header layout 1, the
 * bridge's own header: what says it has a secondary bus, whatever its class
 * code claims) into the secondary bus the firmware gave it. An empty slot does not end a bus: slots
 * need not be filled in order.
 * (PCI Local Bus Specification 3.0, 6.1 and 6.2.5; PCI-to-PCI Bridge
 * Architecture Specification 1.2, 3.2.5.3-5; Linux drivers/pci/probe.c
 * pci_scan_slot/next_fn and __pci_read_base.)
 */
#include "pci.h"
#include "kprintf.h"
#include "panic.h"
#include "x86.h"

static struct pci_device devices[PCI_MAX_DEVICES];
static int ndevices;                    /* recorded in devices[] */
static struct pci_scan last;
static bool bus_scanned[PCI_MAX_BUS];

int pci_device_count(void)
{
    return ndevices;
}

struct pci_device *pci_device_at(int i)
{
    return i >= 0 && i < ndevices ? &devices[i] : NULL;
}

struct pci_scan pci_last_scan(void)
{
    return last;
}

/* LAB 5: BEGIN SOLUTION */
/* Writes all ones to a BAR and reads back which bits stuck; puts the BAR back. */
static uint32_t probe_bar(uint16_t bdf, uint8_t reg, uint32_t *readback)
{
    uint32_t orig = pci_read32(bdf, reg);

    pci_write32(bdf, reg, 0xFFFFFFFFu);
    *readback = pci_read32(bdf, reg);
    pci_write32(bdf, reg, orig);
    return orig;
}
/* LAB 5: END SOLUTION */

/*
 * While a BAR holds all ones the device would answer at a bogus address, so
 * its I/O and memory decoding is off meanwhile (Linux does the same), and
 * interrupts are off so no handler touches the device in between. Host
 * bridges are left alone: turning off their decoding can cut off RAM (Linux
 * marks them mmio_always_on).
 */
static void size_bars(struct pci_device *d)
{
    /* LAB 5: BEGIN SOLUTION */
    const uint16_t decode = PCI_COMMAND_IO | PCI_COMMAND_MEMORY;
    bool host = d->cls == PCI_CLASS_BRIDGE && d->subclass == PCI_SUBCLASS_HOST;
    bool toggle;
    intr_state_t f;
    uint16_t cmd;

    if (d->nbars == 0)
        return;
    f = intr_disable();
    cmd = pci_read16(d->bdf, PCI_COMMAND);
    toggle = !host && (cmd & decode);
    if (toggle)
        pci_write16(d->bdf, PCI_COMMAND, cmd & ~decode);
    for (int i = 0; i < d->nbars; i++) {
        uint8_t reg = (uint8_t)(PCI_BAR0 + 4 * i);
        uint32_t size_lo, size_hi = 0, hi = 0;
        uint32_t lo = probe_bar(d->bdf, reg, &size_lo);
        /* A 64-bit BAR in the last slot is malformed: its low half is all we have. */
        bool wide = pci_bar_slots(lo) == 2 && i + 1 < d->nbars;

        if (wide)
            hi = probe_bar(d->bdf, (uint8_t)(reg + 4), &size_hi);
        pci_bar_decode(&d->bar[i], lo, hi, size_lo, size_hi);
        if (wide)
            i++;                /* that slot was this BAR's high half */
    }
    if (toggle)
        pci_write16(d->bdf, PCI_COMMAND, cmd);
    intr_restore(f);
    /* LAB 5: STUB
    (void)d;
    panic("lab5: BAR sizing not implemented");
    LAB 5: END SOLUTION */
}

/* Given: sizes the BARs and adds its time and config accesses to the scan's
   figures (user/lab5.c's bench prints them), outside the exercises. */
static void size_bars_timed(struct pci_device *d)
{
    uint64_t start = rdtsc();
    uint32_t accesses = pci_config_accesses();

    size_bars(d);
    last.sizing_cycles += rdtsc() - start;
    last.sizing_accesses += pci_config_accesses() - accesses;
}

static void scan_bus(uint8_t bus, int parent);

static int record(const struct pci_device *d)
{
    last.ndevices++;
    if (ndevices == PCI_MAX_DEVICES) {
        if (last.ndevices == PCI_MAX_DEVICES + 1)
            kprintf("pci: more than %d functions; the rest are not recorded\n", PCI_MAX_DEVICES);
        return -1;
    }
    devices[ndevices] = *d;
    return ndevices++;
}

/* The fields that depend on the header layout: subsystem ids, or a bridge's bus numbers. */
static void read_layout(struct pci_device *d)
{
    /* LAB 5: BEGIN SOLUTION */
    switch (d->header_type & PCI_HEADER_LAYOUT) {
    case PCI_HEADER_NORMAL: {
        uint32_t subsys = pci_read32(d->bdf, PCI_SUBSYSTEM_VENDOR_ID);
        d->subsys_vendor = (uint16_t)subsys;
        d->subsys_id = (uint16_t)(subsys >> 16);
        d->nbars = PCI_NUM_BARS_NORMAL;
        break;
    }
    case PCI_HEADER_BRIDGE: {
        uint32_t buses = pci_read32(d->bdf, PCI_PRIMARY_BUS);
        d->secondary_bus = (uint8_t)(buses >> 8);
        d->subordinate_bus = (uint8_t)(buses >> 16);
        d->nbars = PCI_NUM_BARS_BRIDGE;
        break;
    }
    default:                    /* CardBus (type 2) or unknown: no BARs we size */
        break;
    }
    /* LAB 5: STUB
    (void)d;
    panic("lab5: reading the header layout's fields not implemented");
    LAB 5: END SOLUTION */
}

/* Reads one present function's header into a record; descends if it is a bridge. */
static void scan_function(uint16_t bdf, uint32_t id, uint8_t header, int parent)
{
    /* LAB 5: BEGIN SOLUTION */
    uint32_t class_rev = pci_read32(bdf, PCI_REVISION_ID);
    uint32_t irq = pci_read32(bdf, PCI_INTERRUPT_LINE);
    struct pci_device d = {
        .bdf = bdf,
        .vendor = (uint16_t)id, .device = (uint16_t)(id >> 16),
        .revision = (uint8_t)class_rev, .prog_if = (uint8_t)(class_rev >> 8),
        .subclass = (uint8_t)(class_rev >> 16), .cls = (uint8_t)(class_rev >> 24),
        .header_type = header,
        .irq_line = (uint8_t)irq, .irq_pin = (uint8_t)(irq >> 8),
        .parent = parent,
    };

    read_layout(&d);
    size_bars_timed(&d);
    int index = record(&d);

    if (!pci_is_bridge(&d))
        return;
    /*
     * Bus numbers are the firmware's (SeaBIOS numbers every bridge). A bridge
     * it left at 0, or one pointing back at a bus already scanned, would make
     * us loop: say so and go on.
     */
    if (d.secondary_bus == 0 || d.secondary_bus <= PCI_BUS(bdf) || bus_scanned[d.secondary_bus]) {
        kprintf("pci: bridge %02x:%02x.%x has secondary bus %d: not descending\n",
                PCI_BUS(bdf), PCI_SLOT(bdf), PCI_FUNC(bdf), d.secondary_bus);
        return;
    }
    if (index >= 0)             /* not recorded: don't list its subtree as a root */
        scan_bus(d.secondary_bus, index);
    /* LAB 5: STUB
    (void)bdf; (void)id; (void)header; (void)parent;
    (void)read_layout; (void)size_bars_timed; (void)record;
    panic("lab5: reading a function's header not implemented");
    LAB 5: END SOLUTION */
}

/* Function 0 first; functions 1-7 only if function 0 says it has them. */
static void scan_slot(uint8_t bus, uint8_t slot, int parent)
{
    /* LAB 5: BEGIN SOLUTION */
    uint16_t bdf = PCI_BDF(bus, slot, 0);
    uint32_t id = pci_read32(bdf, PCI_VENDOR_ID);
    uint8_t header;

    if (!pci_id_present(id))
        return;
    header = pci_read8(bdf, PCI_HEADER_TYPE);
    scan_function(bdf, id, header, parent);
    if (!(header & PCI_HEADER_MULTIFUNCTION))
        return;
    for (uint8_t fn = 1; fn < PCI_MAX_FUNC; fn++) {
        bdf = PCI_BDF(bus, slot, fn);
        id = pci_read32(bdf, PCI_VENDOR_ID);
        if (pci_id_present(id))
            scan_function(bdf, id, pci_read8(bdf, PCI_HEADER_TYPE), parent);
    }
    /* LAB 5: STUB
    (void)bus; (void)slot; (void)parent; (void)scan_function;
    panic("lab5: the PCI scan not implemented");
    LAB 5: END SOLUTION */
}

static void scan_bus(uint8_t bus, int parent)
{
    bus_scanned[bus] = true;
    last.buses++;
    for (uint8_t slot = 0; slot < PCI_MAX_SLOT; slot++)
        scan_slot(bus, slot, parent);       /* every slot: an empty one ends nothing */
}

/*
 * Function N of a multi-function host bridge at 00:00 is the host bridge of
 * bus N (the OSDev "recursive scan"; PCI firmware specification 3.2 leaves
 * further root buses to ACPI, which we do not read).
 */
static void scan_roots(void)
{
    /* LAB 5: BEGIN SOLUTION */
    uint8_t header = pci_read8(PCI_BDF(0, 0, 0), PCI_HEADER_TYPE);

    if (!(header & PCI_HEADER_MULTIFUNCTION)) {
        scan_bus(0, -1);
        return;
    }
    for (uint8_t fn = 0; fn < PCI_MAX_FUNC; fn++)
        if (!bus_scanned[fn] && pci_id_present(pci_read32(PCI_BDF(0, 0, fn), PCI_VENDOR_ID)))
            scan_bus(fn, -1);
    /* LAB 5: STUB
    (void)scan_bus;
    panic("lab5: the PCI scan not implemented");
    LAB 5: END SOLUTION */
}

struct pci_scan pci_scan(void)
{
    uint32_t accesses = pci_config_accesses();
    uint64_t t0 = rdtsc();

    ndevices = 0;
    last = (struct pci_scan){ 0 };
    for (int b = 0; b < PCI_MAX_BUS; b++)
        bus_scanned[b] = false;
    scan_roots();
    last.cycles = rdtsc() - t0;
    last.accesses = pci_config_accesses() - accesses;
    return last;
}

/* What the seed did: ask every possible address. 65536 accesses, whatever is there. */
struct pci_scan pci_scan_brute_force(void)
{
    uint32_t accesses = pci_config_accesses();
    uint64_t t0 = rdtsc();
    struct pci_scan s = { 0 };

    for (int bus = 0; bus < PCI_MAX_BUS; bus++) {
        for (int slot = 0; slot < PCI_MAX_SLOT; slot++)
            for (int fn = 0; fn < PCI_MAX_FUNC; fn++)
                if (pci_id_present(pci_read32(PCI_BDF(bus, slot, fn), PCI_VENDOR_ID)))
                    s.ndevices++;
    }
    s.buses = PCI_MAX_BUS;
    s.cycles = rdtsc() - t0;
    s.accesses = pci_config_accesses() - accesses;
    return s;
}
