/* Temporary: the interface compiles while the real implementation is written. */
#include "interrupts.h"
#include "panic.h"

void trap_register(uint8_t vector, trap_handler_fn fn) { (void)vector; (void)fn; }
void irq_register(int irq, irq_handler_fn fn) { (void)irq; (void)fn; }
void irq_enable(int irq) { (void)irq; }
void irq_disable(int irq) { (void)irq; }
struct irq_stats irq_stats(void) { struct irq_stats s = {0}; return s; }
uint64_t timer_ticks(void) { return 0; }
uint32_t timer_hz(void) { return 100; }
void timer_set_hook(void (*hook)(uint64_t now)) { (void)hook; }
