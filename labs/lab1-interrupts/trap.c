/*
 * trap.c - the IDT, the dispatcher every entry stub calls, the exception
 * reports, and the double-fault task (Intel SDM Vol. 3A, ch. 6 "Interrupt
 * and Exception Handling"; 6.14 / 7.3 for tasks and task gates).
 *
 * Every gate is a 32-bit interrupt gate, so handlers run with IF = 0 and a
 * handler never interrupts itself. The one exception is #DF: it arrives
 * through a task gate, which switches to a task with its own stack. A fault
 * while pushing a fault's frame (a kernel-stack overflow) is a double fault,
 * and a handler on the broken stack would fault a third time: the CPU would
 * shut down (a triple fault) and QEMU would reset without a word.
 */
#include <stdint.h>
#include "exception.h"
#include "gate.h"
#include "gdt.h"
#include "interrupts.h"
#include "kprintf.h"
#include "ksym.h"
#include "machine.h"
#include "panic.h"
#include "trap.h"
#include "x86.h"

struct idt_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

/* A 32-bit task-state segment (SDM Vol. 3A, 7.2.1, Figure 7-2). */
struct tss {
    uint16_t link, reserved0;
    uint32_t esp0;
    uint16_t ss0, reserved1;
    uint32_t esp1;
    uint16_t ss1, reserved2;
    uint32_t esp2;
    uint16_t ss2, reserved3;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, reserved4, cs, reserved5, ss, reserved6;
    uint16_t ds, reserved7, fs, reserved8, gs, reserved9;
    uint16_t ldt, reserved10;
    uint16_t trap, iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "a 32-bit TSS is 104 bytes");

#define DF_STACK_SIZE 4096
#define EFLAGS_RESERVED1 0x2            /* bit 1 always reads as 1 */

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(8)));
static trap_handler_fn handlers[IDT_ENTRIES];
static trap_handler_fn user_fault_hook;  /* lab 8: an exception in ring 3 */

static struct tss boot_tss;             /* where a task switch saves the interrupted state */
static struct tss double_fault_tss;
static uint8_t double_fault_stack[DF_STACK_SIZE] __attribute__((aligned(16)));

static inline uint32_t read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint32_t read_cr3(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr3, %0" : "=r"(v));
    return v;
}

static inline uint16_t read_ss(void)
{
    uint16_t v;
    __asm__ volatile("movw %%ss, %0" : "=r"(v));
    return v;
}

/*
 * Exercise 2: every vector gets its entry stub (trap_stubs[v]) through a 32-bit
 * interrupt gate in the kernel code segment; #BP may be raised from ring 3;
 * #DF is a task gate to GDT_TSS1 (double_fault_init fills that TSS). Then lidt.
 */
void idt_init(void)
{
    /* LAB 1: BEGIN SOLUTION */
    struct idt_ptr ptr = { sizeof idt - 1, (uint32_t)(uintptr_t)idt };

    for (int v = 0; v < IDT_ENTRIES; v++)
        idt[v] = gate_make(trap_stubs[v], GDT_KERNEL_CODE, GATE_INTR32, 0);
    /* int3 from any ring may ask for #BP; and #DF runs as its own task. */
    idt[EXC_BP] = gate_make(trap_stubs[EXC_BP], GDT_KERNEL_CODE, GATE_INTR32, 3);
    idt[EXC_DF] = gate_make(0, GDT_TSS1, GATE_TASK, 0);
    __asm__ volatile("lidt %0" : : "m"(ptr));
    /* LAB 1: STUB
    (void)idt;
    panic("lab1: idt_init() not implemented (fill the 256 gates, then lidt)");
    LAB 1: END SOLUTION */
}

void trap_register(uint8_t vector, trap_handler_fn fn)
{
    handlers[vector] = fn;
}

/* A gate ring 3 may raise with `int` (DPL 3): lab 8's system calls. */
void trap_register_user(uint8_t vector, trap_handler_fn fn)
{
    handlers[vector] = fn;
    idt[vector] = gate_make(trap_stubs[vector], GDT_KERNEL_CODE, GATE_INTR32, 3);
}

void trap_set_user_fault_hook(trap_handler_fn fn)
{
    user_fault_hook = fn;
}

/* The stack a trap from ring 3 switches to (SDM Vol. 3A, 6.12.1: SS0:ESP0 of the TSS). */
void trap_set_kernel_stack(uint32_t esp0)
{
    boot_tss.ss0 = GDT_KERNEL_DATA;
    boot_tss.esp0 = esp0;
}

/* --- Reports ------------------------------------------------------------ */

