# Cairn - the toolchain, the flags, and the kit-wide targets.
# The per-stage rules (labN, labN-qemu, ...) are in GNUmakefile.labs.
# `make help` lists every target.

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
SHELL := /bin/bash

BUILD   ?= build
OBJ     := $(BUILD)/obj
PYTHON  ?= python3
CC      := gcc
OBJDUMP := objdump
NM      := nm
QEMU    ?= qemu-system-i386
GDB     ?= gdb

# Kernel flags (gcc 12, binutils 2.40). Why each one:
#   -m32 -march=i686          32-bit code; i686 for rdtsc and cmov
#   -ffreestanding -nostdlib  no hosted C library; we provide memcpy & co.
#   -fno-pie -fno-pic         absolute addresses: the kernel is linked at 1 MiB
#   -fno-stack-protector      there is no __stack_chk_fail to call
#   -mgeneral-regs-only       no x87/MMX/SSE state: interrupt handlers don't save it
#   -fno-asynchronous-unwind-tables  no .eh_frame to discard
#   -fno-omit-frame-pointer   ebp chains make backtraces and gdb reliable
#   -fno-tree-loop-distribute-patterns  stop gcc turning memset's loop into memset()
KCFLAGS := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pie -fno-pic \
           -fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
           -fno-omit-frame-pointer -fno-tree-loop-distribute-patterns \
           -O2 -g -Wall -Wextra -Werror -MMD -MP
KINC    := -Ikernel/include
KLDFLAGS := -m32 -nostdlib -no-pie -Wl,--build-id=none -Wl,-T,boot/kernel.ld \
            -Wl,-z,noexecstack -Wl,--fatal-warnings

# The machine every run and every test uses, in one file that the grader reads
# too (grade/runner.py), so `make labN-qemu` and a grade boot the same machine
# (the grader's VGA has a stub option ROM, grade/vgarom.py: the same PCI bus).
QEMU_MACHINE := $(shell grep -v '^\#' boot/qemu-machine.args)

# Host tests: native x86-64 (this host cannot run 32-bit programs), sanitized.
HOSTCC     ?= gcc
HOSTCFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer -Ikernel/include

# Quiet by default ("CC kernel/kmain.c"); V=1 shows whole command lines.
ifeq ($(V),1)
Q :=
say =
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

# Deps are checked once per build tree; `make deps` checks again.
DEPS_STAMP := $(BUILD)/.deps-ok

include GNUmakefile.labs
include user/progs/progs.mk
include user/lab9progs/lab9progs.mk
include user/linux/linux.mk

.PHONY: selftest-kernels help deps test host-tests handout-stats grader-tests bench bench-full soak handout handout-check clean autograder \
        compile_commands.json all

