/*
 * pciconf.c - configuration mechanism #1: a function's configuration space is
 * reached by writing its address to CONFIG_ADDRESS (0xCF8, a dword port) and
 * then moving data through CONFIG_DATA (0xCFC-0xCFF). Byte and word accesses
 * use the lane of CONFIG_DATA that matches the register's offset in its dword.
 * (PCI Local Bus Specification 3.0, 3.2.2.3.2; Linux arch/x86/pci/direct.c.)
 *
 * The two port accesses are one operation: an interrupt handler that touched
 * configuration space between them would redirect our data access. So each
 * access runs with interrupts off (intr_disable nests, so callers may hold it too).
 */
#include "pci.h"
#include "panic.h"
#include "x86.h"

/* One per access, whatever its width: the cost of a scan, which the grader bounds. */
static uint32_t accesses;

uint32_t pci_config_accesses(void)
{
    return accesses;
}

/* LAB 5: BEGIN SOLUTION */
/* Selects the register's dword, interrupts off until the data access is done. */
static intr_state_t config_select(uint16_t bdf, uint8_t reg)
{
    intr_state_t f = intr_disable();

    outl(PCI_CONFIG_ADDRESS, pci_config_address(bdf, reg));
    accesses++;
    return f;
}

/* The CONFIG_DATA lane of a byte or word register. */
static uint16_t lane(uint8_t reg)
{
    return (uint16_t)(PCI_CONFIG_DATA + (reg & 3));
}
/* LAB 5: END SOLUTION */

uint32_t pci_read32(uint16_t bdf, uint8_t reg)
{
    /* LAB 5: BEGIN SOLUTION */
    intr_state_t f = config_select(bdf, reg);
    uint32_t v;

    v = inl(PCI_CONFIG_DATA);
    intr_restore(f);
    return v;
    /* LAB 5: STUB
    (void)bdf; (void)reg;
    panic("lab5: pci_read32 (configuration mechanism #1) not implemented");
    LAB 5: END SOLUTION */
}

uint16_t pci_read16(uint16_t bdf, uint8_t reg)
{
    /* LAB 5: BEGIN SOLUTION */
    intr_state_t f = config_select(bdf, reg);
    uint16_t v;

    v = inw(lane(reg & ~1));
    intr_restore(f);
    return v;
    /* LAB 5: STUB
    (void)bdf; (void)reg;
    panic("lab5: pci_read16 (configuration mechanism #1) not implemented");
    LAB 5: END SOLUTION */
}

uint8_t pci_read8(uint16_t bdf, uint8_t reg)
{
    /* LAB 5: BEGIN SOLUTION */
    intr_state_t f = config_select(bdf, reg);
    uint8_t v;

    v = inb(lane(reg));
    intr_restore(f);
    return v;
    /* LAB 5: STUB
    (void)bdf; (void)reg;
    panic("lab5: pci_read8 (configuration mechanism #1) not implemented");
    LAB 5: END SOLUTION */
}

void pci_write32(uint16_t bdf, uint8_t reg, uint32_t v)
{
    /* LAB 5: BEGIN SOLUTION */
    intr_state_t f = config_select(bdf, reg);

    outl(PCI_CONFIG_DATA, v);
    intr_restore(f);
    /* LAB 5: STUB
    (void)bdf; (void)reg; (void)v;
    panic("lab5: pci_write32 (configuration mechanism #1) not implemented");
    LAB 5: END SOLUTION */
}

void pci_write16(uint16_t bdf, uint8_t reg, uint16_t v)
{
    /* LAB 5: BEGIN SOLUTION */
    intr_state_t f = config_select(bdf, reg);

    outw(lane(reg & ~1), v);
    intr_restore(f);
    /* LAB 5: STUB
    (void)bdf; (void)reg; (void)v;
    panic("lab5: pci_write16 (configuration mechanism #1) not implemented");
    LAB 5: END SOLUTION */
}

void pci_write8(uint16_t bdf, uint8_t reg, uint8_t v)
{
    /* LAB 5: BEGIN SOLUTION */
    intr_state_t f = config_select(bdf, reg);

    outb(lane(reg), v);
    intr_restore(f);
    /* LAB 5: STUB
    (void)bdf; (void)reg; (void)v;
    panic("lab5: pci_write8 (configuration mechanism #1) not implemented");
    LAB 5: END SOLUTION */
}
