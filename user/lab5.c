/*
 * lab5.c - stage 5's program: the PCI bus as lab 5's scan found it.
 *
 * An `lspci -nn`-like listing in bus:device.function order, with each
 * function's subsystem, interrupt and BARs; the bus tree the bridges make;
 * the config accesses the scan took; then the ATA drives found through the
 * IDE controller that lab 5 bound to lab 4's driver. With `bench`, the
 * brute-force 256 x 32 x 8 scan is run too, for its accesses and time
 * (user/lab5_bench.c).
 *
 * `wait` (for the grader): after the listing, print "lab5: waiting for a key"
 * and wait for one to be pressed and released (at most 10 s), so that the
 * grader can read QEMU's own view of the bus (QMP query-pci) while the machine
 * still runs. Waiting for the release, not the press, gives QEMU the time to
 * answer the grader's send-key before the kernel ends the run.
 */
#include "ata.h"
#include "bench.h"
#include "cmdline.h"
#include "interrupts.h"
#include "keyboard.h"
#include "kprintf.h"
#include "pci.h"
#include "pcinames.h"
#include "x86.h"

CMDLINE_OPTION(wait, "wait", "wait for a key after the listing (the grader reads query-pci)");

#define WAIT_SECONDS 10

static int order[PCI_MAX_DEVICES];     /* device indices sorted by bus:device.function */