help:
	@echo "Cairn - an i386 teaching kernel and its labs.  Stages: $(STAGES)"
	@echo
	@echo "Run a stage (N = $(STAGES)):"
	@echo "  make labN            build build/labN/kernel.elf (+ kernel.sym, kernel.asm)"
	@echo "  make labN-qemu       boot it in QEMU: console here, VGA window if a display exists"
	@echo "  make labN-qemu-nox   boot it in QEMU, console only (quit: Ctrl-a x)"
	@echo "  make labN-gdb        QEMU stopped at reset, waiting for gdb (prints the gdb command)"
	@echo "  make labN-iso        GRUB legacy El Torito image build/labN/cairn.iso"
	@echo "  make labN-img        GRUB legacy floppy build/labN/cairn.img"
	@echo "  make labN-qemu-grub  boot the floppy image in QEMU"
	@echo "  make labN-bochs      boot the image in Bochs, stopped in its debugger with symbols"
	@echo "  make labN-bochs-nox  the same without a display window"
	@echo "  ARGS='...'           extra kernel command-line words, e.g. ARGS='grade ticks=10'"
	@echo
	@echo "Grade and test:"
	@echo "  make grade           grade every lab (make grade GRADEFLAGS='--seed 42 -v')"
	@echo "  make grade-labN      grade one lab (its boots and its host tests)"
	@echo "  make grade-due       grade the labs the handout's workflow grades (labs 0..N in week N)"
	@echo "  make host-tests      host unit tests (ASan/UBSan); LAB=N: only lab N's (0: the core's)"
	@echo "  make test            everything CI runs: host tests, all stages, grade, boot paths, handout"
	@echo "  make progs           the user programs of stage 8 in build/progs/ (user/progs/README.md)"
	@echo "  make progs-img       build/progs/progs.img: a FAT volume holding them (mtools)"
	@echo "  make progs-test      run them on this host: under qemu-i386, and natively where the host can"
	@echo "  make lab9-img        build/lab9progs/lab9.img: stage 9's volume (user/progs and lab9t)"
	@echo "  make linux-img       build/linux/linux.img: glibc programs and Debian's busybox for"
	@echo "                       stage 9's Linux personality (fetches busybox-static:i386; handouts/linux.md)"
	@echo "  make linux-qemu      stage 9 on that volume, busybox sh on the console"
	@echo "  make bench           timing table of the grades, first run and warm (build/bench.json)"
	@echo "  make bench-full      every figure: boot paths, idle CPU, keys, guest, builds (~10 min)"
	@echo "  make lab6-trace ARGS='spin=3'   stage 6's trace drawn as build/lab6/trace.svg"
	@echo "  make lab6-pictures   regenerate the handout's handouts/img/lab6-*.svg"
	@echo "  make lab10-trace     one GET's timeline on stage 10 (lab 6's trace) as build/lab10/trace.svg"
	@echo "  make soak            102 full grades, --jobs 1/2/4, with and without CPU hogs (build/soak.json);"
	@echo "                       SOAKFLAGS='--lab 7 --lab 8 --grades 24' soaks only those labs"
	@echo
	@echo "Kit:"
	@echo "  make deps            install missing Debian packages (apt-get, as root or via sudo)"
	@echo "  make handout         the student tree, a git repository of one commit, in build/handout/"
	@echo "                       (+ build/cairn-handout.tar.gz)"
	@echo "                       REFERENCE_OBJECTS=1: also ship every lab's reference objects;"
	@echo "                       UPTO=N with it: labs 1..N-1's only (the handout of lab N's week)"
	@echo "  make use-reference LABS=lab1,lab2   build those labs from reference objects from now on"
	@echo "                       (a handout made with REFERENCE_OBJECTS=1); LABS= goes back to yours;"
	@echo "                       USE_REFERENCE=... on one command overrides it for that command"
	@echo "  make handout-stats   the lab-size table in handouts/instructors.md and the table of labs"
	@echo "                       in handouts/README.student.md"
	@echo "  make all             build every stage"
	@echo "  make autograder      Gradescope's build/autograder.zip (LAB=N: one lab; REFERENCE_LABS=none; REFERENCE_MISSING=1)"
	@echo "  make compile_commands.json   for clangd"
	@echo "  make clean"

deps:
	@tools/deps.sh
	@mkdir -p $(BUILD) && touch $(DEPS_STAMP)

$(DEPS_STAMP): tools/deps.sh
	@tools/deps.sh
	@mkdir -p $(BUILD) && touch $@

all: $(addprefix lab,$(STAGES))

# --- host unit tests -------------------------------------------------------
# tests/test_NAME.c links with the kernel sources it names in tests/NAME.deps
# (one path per line); each binary runs under ASan and UBSan. test_labN_* are
# lab N's tests (graded with it: grade/hosttests.py), test_core_* the core's.
# `make host-tests LAB=N` runs one lab's (LAB=0: the core's).
HOST_TESTS_ALL := $(sort $(wildcard tests/test_*.c))
host_prefix = tests/test_$(if $(filter 0,$(1)),core,lab$(1))_
ifdef LAB
ifeq ($(filter $(LAB),$(STAGES)),)
$(error LAB=$(LAB): not a lab; labs: $(STAGES) (0 is the core))
endif
HOST_TESTS := $(filter $(call host_prefix,$(LAB))%,$(HOST_TESTS_ALL))
else
HOST_TESTS := $(HOST_TESTS_ALL)
endif
HOST_BINS  := $(patsubst tests/%.c,$(BUILD)/tests/%,$(HOST_TESTS))

.SECONDEXPANSION:
# Host tests test a lab's insides too: every lab's private and public headers.
HOST_TEST_INC := $(addprefix -I,$(wildcard labs/lab* labs/lab*/include))
# A .deps line may name a generated source as build/...: it follows BUILD. A
# source of a lab taken from reference objects (USE_REFERENCE) is replaced by
# that lab's host-built object, reference/labN/host/NAME.o, as the kernel is.
dep_lab = $(if $(filter labs/%,$(1)),$(firstword $(subst -, ,$(word 2,$(subst /, ,$(1))))))
dep_lab_num = $(patsubst lab%,%,$(call dep_lab,$(1)))
host_dep = $(if $(filter $(call dep_lab,$(1)),$(use_reference)),\
             reference/$(call dep_lab,$(1))/host/$(notdir $(basename $(1))).o,$(1))
