# Lab 7: a FAT12/16/32 file system with long names on lab 4's disks. Pure
# layers (host-tested): bpb.c cache.c table.c name.c dir.c lookup.c dirwrite.c
# file.c fileops.c volume.c undo.c check.c; the kernel's disk glue: ataio.c.
SRCS := bpb.c cache.c table.c name.c dir.c lookup.c dirwrite.c file.c fileops.c volume.c undo.c check.c ataio.c

# `make lab7-qemu` gets a FAT16 disk made here with mtools (a file, a directory
# with a long-named file) at the primary master.
LAB7_DISK := $(BUILD)/lab7/fat16.img
QEMU_ARGS := -drive if=none,id=d0,file=$(LAB7_DISK),format=raw \
             -device ide-hd,drive=d0,bus=ide.0,unit=0
BOCHS_ARGS := --disk 0:0:$(LAB7_DISK):Cairn-lab7-FAT16
KERNEL_ARGS := ls=/ ls=/Documents cat=/Documents/A-long-file-name.txt cat=/hello.txt

$(LAB7_DISK): labs/lab7-fat/lab.mk
	@mkdir -p $(@D)
	rm -f $@ && truncate -s $$((64 * 16 * 63 * 512)) $@
	mformat -i $@ -T $$((64 * 16 * 63)) -h 16 -s 63 -v CAIRN ::
	printf 'Hello from lab 7\n' > $@.txt && mcopy -i $@ $@.txt ::/hello.txt
	mmd -i $@ ::/Documents && mcopy -i $@ README.md ::/Documents/A-long-file-name.txt
	rm -f $@.txt
lab7-qemu lab7-qemu-nox lab7-gdb lab7-qemu-grub lab7-bochs lab7-bochs-nox: $(LAB7_DISK)
