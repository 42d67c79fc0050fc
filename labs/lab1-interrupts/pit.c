/*
 * pit.c - the tick: PIT channel 0 as a rate generator on IRQ 0 (Intel 8254
 * datasheet, "Control Word Format", "Mode 2"): it counts the 1.193182 MHz
 * input down from the divisor and pulses IRQ 0 at 1. 1000 Hz by default
 * (hz=N): a tick is a millisecond, the unit of lab 3's sleeps and lab 4's
 * timeouts; 100 Hz would round every sleep to 10 ms.
 *
 * Tickless idle (NO_HZ idle, handouts/lab3.md "Challenge: tickless idle") is
 * here too, the one place the tick stops and restarts, for lab 3's executor
 * and lab 6's idle thread alike (timer_idle_until): an idle CPU with nothing
 * due in the next tick has one one-shot ("Mode 0: Interrupt on Terminal
 * Count") count to the tick boundary it must wake at (16 bits: ~55 ms at
 * most). Whatever ends the hlt, the tick restarts and the ticks that passed
 * are added and told to the subscribers once, as the periodic tick would
 * have. The choice is made masked; only "sti; hlt" unmasks (lab 3's hlt race).
 *
 * The arithmetic (pit_divisor, pit_oneshot_plan, pit_ticks_passed,
 * pit_idle_ticks) is pure, and the chip is reached only through a struct
 * pit_ops (pit.h): pit_ports here, a model of channel 0 in the host tests
 * (tests/fake_pit.h), which run this file as it is.
 */
#include "cmdline.h"
#include "interrupts.h"
#include "kprintf.h"
#include "machine.h"
#include "panic.h"
#include "pit.h"
#include "x86.h"

CMDLINE_OPTION(hz, "hz", "PIT tick rate in Hz, 19-10000 (default 1000)");

static volatile uint64_t ticks;         /* timer_ticks(): the one tick count */
static uint32_t rate_hz;
static void (*subscribers[TIMER_SUBSCRIBERS_MAX])(uint64_t now);
static int nsubscribers;
static uint32_t divisor;                /* the periodic reload value */
static const struct pit_ops *chip;      /* pit_ports, or a host test's model of the 8254 */

static struct {                         /* the one-shot, while the tick is stopped */
    bool armed;
    bool irq_taken;                     /* its IRQ 0 came: it is not a tick */
    uint32_t lead;                      /* periodic clocks that were left when it stopped */
    uint32_t count;                     /* what it counts, input clocks */
    uint32_t lag;                       /* the tick grid's slip from restarts, < divisor */
} oneshot;
static bool idle_periodic;              /* tick=periodic: the idle keeps the tick */
static struct tickless_stats idle_stats;

/* Every subscriber, in the order they subscribed (boot order: lab 3 before lab 6). */
static void timer_notify(uint64_t now)
{
    for (int i = 0; i < nsubscribers; i++)
        subscribers[i](now);
}

static void pit_tick(int irq)
{
    (void)irq;
    if (oneshot.armed) {                /* the one-shot's end: timer_tick_restart counts */
        oneshot.irq_taken = true;
        return;
    }
    ticks++;
    timer_notify(ticks);
}

/* Exercise 6: the control word (channel, access, mode, binary) to PIT_CMD, then
   the count to channel 0 as the access mode says: low byte, high byte. */
static void pit_program(uint8_t mode, uint32_t count)
{
    /* LAB 1: BEGIN SOLUTION */
    outb(PIT_CMD, PIT_SEL_CH0 | PIT_ACCESS_LOHI | mode);
    outb(PIT_CH0, count & 0xFF);
    outb(PIT_CH0, (count >> 8) & 0xFF);        /* 0 is the full 65536 */
    /* LAB 1: STUB
    (void)mode; (void)count;
    panic("lab1: pit_program() not implemented");
    LAB 1: END SOLUTION */
}

/* Counter latch, then low and high byte (0: 65536). */
static uint32_t pit_latch_count(void)
{
    outb(PIT_CMD, PIT_LATCH_CH0);
    uint32_t lo = inb(PIT_CH0);
    return (uint32_t)inb(PIT_CH0) << 8 | lo;
}

