# Lab 1: interrupts - IDT and trap entry, exception reports, the double-fault
# task, the remapped 8259 PICs and the PIT tick.
SRCS := stubs.c
QEMU_ARGS :=
ARGS :=
