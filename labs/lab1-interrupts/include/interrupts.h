/*
 * interrupts.h - lab 1's public interface: the IDT and its trap frame, the
 * remapped 8259 PICs (IRQ n arrives at vector IRQ_VECTOR(n)), and the PIT tick.
 * Later labs register their handlers here from their boot hooks: by then
 * lab1_init (the first hook) has loaded the IDT, remapped the PICs, started the
 * PIT and enabled interrupts.
 * (Intel SDM Vol. 3A ch. 6 "Interrupt and Exception Handling"; Intel 8259A and
 * 8254 datasheets.)
 */
#ifndef CAIRN_INTERRUPTS_H
#define CAIRN_INTERRUPTS_H

#include <stdbool.h>
#include <stdint.h>

struct trapframe {                       /* what every entry stub builds, lowest address first */
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;   /* pushal order */
    uint32_t vector, error;              /* error: pushed by the CPU, or 0 by the stub */
    uint32_t eip, cs, eflags;            /* pushed by the CPU */
    uint32_t esp, ss;                    /* ...and these first, only on a trap from ring 3 */
};
typedef void (*trap_handler_fn)(struct trapframe *tf);
/* Handle `vector` with fn instead of the default (an exception report for 0-31). Not for
   IRQs: a trap handler on 0x20-0x2F replaces the dispatcher and its EOI; use irq_register. */
void trap_register(uint8_t vector, trap_handler_fn fn);

/*
 * Ring 3 (lab 8): a gate user code may raise with `int` (DPL 3); the kernel stack
 * a trap from ring 3 lands on (the TSS's SS0:ESP0); the hook an exception in ring
 * 3 goes to instead of the report that stops the machine; and that report's
 * heading and registers alone (the user's esp and ss when it came from ring 3).
 */
void trap_register_user(uint8_t vector, trap_handler_fn fn);
void trap_set_kernel_stack(uint32_t esp0);
void trap_set_user_fault_hook(trap_handler_fn fn);
void trap_report(const struct trapframe *tf);

#define IRQ_BASE 0x20                    /* PIC1 -> 0x20..0x27, PIC2 -> 0x28..0x2F */
#define IRQ_VECTOR(irq) (IRQ_BASE + (irq))
typedef void (*irq_handler_fn)(int irq);
void irq_register(int irq, irq_handler_fn fn);   /* installs and unmasks it */
void irq_enable(int irq);
void irq_disable(int irq);
/* Handlers run with IF=0; the IRQ dispatcher sends the EOI (slave then master for 8-15) after the handler
   returns, and detects spurious IRQ7/IRQ15 via the ISR (no EOI / master-only EOI) and counts them. */
struct irq_stats { uint32_t count[16]; uint32_t spurious7, spurious15; };
struct irq_stats irq_stats(void);
/* Called at the end of every IRQ, after its EOI, still with IF=0: lab 6 preempts there. */
void irq_set_exit_hook(void (*hook)(int irq));
/*
 * True while an IRQ's handler runs (lab 1's dispatcher sets it around the
 * handler and the EOI; the exit hook runs outside it). Code that may block
 * asserts !intr_context(), as Pintos does: a handler that blocked would sleep
 * on the interrupted thread's stack with its IRQ still in service.
 */
bool intr_context(void);

/*
 * The tick (pit.c). timer_ticks() is the one tick count every lab reads.
 * timer_subscribe(fn): fn(now) is called on every tick, in the IRQ 0 handler
 * (IF=0, intr_context()), and once after tickless idle restarts the tick, with
 * every tick that passed counted (now may then be several ticks on, and the
 * caller is the idle code, not a handler). Subscribers run in the order they
 * subscribed; one more than TIMER_SUBSCRIBERS_MAX panics.
 */
#define TIMER_SUBSCRIBERS_MAX 4
uint64_t timer_ticks(void);              /* PIT ticks since boot */
uint32_t timer_hz(void);
void timer_subscribe(void (*fn)(uint64_t now));
/*
 * Tickless idle (NO_HZ idle, handouts/lab3.md "Challenge: tickless idle"): the
 * one place the tick is stopped and restarted, for lab 3's executor and lab 6's
 * idle thread alike. timer_idle_until: with interrupts masked and nothing
 * ready, sleep until an interrupt (the one "sti; hlt"), with the tick stopped
 * if `deadline` (an absolute tick; UINT64_MAX: none) is more than one tick
 * away: a one-shot for that tick boundary, capped at what a 16-bit count
 * reaches (54.9 ms at 1000 Hz). Returns with interrupts enabled, the tick
 * running, the ticks that passed counted (exact to the input clock, a tick's
 * slip carried over) and the subscribers told once if any passed (lab 3's
 * timers due by then expired, lab 6's sleepers woken). While it halts with the
 * tick stopped, timer_ticks() stands still and timer_tick_stopped() is true
 * (lab 6 switches no thread then). tickless_set_periodic(true) (tick=periodic)
 * keeps the tick while idle, to compare.
 */
void timer_idle_until(uint64_t deadline);
void tickless_set_periodic(bool periodic);
bool timer_tick_stopped(void);
struct tickless_stats {
    uint32_t stops;                 /* idles with the tick stopped */
    uint32_t capped;                /* ... of which the one-shot ended short of the deadline */
    uint32_t periodic_halts;        /* idles with the tick kept (due within a tick, or tick=periodic) */
};
struct tickless_stats tickless_stats(void);

/*
 * Read back from the chips, not from lab 1's own variables: for a program
 * that checks what lab 1 really programmed.
 */
#define PIT_INPUT_HZ 1193182u            /* 14.31818 MHz / 12, the PC's crystal */
uint16_t pic_read_masks(void);           /* both PICs' OCW1: bit n set = IRQ n masked */
uint32_t pit_read_count(void);           /* channel 0's count now, 1..65536 (it counts down) */

/*
 * A task switch loads CR3 from the new task's TSS when paging is on: code that
 * turns paging on (or changes page directory) must tell the #DF task, or a
 * double fault would run on a garbage address space.
 */
void double_fault_set_cr3(uint32_t cr3);

#endif
