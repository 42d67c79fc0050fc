/*
 * test_lab5_names.c - name lookup (labs/lab5-pci/pcinames.c): binary search
 * edges on a small hand-made table, then the real table tools/pciids.py
 * generated from pci.ids, against the names the same generator's rules give
 * for a few IDs (pciids.py --expect): right whatever pci.ids the host has.
 *
 * grade: given code only, no points (the file it tests has no stub).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "host.h"
#include "pcinames.h"

static const struct pci_name_entry fx_vendors[] = { {0x0001, 0}, {0x8086, 2}, {0xFFFF, 4} };
static const struct pci_name_entry fx_devices[] = { {0x80867010, 6}, {0x80867011, 8} };
static const struct pci_name_entry fx_classes[] = { {0x0101, 12}, {0x01FF, 10}, {0x06FF, 14} };
static const char fx_pool[] = "a\0I\0f\0D\0E\0C\0S\0B";
static const struct pci_name_table fx = {
    fx_vendors, fx_devices, fx_classes, 3, 2, 3, fx_pool, sizeof fx_pool,
};

TEST(search_edges)
{
    CHECK_STR(pci_names_vendor(&fx, 0x0001), "a");
    CHECK_STR(pci_names_vendor(&fx, 0x8086), "I");
    CHECK_STR(pci_names_vendor(&fx, 0xFFFF), "f");
    CHECK(pci_names_vendor(&fx, 0x0000) == NULL);
    CHECK(pci_names_vendor(&fx, 0x1234) == NULL);
    CHECK_STR(pci_names_device(&fx, 0x8086, 0x7010), "D");
    CHECK_STR(pci_names_device(&fx, 0x8086, 0x7011), "E");
    CHECK(pci_names_device(&fx, 0x8086, 0x7012) == NULL);
    CHECK(pci_names_device(&fx, 0x7010, 0x8086) == NULL);
}

TEST(class_falls_back_to_class_name)
{
    CHECK_STR(pci_names_class(&fx, 0x01, 0x01), "S");
    CHECK_STR(pci_names_class(&fx, 0x01, 0x06), "C");      /* no such subclass: the class */
    CHECK_STR(pci_names_class(&fx, 0x06, 0x04), "B");
    CHECK(pci_names_class(&fx, 0x42, 0x00) == NULL);
}

TEST(empty_table)
{
    static const struct pci_name_table none = { 0 };
    CHECK(pci_names_vendor(&none, 0x8086) == NULL);
    CHECK(pci_names_class(&none, 1, 1) == NULL);
}

/* build/gen/labs/lab5-pci/pci_names_expected.c */
struct pci_name_expect { char kind; uint16_t a, b; const char *name; };
extern const struct pci_name_expect pci_names_expected[];
extern const size_t pci_names_nexpected;

TEST(real_table_gives_the_generators_names)
{
    CHECK(pci_names_nexpected >= 15);
    for (size_t i = 0; i < pci_names_nexpected; i++) {
        const struct pci_name_expect *e = &pci_names_expected[i];
        const char *got = e->kind == 'v'   ? pci_vendor_name(e->a)
                          : e->kind == 'd' ? pci_device_name(e->a, e->b)
                                           : pci_class_name((uint8_t)e->a, (uint8_t)e->b);
        if (!got || strcmp(got, e->name) != 0)
            printf("  %c %04x:%04x: \"%s\", expected \"%s\"\n", e->kind, e->a, e->b,
                   got ? got : "(null)", e->name);
        CHECK_STR(got, e->name);
    }
}

TEST(real_table_fallbacks)
{
    /* the kernel's fallback words are the generator's */
    CHECK_STR(pci_vendor_name(0x1234), PCI_UNKNOWN_VENDOR);  /* Bochs/QEMU VGA: not in pci.ids */
    CHECK_STR(pci_device_name(0x1234, 0x1111), PCI_UNKNOWN_DEVICE);
    CHECK_STR(pci_class_name(0x77, 0x00), PCI_UNKNOWN_CLASS);
}

TEST(real_table_is_sorted_and_in_bounds)
{
    const struct pci_name_table *t = &pci_names;
    const struct { const struct pci_name_entry *v; size_t n; } all[] = {
        { t->vendors, t->nvendors }, { t->devices, t->ndevices }, { t->classes, t->nclasses },
    };
    CHECK(t->nvendors > 2000);
    CHECK(t->ndevices > 1000);
    CHECK(t->nclasses > 100);
    CHECK_EQ(t->pool[t->pool_size - 1], 0);
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < all[k].n; i++) {
            CHECK(all[k].v[i].name < t->pool_size);
            if (i > 0 && all[k].v[i - 1].key >= all[k].v[i].key) {
                CHECK(!"table not strictly sorted");
                break;
            }
        }
    }
    for (size_t i = 0; i < t->pool_size; i++)
        if ((unsigned char)t->pool[i] >= 0x80) {
            CHECK(!"non-ASCII byte in the name pool");
            break;
        }
}

int main(void)
{
    RUN(search_edges);
    RUN(class_falls_back_to_class_name);
    RUN(empty_table);
    RUN(real_table_gives_the_generators_names);
    RUN(real_table_fallbacks);
    RUN(real_table_is_sorted_and_in_bounds);
    return host_summary("lab5 names");
}
