# Lab 8: paging and user mode. Pure layers (host-tested): frames.c pgtable.c
# elf.c ustack.c uaccess.c fault.c ring3.c sysnames.c; the kernel's: paging.c
# process.c userentry.S load.c syscall.c sysfile.c inode.c vfs.c.
SRCS := frames.c pgtable.c elf.c ustack.c uaccess.c fault.c ring3.c paging.c process.c userentry.S load.c \
        syscall.c sysnames.c sysfile.c inode.c vfs.c

# `make lab8-qemu` gets user/progs' volume (make progs-img) at the primary master.
LAB8_DISK := $(BUILD)/progs/progs.img
QEMU_ARGS := -drive if=none,id=d0,file=$(LAB8_DISK),format=raw,snapshot=on \
             -device ide-hd,drive=d0,bus=ide.0,unit=0
BOCHS_ARGS := --disk 0:0:$(LAB8_DISK):Cairn-lab8-programs
KERNEL_ARGS := run=/hello
lab8 lab8-qemu lab8-qemu-nox lab8-gdb lab8-qemu-grub lab8-bochs lab8-bochs-nox: $(LAB8_DISK)
