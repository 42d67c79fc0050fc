# Lab 2: the keyboard queue - IRQ1 into a lock-free scancode ring (ring.c),
# the 8042 and its handler (keyboard.c), and the set-1 decoder (keymap.c).
SRCS := ring.c keymap.c keyboard.c
QEMU_ARGS :=
KERNEL_ARGS :=
