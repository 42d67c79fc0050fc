/*
 * excreport.c - the reports a trap may end in, from trap_dispatch (trap.c):
 * an exception's name, its error code in words (excdecode.c), the registers
 * and a backtrace, then the machine stops; or a kernel int3's one line
 * (Intel SDM Vol. 3A, 6.12.1 "Exception- or Interrupt-Handler Procedures":
 * the frame the CPU pushes; 6.13 "Error Code"; 2.5: CR2 holds the last
 * page-fault address). Lab 8's hook and the #DF task (tss.c) print parts.
 */
#include <stdint.h>
#include "stackwalk.h"
#include "exception.h"
#include "gdt.h"
#include "interrupts.h"
#include "kprintf.h"
#include "ksym.h"
#include "machine.h"
#include "trap.h"
#include "x86.h"

static void print_symbol(uint32_t addr)
{
    uintptr_t off;
    const char *name = ksym_lookup(addr, &off);

    if (name)
        kprintf("<%s+0x%x>", name, (unsigned)off);
    else
        kprintf("<?>");
}

void trap_print_state(const struct cpu_state *s)
{
    kprintf("  eip 0x%08x ", s->eip);
    if ((s->cs & 3) == GDT_RPL_USER)
        kprintf("<user>");              /* the kernel's symbols say nothing there */
    else
        print_symbol(s->eip);
    kprintf("  cs 0x%04x  eflags 0x%08x\n", s->cs & 0xFFFF, s->eflags);
    kprintf("  eax 0x%08x  ebx 0x%08x  ecx 0x%08x  edx 0x%08x\n", s->eax, s->ebx, s->ecx, s->edx);
    kprintf("  esi 0x%08x  edi 0x%08x  ebp 0x%08x  esp 0x%08x\n", s->esi, s->edi, s->ebp, s->esp);
    kprintf("  ds 0x%04x  es 0x%04x  fs 0x%04x  gs 0x%04x  ss 0x%04x\n", s->ds & 0xFFFF,
            s->es & 0xFFFF, s->fs & 0xFFFF, s->gs & 0xFFFF, s->ss & 0xFFFF);
}

static uint32_t read_stack_word(uint32_t addr)
{
    return *(const uint32_t *)(uintptr_t)addr;
}

static bool is_kernel_code(uint32_t addr)
{
    return ksym_lookup(addr, 0) != 0;
}

/*
 * A few frames of the saved-ebp chain (stackwalk.c). Without paging every
 * address reads; with it, an unmapped one would fault inside the report, so
 * the walk stays near the faulting stack.
 */
static void print_backtrace(uint32_t ebp, uint32_t esp)
{
    static const struct stack_reader kernel_stack = { read_stack_word, is_kernel_code };
    uint32_t ret[BACKTRACE_MAX];
    int n = backtrace_walk(ebp, esp, &kernel_stack, ret, BACKTRACE_MAX);

    kprintf("  backtrace:");
    for (int i = 0; i < n; i++) {
        kprintf(" ");
        print_symbol(ret[i]);
    }
    kprintf("\n");
}

void trap_print_heading(uint32_t vector, uint32_t error, uint32_t cr2)
{
    char why[80];

    kprintf("exception: %s", exception_name(vector));
    if (vector >= EXC_COUNT || exception_name(vector)[0] != '#')
        kprintf(" (vector %u)", vector);
    if (exception_has_error_code(vector)) {
        kprintf(", error 0x%04x", error);
        if (*exception_describe_error(vector, error, cr2, why, sizeof why))
            kprintf(" (%s)", why);
    }
    kprintf("\n");
}

/* One report at a time: a fault inside a report ends the run at once. */
static int reporting;

void trap_report_begin(void)
{
    reporting++;
}

static void state_from_frame(const struct trapframe *tf, struct cpu_state *s)
{
    *s = (struct cpu_state){
        .eip = tf->eip, .cs = tf->cs, .eflags = tf->eflags,
        /* Same-ring entry pushes no esp: the stack was just above eflags. */
        .esp = (uint32_t)(uintptr_t)(&tf->eflags + 1), .ss = read_ss(),
        .eax = tf->eax, .ebx = tf->ebx, .ecx = tf->ecx, .edx = tf->edx,
        .esi = tf->esi, .edi = tf->edi, .ebp = tf->ebp,
        .ds = tf->ds, .es = tf->es, .fs = tf->fs, .gs = tf->gs,
    };
    if ((tf->cs & 3) == GDT_RPL_USER) {         /* from ring 3 the CPU pushed esp and ss too */
        s->esp = tf->esp;
        s->ss = tf->ss;
    }
}

void trap_report(const struct trapframe *tf)
{
    struct cpu_state s;

    state_from_frame(tf, &s);
    trap_print_heading(tf->vector, tf->error, read_cr2());
    trap_print_state(&s);
}

void trap_report_and_exit(struct trapframe *tf)
{
    struct cpu_state s;

    if (reporting++) {
        kprintf("exception: %s (vector %u) while reporting an exception\n",
                exception_name(tf->vector), tf->vector);
        machine_exit(EXIT_EXCEPTION_CODE);
    }
    state_from_frame(tf, &s);
    trap_report(tf);
    print_backtrace(s.ebp, s.esp);
    machine_exit(EXIT_EXCEPTION_CODE);
}

/* int3 is a probe: say where it was and carry on after it. */
void trap_report_breakpoint(struct trapframe *tf)
{
    kprintf("#BP breakpoint at eip 0x%08x ", tf->eip);
    print_symbol(tf->eip);
    kprintf(", continuing\n");
}
