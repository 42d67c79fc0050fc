/*
 * keyboard.h - lab 2's public interface: the PS/2 keyboard's scancode queue.
 *
 * IRQ1 reads one byte from the 8042 and pushes it into a fixed ring (the
 * producer, interrupt context); a task pops bytes and decodes them with
 * keymap.h (the consumer). One producer, one consumer, one CPU: no lock.
 * Bytes are scan code set 1 as translated by the 8042 (keymap.h decodes them).
 */
#ifndef CAIRN_KEYBOARD_H
#define CAIRN_KEYBOARD_H

#include <stdbool.h>
#include <stdint.h>

/* Boot only (lab 2's init.c): the empty queue, the 8042 set up, IRQ1 registered. */
void keyboard_init(void);

/*
 * Consumer side, task context: take the oldest scancode. False when the queue
 * is empty. If the interrupt side had to drop bytes since the last call, this
 * prints "kbd: queue full, dropped N" once (the handler itself never prints).
 * Callable with interrupts on or off.
 */
bool scancode_pop(uint8_t *out);

/*
 * fn is called from IRQ1 (IF=0) after every byte pushed, dropped bytes
 * excepted: lab 3 wakes its keyboard task here. NULL turns it off. fn must be
 * short, must not block, allocate or print.
 */
void scancode_set_notify(void (*fn)(void));

struct kbd_counters {
    uint32_t received;          /* bytes the handler read from the 8042 */
    uint32_t dropped;           /* of those, bytes lost because the queue was full */
};

struct kbd_counters kbd_counters(void);

#endif
