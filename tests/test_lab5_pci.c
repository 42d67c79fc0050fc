/*
 * test_lab5_pci.c - lab 5's pure PCI code: the CONFIG_ADDRESS layout, BAR
 * decoding and sizing from all-ones readbacks (values seen on QEMU 7.2, see
 * handouts/hardware-notes.md §7, and made-up edge cases), lspci-style sizes, driver
 * matching, and the IDE controller's channel ports in both modes.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "host.h"
#include "panic.h"
#include "pci.h"

TEST(config_address_layout)
{
    CHECK_EQ(pci_config_address(PCI_BDF(0, 0, 0), 0x00), 0x80000000u);
    CHECK_EQ(pci_config_address(PCI_BDF(0, 1, 1), 0x08), 0x80000908u);
    CHECK_EQ(pci_config_address(PCI_BDF(1, 3, 0), 0x3C), 0x8001183Cu);
    CHECK_EQ(pci_config_address(PCI_BDF(255, 31, 7), 0xFC), 0x80FFFFFCu);
    /* byte and word registers name their dword; the low two bits stay zero */
    CHECK_EQ(pci_config_address(PCI_BDF(0, 2, 0), 0x0E), 0x8000100Cu);
    CHECK_EQ(pci_config_address(PCI_BDF(0, 2, 0), 0x3D), 0x8000103Cu);
}

/* Every bus:slot.fn and register: bit 31 set, 30-24 clear, the function in
   23-8, the register's dword in 7-2, 1-0 clear (PCI Local Bus 3.0, 3.2.2.3.2). */
TEST(config_address_for_every_function)
{
    int bad = 0;
    for (uint32_t bdf = 0; bdf <= 0xFFFF; bdf++) {
        for (uint32_t reg = 0; reg < 256; reg += 37) {
            uint32_t a = pci_config_address((uint16_t)bdf, (uint8_t)reg);
            uint32_t want = 0x80000000u | bdf << 8 | (reg & 0xFC);
            if (a != want && bad++ < 3)
                CHECK_EQ(a, want);
        }
    }
    CHECK_EQ(bad, 0);
}

TEST(io_bar_piix_ide)
{
    struct pci_bar b;
    pci_bar_decode(&b, 0x0000C041, 0, 0xFFFFFFF1, 0);       /* PIIX3 BAR4 */
    CHECK_EQ(b.kind, PCI_BAR_IO);
    CHECK_EQ(b.base, 0xC040);
    CHECK_EQ(b.size, 16);
    CHECK(!b.prefetchable);
}

TEST(io_bar_upper_bits_read_zero)
{
    struct pci_bar b;
    /* some devices implement only 16 I/O address bits */
    pci_bar_decode(&b, 0x0000C001, 0, 0x0000FFC1, 0);
    CHECK_EQ(b.kind, PCI_BAR_IO);
    CHECK_EQ(b.size, 64);
    CHECK_EQ(pci_bar_size(0x1, 0xFFFFFFC1, 0), 64);         /* e1000 BAR1 */
}

TEST(mem32_prefetchable_vga)
{
    struct pci_bar b;
    pci_bar_decode(&b, 0xFD000008, 0, 0xFF000008, 0);       /* std VGA BAR0 */
    CHECK_EQ(b.kind, PCI_BAR_MEM32);
    CHECK(b.prefetchable);
    CHECK_EQ(b.base, 0xFD000000u);
    CHECK_EQ(b.size, 16u << 20);
}

TEST(mem32_e1000)
{
    struct pci_bar b;
    pci_bar_decode(&b, 0xFEBC0000, 0, 0xFFFE0000, 0);
    CHECK_EQ(b.kind, PCI_BAR_MEM32);
    CHECK(!b.prefetchable);
    CHECK_EQ(b.size, 128 * 1024);
}

