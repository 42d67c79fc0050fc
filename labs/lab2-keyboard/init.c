/*
 * init.c - lab 2's boot hook: check the byte ring, then start the keyboard
 * (keyboard.c: the 8042, its queue and IRQ1). Apart from keyboard.c so that
 * the host tests can build that file: LAB_INIT's boot table exists only in
 * the kernel's build (kernel/include/labinit.h).
 */
#include "keyboard.h"
#include "labinit.h"
#include "panic.h"
#include "ring.h"

/*
 * IRQ1 will trust the ring without a second chance, so check it once on a
 * scratch ring first: a broken push or pop stops the boot here, by name,
 * instead of showing up later as keys that vanish or repeat.
 */
static void ring_selftest(void)
{
    uint8_t scratch[4], b;
    struct ring r;

    ring_init(&r, scratch, sizeof(scratch));
    for (int i = 0; i < 6; i++)
        ring_push(&r, (uint8_t)(0xA0 + i));         /* the last two find it full */
    for (int i = 0; i < 4; i++)
        if (!ring_pop(&r, &b) || b != 0xA0 + i)
            panic("kbd: ring self-test: byte %d of 4 is wrong or missing", i);
    if (ring_pop(&r, &b) || ring_dropped(&r) != 2)
        panic("kbd: ring self-test: a full ring must drop (and count) the extra bytes");
}

void lab2_init(void)
{
    ring_selftest();
    keyboard_init();
}
LAB_INIT(lab2_init);
