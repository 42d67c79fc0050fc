/*
 * machine_x86.c - lab 6 on i386: where a new thread's first frame goes, the call
 * into switch.S (after lab 8's switch hook, if any), the time slice option, and lab 6's boot hook
 * (which subscribes to lab 1's tick and plugs into its IRQ exit hook and lab 3's idle hooks).
 */
#include "cmdline.h"
#include "interrupts.h"
#include "kprintf.h"
#include "labinit.h"
#include "machine.h"
#include "panic.h"
#include "scheduler.h"
#include "trace.h"
#include "x86.h"

CMDLINE_OPTION(slice, "slice", "time slice of a thread in ms, 1-1000 (default 10)");

void switch_stacks(uintptr_t *save_sp, uintptr_t new_sp);       /* switch.S */

static uint32_t slice;                  /* in ticks */
static void (*switch_hook)(struct thread *next);

/* switch.S's stub jumps here in the students' tree. */
void switch_not_implemented(void)
{
    panic("lab6: switch_stacks (switch.S) not implemented");
}

/*
 * A new thread's stack as switch_stacks leaves a thread it switched away
 * from (ctx_first_frame, in thread.c: the same code builds the host tests'
 * frames): its first switch "returns" into thread_entry.
 */
void ctx_init(struct thread *t)
{
    t->sp = ctx_first_frame(t->stack + THREAD_STACK_SIZE, thread_entry);
}

/*
 * The trace's and lab 8's switch hooks live on their own path: with neither
 * on, the switch is two tests and a jump to switch_stacks. (Recording first
 * and then switching on one path made every switch save and restore two
 * registers around the call it seldom makes: +10 instructions.)
 */
static void __attribute__((noinline)) hooked_switch(struct thread *from, struct thread *to)
{
    if (switch_hook)                    /* lab 8: the next thread's address space */
        switch_hook(to);
    if (trace_on)
        trace_switch(from, to);
    switch_stacks(&from->sp, to->sp);
}

void ctx_switch(struct thread *from, struct thread *to)
{
    if (trace_on || switch_hook)
        hooked_switch(from, to);
    else
        switch_stacks(&from->sp, to->sp);
}

void thread_set_switch_hook(void (*hook)(struct thread *next))
{
    switch_hook = hook;
}

uintptr_t thread_stack_top(const struct thread *t)
{
    return t->stack ? (uintptr_t)(t->stack + THREAD_STACK_SIZE) : 0;
}

uint64_t cycles(void)
{
    return rdtsc();
}

uint32_t slice_ticks(void)
{
    return slice;
}

static void lab6_init(void)
{
    uint64_t ms = cmdline_uint("slice", THREAD_SLICE_DEFAULT_MS, 1, 1000);
    uint64_t ticks = (ms * timer_hz() + 999) / 1000;
    slice = ticks ? (uint32_t)ticks : 1;
    threads_init();
    timer_subscribe(sched_tick);
    irq_set_exit_hook(thread_irq_exit);
    bridge_init();
}
LAB_INIT(lab6_init);
