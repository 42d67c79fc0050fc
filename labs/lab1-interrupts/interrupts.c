/*
 * interrupts.c - lab 1's boot hook. It runs first among the labs (the table
 * runs by lab number), so every later lab's hook finds the IDT loaded, the
 * PICs remapped with every IRQ vector handled, the tick running and
 * interrupts on.
 */
#include "labinit.h"
#include "pic.h"
#include "pit.h"
#include "trap.h"
#include "x86.h"

void lab1_init(void)
{
    idt_init();
    double_fault_init();
    pic_init();
    pit_init();
    intr_enable();
}
LAB_INIT(lab1_init);
