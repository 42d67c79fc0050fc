# user/lab9progs/lab9progs.mk - lab 9's test programs and stage 9's volume (included by
# the top Makefile).
#
# lab9t (lab9t.c says what each command prints) is a Linux i386 static program, as
# user/progs' are, on a library of its own (sys9.h, lib9.c: raw int 0x80), so it
# depends on nothing of user/progs but the volume it joins. The volume,
# build/lab9progs/lab9.img, holds every program of user/progs (the shell, the tools)
# and lab9t, at /NAME, and user/progs/README.md at /readme.txt.

L9P_DIR  := user/lab9progs
L9P_OUT  := $(BUILD)/lab9progs
L9P_SRCS := $(L9P_DIR)/start9.S $(L9P_DIR)/lib9.c $(L9P_DIR)/lab9t.c $(L9P_DIR)/lab9t_io.c \
            $(L9P_DIR)/lab9t_bench.c $(L9P_DIR)/lab9t_kill.c \
            kernel/format.c kernel/string.c
L9P_OBJS := $(patsubst %,$(L9P_OUT)/obj/%.o,$(basename $(L9P_SRCS)))
L9P_ELFS := $(L9P_OUT)/lab9t
LAB9_IMG := $(L9P_OUT)/lab9.img
LAB9_IMG_CYLINDERS := 16

.PHONY: lab9progs lab9-img
lab9progs: $(L9P_ELFS)
lab9-img: $(LAB9_IMG)

$(L9P_OUT)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(KCFLAGS) -I$(L9P_DIR) -Ikernel/include -c $< -o $@

$(L9P_OUT)/obj/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(KCFLAGS) -c $< -o $@

$(L9P_OUT)/lab9t: $(L9P_OBJS)
	$(call say,LD,$@)$(CC) -m32 -static -nostdlib -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
	    -Wl,--fatal-warnings -o $@ $^ -lgcc

LAB9_IMG_GEOMETRY = $(shell $(PYTHON) -c 'import grade.drives as d; n = $(LAB9_IMG_CYLINDERS) * d.CYLINDER_SECTORS; print(n, n * d.SECTOR, d.HEADS, d.SECTORS_PER_TRACK)')

$(LAB9_IMG): $(PROGS_ELFS) $(L9P_ELFS) $(PROGS_DIR)/README.md
	$(call say,MTOOLS,$@)set -- $(LAB9_IMG_GEOMETRY) && rm -f $@ && truncate -s $$2 $@ && \
	    MTOOLS_SKIP_CHECK=1 mformat -i $@ -T $$1 -h $$3 -s $$4 -v LAB9 -N CA1B0009 :: && \
	    MTOOLS_SKIP_CHECK=1 mcopy -i $@ $(PROGS_ELFS) $(L9P_ELFS) :: && \
	    MTOOLS_SKIP_CHECK=1 mcopy -i $@ $(PROGS_DIR)/README.md ::/readme.txt

-include $(shell find $(L9P_OUT)/obj -name '*.d' 2>/dev/null)
