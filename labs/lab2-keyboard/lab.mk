# Lab 2: the keyboard queue - IRQ1 into a lock-free scancode ring (ring.c),
# the 8042 and its handler (keyboard.c), the set-1 decoder (keymap.c), and the
# console line editor every echo uses (line.c).
SRCS := ring.c keymap.c keyboard.c line.c
QEMU_ARGS :=
KERNEL_ARGS :=
