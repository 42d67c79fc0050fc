# Lab 9: processes. Pure layers (host-tested): ptable.c cow.c fdtable.c pipebuf.c
# ldisc.c execstack.c path.c; the kernel's: proc.c procentry.S waitq.c fork.c exec.c exit.c
# signal.c pipe.c tty.c sysfile9.c sysdir.c syscall9.c.
SRCS := ptable.c cow.c fdtable.c pipebuf.c ldisc.c execstack.c path.c proc.c procentry.S \
        waitq.c fork.c exec.c exit.c signal.c pipe.c tty.c sysfile9.c sysdir.c syscall9.c
# The Linux personality (handouts/linux.md): glibc and busybox programs as they are.
SRCS += linux_sys.c linux_tls.c linux_mm.c linux_time.c linux_file.c linux_sig.c linux_fork.c linux_fpu.c \
        linux_dev.c linux_stat.c linux_sigframe.c

# `make lab9-qemu` boots /sh on the console, from a volume of user/progs' programs and
# lab 9's own test programs (user/lab9progs/lab9progs.mk).
LAB9_DISK := $(BUILD)/lab9progs/lab9.img
QEMU_ARGS := -drive if=none,id=d0,file=$(LAB9_DISK),format=raw,snapshot=on \
             -device ide-hd,drive=d0,bus=ide.0,unit=0
BOCHS_ARGS := --disk 0:0:$(LAB9_DISK):Cairn-lab9-programs
KERNEL_ARGS := run=/sh
lab9 lab9-qemu lab9-qemu-nox lab9-gdb lab9-qemu-grub lab9-bochs lab9-bochs-nox: $(LAB9_DISK)
