# user/linux/linux.mk - the Linux personality's programs and volume (handouts/linux.md;
# included by the top Makefile).
#
# Unlike user/progs, these are ordinary glibc programs: `gcc -m32 -static`, unmodified,
# so stage 9 runs exactly what Linux would. `make linux-progs` needs nothing but gcc's
# multilib; `make linux-img` also fetches Debian's busybox-static for i386 (apt-get
# download, tools/linux-busybox.sh: the network, once) and builds build/linux/linux.img,
# a FAT16 volume holding
#     /bin/busybox        Debian's binary, as shipped (never committed)
#     /bin/APPLET         applet.c: execve("/bin/busybox") with its own argv[0]
#     /linux/hello, ltest, fpswitch, pthello  the glibc programs (user/linux/*.c)
#     /etc/passwd, /etc/group       root, so `ls -l` has names to show
#     /tmp                an empty directory to write in

LX_DIR     := user/linux
LX_OUT     := $(BUILD)/linux
LX_PROGS   := $(LX_OUT)/hello $(LX_OUT)/ltest $(LX_OUT)/fpswitch $(LX_OUT)/pthello
LX_APPLET  := $(LX_OUT)/applet
LX_BUSYBOX := $(LX_OUT)/busybox
LX_IMG     := $(LX_OUT)/linux.img
LX_IMG_CYLINDERS := 32
# The applets that get a /bin name (busybox sh finds every applet without one).
LX_APPLETS := sh ash echo cat ls cp mv rm mkdir rmdir wc md5sum sort uniq sed awk find du \
              stat date sleep expr head tail tr grep touch true false env uname printf seq \
              test basename dirname cut tee od xargs yes cmp diff which id pwd
LX_CFLAGS  := -m32 -static -O2 -Wall -Wextra

.PHONY: linux-progs linux-img
linux-progs: $(LX_PROGS) $(LX_APPLET)
linux-img: $(LX_IMG)

$(LX_OUT)/%: $(LX_DIR)/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(LX_CFLAGS) -o $@ $<

$(LX_APPLET): $(LX_DIR)/applet.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) -m32 -static -nostdlib -no-pie -fno-pic -ffreestanding -O2 \
	    -fno-stack-protector -Wl,--build-id=none -o $@ $<

$(LX_BUSYBOX):
	$(call say,FETCH,$@)tools/linux-busybox.sh $(LX_OUT)

LX_IMG_GEOMETRY = $(shell $(PYTHON) -c 'import grade.drives as d; n = $(LX_IMG_CYLINDERS) * d.CYLINDER_SECTORS; print(n, n * d.SECTOR, d.HEADS, d.SECTORS_PER_TRACK)')

$(LX_IMG): $(LX_PROGS) $(LX_APPLET) $(LX_BUSYBOX) $(LX_DIR)/linux.mk
	$(call say,MTOOLS,$@)set -- $(LX_IMG_GEOMETRY) && rm -f $@.tmp && truncate -s $$2 $@.tmp && \
	    export MTOOLS_SKIP_CHECK=1 && \
	    mformat -i $@.tmp -T $$1 -h $$3 -s $$4 -v LINUX -N CA1B0019 :: && \
	    mmd -i $@.tmp ::/bin ::/linux ::/etc ::/tmp && \
	    mcopy -i $@.tmp $(LX_BUSYBOX) ::/bin/busybox && \
	    for a in $(LX_APPLETS); do mcopy -i $@.tmp $(LX_APPLET) ::/bin/$$a || exit 1; done && \
	    mcopy -i $@.tmp $(LX_PROGS) ::/linux/ && \
	    printf 'root:x:0:0:root:/:/bin/sh\n' | mcopy -i $@.tmp - ::/etc/passwd && \
	    printf 'root:x:0:\n' | mcopy -i $@.tmp - ::/etc/group && \
	    mv $@.tmp $@

# Stage 9 on the volume, busybox's shell on the console (quit: exit, or Ctrl-a x);
# RUN='/linux/hello' runs another first process.
RUN ?= /bin/sh
.PHONY: linux-qemu
linux-qemu: lab9 $(LX_IMG)
	@echo "*** busybox sh on this terminal; quit with exit or Ctrl-a x" >&2
	$(QEMU) $(QEMU_MACHINE) -display none -serial mon:stdio \
	    -drive if=none,id=d0,file=$(LX_IMG),format=raw,snapshot=on \
	    -device ide-hd,drive=d0,bus=ide.0,unit=0 \
	    -kernel $(BUILD)/lab9/kernel.elf -append 'run="$(RUN)"' || test $$? -eq 33