test_deps = $(foreach d,$(patsubst build/%,$(BUILD)/%,$(shell cat tests/$(1).deps 2>/dev/null)),$(call host_dep,$(d)))
$(BUILD)/tests/%: tests/%.c tests/host.h $$(call test_deps,$$*) $(BUILD)/tests/reference.txt \
                  $$(if $$(wildcard $$@.dep),,FORCE) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@rm -f $@       # a test that no longer builds must not leave its last binary to run
	@# One compile of several sources writes the headers of the last one only (-MMD),
	@# so the headers of every source (the fakes, the labs' own) are listed first.
	@# -MP gives each header an empty rule, and the printf each source: a file a
	@# later tree deletes or merges away then rebuilds the test, not "no rule". A
	@# binary with no .dep yet (built before there were any) is built again once.
	@$(HOSTCC) $(HOSTCFLAGS) $(HOST_TEST_INC) -MM -MP -MT $@ $< $(filter %.c,$(call test_deps,$*)) > $@.dep
	@printf '%s:\n' $(filter %.c,$(call test_deps,$*)) >> $@.dep
	$(HOSTCC) $(HOSTCFLAGS) $(HOST_TEST_INC) -o $@ $< $(call test_deps,$*)
-include $(wildcard $(BUILD)/tests/*.dep)

# The reference choice as a file that changes only when it does: the tests relink then.
$(BUILD)/tests/reference.txt: FORCE
	@mkdir -p $(@D)
	@echo '$(use_reference)' | cmp -s - $@ || echo '$(use_reference)' > $@

# The reference build's lab sources the host tests use, compiled for the host,
# for `make handout REFERENCE_OBJECTS=1` to ship (reference/labN/host/).
HOST_REF_SRCS := $(sort $(filter labs/%.c,$(shell cat tests/*.deps 2>/dev/null)))
HOST_REF_OBJS := $(patsubst %.c,$(BUILD)/hostobj/%.o,$(HOST_REF_SRCS))
# -MMD: a header changed (fat.h's cache size) rebuilds them, or a handout would ship
# objects of the old layout; an object with no .d yet (built before) is rebuilt once.
$(BUILD)/hostobj/%.o: %.c $$(if $$(wildcard $$(basename $$@).d),,FORCE) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)$(HOSTCC) $(HOSTCFLAGS) $(HOST_TEST_INC) -MMD -MP -c $< -o $@
-include $(HOST_REF_OBJS:.o=.d)

# -k: one test that does not build is counted as failed; the others still run.
# The sanitized builds are most of the time (running them takes ~5 s): one per core.
HOST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# A test that did not build may still have its last binary: the run then fails.
host-tests: | $(DEPS_STAMP)
	@built=0; $(MAKE) -s -k -j$(HOST_JOBS) $(HOST_BINS) || built=$$?; \
	tools/run-host-tests.sh $(HOST_BINS) && [ $$built -eq 0 ] || \
	{ [ $$built -eq 0 ] || echo "host tests: some did not build (above)"; exit 1; }

# The grader's own tests run it on purpose-built bad kernels (grade/tests/kernels).
SELFTEST_KERNELS := $(patsubst grade/tests/kernels/%.c,$(BUILD)/selftest/%.elf,\
                      $(wildcard grade/tests/kernels/*.c))
$(BUILD)/selftest/%.elf: $(OBJ)/grade/tests/kernels/%.o $(CORE_OBJS) $(BUILD)/lab0/stage.o boot/kernel.ld
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(KLDFLAGS) -o $@ $(filter %.o,$^) -lgcc

selftest-kernels: $(SELFTEST_KERNELS)

grader-tests: lab0 $(SELFTEST_KERNELS) | $(DEPS_STAMP)
	$(PYTHON) -W error -m unittest discover -s grade/tests -t . $(if $(V),-v)

# --- lab 6's picture of a run (handouts/lab6.md, "A picture of it running") ---
# Boot stage 6 with `trace` and ARGS on the grader's machine and virtual time
# (tools/tracerun.py), then draw the trace (tools/tracesvg.py). KEYS=h,i,ret,esc
# types those keys (QEMU qcodes) once `kbd` is ready; FROM=MS TO=MS zoom in.
.PHONY: lab6-trace lab6-pictures
lab6-trace: lab6
	$(PYTHON) tools/tracerun.py --kernel $(BUILD)/lab6/kernel.elf --log $(BUILD)/lab6/trace.log \
	    --keys '$(KEYS)' -- $(S6_ARGS_WORD)
	$(PYTHON) tools/tracesvg.py $(BUILD)/lab6/trace.log -o $(BUILD)/lab6/trace.svg \
	    --title 'make lab6-trace ARGS="$(S6_ARGS)"$(if $(KEYS), KEYS=$(KEYS))' \
	    $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO))

# The handout's pictures (handouts/img/lab6-*.svg, committed), each titled with the
# command that draws it: name, ARGS, KEYS, FROM, TO.
define lab6_picture
	$(PYTHON) tools/tracerun.py --kernel $(BUILD)/lab6/kernel.elf --log $(BUILD)/lab6/$(1).log \
	    --keys '$(3)' -- $(2)
	$(PYTHON) tools/tracesvg.py $(BUILD)/lab6/$(1).log -o handouts/img/lab6-$(1).svg \
	    $(if $(4),--from $(4)) $(if $(5),--to $(5)) --title 'make lab6-trace \
	    ARGS="$(2)"$(if $(3), KEYS=$(3))$(if $(4), FROM=$(4))$(if $(5), TO=$(5))'

endef
lab6-pictures: lab6
	@mkdir -p handouts/img
	$(call lab6_picture,spin,spin=3 slice=5 spin_ms=40)
	$(call lab6_picture,donate,donate=10$(comma)20$(comma)30)
	$(call lab6_picture,kbd,kbd,h$(comma)i$(comma)ret$(comma)esc,irq1,+1.2)

# --- the whole check, as CI runs it -----------------------------------------
test: | $(DEPS_STAMP)
	@$(PYTHON) tools/testall.py

# bench: a few minutes (the grades a student waits for); bench-full: every figure, ~10 min.
bench: all | $(DEPS_STAMP)
	$(PYTHON) -m grade.bench

bench-full: all | $(DEPS_STAMP)
	BENCH_FULL=1 $(PYTHON) -m grade.bench

# Not in `make test`: 102 full grades at --jobs 1, 2, 4, with and without CPU
# hogs; every non-OK verdict with its seed and replay command, then a table.
# SOAKFLAGS='--grades 12 --jobs 2' for a shorter one; '--lab 7 --lab 8' (repeatable)
# grades only those labs, a lab's new tests without the slow grade of every lab.
soak: all | $(DEPS_STAMP)
	$(PYTHON) -m grade.soak $(SOAKFLAGS)

# The student tree, a git repository with one commit (tools/handout.py), and its tarball.
# REFERENCE_OBJECTS=1 also ships the reference labs as prebuilt objects (reference/labN/*.o);
# UPTO=N ships labs 1..N-1's only, and its workflow grades labs 0..N: the handout of
# the week lab N is due. UPTO without REFERENCE_OBJECTS is an error (it would change nothing).
HANDOUT_DIR ?= $(BUILD)/handout
HANDOUT_TAR ?= $(BUILD)/cairn-handout.tar.gz
handout: $(if $(REFERENCE_OBJECTS),all $(HOST_REF_OBJS) $(BUILD)/reference-objects.txt) | $(DEPS_STAMP)
	$(if $(and $(UPTO),$(if $(REFERENCE_OBJECTS),,no)),$(error UPTO=$(UPTO) needs REFERENCE_OBJECTS=1: \
	    it chooses which reference objects ship (those of the labs before lab $(UPTO)), and \
	    without them every handout is the same; make handout REFERENCE_OBJECTS=1 UPTO=$(UPTO)))
	$(PYTHON) tools/handout.py --out $(HANDOUT_DIR) $(if $(HANDOUT_TAR),--tar $(HANDOUT_TAR)) \
	    $(if $(REFERENCE_OBJECTS),--reference-objects $(BUILD)/reference-objects.txt) \
	    $(if $(UPTO),--upto $(UPTO))

# The generated tables: lab sizes in handouts/instructors.md, the labs in the
# student README (tests/test_handout.py checks that both are current).
handout-stats:
	$(PYTHON) tools/handout.py --write-stats handouts/instructors.md --write-rooms handouts/README.student.md

# The handout as students get it, and with every lab from the reference objects;
# then a week-3 handout (UPTO=3) as a student uses it: its repository, cloned,
# labs 1-2 from the reference, lab 3 committed, graded by its workflow in a clone.
handout-check:
	$(MAKE) -s handout REFERENCE_OBJECTS=1
	$(MAKE) -s handout REFERENCE_OBJECTS=1 UPTO=3 HANDOUT_DIR=$(BUILD)/handout-week3 HANDOUT_TAR=
	$(PYTHON) tools/handout.py --check $(BUILD)/handout --check-week $(BUILD)/handout-week3

# Gradescope: one assignment per lab (LAB=N) or every lab; handouts/instructors.md.
autograder:
	$(PYTHON) tools/autograder/build.py --out $(BUILD)/autograder.zip $(if $(LAB),--lab $(LAB)) \
	    $(if $(REFERENCE_MISSING),--reference-missing) $(if $(REFERENCE_LABS),--reference-labs $(REFERENCE_LABS))

compile_commands.json:
	$(PYTHON) tools/compile_commands.py $(STAGES) > $@

clean:
	rm -rf $(BUILD) compile_commands.json
