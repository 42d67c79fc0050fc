/*
 * pcinames.c - binary search in the name table tools/pciids.py generates
 * from pci.ids (the PCI ID Project, pci-ids.ucw.cz). Pure: no port I/O.
 */
#include "pcinames.h"

static const char *find(const struct pci_name_entry *v, size_t n, uint32_t key,
                        const struct pci_name_table *t)
{
    size_t lo = 0, hi = n;          /* the key, if present, is in v[lo..hi) */

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].key == key)
            return v[mid].name < t->pool_size ? t->pool + v[mid].name : NULL;
        if (v[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *pci_names_vendor(const struct pci_name_table *t, uint16_t vendor)
{
    return find(t->vendors, t->nvendors, vendor, t);
}

const char *pci_names_device(const struct pci_name_table *t, uint16_t vendor, uint16_t device)
{
    return find(t->devices, t->ndevices, (uint32_t)vendor << 16 | device, t);
}

const char *pci_names_class(const struct pci_name_table *t, uint8_t cls, uint8_t subclass)
{
    const char *name = find(t->classes, t->nclasses, (uint32_t)cls << 8 | subclass, t);

    return name ? name : find(t->classes, t->nclasses, (uint32_t)cls << 8 | 0xFF, t);
}

const char *pci_vendor_name(uint16_t vendor)
{
    const char *name = pci_names_vendor(&pci_names, vendor);
    return name ? name : PCI_UNKNOWN_VENDOR;
}

const char *pci_device_name(uint16_t vendor, uint16_t device)
{
    const char *name = pci_names_device(&pci_names, vendor, device);
    return name ? name : PCI_UNKNOWN_DEVICE;
}

const char *pci_class_name(uint8_t cls, uint8_t subclass)
{
    const char *name = pci_names_class(&pci_names, cls, subclass);
    return name ? name : PCI_UNKNOWN_CLASS;
}
