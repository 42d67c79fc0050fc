/*
 * test_lab3_scancodes.c - the async scancode and key streams (scancodes.c,
 * handouts/lab3.md §5 "Leaf futures", §6 exercises 6-7) against a fake lab 2
 * queue: bytes arriving before the first poll, while the task sleeps, and in
 * the window between the stream's first pop and its waker registration (the
 * lost wakeup: every key of a run lands there); key events that take several
 * bytes (0xE0 keys, Pause), all queued at once or arriving one by one.
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
static bool push_after_empty_pop;   /* ...or right after every pop that found nothing */
static uint8_t irq_bytes[16];
static int irq_nbytes, irq_next;

static void kq_push(uint8_t b)      /* lab 2's IRQ1 (IF=0): push, then notify */
{
    intr_state_t f = intr_disable();
    kq[kq_tail++ % 64] = b;
    if (notify)
        notify();
    intr_restore(f);
}

bool scancode_pop(uint8_t *out)
{
    bool ok = kq_head != kq_tail;
    if (ok)
        *out = kq[kq_head++ % 64];
    if (++pops == push_after_pop || (push_after_empty_pop && !ok))
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
    push_after_empty_pop = false;
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

/* The executor's idle, IF=0 after its check: a key arrives now, pending, and ends the hlt. */
static void key_then_halt(void)
{
    if (irq_next < irq_nbytes)
        fake_pending++;
    fake_halt();
}

TEST(keys_arriving_while_the_executor_sleeps)
{
    setup();
    irq_bytes[0] = 0x30;
    irq_bytes[1] = 0xb0;
    irq_bytes[2] = 0x1c;
    irq_nbytes = 3;
    fake_idle = key_then_halt;
    struct reader r = { .base.poll = reader_poll, .n = 3 };
    spawn(&r.base);
    CHECK_EQ(fake_run(), 0);
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

TEST(every_key_landing_between_pop_and_register_is_found)
{
    setup();
    const uint8_t typed[] = { 0x1e, 0x9e, 0x30, 0xb0, 0x2e, 0xae, 0x1c, 0x9c };
    memcpy(irq_bytes, typed, sizeof typed);
    irq_nbytes = (int)sizeof typed;
    push_after_empty_pop = true;    /* each byte arrives in the window, never earlier */
    struct reader r = { .base.poll = reader_poll, .n = (int)sizeof typed };
    spawn(&r.base);
    CHECK_EQ(fake_run(), 0);        /* 3: asleep with a byte in the ring */
    CHECK_EQ(r.got, (int)sizeof typed);
    CHECK(memcmp(r.bytes, typed, sizeof typed) == 0);
    CHECK_EQ(fake_waits, 0);        /* each found by the look after the register */
}

/* --- a task reading n key events through the key stream ------------------ */
struct key_reader {
    struct future base;
    int lc;
    int n, got;
    struct keymap km;
    struct key_event ev[8];
    struct key_future next;
};

static enum poll key_reader_poll(struct future *self, struct context *cx)
{
    struct key_reader *fr = (struct key_reader *)self;
    ASYNC_BEGIN(fr);
    keymap_init(&fr->km);
    while (fr->got < fr->n) {
        keys_next(&fr->next, &fr->km);
        AWAIT(fr, &fr->next);
        CHECK_EQ(future_poll(&fr->next.base, cx), POLL_READY);  /* finished stays finished */
        fr->ev[fr->got++] = fr->next.ev;
    }
    ASYNC_END(fr);
}

static void spawn_key_reader(struct key_reader *r, int n)
{
    *r = (struct key_reader){ .base.poll = key_reader_poll, .n = n };
    spawn(&r->base);
}

TEST(prefixed_keys_already_queued_decode_in_one_poll)
{
    setup();
    const uint8_t bytes[] = { 0xe0, 0x48, 0xe0, 0xc8, 0x1e, 0xe0, 0x4b };   /* up, up', a, left */
    for (unsigned i = 0; i < sizeof bytes; i++)
        kq_push(bytes[i]);
    struct key_reader r;
    spawn_key_reader(&r, 4);
    CHECK_EQ(fake_run(), 0);        /* 3: PENDING after a prefix, with no waker armed */
    CHECK_EQ(r.got, 4);
    CHECK_EQ(r.ev[0].code, KEY_UP);
    CHECK(r.ev[0].pressed);
    CHECK_EQ(r.ev[1].code, KEY_UP);
    CHECK(!r.ev[1].pressed);
    CHECK_EQ(r.ev[2].code, KEY_A);
    CHECK_EQ(r.ev[3].code, KEY_LEFT);   /* not keypad 4: the prefix was kept */
    CHECK_EQ(executor_stats().polls, 1);
    CHECK_EQ(pops, 7);              /* every byte used once, none skipped or read twice */
}

TEST(a_key_split_across_interrupts_wakes_the_reader)
{
    setup();
    const uint8_t bytes[] = { 0xe0, 0x4d, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };  /* right, Pause */
    memcpy(irq_bytes, bytes, sizeof bytes);
    irq_nbytes = (int)sizeof bytes;
    fake_idle = key_then_halt;      /* one byte per sleep */
    struct key_reader r;
    spawn_key_reader(&r, 2);
    CHECK_EQ(fake_run(), 0);
    CHECK_EQ(r.got, 2);
    CHECK_EQ(r.ev[0].code, KEY_RIGHT);
    CHECK_EQ(r.ev[1].code, KEY_PAUSE);
    CHECK_EQ(fake_waits, 8);        /* a sleep for each byte: never polled without a wake */
    CHECK_EQ(executor_stats().polls, 9);
}

TEST(a_prefixed_key_in_the_race_window_is_not_lost)
{
    setup();
    const uint8_t bytes[] = { 0xe0, 0x50, 0xe0, 0xd0 };    /* down, down' */
    memcpy(irq_bytes, bytes, sizeof bytes);
    irq_nbytes = (int)sizeof bytes;
    push_after_empty_pop = true;
    struct key_reader r;
    spawn_key_reader(&r, 2);
    CHECK_EQ(fake_run(), 0);
    CHECK_EQ(r.got, 2);
    CHECK_EQ(r.ev[0].code, KEY_DOWN);
    CHECK(!r.ev[1].pressed);
    CHECK_EQ(fake_waits, 0);
}

int main(void)
{
    RUN(bytes_queued_before_the_first_poll);
    RUN(keys_arriving_while_the_executor_sleeps);
    RUN(key_between_pop_and_register_is_not_lost);
    RUN(every_key_landing_between_pop_and_register_is_found);
    RUN(prefixed_keys_already_queued_decode_in_one_poll);
    RUN(a_key_split_across_interrupts_wakes_the_reader);
    RUN(a_prefixed_key_in_the_race_window_is_not_lost);
    return host_summary("lab3 scancodes");
}
