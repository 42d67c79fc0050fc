# Lab 1: interrupts - IDT and trap entry stubs, exception reports, the
# double-fault task, the remapped 8259 PICs and the PIT tick.
SRCS := interrupts.c trapentry.S trap.c excreport.c stackwalk.c tss.c task.c gate.c excdecode.c pic.c \
        pit.c
QEMU_ARGS :=
KERNEL_ARGS := ticks=100