TEST(mem64_bar)
{
    struct pci_bar b;
    CHECK_EQ(pci_bar_slots(0xFE000004), 2);
    CHECK_EQ(pci_bar_slots(0xFE00000C), 2);
    CHECK_EQ(pci_bar_slots(0xFE000000), 1);
    CHECK_EQ(pci_bar_slots(0x0000C001), 1);
    CHECK_EQ(pci_bar_slots(0x0000C005), 1);                 /* I/O: bits 2:1 are address */
    pci_bar_decode(&b, 0xFE00000C, 0x00000001, 0xFFFFC00C, 0xFFFFFFFF);
    CHECK_EQ(b.kind, PCI_BAR_MEM64);
    CHECK(b.prefetchable);
    CHECK_EQ(b.base, 0x1FE000000ull);
    CHECK_EQ(b.size, 16 * 1024);
}

TEST(mem64_larger_than_4g)
{
    /* the low dword's address bits are all read-only zero: the size is in the high dword */
    CHECK_EQ(pci_bar_size(0x0000000C, 0x0000000C, 0xFFFFFFFE), 8ull << 30);
    CHECK_EQ(pci_bar_size(0x0000000C, 0x0000000C, 0xFFFFFFF0), 64ull << 30);
}

TEST(below_1m_type)
{
    struct pci_bar b;
    pci_bar_decode(&b, 0x000A0002, 0, 0xFFFE0002, 0);
    CHECK_EQ(b.kind, PCI_BAR_MEM32);
    CHECK(b.below_1m);
    CHECK_EQ(b.size, 128 * 1024);
}

TEST(unimplemented_bar)
{
    struct pci_bar b;
    pci_bar_decode(&b, 0, 0, 0, 0);
    CHECK_EQ(b.kind, PCI_BAR_NONE);
    CHECK_EQ(b.size, 0);
    /* a flag bit that reads back but no address bit: still nothing */
    CHECK_EQ(pci_bar_size(0x1, 0x1, 0), 0);
    CHECK_EQ(pci_bar_size(0x8, 0x8, 0), 0);
}

TEST(size_strings)
{
    char buf[16];
    CHECK_STR(pci_size_string(buf, sizeof buf, 16), "16");
    CHECK_STR(pci_size_string(buf, sizeof buf, 4096), "4K");
    CHECK_STR(pci_size_string(buf, sizeof buf, 128 * 1024), "128K");
    CHECK_STR(pci_size_string(buf, sizeof buf, 16u << 20), "16M");
    CHECK_STR(pci_size_string(buf, sizeof buf, 2ull << 30), "2G");
    CHECK_STR(pci_size_string(buf, sizeof buf, 8ull << 40), "8T");
    CHECK_STR(pci_size_string(buf, sizeof buf, 1536), "1536");
    CHECK_STR(pci_size_string(buf, sizeof buf, 0), "0");
}

TEST(driver_matching)
{
    struct pci_device ide = { .vendor = 0x8086, .device = 0x7010, .cls = 1, .subclass = 1 };
    struct pci_match by_class = { PCI_ANY, PCI_ANY, 1, 1 };
    struct pci_match by_id = { 0x8086, 0x7010, PCI_ANY, PCI_ANY };
    struct pci_match other_id = { 0x8086, 0x7011, PCI_ANY, PCI_ANY };
    struct pci_match sata = { PCI_ANY, PCI_ANY, 1, 6 };
    CHECK(pci_driver_matches(&by_class, &ide));
    CHECK(pci_driver_matches(&by_id, &ide));
    CHECK(!pci_driver_matches(&other_id, &ide));
    CHECK(!pci_driver_matches(&sata, &ide));
}

TEST(ide_compatibility_mode)
{
    /* QEMU's PIIX3: prog-if 0x80, only BAR4 (bus master) set */
    struct pci_device d = { .cls = 1, .subclass = 1, .prog_if = 0x80, .nbars = 6, .irq_line = 0 };
    struct pci_ide_channel ch[2];
    d.bar[4] = (struct pci_bar){ .kind = PCI_BAR_IO, .base = 0xC040, .size = 16 };
    CHECK_EQ(pci_ide_channels(&d, ch), 0);
    CHECK_EQ(ch[0].cmd_base, 0x1F0);
    CHECK_EQ(ch[0].ctl_base, 0x3F6);
    CHECK_EQ(ch[0].irq, 14);
    CHECK(!ch[0].native);
    CHECK_EQ(ch[1].cmd_base, 0x170);
    CHECK_EQ(ch[1].ctl_base, 0x376);
    CHECK_EQ(ch[1].irq, 15);
}

