/*
 * test_lab3_scancodes.c - the async scancode stream against a fake lab 2
 * queue: bytes arriving before the first poll, while the task sleeps, and in
 * the window between the stream's first pop and its waker registration.
 */
#include "host.h"
#include "keyboard.h"
#include "lab3_fake.h"
#include "scancodes.h"

/* --- fake lab 2: a queue of bytes and the notify hook ------------------- */
static uint8_t kq[64];
static int kq_head, kq_tail, pops;
static void (*notify)(void);
static int push_after_pop = -1;     /* the IRQ lands right after pop number N */
static uint8_t irq_bytes[16];
static int irq_nbytes, irq_next;

static void kq_push(uint8_t b)      /* lab 2's IRQ1 (IF=0): push, then notify */
{
    plat_irq_t f = plat_irq_save();
    kq[kq_tail++ % 64] = b;
    if (notify)
        notify();
    plat_irq_restore(f);
}

bool scancode_pop(uint8_t *out)
{
    bool ok = kq_head != kq_tail;
    if (ok)
        *out = kq[kq_head++ % 64];
    if (++pops == push_after_pop)
        fake_raise();               /* IF may be 1 (delivered now) or 0 (pending) */
    return ok;
}

void scancode_set_notify(void (*fn)(void))
{
    notify = fn;
}

struct kbd_counters kbd_counters(void)
{
    return (struct kbd_counters){ 0, 0 };
}

static void irq1(void)
{
    if (irq_next < irq_nbytes)
        kq_push(irq_bytes[irq_next++]);
}

/* --- a task reading n scancodes ----------------------------------------- */
struct reader {
    struct future base;
    int lc;
    int n, got;
    uint8_t bytes[16];
    struct scancode_future next;
};

static enum poll reader_poll(struct future *self, struct context *cx)
{
    struct reader *fr = (struct reader *)self;
    ASYNC_BEGIN(fr);
    while (fr->got < fr->n) {
        scancodes_next(&fr->next);
        AWAIT(fr, &fr->next);
        fr->bytes[fr->got++] = fr->next.scancode;
    }
    ASYNC_END(fr);
}

static void setup(void)
{
    fake_reset();
    kq_head = kq_tail = pops = 0;
    push_after_pop = -1;
    irq_nbytes = irq_next = 0;
    notify = 0;
    scancodes_init();
    fake_irq = irq1;
    fake_timer_on = false;          /* only keyboard interrupts exist */
}

TEST(bytes_queued_before_the_first_poll)
{
    setup();
    kq_push(0x1e);
    kq_push(0x9e);
    struct reader r = { .base.poll = reader_poll, .n = 2 };
    spawn(&r.base);
    CHECK_EQ(fake_run(), 0);
    CHECK_EQ(r.bytes[0], 0x1e);
    CHECK_EQ(r.bytes[1], 0x9e);
    CHECK_EQ(executor_stats().polls, 1);    /* both were there: one poll */
}

static int raise_every_cli;
static void raise_on_cli(void)
{
    if (raise_every_cli && irq_next < irq_nbytes)
        fake_pending++;             /* a key arrives while the loop checks the queue */
}

TEST(keys_arriving_while_the_executor_sleeps)
{
    setup();
    irq_bytes[0] = 0x30;
    irq_bytes[1] = 0xb0;
    irq_bytes[2] = 0x1c;
    irq_nbytes = 3;
    raise_every_cli = 1;
    fake_on_cli = raise_on_cli;
    struct reader r = { .base.poll = reader_poll, .n = 3 };
    spawn(&r.base);
    CHECK_EQ(fake_run(), 0);
    raise_every_cli = 0;
    CHECK_EQ(r.got, 3);
    CHECK_EQ(r.bytes[2], 0x1c);
    CHECK_EQ(fake_waits, 3);
    CHECK_EQ(executor_stats().polls, 4);    /* one per key, plus the first */
}

TEST(key_between_pop_and_register_is_not_lost)
{
    setup();
    irq_bytes[0] = 0x2c;
    irq_nbytes = 1;
    push_after_pop = 1;             /* the IRQ comes after the first (empty) pop */
    struct reader r = { .base.poll = reader_poll, .n = 1 };
    spawn(&r.base);
    CHECK_EQ(fake_run(), 0);        /* 3 would mean: asleep with the key queued */
    CHECK_EQ(r.bytes[0], 0x2c);
    CHECK_EQ(pops, 2);              /* found by the second pop */
    CHECK_EQ(fake_waits, 0);
}

int main(void)
{
    RUN(bytes_queued_before_the_first_poll);
    RUN(keys_arriving_while_the_executor_sleeps);
    RUN(key_between_pop_and_register_is_not_lost);
    return host_summary("lab3 scancodes");
}
