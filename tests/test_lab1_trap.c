/*
 * test_lab1_trap.c - where trap_dispatch sends a trap (trap_route,
 * labs/lab1-interrupts/trap.c), and the report's walk up the saved-ebp chain
 * (backtrace_walk, stackwalk.c) on a fake stack that checks every read.
 * trap.c is linked whole: the entry stubs (trapentry.S) and the reports
 * (excreport.c) it names are stand-ins below, never reached by these tests.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "stackwalk.h"
#include "exception.h"
#include "gdt.h"
#include "host.h"
#include "panic.h"
#include "trap.h"

#define KERNEL_CS GDT_KERNEL_CODE
#define USER_CS   (GDT_USER_CODE | GDT_RPL_USER)

const uint32_t trap_stubs[IDT_ENTRIES];
void trap_report_breakpoint(struct trapframe *tf) { (void)tf; }
void trap_report_and_exit(struct trapframe *tf) { (void)tf; abort(); }

/* --- trap_route ----------------------------------------------------------- */

TEST(a_registered_handler_owns_its_vector)
{
    for (uint32_t v = 0; v < 256; v++) {
        CHECK_EQ(trap_route(v, KERNEL_CS, true, false), TRAP_TO_HANDLER);
        CHECK_EQ(trap_route(v, USER_CS, true, true), TRAP_TO_HANDLER);   /* int $0x80 */
    }
}

TEST(kernel_int3_is_a_probe_that_continues)
{
    CHECK_EQ(trap_route(EXC_BP, KERNEL_CS, false, false), TRAP_TO_BREAKPOINT);
    CHECK_EQ(trap_route(EXC_BP, KERNEL_CS, false, true), TRAP_TO_BREAKPOINT);
}

/* A user program's int3 is its own fault (SIGTRAP on Linux), never the kernel's probe. */
TEST(user_int3_goes_to_the_user_hook)
{
    CHECK_EQ(trap_route(EXC_BP, USER_CS, false, true), TRAP_TO_USER_HOOK);
    CHECK_EQ(trap_route(EXC_BP, USER_CS, false, false), TRAP_TO_REPORT);
}

/* The RPL bits of the saved CS say who was interrupted, whatever the selector. */
TEST(user_faults_go_to_the_hook_kernel_faults_to_the_report)
{
    for (uint32_t v = 0; v < 256; v++) {
        if (v == EXC_BP)
            continue;
        CHECK_EQ(trap_route(v, USER_CS, false, true), TRAP_TO_USER_HOOK);
        CHECK_EQ(trap_route(v, 0x1B, false, true), TRAP_TO_USER_HOOK);
        CHECK_EQ(trap_route(v, USER_CS, false, false), TRAP_TO_REPORT);   /* before lab 8 */
        CHECK_EQ(trap_route(v, KERNEL_CS, false, true), TRAP_TO_REPORT);  /* a kernel bug */
        CHECK_EQ(trap_route(v, KERNEL_CS, false, false), TRAP_TO_REPORT);
        if (host_current_failed) {
            printf("  (vector %u)\n", v);
            return;
        }
    }
}

/* --- backtrace_walk --------------------------------------------------------- */

/* A fake stack: 64 KiB + a page of words at STACK_BASE, every read range-checked. */
#define STACK_BASE 0x00200000u
#define STACK_WORDS ((BACKTRACE_WINDOW + 4096) / 4)
static uint32_t stack[STACK_WORDS];
static uint32_t lowest_ok, highest_ok;  /* reads must stay in [lowest_ok, highest_ok) */
static int bad_reads, reads;

static uint32_t fake_read32(uint32_t addr)
{
    reads++;
    if (addr < lowest_ok || addr + 4 > highest_ok || addr & 3) {
        bad_reads++;
        return 0;
    }
    return stack[(addr - STACK_BASE) / 4];
}

#define TEXT_LO 0x00100000u
#define TEXT_HI 0x00110000u
static bool fake_is_code(uint32_t addr)
{
    return addr >= TEXT_LO && addr < TEXT_HI;
}

static const struct stack_reader reader = { fake_read32, fake_is_code };

static void poke(uint32_t addr, uint32_t value)
{
    stack[(addr - STACK_BASE) / 4] = value;
}

/* A frame at ebp: [ebp] the caller's ebp, [ebp + 4] the return address. */
static void frame(uint32_t ebp, uint32_t caller_ebp, uint32_t ret)
{
    poke(ebp, caller_ebp);
    poke(ebp + 4, ret);
}

static void clear(uint32_t esp)
{
    memset(stack, 0, sizeof stack);
    lowest_ok = esp;
    highest_ok = esp + BACKTRACE_WINDOW + 8;
    bad_reads = reads = 0;
}

#define ESP (STACK_BASE + 0x100)

