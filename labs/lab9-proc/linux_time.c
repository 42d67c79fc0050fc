/*
 * linux_time.c - the clocks and the random numbers of the Linux personality:
 * time(2), gettimeofday(2), clock_gettime(2) (and glibc's 64-bit
 * clock_gettime64), clock_getres(2), clock_nanosleep(2) (glibc's nanosleep
 * is one), times(2), getrandom(2). The wall clock is the CMOS real-time
 * clock read once at boot (the MC146818's registers: OSDev's "CMOS" page;
 * Linux's include/linux/mc146818rtc.h) and kept by lab 1's tick after; the
 * monotonic clock is the tick alone. getrandom is xorshift64* (Vigna, 2016)
 * seeded from the RTC and the TSC and stirred with the TSC on every call:
 * fine for hash seeds and stack guards, not for keys.
 */
#include "interrupts.h"
#include "labinit.h"
#include "kproc.h"
#include "x86.h"
#include "sysnum.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define NS 1000000000ull
#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1
#define TIMER_ABSTIME   1
#define USER_HZ 100                     /* times(2)'s clock ticks */

static uint64_t boot_epoch_s;           /* the RTC at boot, seconds since 1970 (UTC) */
static uint64_t rng_state;

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static uint32_t bcd(uint8_t v, bool binary)
{
    return binary ? v : (v >> 4) * 10u + (v & 15u);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (the "days from civil" method). */
int64_t linux_days_from_civil(int64_t y, uint32_t m, uint32_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    uint32_t yoe = (uint32_t)(y - era * 400);
    uint32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The RTC once no update is in progress (status A bit 7), in binary, 24-hour (status B). */
static uint64_t rtc_epoch(void)
{
    while (cmos_read(0x0A) & 0x80)
        ;
    uint8_t b = cmos_read(0x0B);
    bool binary = b & 0x04;
    uint32_t sec = bcd(cmos_read(0x00), binary), min = bcd(cmos_read(0x02), binary);
    uint8_t hour_raw = cmos_read(0x04);
    uint32_t hour = bcd(hour_raw & 0x7F, binary);
    uint32_t day = bcd(cmos_read(0x07), binary), mon = bcd(cmos_read(0x08), binary);
    uint32_t year = bcd(cmos_read(0x09), binary) + 2000;     /* this century's clocks */
    if (!(b & 0x02) && (hour_raw & 0x80))
        hour = (hour % 12) + 12;        /* 12-hour mode, PM */
    return (uint64_t)linux_days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}

uint64_t linux_uptime_ns(void)
{
    return timer_ticks() * NS / timer_hz();
}

uint64_t linux_now_ns(void)
{
    return boot_epoch_s * NS + linux_uptime_ns();
}

uint32_t linux_random32(void)
{
    intr_state_t fl = intr_disable();
    rng_state ^= rdtsc();
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    uint64_t out = rng_state * 0x2545F4914F6CDD1Dull;
    intr_restore(fl);
    return (uint32_t)(out >> 32);
}

void linux_time_init(void)
{
    boot_epoch_s = rtc_epoch();
    rng_state = (boot_epoch_s << 20) ^ rdtsc() ^ 0x9E3779B97F4A7C15ull;
    if (!rng_state)
        rng_state = 1;
}

/* Store a time in ns as a timespec of 32-bit (old) or 64-bit fields. */
static int32_t put_timespec(uint32_t uts, uint64_t ns, bool wide)
{
    struct process *p = process_current();
    uint32_t t32[2] = { (uint32_t)(ns / NS), (uint32_t)(ns % NS) };
    uint64_t t64[2] = { ns / NS, ns % NS };

    if (!user_writable(uts, wide ? sizeof t64 : sizeof t32))
        return -EFAULT;
    return copy_out(p, uts, wide ? (void *)t64 : (void *)t32, wide ? sizeof t64 : sizeof t32)
               ? -EFAULT : 0;
}

static int32_t get_timespec(uint32_t uts, uint64_t *ns, bool wide)
{
    struct process *p = process_current();
    int32_t t32[2];
    int64_t t64[2];

    if (!uaccess_ok(p, uts, wide ? sizeof t64 : sizeof t32, false))
        return -EFAULT;
    if (wide) {
        copy_in(p, t64, uts, sizeof t64);
    } else {
        copy_in(p, t32, uts, sizeof t32);
        t64[0] = t32[0];
        t64[1] = t32[1];
    }
    if (t64[0] < 0 || t64[1] < 0 || t64[1] >= (int64_t)NS)
        return -EINVAL;
    *ns = (uint64_t)t64[0] * NS + (uint64_t)t64[1];
    return 0;
}

static int32_t clock_now(uint32_t clk, uint64_t *ns)
{
    switch (clk) {
    case CLOCK_REALTIME: case 5: case 8:        /* _COARSE, _ALARM */
        *ns = linux_now_ns();
        return 0;
    case CLOCK_MONOTONIC: case 2: case 3: case 4: case 6: case 7:   /* CPU time: uptime */
        *ns = linux_uptime_ns();
        return 0;
    default:
        return -EINVAL;
    }
}

/* clock_nanosleep: in slices, so a signal ends it with -EINTR and the time left. */
static int32_t sleep_until(uint32_t clk, uint32_t flags, uint32_t ureq, uint32_t urem, bool wide)
{
    uint64_t want, now;
    int32_t err;

    if ((err = get_timespec(ureq, &want, wide)) || (err = clock_now(clk, &now)))
        return err;
    uint64_t rel = (flags & TIMER_ABSTIME) ? (want > now ? want - now : 0) : want;
    uint64_t deadline = timer_ticks() + (rel * timer_hz() + NS - 1) / NS;
    while (timer_ticks() < deadline && !proc_current()->pending) {
        uint64_t left = deadline - timer_ticks();
        thread_sleep_ticks(left < 10 ? left : 10);
    }
    if (timer_ticks() >= deadline)
        return 0;
    if (urem && !(flags & TIMER_ABSTIME))
        put_timespec(urem, (deadline - timer_ticks()) * NS / timer_hz(), wide);
    return -EINTR;
}

static int32_t sys_getrandom(uint32_t ubuf, uint32_t len)
{
    if (len > 65536)
        len = 65536;                    /* a short read, as Linux's above 32 MiB */
    if (!user_writable(ubuf, len))
        return -EFAULT;
    for (uint32_t i = 0; i < len; i += 4) {
        uint32_t r = linux_random32();
        copy_out(process_current(), ubuf + i, &r, len - i < 4 ? len - i : 4);
    }
    return (int32_t)len;
}

int32_t linux_time_syscall(uint32_t nr, const uint32_t a[6])
{
    uint32_t a1 = a[0], a2 = a[1], a3 = a[2];
    uint64_t ns;
    int32_t err;

    switch (nr) {
    case SYS_time: {
        uint32_t s = (uint32_t)(linux_now_ns() / NS);
        if (a1 && (!user_writable(a1, 4) || copy_out(process_current(), a1, &s, 4)))
            return -EFAULT;
        return (int32_t)s;
    }
    case SYS_times: {                   /* no accounting, all zero but the clock */
        uint32_t tms[4] = { 0, 0, 0, 0 };
        if (a1 && (!user_writable(a1, sizeof tms) || copy_out(process_current(), a1, tms, sizeof tms)))
            return -EFAULT;
        return (int32_t)(timer_ticks() * USER_HZ / timer_hz());
    }
    case SYS_gettimeofday: {
        ns = linux_now_ns();
        uint32_t tv[2] = { (uint32_t)(ns / NS), (uint32_t)(ns % NS / 1000) };
        if (a1 && (!user_writable(a1, sizeof tv) || copy_out(process_current(), a1, tv, sizeof tv)))
            return -EFAULT;
        return 0;
    }
    case SYS_clock_gettime: case SYS_clock_gettime64:
        return (err = clock_now(a1, &ns)) ? err : put_timespec(a2, ns, nr == SYS_clock_gettime64);
    case SYS_clock_getres: case SYS_clock_getres_time64:       /* one tick */
        if ((err = clock_now(a1, &ns)))
            return err;
        return a2 ? put_timespec(a2, NS / timer_hz(), nr == SYS_clock_getres_time64) : 0;
    case SYS_clock_nanosleep: case SYS_clock_nanosleep_time64:
        return sleep_until(a1, a2, a3, a[3], nr == SYS_clock_nanosleep_time64);
    case SYS_getrandom:
        return sys_getrandom(a1, a2);
    default:
        return -ENOSYS;
    }
}

/* Linux personality: read the RTC, seed the generator, turn on the FPU and SSE. */
static void lab9_init_late(void)
{
    linux_time_init();
    linux_fpu_init();
}
LAB_INIT_LATE(lab9_init_late);
