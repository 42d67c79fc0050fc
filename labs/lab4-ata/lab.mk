# Lab 4: ATA PIO - IDENTIFY decoding (identify.c, pure), the driver's messages
# and deadlines (ata_msg.c, ata_deadline.c, pure), its waits and resets
# (ata_wait.c), channels and block devices (ata_channel.c), probing
# (ata_probe.c), polled transfers (ata_pio.c), IRQ-driven futures (ata_irq.c),
# CRC-32 for the stage program (crc32.c, pure). ata_private.h lists them.
SRCS := identify.c ata_msg.c ata_deadline.c ata_wait.c ata_channel.c ata_probe.c ata_pio.c \
        ata_irq.c crc32.c

# `make lab4-qemu` gets two sparse disks made here and an empty CD-ROM drive:
#   ata0 master  ~100 MiB disk   ata0 slave   nothing
#   ata1 master  ATAPI CD-ROM    ata1 slave   ~8 MiB disk
# Sizes are whole cylinders of 16 heads x 63 sectors, so `make lab4-bochs` gets
# the same drives (Bochs sets the models, not the serials).
LAB4_DISK0 := $(BUILD)/lab4/disk0.img
LAB4_DISK1 := $(BUILD)/lab4/disk1.img
QEMU_ARGS := -drive if=none,id=d0,file=$(LAB4_DISK0),format=raw \
             -device ide-hd,drive=d0,bus=ide.0,unit=0,model=Cairn-lab4-primary-master,serial=CAIRN-D0 \
             -device ide-cd,bus=ide.1,unit=0,model=Cairn-lab4-CD \
             -drive if=none,id=d1,file=$(LAB4_DISK1),format=raw \
             -device ide-hd,drive=d1,bus=ide.1,unit=1,model=Cairn-lab4-secondary-slave,serial=CAIRN-D1
BOCHS_ARGS := --disk 0:0:$(LAB4_DISK0):Cairn-lab4-primary-master --cdrom 1:0::Cairn-lab4-CD \
              --disk 1:1:$(LAB4_DISK1):Cairn-lab4-secondary-slave
# Read the first and last sectors of both disks and one past the end; write one
# sector; read 16 sectors in one command.
KERNEL_ARGS := read=0.0:0,0.0:204623,1.1:0,1.1:16127,0.0:204624 write=0.0:1000 seed=42 span=1.1:100+16

$(LAB4_DISK0):
	@mkdir -p $(@D)
	truncate -s $$((203 * 16 * 63 * 512)) $@
$(LAB4_DISK1):
	@mkdir -p $(@D)
	truncate -s $$((16 * 16 * 63 * 512)) $@
lab4-qemu lab4-qemu-nox lab4-gdb lab4-qemu-grub lab4-bochs lab4-bochs-nox: $(LAB4_DISK0) $(LAB4_DISK1)