/* Read-back: channel 0's status byte (OUT), then its count, low and high byte. */
static uint8_t pit_read_back(uint32_t *count)
{
    outb(PIT_CMD, PIT_READBACK_CH0);
    uint8_t status = inb(PIT_CH0);
    uint32_t lo = inb(PIT_CH0), hi = inb(PIT_CH0);
    *count = hi << 8 | lo;
    return status;
}

const struct pit_ops pit_ports = { pit_program, pit_latch_count, pit_read_back };

void pit_init(void)
{
    uint64_t hz = cmdline_uint("hz", PIT_DEFAULT_HZ, 0, UINT64_MAX);   /* the range: below */
    uint32_t reload = hz == 0 || hz > PIT_MAX_HZ ? 0 : pit_divisor((uint32_t)hz);
    if (reload == 0) {
        kprintf("pit: hz=%s is not a rate from %u to %u Hz\n", cmdline_str("hz", "?"),
                PIT_MIN_HZ, PIT_MAX_HZ);
        machine_exit(EXIT_FAILURE_CODE);
    }
    pit_start(&pit_ports, (uint32_t)hz, reload, 0);
}

void pit_start(const struct pit_ops *ops, uint32_t hz, uint32_t reload, uint64_t first_tick)
{
    assert(reload > 0);
    intr_state_t f = intr_disable();    /* IRQ 0 must not see half of the new state */
    chip = ops;
    rate_hz = hz;
    divisor = reload;
    ticks = first_tick;
    oneshot.armed = false;
    oneshot.lag = 0;
    chip->program(PIT_MODE_RATE, divisor);
    irq_register(0, pit_tick);
    intr_restore(f);
}

/* 64 bits are two loads on i386: keep the tick from landing between them. */
uint64_t timer_ticks(void)
{
    intr_state_t f = intr_disable();
    uint64_t t = ticks;
    intr_restore(f);
    return t;
}

uint32_t timer_hz(void) { return rate_hz; }

/* A fixed table: a lab that subscribes one too many is a bug to see at boot, not a lost tick. */
void timer_subscribe(void (*fn)(uint64_t now))
{
    if (nsubscribers == TIMER_SUBSCRIBERS_MAX)
        panic("timer: more than %d tick subscribers", TIMER_SUBSCRIBERS_MAX);
    subscribers[nsubscribers++] = fn;
}

bool timer_tick_stopped(void) { return oneshot.armed; }

/* The tick must not reach the chip between the latch and the second byte. */
uint32_t pit_read_count(void)
{
    intr_state_t f = intr_disable();
    uint32_t count = chip->latch();
    intr_restore(f);
    return count ? count : 65536;       /* 0 is the full 65536 */
}

/* Exercise 6 (with pit_program). */
uint32_t pit_divisor(uint32_t hz)
{
    if (hz < PIT_MIN_HZ || hz > PIT_MAX_HZ)
        return 0;
    /* LAB 1: BEGIN SOLUTION */
    return (PIT_INPUT_HZ + hz / 2) / hz;        /* nearest, not truncated: 1000 Hz -> 1193 */
    /* LAB 1: STUB
    panic("lab1: pit_divisor() not implemented");
    LAB 1: END SOLUTION */
}

/* Given code (the tickless challenge, handouts/lab3.md). */
struct pit_oneshot pit_oneshot_plan(uint32_t lead, uint32_t divisor, uint32_t lag, uint64_t ticks)
{
    assert(divisor > 0 && divisor <= PIT_MAX_COUNT);
    assert(lead >= 1 && lead <= divisor && lag < divisor);
    assert(ticks >= 1);
    /* The count's next boundary is `lag` clocks before the chip's. When that has
       passed already (lead <= lag), the count is a tick behind the clock. */
    uint64_t first_tick = lead > lag ? 1 : 2;
    uint32_t first = lead > lag ? lead - lag : lead + divisor - lag;   /* 1..divisor */
    if (ticks < first_tick)
        return (struct pit_oneshot){ 1, 1 };        /* due already: end at once */
    uint64_t reach = first_tick + (PIT_MAX_COUNT - first) / divisor;  /* within 16 bits */
    uint64_t n = ticks < reach ? ticks : reach;
    return (struct pit_oneshot){ first + (uint32_t)(n - first_tick) * divisor, (uint32_t)n };
}