TEST(walks_three_frames_innermost_first)
{
    uint32_t ret[BACKTRACE_MAX];
    clear(ESP);
    frame(ESP + 0x20, ESP + 0x60, TEXT_LO + 0x111);
    frame(ESP + 0x60, ESP + 0x200, TEXT_LO + 0x222);
    frame(ESP + 0x200, 0, TEXT_LO + 0x333);         /* the outermost: ebp 0 above it */
    CHECK_EQ(backtrace_walk(ESP + 0x20, ESP, &reader, ret, BACKTRACE_MAX), 3);
    CHECK_EQ(ret[0], TEXT_LO + 0x111);              /* [ebp + 4], not [ebp] */
    CHECK_EQ(ret[1], TEXT_LO + 0x222);
    CHECK_EQ(ret[2], TEXT_LO + 0x333);
    CHECK_EQ(bad_reads, 0);
}

TEST(stops_at_a_return_address_that_is_not_code)
{
    uint32_t ret[BACKTRACE_MAX];
    clear(ESP);
    frame(ESP + 0x20, ESP + 0x60, TEXT_LO + 0x111);
    frame(ESP + 0x60, ESP + 0x200, 0xDEADBEEF);
    CHECK_EQ(backtrace_walk(ESP + 0x20, ESP, &reader, ret, BACKTRACE_MAX), 1);
    CHECK_EQ(bad_reads, 0);
}

TEST(stops_at_a_frame_pointer_that_is_zero_or_misaligned)
{
    uint32_t ret[BACKTRACE_MAX];
    clear(ESP);
    CHECK_EQ(backtrace_walk(0, ESP, &reader, ret, BACKTRACE_MAX), 0);
    CHECK_EQ(reads, 0);
    frame(ESP + 0x20, ESP + 0x62, TEXT_LO + 0x111);
    CHECK_EQ(backtrace_walk(ESP + 0x20, ESP, &reader, ret, BACKTRACE_MAX), 1);
    CHECK_EQ(bad_reads, 0);
}

/* Garbage that points back down, or at itself, must not loop or read below esp. */
TEST(stops_at_a_frame_below_the_last_one)
{
    uint32_t ret[BACKTRACE_MAX];
    clear(ESP);
    frame(ESP + 0x20, ESP + 0x20, TEXT_LO + 0x111);         /* points at itself */
    CHECK_EQ(backtrace_walk(ESP + 0x20, ESP, &reader, ret, BACKTRACE_MAX), 1);
    clear(ESP);
    frame(ESP + 0x40, ESP + 0x20, TEXT_LO + 0x111);         /* points down */
    frame(ESP + 0x20, ESP + 0x40, TEXT_LO + 0x222);
    CHECK_EQ(backtrace_walk(ESP + 0x40, ESP, &reader, ret, BACKTRACE_MAX), 1);
    clear(ESP);
    CHECK_EQ(backtrace_walk(ESP - 0x10, ESP, &reader, ret, BACKTRACE_MAX), 0);   /* below esp */
    CHECK_EQ(bad_reads, 0);
}

TEST(stays_within_the_window_above_esp)
{
    uint32_t ret[BACKTRACE_MAX];
    clear(ESP);
    frame(ESP + 0x20, ESP + BACKTRACE_WINDOW + 0x100, TEXT_LO + 0x111);
    CHECK_EQ(backtrace_walk(ESP + 0x20, ESP, &reader, ret, BACKTRACE_MAX), 1);
    CHECK_EQ(bad_reads, 0);
}

TEST(shows_at_most_max_frames)
{
    uint32_t ret[BACKTRACE_MAX + 4];
    clear(ESP);
    for (uint32_t i = 0; i < BACKTRACE_MAX + 4; i++)
        frame(ESP + 0x10 * (i + 1), ESP + 0x10 * (i + 2), TEXT_LO + i);
    CHECK_EQ(backtrace_walk(ESP + 0x10, ESP, &reader, ret, 3), 3);
    CHECK_EQ(ret[2], TEXT_LO + 2);
    CHECK_EQ(backtrace_walk(ESP + 0x10, ESP, &reader, ret, BACKTRACE_MAX), BACKTRACE_MAX);
    CHECK_EQ(backtrace_walk(ESP + 0x10, ESP, &reader, ret, 0), 0);
    CHECK_EQ(bad_reads, 0);
}

int main(void)
{
    RUN(a_registered_handler_owns_its_vector);
    RUN(kernel_int3_is_a_probe_that_continues);
    RUN(user_int3_goes_to_the_user_hook);
    RUN(user_faults_go_to_the_hook_kernel_faults_to_the_report);
    RUN(walks_three_frames_innermost_first);
    RUN(stops_at_a_return_address_that_is_not_code);
    RUN(stops_at_a_frame_pointer_that_is_zero_or_misaligned);
    RUN(stops_at_a_frame_below_the_last_one);
    RUN(stays_within_the_window_above_esp);
    RUN(shows_at_most_max_frames);
    return host_summary("lab1 trap");
}
