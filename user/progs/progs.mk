# user/progs/progs.mk - the user programs of stage 8 (included by the top Makefile).
#
# Each program is an ordinary Linux i386 static ELF (ET_EXEC at gcc's default
# 0x08048000), one per file here, linked with the tiny library in lib/ and, for
# its string, printf, number and CRC routines, the kernel's own pure sources
# compiled again for ring 3 (one home each). The kernel's KCFLAGS suit ring 3
# too: freestanding, no SSE/x87 (no FPU state a context switch would have to
# save), frame pointers for backtraces. README.md here lists every program's
# arguments and output.
#   make progs          build/progs/NAME for every program, and the malformed ELFs
#   make progs-img      build/progs/progs.img: a FAT volume with every one at /NAME
#   make progs-test     run them on this host (tests/test_progs.py)

PROGS_DIR := user/progs
PROGS_OUT := $(BUILD)/progs
# The programs on the library, one NAME.c each.
PROGS     := hello exit malloc crc keys sleep isolate mkfile badfd nullptr kaddr rotext divzero \
             efault enosys ubench int3 rdtext bigbuf stale brkstale \
             sh echo cat wc ls grep mkdir rm mv kill true false forktest argecho
# Programs of several files: NAME.c, and every .c in the directory NAME/.
PROGS_MULTI := sh
# Built outside the kit: nothing but `gcc -m32 -static -nostdlib` (raw/NAME.c,
# which may include raw/rawlib.h: raw int 0x80 helpers, no library).
PROGS_RAW := rawexit proctest
# Refused by a correct loader, made from hello by mkbad.py (its docstring says how).
PROGS_BAD := badmachine badclass truncated shortphdr shortseg kernelseg

ULIB_SRCS := $(wildcard $(PROGS_DIR)/lib/*.c $(PROGS_DIR)/lib/*.S) \
             kernel/format.c kernel/parse.c kernel/string.c labs/lab4-ata/crc32.c
ULIB_OBJS := $(patsubst %,$(PROGS_OUT)/obj/%.o,$(basename $(ULIB_SRCS)))
UCFLAGS   := $(KCFLAGS) -I$(PROGS_DIR)/include -Ikernel/include -Ilabs/lab4-ata/include
ULDFLAGS  := -m32 -static -nostdlib -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
             -Wl,--fatal-warnings
PROGS_ELFS := $(addprefix $(PROGS_OUT)/,$(PROGS) $(PROGS_RAW) $(PROGS_BAD))
PROGS_IMG  := $(PROGS_OUT)/progs.img
# The volume: 16 whole cylinders (Bochs wants whole cylinders), 8 MiB, of the one
# geometry every disk of the kit has (grade/drives.py); asked only when it is built.
PROGS_IMG_CYLINDERS := 16
PROGS_IMG_GEOMETRY = $(shell $(PYTHON) -c 'import grade.drives as d; n = $(PROGS_IMG_CYLINDERS) * d.CYLINDER_SECTORS; print(n, n * d.SECTOR, d.HEADS, d.SECTORS_PER_TRACK)')

.PHONY: progs progs-img progs-test
progs: $(PROGS_ELFS)
progs-img: $(PROGS_IMG)
all: progs

$(PROGS_OUT)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(UCFLAGS) -c $< -o $@

$(PROGS_OUT)/obj/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(UCFLAGS) -c $< -o $@

$(addprefix $(PROGS_OUT)/,$(PROGS)): $(PROGS_OUT)/%: $(PROGS_OUT)/obj/$(PROGS_DIR)/%.o $(ULIB_OBJS)
	$(call say,LD,$@)$(CC) $(ULDFLAGS) -o $@ $^ -lgcc

# A program of several files links NAME/*.c's objects too (the rule above takes
# every prerequisite, $^), and NAME.c finds NAME/'s header.
$(foreach p,$(PROGS_MULTI),$(eval $(PROGS_OUT)/$(p): $(patsubst %.c,$(PROGS_OUT)/obj/%.o,$(wildcard $(PROGS_DIR)/$(p)/*.c))))
$(foreach p,$(PROGS_MULTI),$(eval $(PROGS_OUT)/obj/$(PROGS_DIR)/$(p).o: UCFLAGS += -I$(PROGS_DIR)/$(p)))

# Exactly the issue's command line: no flags of ours, no library.
$(addprefix $(PROGS_OUT)/,$(PROGS_RAW)): $(PROGS_OUT)/%: $(PROGS_DIR)/raw/%.c $(PROGS_DIR)/raw/rawlib.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) -m32 -static -nostdlib -o $@ $<

$(addprefix $(PROGS_OUT)/,$(PROGS_BAD)): $(PROGS_OUT)/%: $(PROGS_DIR)/mkbad.py $(PROGS_OUT)/hello
	$(call say,GEN,$@)$(PYTHON) $(PROGS_DIR)/mkbad.py $* $(PROGS_OUT)/hello $@

# mformat picks the FAT type for the size (FAT12 here); every program at /NAME,
# and README.md at /readme.txt for `crc` to read.
$(PROGS_IMG): $(PROGS_ELFS) $(PROGS_DIR)/README.md
	$(call say,MTOOLS,$@)set -- $(PROGS_IMG_GEOMETRY) && rm -f $@ && truncate -s $$2 $@ && \
	    MTOOLS_SKIP_CHECK=1 mformat -i $@ -T $$1 -h $$3 -s $$4 -v PROGS -N CA1B0008 :: && \
	    MTOOLS_SKIP_CHECK=1 mcopy -i $@ $(PROGS_ELFS) :: && \
	    MTOOLS_SKIP_CHECK=1 mcopy -i $@ $(PROGS_DIR)/README.md ::/readme.txt

progs-test: progs $(PROGS_IMG) | $(DEPS_STAMP)
	CAIRN_PROGS=$(PROGS_OUT) CAIRN_PROGS_FILES='$(notdir $(PROGS_ELFS))' $(PYTHON) -m unittest $(if $(V),-v) tests/test_progs.py

-include $(shell find $(PROGS_OUT)/obj -name '*.d' 2>/dev/null)
