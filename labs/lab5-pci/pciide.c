/*
 * pciide.c - where a PCI IDE controller's two channels are: the prog-if says,
 * per channel, whether it runs in compatibility mode (the ISA-era fixed
 * ports and IRQs) or native mode (ports from BAR0-3, the PCI interrupt).
 * Pure, host-tested.
 * (PCI IDE Controller Specification 1.0, 2.1 "Programming interface" and
 * 2.3 "Base address registers"; Linux ata_pci_sff_init_host and
 * ATA_PCI_CTL_OFS.)
 */
#include "ata.h"
#include "pci.h"

/* The legacy ports and IRQs have one home: lab 4's ata.h. */
static const struct pci_ide_channel compat[2] = {
    { .cmd_base = ATA_LEGACY_PRIMARY_CMD, .ctl_base = ATA_LEGACY_PRIMARY_CTL,
      .irq = ATA_LEGACY_PRIMARY_IRQ, .native = false },
    { .cmd_base = ATA_LEGACY_SECONDARY_CMD, .ctl_base = ATA_LEGACY_SECONDARY_CTL,
      .irq = ATA_LEGACY_SECONDARY_IRQ, .native = false },
};

/*
 * Native mode: the command block is BAR0 (BAR2), and BAR1 (BAR3) is a 4-byte
 * block whose byte 2 is device control / alternate status. In compatibility
 * mode the BARs are ignored even when they hold something: Linux notes they
 * "are not always echoed in BAR0-3, and BAR0-3 in a few cases contain junk".
 */
int pci_ide_channels(const struct pci_device *d, struct pci_ide_channel ch[2])
{
    static const uint8_t native_bit[2] = { PCI_IDE_PRIMARY_NATIVE, PCI_IDE_SECONDARY_NATIVE };
    int err = 0;

    for (int i = 0; i < 2; i++) {
        const struct pci_bar *cmd = &d->bar[2 * i], *ctl = &d->bar[2 * i + 1];

        if (!(d->prog_if & native_bit[i])) {
            ch[i] = compat[i];
            continue;
        }
        if (d->nbars < 4 || cmd->kind != PCI_BAR_IO || ctl->kind != PCI_BAR_IO) {
            ch[i] = (struct pci_ide_channel){ .native = true };
            err = -1;
            continue;
        }
        ch[i] = (struct pci_ide_channel){
            .cmd_base = (uint16_t)cmd->base,
            .ctl_base = (uint16_t)(ctl->base + PCI_IDE_CTL_OFFSET),
            .irq = d->irq_line,
            .native = true,
        };
    }
    return err;
}
