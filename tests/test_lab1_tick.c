/*
 * test_lab1_tick.c - the tick's subscribers (timer_subscribe, labs/lab1-interrupts/pit.c):
 * a fixed table, so one subscriber too many must stop the boot by name instead
 * of silently taking the place of another (what the one-slot hook it replaced
 * did). pit.c is built as is; what it calls of the kernel is stubbed below, and
 * nothing here touches the 8254's ports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "host.h"
#include "interrupts.h"
#include "machine.h"
#include "x86.h"

/* --- what pit.c calls of the kernel and of lab 1 -------------------------- */
const char *cmdline_str(const char *name, const char *fallback) { (void)name; return fallback; }
uint64_t cmdline_uint(const char *name, uint64_t fallback, uint64_t min, uint64_t max)
{
    (void)name; (void)min; (void)max;
    return fallback;
}
int kprintf(const char *fmt, ...) { (void)fmt; return 0; }
void machine_exit(enum exit_code code) { printf("  machine_exit(%d)\n", code); abort(); }
void irq_register(int irq, irq_handler_fn fn) { (void)irq; (void)fn; }
static bool fake_if = true;
bool intr_enabled(void) { return fake_if; }
intr_state_t intr_disable(void) { bool was = fake_if; fake_if = false; return was; }
void intr_enable(void) { fake_if = true; }
void intr_restore(intr_state_t was) { fake_if = was != 0; }
void intr_enable_and_halt(void) { fake_if = true; }

static void subscriber(uint64_t now) { (void)now; }

TEST(a_subscriber_past_the_table_panics)
{
    for (int i = 0; i < TIMER_SUBSCRIBERS_MAX; i++)
        timer_subscribe(subscriber);        /* room for every lab that subscribes */
    jmp_buf jb;
    host_panic_catcher = &jb;
    bool panicked = setjmp(jb) != 0;
    if (!panicked)
        timer_subscribe(subscriber);        /* one more: must not replace one silently */
    host_panic_catcher = NULL;
    CHECK(panicked);
    CHECK(!timer_tick_stopped());           /* the periodic tick, as booted */
}

int main(void)
{
    RUN(a_subscriber_past_the_table_panics);
    return host_summary("lab1 tick");
}
