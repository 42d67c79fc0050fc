/*
 * ata_deadline.c - when a bounded wait has lasted too long. Pure code (the
 * caller passes the tick count), so tests/test_lab4_deadline.c checks it on
 * the host with a clock it moves by hand.
 *
 * A deadline is a timer tick. The timer decides, never the number of status
 * reads: an emulator answers a status read in tens of nanoseconds, a real
 * drive in about a microsecond, so no count stands for a time. Only when
 * the tick does not move at all (no timer, or interrupts off) does the count
 * of reads since it last moved end the wait, so that a wait is never endless.
 */
#include "ata_private.h"

/* ata_timeout=MS on the command line (ata_channel.c): 0, or every deadline's cap. */
uint32_t ata_timeout_cap_ms;

uint32_t ata_deadline_ms(uint32_t ms)
{
    return ata_timeout_cap_ms && ata_timeout_cap_ms < ms ? ata_timeout_cap_ms : ms;
}

/* A deadline `ms` from tick `now` on a timer of `hz` (0: no timer). */
struct ata_deadline ata_deadline_start(uint32_t ms, uint64_t now, uint32_t hz)
{
    struct ata_deadline dl = { .end = 0, .seen = now, .stalled = 0 };

    if (hz)     /* rounded up, plus one: a wait started late in a tick still gets all of ms */
        dl.end = now + ((uint64_t)ata_deadline_ms(ms) * hz + 999) / 1000 + 1;
    return dl;
}

/* Called once per status read with the current tick. */
bool ata_deadline_passed(struct ata_deadline *dl, uint64_t now)
{
    if (now != dl->seen) {
        dl->seen = now;
        dl->stalled = 0;
    } else if (++dl->stalled >= ATA_SPIN_LIMIT) {
        return true;                    /* the timer is not running */
    }
    return dl->end && now >= dl->end;
}
