# Lab 3: cooperative multitasking - futures, wakers, the executor with a
# race-free hlt, the timer queue and the async scancode stream.
SRCS := executor.c join.c future.c sleep.c scancodes.c init.c
QEMU_ARGS :=
KERNEL_ARGS :=