TEST(ide_compatibility_ignores_junk_bars)
{
    struct pci_device d = { .cls = 1, .subclass = 1, .prog_if = 0x8A, .nbars = 6 };
    struct pci_ide_channel ch[2];
    d.bar[0] = (struct pci_bar){ .kind = PCI_BAR_IO, .base = 0xD000, .size = 8 };
    CHECK_EQ(pci_ide_channels(&d, ch), 0);
    CHECK_EQ(ch[0].cmd_base, 0x1F0);            /* bit 0 clear: compatibility */
    CHECK_EQ(ch[1].cmd_base, 0x170);            /* bit 2 clear (bit 3: switchable only) */
}

TEST(ide_native_mode)
{
    struct pci_device d = { .cls = 1, .subclass = 1, .prog_if = 0x8F, .nbars = 6, .irq_line = 11 };
    struct pci_ide_channel ch[2];
    d.bar[0] = (struct pci_bar){ .kind = PCI_BAR_IO, .base = 0xC000, .size = 8 };
    d.bar[1] = (struct pci_bar){ .kind = PCI_BAR_IO, .base = 0xC010, .size = 4 };
    d.bar[2] = (struct pci_bar){ .kind = PCI_BAR_IO, .base = 0xC018, .size = 8 };
    d.bar[3] = (struct pci_bar){ .kind = PCI_BAR_IO, .base = 0xC020, .size = 4 };
    CHECK_EQ(pci_ide_channels(&d, ch), 0);
    CHECK_EQ(ch[0].cmd_base, 0xC000);
    CHECK_EQ(ch[0].ctl_base, 0xC012);
    CHECK_EQ(ch[0].irq, 11);
    CHECK(ch[0].native);
    CHECK_EQ(ch[1].cmd_base, 0xC018);
    CHECK_EQ(ch[1].ctl_base, 0xC022);
    CHECK_EQ(ch[1].irq, 11);
}

TEST(ide_mixed_and_broken_native)
{
    struct pci_device d = { .cls = 1, .subclass = 1, .prog_if = 0x05, .nbars = 6, .irq_line = 10 };
    struct pci_ide_channel ch[2];
    d.bar[0] = (struct pci_bar){ .kind = PCI_BAR_IO, .base = 0xC000, .size = 8 };
    d.bar[1] = (struct pci_bar){ .kind = PCI_BAR_IO, .base = 0xC010, .size = 4 };
    /* secondary native but BAR2 is memory: an error, the primary still works */
    d.bar[2] = (struct pci_bar){ .kind = PCI_BAR_MEM32, .base = 0xFE000000, .size = 4096 };
    CHECK_EQ(pci_ide_channels(&d, ch), -1);
    CHECK_EQ(ch[0].cmd_base, 0xC000);
    CHECK_EQ(ch[0].ctl_base, 0xC012);
    CHECK_EQ(ch[1].cmd_base, 0);
}

int main(void)
{
    RUN_GUARDED(config_address_layout);
    RUN_GUARDED(config_address_for_every_function);
    RUN_GUARDED(io_bar_piix_ide);
    RUN_GUARDED(io_bar_upper_bits_read_zero);
    RUN_GUARDED(mem32_prefetchable_vga);
    RUN_GUARDED(mem32_e1000);
    RUN_GUARDED(mem64_bar);
    RUN_GUARDED(mem64_larger_than_4g);
    RUN_GUARDED(below_1m_type);
    RUN_GUARDED(unimplemented_bar);
    RUN_GUARDED(size_strings);
    RUN_GUARDED(driver_matching);
    RUN_GUARDED(ide_compatibility_mode);
    RUN_GUARDED(ide_compatibility_ignores_junk_bars);
    RUN_GUARDED(ide_native_mode);
    RUN_GUARDED(ide_mixed_and_broken_native);
    return host_summary("lab5 pci");
}
