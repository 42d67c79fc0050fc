# Lab 3: cooperative multitasking - futures, wakers, the executor with a
# race-free hlt, the timer queue and the async scancode stream.
SRCS := executor.c join.c atomic_waker.c future.c sleep.c tickless.c scancodes.c platform_x86.c init.c
QEMU_ARGS :=
KERNEL_ARGS :=
