/*
 * pcinames.h - vendor, device and class names from pciutils' pci.ids.
 *
 * The table is generated at build time by tools/pciids.py (see its header for
 * what it keeps); this file only looks names up. Pure code: no port I/O, so
 * the host tests run it against the real generated table.
 */
#ifndef CAIRN_PCINAMES_H
#define CAIRN_PCINAMES_H

#include <stddef.h>
#include <stdint.h>

/* key: vendor for vendors, vendor<<16|device for devices, and class<<8|subclass
 * for classes, where subclass 0xFF stands for the class itself (pci.ids has no
 * subclass FF). name: an offset into the pool. Each array is sorted by key. */
struct pci_name_entry {
    uint32_t key;
    uint32_t name;
};

struct pci_name_table {
    const struct pci_name_entry *vendors, *devices, *classes;
    size_t nvendors, ndevices, nclasses;
    const char *pool;
    size_t pool_size;
};

extern const struct pci_name_table pci_names;   /* the generated one */

#define PCI_UNKNOWN_VENDOR "Unknown vendor"
#define PCI_UNKNOWN_DEVICE "Device"
#define PCI_UNKNOWN_CLASS  "Unknown class"

/* NULL when the table has no such name. */
const char *pci_names_vendor(const struct pci_name_table *t, uint16_t vendor);
const char *pci_names_device(const struct pci_name_table *t, uint16_t vendor, uint16_t device);
/* The subclass's name, else the class's (as lspci does), else NULL. */
const char *pci_names_class(const struct pci_name_table *t, uint8_t cls, uint8_t subclass);

/* The same in the generated table, never NULL: the PCI_UNKNOWN_* fallbacks. */
const char *pci_vendor_name(uint16_t vendor);
const char *pci_device_name(uint16_t vendor, uint16_t device);
const char *pci_class_name(uint8_t cls, uint8_t subclass);

#endif