/* What a report shows, from a trap frame or from a TSS. */
struct cpu_state {
    uint32_t eip, cs, eflags, esp, ss;
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
    uint32_t ds, es, fs, gs;
};

static void print_symbol(uint32_t addr)
{
    uintptr_t off;
    const char *name = ksym_lookup(addr, &off);

    if (name)
        kprintf("<%s+0x%x>", name, (unsigned)off);
    else
        kprintf("<?>");
}

static void print_state(const struct cpu_state *s)
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

/*
 * Follows the saved-ebp chain (the kernel is built with frame pointers) for
 * a few frames. Without paging every address reads; with it, an unmapped one
 * would fault inside the report, so stay near the faulting stack.
 */
static void print_backtrace(uint32_t ebp, uint32_t esp)
{
    kprintf("  backtrace:");
    for (int depth = 0; depth < 8; depth++) {
        if (ebp == 0 || ebp & 3 || ebp < esp || ebp - esp > 0x10000)
            break;
        uint32_t ret = ((uint32_t *)(uintptr_t)ebp)[1];
        if (!ksym_lookup(ret, 0))
            break;
        kprintf(" ");
        print_symbol(ret);
        esp = ebp;
        ebp = ((uint32_t *)(uintptr_t)ebp)[0];
    }
    kprintf("\n");
}

static void print_heading(uint32_t vector, uint32_t error, uint32_t cr2)
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
        s->esp = (&tf->eflags)[1];
        s->ss = (&tf->eflags)[2];
    }
}

void trap_report(const struct trapframe *tf)
{
    struct cpu_state s;

    state_from_frame(tf, &s);
    print_heading(tf->vector, tf->error, read_cr2());
    print_state(&s);
}

static void report_and_exit(struct trapframe *tf)
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
static void breakpoint(struct trapframe *tf)
{
    kprintf("#BP breakpoint at eip 0x%08x ", tf->eip);
    print_symbol(tf->eip);
    kprintf(", continuing\n");
}

void trap_dispatch(struct trapframe *tf)
{
    trap_handler_fn fn = handlers[tf->vector & 0xFF];

    if (fn)
        fn(tf);
    else if (tf->vector == EXC_BP)
        breakpoint(tf);
    else if ((tf->cs & 3) == GDT_RPL_USER && user_fault_hook)
        user_fault_hook(tf);    /* lab 8 kills the process, not the kernel */
    else
        report_and_exit(tf);    /* an exception, or an interrupt nobody registered */
}

/* --- The double-fault task ---------------------------------------------- */

void double_fault_init(void)
{
    boot_tss.iomap_base = sizeof boot_tss;      /* no I/O bitmap */
    gdt_set_tss(GDT_TSS0, (uintptr_t)&boot_tss, sizeof boot_tss - 1);
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)GDT_TSS0));

    struct tss *t = &double_fault_tss;
    t->eip = (uint32_t)(uintptr_t)double_fault_entry;
    t->esp = (uint32_t)(uintptr_t)(double_fault_stack + sizeof double_fault_stack);
    t->eflags = EFLAGS_RESERVED1;               /* IF = 0 */
    t->cs = GDT_KERNEL_CODE;
    t->ss = t->ds = t->es = t->fs = t->gs = GDT_KERNEL_DATA;
    t->cr3 = read_cr3();
    t->iomap_base = sizeof *t;
    gdt_set_tss(GDT_TSS1, (uintptr_t)t, sizeof *t - 1);
}

void double_fault_set_cr3(uint32_t cr3)
{
    double_fault_tss.cr3 = cr3;
}

/*
 * Runs as the #DF task. The switch saved the interrupted state in the boot
 * task's TSS: that is the state to show (its eip is the instruction whose
 * fault could not be delivered).
 */
void double_fault_report(uint32_t error)
{
    const struct tss *b = &boot_tss;
    struct cpu_state s = {
        .eip = b->eip, .cs = b->cs, .eflags = b->eflags, .esp = b->esp, .ss = b->ss,
        .eax = b->eax, .ebx = b->ebx, .ecx = b->ecx, .edx = b->edx,
        .esi = b->esi, .edi = b->edi, .ebp = b->ebp,
        .ds = b->ds, .es = b->es, .fs = b->fs, .gs = b->gs,
    };

    reporting++;
    print_heading(EXC_DF, error, 0);
    kprintf("  reported by the double-fault task on its own stack; the faulting state:\n");
    print_state(&s);
    kprintf("  cr2 0x%08x (the last page-fault address)\n", read_cr2());
    machine_exit(EXIT_EXCEPTION_CODE);
}