uint32_t pit_ticks_passed(uint32_t lead, uint32_t divisor, uint32_t elapsed, uint32_t *lag)
{
    assert(divisor > 0 && lead >= 1 && lead <= divisor && *lag < divisor);
    uint32_t passed, into;              /* into: clocks already run of the current tick */
    if (elapsed < lead) {
        passed = 0;
        into = divisor - lead + elapsed;
    } else {
        passed = 1 + (elapsed - lead) / divisor;
        into = (elapsed - lead) % divisor;
    }
    *lag += into;
    if (*lag >= divisor) {
        *lag -= divisor;
        passed++;
    }
    return passed;
}

/* Given code (the tickless challenge): see pit.h. */
uint64_t pit_idle_ticks(uint64_t now, uint64_t deadline, bool periodic)
{
    if (periodic || deadline <= now + 1)
        return 0;
    return deadline == UINT64_MAX ? UINT64_MAX : deadline - now;
}

/* Stop the periodic tick; arm the one-shot for the tick boundary n (>= 1) ahead, capped. */
static uint32_t timer_tick_stop(uint64_t n)
{
    assert(!intr_enabled());
    assert(!oneshot.armed && n >= 1);
    oneshot.lead = pit_read_count();
    if (oneshot.lead > divisor)         /* not counted down from the divisor yet */
        oneshot.lead = divisor;
    struct pit_oneshot p = pit_oneshot_plan(oneshot.lead, divisor, oneshot.lag, n);
    oneshot.count = p.count;
    oneshot.irq_taken = false;
    oneshot.armed = true;
    chip->program(PIT_MODE_ONESHOT, p.count);
    return p.ticks;
}

/* Input clocks since the one-shot was armed; mode 0 wraps past 0 to 0xFFFF and on. */
static uint32_t oneshot_elapsed(bool *out)
{
    uint32_t now;
    *out = (chip->read_back(&now) & PIT_STATUS_OUT) != 0;
    if (*out)
        return oneshot.count + ((0x10000 - now) & 0xFFFF);
    return now <= oneshot.count ? oneshot.count - now : 0;
}

/*
 * A one-shot that ended after hlt returned leaves its IRQ pending at the PIC;
 * taken after the restart, it would count as a tick. So let it in first, a
 * bounded number of times in case the emulator raises it late. The window is
 * one instruction wide: STI's shadow covers the next one (intr_disable's
 * pushfl), and the IRQ is taken right after it, before the cli.
 */
static void oneshot_drain(void)
{
    for (int i = 0; i < 100000 && !oneshot.irq_taken; i++) {
        intr_enable();
        intr_disable();
    }
}

/* The ticks that passed since timer_tick_stop, the periodic tick again, the subscribers told. */
static void timer_tick_restart(void)
{
    assert(!intr_enabled());
    if (!oneshot.armed)
        return;
    bool out;
    uint32_t elapsed = oneshot_elapsed(&out);
    if (out)
        oneshot_drain();
    chip->program(PIT_MODE_RATE, divisor);
    oneshot.armed = false;
    uint32_t passed = pit_ticks_passed(oneshot.lead, divisor, elapsed, &oneshot.lag);
    ticks += passed;
    if (passed)
        timer_notify(ticks);
}

void tickless_set_periodic(bool periodic) { idle_periodic = periodic; }

struct tickless_stats tickless_stats(void)
{
    intr_state_t fl = intr_disable();
    struct tickless_stats s = idle_stats;
    intr_restore(fl);
    return s;
}

void timer_idle_until(uint64_t deadline)
{
    assert(!intr_enabled());
    uint64_t ahead = pit_idle_ticks(timer_ticks(), deadline, idle_periodic);
    if (ahead == 0) {                   /* due within a tick, or tick=periodic: keep it */
        idle_stats.periodic_halts++;
        intr_enable_and_halt();         /* the next tick, or any interrupt */
        return;
    }
    uint32_t armed = timer_tick_stop(ahead);
    idle_stats.stops++;
    if (armed < ahead)
        idle_stats.capped++;            /* the next idle arms the rest */
    intr_enable_and_halt();             /* any interrupt, the one-shot's included */
    intr_disable();
    timer_tick_restart();               /* the ticks that passed; the subscribers told */
    intr_enable();
}
