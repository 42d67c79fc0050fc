/*
 * pcidrv.c - lab 5's boot hook: scan the PCI buses, then offer each function
 * to a small table of drivers, matched by class or by vendor:device.
 *
 * The one driver here is the IDE controller (class 01/01): it hands each of
 * its channels to lab 4's ATA driver at the ports the prog-if selects
 * (pciide.c). lab5_init runs before lab 4's LAB_INIT_LATE hook,
 * lab4_init_late, which attaches the legacy ports only if no channel is attached by then:
 * with a PCI IDE controller present, the disks are found through PCI.
 */
#include "ata.h"
#include "kprintf.h"
#include "labinit.h"
#include "pci.h"

/* Lab 4 has ATA_MAX_CHANNELS channels: the first controller takes 0-1, the next 2-3. */
static int next_channel;

static int ide_attach(struct pci_device *d)
{
    struct pci_ide_channel ch[2];
    int attached = 0;

    d->driver_data = next_channel;
    if (pci_ide_channels(d, ch) < 0)
        kprintf("pci: %02x:%02x.%x: IDE native mode without I/O BARs\n",
                PCI_BUS(d->bdf), PCI_SLOT(d->bdf), PCI_FUNC(d->bdf));
    for (int i = 0; i < 2; i++) {
        if (ch[i].cmd_base == 0)
            continue;
        if (next_channel >= ATA_MAX_CHANNELS) {
            kprintf("pci: %02x:%02x.%x: no ATA channel left for its %s channel\n",
                    PCI_BUS(d->bdf), PCI_SLOT(d->bdf), PCI_FUNC(d->bdf),
                    i ? "secondary" : "primary");
            break;
        }
        kprintf("pci: %02x:%02x.%x IDE %s channel (%s mode): ata%d at 0x%x/0x%x irq %d\n",
                PCI_BUS(d->bdf), PCI_SLOT(d->bdf), PCI_FUNC(d->bdf), i ? "secondary" : "primary",
                ch[i].native ? "native" : "compatibility", next_channel,
                ch[i].cmd_base, ch[i].ctl_base, ch[i].irq);
        if (ata_attach_channel(next_channel, ch[i].cmd_base, ch[i].ctl_base, ch[i].irq) >= 0)
            attached++;
        next_channel++;
    }
    return attached ? 0 : -1;
}

static const struct pci_driver drivers[] = {
    { "ide", { PCI_ANY, PCI_ANY, PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE }, ide_attach },
};

int pci_bind_drivers(void)
{
    int bound = 0;

    for (int i = 0; i < pci_device_count(); i++) {
        struct pci_device *d = pci_device_at(i);

        for (size_t k = 0; k < sizeof drivers / sizeof drivers[0] && !d->driver; k++) {
            if (pci_driver_matches(&drivers[k].match, d) && drivers[k].attach(d) == 0) {
                d->driver = &drivers[k];
                bound++;
            }
        }
    }
    return bound;
}

void lab5_init(void)
{
    struct pci_scan s = pci_scan();

    kprintf("pci: %d functions on %d buses, %u config accesses\n", s.ndevices, s.buses,
            s.accesses);
    pci_bind_drivers();
}
LAB_INIT(lab5_init);