static void sort_by_bdf(void)
{
    int n = pci_device_count();

    for (int i = 0; i < n; i++) {
        int j = i;
        while (j > 0 && pci_device_at(order[j - 1])->bdf > pci_device_at(i)->bdf) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

static const char *bdf_string(uint16_t bdf)
{
    static char buf[16];
    ksnprintf(buf, sizeof buf, "%02x:%02x.%x", PCI_BUS(bdf), PCI_SLOT(bdf), PCI_FUNC(bdf));
    return buf;
}

static void print_irq(const struct pci_device *d)
{
    if (d->irq_pin)
        kprintf(", IRQ %d (pin %c)", d->irq_line, 'A' + d->irq_pin - 1);
    kprintf("\n");
}

static void print_bar(int i, const struct pci_bar *b)
{
    char size[16];

    pci_size_string(size, sizeof size, b->size);
    if (b->kind == PCI_BAR_IO) {
        kprintf("  BAR%d: I/O at 0x%llx [size=%s]\n", i, (unsigned long long)b->base, size);
        return;
    }
    kprintf("  BAR%d: Memory at 0x%llx (%s, %sprefetchable) [size=%s]\n", i,
            (unsigned long long)b->base, b->kind == PCI_BAR_MEM64 ? "64-bit" :
            b->below_1m ? "low-1M" : "32-bit", b->prefetchable ? "" : "non-", size);
}

static void print_device(const struct pci_device *d)
{
    kprintf("%s %s [%02x%02x]: %s %s [%04x:%04x]", bdf_string(d->bdf),
            pci_class_name(d->cls, d->subclass), d->cls, d->subclass,
            pci_vendor_name(d->vendor), pci_device_name(d->vendor, d->device),
            d->vendor, d->device);
    if (d->revision)
        kprintf(" (rev %02x)", d->revision);
    kprintf("\n");
    if ((d->header_type & PCI_HEADER_LAYOUT) == PCI_HEADER_NORMAL) {
        kprintf("  Subsystem: [%04x:%04x]", d->subsys_vendor, d->subsys_id);
        print_irq(d);
    } else if (pci_is_bridge(d)) {
        kprintf("  Bus: secondary=%02x, subordinate=%02x", d->secondary_bus, d->subordinate_bus);
        print_irq(d);
    }
    for (int i = 0; i < d->nbars; i++)
        if (d->bar[i].kind != PCI_BAR_NONE)
            print_bar(i, &d->bar[i]);
}

/* One line per bus: its functions as dev.fn, then each bridge's bus below it. */
static void print_bus(int parent, uint8_t bus, int depth)
{
    int n = pci_device_count();

    kprintf("%*sbus %02x:", 2 * depth + 2, "", bus);
    for (int k = 0; k < n; k++) {
        const struct pci_device *d = pci_device_at(order[k]);
        if (d->parent == parent && PCI_BUS(d->bdf) == bus)
            kprintf(" %02x.%x", PCI_SLOT(d->bdf), PCI_FUNC(d->bdf));
    }
    kprintf("\n");
    for (int k = 0; k < n; k++) {
        const struct pci_device *d = pci_device_at(order[k]);
        if (d->parent == parent && PCI_BUS(d->bdf) == bus && pci_is_bridge(d) &&
            d->secondary_bus > bus) {
            kprintf("%*s%s bridge to:\n", 2 * depth + 4, "", bdf_string(d->bdf));
            print_bus(order[k], d->secondary_bus, depth + 2);
        }
    }
}

static void print_tree(void)
{
    bool root_done[PCI_MAX_BUS] = { false };

    kprintf("lab5: bus tree\n");
    for (int k = 0; k < pci_device_count(); k++) {
        const struct pci_device *d = pci_device_at(order[k]);
        if (d->parent < 0 && !root_done[PCI_BUS(d->bdf)]) {
            root_done[PCI_BUS(d->bdf)] = true;
            print_bus(-1, PCI_BUS(d->bdf), 0);
        }
    }
}

static void print_drive(int c, int u)
{
    struct ata_drive *d = ata_drive(c, u);

    if (!d)
        return;
    kprintf("  ata%d %s: ", c, ata_unit_name(u));
    if (d->kind == ATA_KIND_DISK)
        kprintf("disk \"%s\" serial \"%s\" fw \"%s\" %llu sectors (%llu MiB)%s\n",
                d->id.model, d->id.serial, d->id.firmware, (unsigned long long)d->id.sectors,
                (unsigned long long)(d->id.sectors / 2048), d->id.lba48 ? " LBA48" : "");
    else
        kprintf("%s\n", ata_kind_name(d->kind));
}

static void print_drives(void)
{
    int found = 0;

    for (int k = 0; k < pci_device_count(); k++) {
        const struct pci_device *d = pci_device_at(order[k]);
        if (!d->driver || d->cls != PCI_CLASS_STORAGE || d->subclass != PCI_SUBCLASS_IDE)
            continue;
        found++;
        kprintf("lab5: ATA drives through the IDE controller at %s (driver %s)\n",
                bdf_string(d->bdf), d->driver->name);
        for (int c = d->driver_data; c < d->driver_data + 2 && c < ATA_MAX_CHANNELS; c++) {
            uint16_t cmd, ctl;
            int irq;
            if (ata_channel_ports(c, &cmd, &ctl, &irq) < 0)
                continue;
            kprintf("  ata%d: ports 0x%x/0x%x, IRQ %d\n", c, cmd, ctl, irq);
            print_drive(c, 0);
            print_drive(c, 1);
        }
    }
    if (!found)
        kprintf("lab5: no IDE controller bound: no ATA drives through PCI\n");
}

/* Bounded: a grader that never types gets a message, not a hang. */
static void wait_for_key(void)
{
    uint64_t deadline = timer_ticks() + (uint64_t)WAIT_SECONDS * timer_hz();
    uint8_t sc;

    kprintf("lab5: waiting for a key\n");
    for (;;) {
        intr_disable();
        if (scancode_pop(&sc) && (sc & 0x80)) {    /* a release: the whole key was typed */
            intr_enable();
            break;
        }
        if (timer_ticks() >= deadline) {
            intr_enable();
            kprintf("lab5: no key within %d s; going on\n", WAIT_SECONDS);
            return;
        }
        intr_enable_and_halt();  /* an IRQ pending since cli wakes the hlt */
    }
    kprintf("lab5: key received\n");
}

void program_main(void)
{
    struct pci_scan scan = pci_last_scan();

    sort_by_bdf();
    kprintf("lab5: PCI functions (configuration mechanism #1)\n");
    for (int k = 0; k < pci_device_count(); k++)
        print_device(pci_device_at(order[k]));
    print_tree();
    kprintf("lab5: %d functions on %d buses, %u config accesses (recursive scan)\n",
            scan.ndevices, scan.buses, scan.accesses);
    print_drives();
    if (cmdline_flag("wait"))
        wait_for_key();
    if (cmdline_flag("bench"))
        lab5_bench(&scan);
}
