# Lab 2: the keyboard queue - the 8042, its IRQ1 handler and the lock-free
# scancode ring it fills (keyboard.c), the set-1 decoder (keymap.c), the
# console line editor every echo uses (line.c) and the boot hook (init.c).
SRCS := keyboard.c keymap.c line.c init.c
QEMU_ARGS :=
KERNEL_ARGS :=
