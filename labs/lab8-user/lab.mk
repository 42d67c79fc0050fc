# Lab 8: paging and user mode. Pure layers (host-tested): frames.c pgtable.c
# elf.c ustack.c; the kernel's: paging.c process.c userentry.S load.c
# syscall.c sysfile.c vfs.c.
SRCS := frames.c pgtable.c elf.c ustack.c paging.c process.c userentry.S load.c \
        syscall.c sysfile.c vfs.c
QEMU_ARGS :=
KERNEL_ARGS :=
