# Lab 5: PCI - configuration mechanism #1 (pciconf.c), the scan through
# bridges with BAR sizing (pciscan.c), the pure parts (pcilib.c: address
# layout, BAR decoding; pciide.c: IDE channel ports; pcinames.c: name lookup)
# and driver binding (pcidrv.c). The name table is generated from pci.ids.
SRCS := pciconf.c pcilib.c pciide.c pcinames.c pciscan.c pcidrv.c
GEN_SRCS := pci_names.c
# Devices to look at: a NIC, and a bridge with a NIC behind it (as the grader does).
QEMU_ARGS := -device e1000,addr=03.0 -device pci-bridge,chassis_nr=1,id=br1,addr=05.0 \
             -device rtl8139,bus=br1,addr=01.0
KERNEL_ARGS :=

$(LAB_GEN)/pci_names.c: tools/pciids.py $(wildcard /usr/share/misc/pci.ids)
	$(call say,GEN,$@)$(PYTHON) tools/pciids.py --out $@
# Not in the kernel: the names tests/test_lab5_names.c expects, by the same rules.
$(LAB_GEN)/pci_names_expected.c: tools/pciids.py $(wildcard /usr/share/misc/pci.ids)
	$(call say,GEN,$@)$(PYTHON) tools/pciids.py --expect --out $@
