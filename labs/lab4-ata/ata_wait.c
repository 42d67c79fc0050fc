/*
 * ata_wait.c - the helpers every command uses: reading the status, the 400 ns
 * delay, bounded waits, failure reports, and the software reset that follows
 * a timeout (ATA/ATAPI-6 7.9, 7.15, 9.2). Given code: the exercises call it.
 *
 * Every wait is bounded by a deadline (ata_deadline.c) and every failure
 * leaves a message in the drive's last_error. After a timeout the channel is
 * reset and checked, so the next command finds it idle instead of failing
 * at once on the stuck command's leftover BSY or DRQ.
 */
#include "ata_private.h"
#include "format.h"
#include "interrupts.h"
#include "panic.h"
#include "x86.h"

/* Alternate Status: the status without acknowledging an interrupt. */
uint8_t ata_alt_status(const struct ata_channel *ch)
{
    return inb(ch->ctl);
}

/* Every status read takes at least 100 ns on the ISA timing, so four reads
   of the channel's OWN Alternate Status are the 400 ns a drive needs to put
   its status on the bus after a select or a command (ATA/ATAPI-6 9.2). */
void ata_delay_400ns(const struct ata_channel *ch)
{
    for (int i = 0; i < 4; i++)
        (void)ata_alt_status(ch);
}

/*
 * Wait for BSY to clear and then for `want` (all its bits) in the status, or
 * for ERR/DF when `errors` says they end the wait. Returns the last status,
 * or -1 when `ms` have passed.
 */
int ata_wait_status(struct ata_channel *ch, uint8_t want, bool errors, uint32_t ms)
{
    struct ata_deadline dl = ata_deadline_start(ms, timer_ticks(), timer_hz());

    for (;;) {
        uint8_t s = ata_alt_status(ch);
        if (!(s & ATA_SR_BSY)) {
            if (errors && (s & (ATA_SR_ERR | ATA_SR_DF)))
                return s;
            if ((s & want) == want)
                return s;
        }
        if (ata_deadline_passed(&dl, timer_ticks()))
            return -1;
    }
}

/* BSY clear, and then `want` or an error (want 0: BSY clear is enough). */
bool ata_channel_ready(const struct ata_channel *ch, uint8_t want)
{
    uint8_t s = ata_alt_status(ch);
    return !(s & ATA_SR_BSY) && (want == 0 || (s & (want | ATA_SR_ERR | ATA_SR_DF)));
}

void ata_write_command(struct ata_channel *ch, uint8_t command)
{
    outb(ch->cmd + ATA_REG_COMMAND, command);
    ata_delay_400ns(ch);    /* ERR/DF may be stale for the first reads after a command */
}

/*
 * Software reset (9.2): SRST for at least 5 us, then clear it; the drives
 * set BSY and may keep it for up to 31 s. Resets both drives of the channel
 * and selects the master. True when the channel is idle afterwards.
 */
bool ata_channel_reset(struct ata_channel *ch)
{
    int s;

    outb(ch->ctl, ATA_CTL_SRST | ATA_CTL_NIEN);
    for (int i = 0; i < 64; i++)
        (void)ata_alt_status(ch);           /* 64 reads: well over 5 us */
    outb(ch->ctl, 0);                       /* nIEN clear again (Bochs clears it on SRST anyway) */
    for (int i = 0; i < 64; i++)
        (void)ata_alt_status(ch);           /* BSY may not show at once (the spec allows 400 ns) */
    s = ata_wait_status(ch, 0, false, ATA_RESET_TIMEOUT_MS);
    return s >= 0 && !(s & ATA_SR_DRQ);
}

/* A timeout: report it with the status that was left, then reset the channel. */
int ata_timeout(struct ata_drive *d, const char *what, uint64_t lba)
{
    uint8_t s = ata_alt_status(d->chan);
    bool idle = ata_channel_reset(d->chan);

    ksnprintf(d->last_error, sizeof d->last_error, "%s at LBA %llu: timeout (status 0x%02x)%s",
              what, (unsigned long long)lba, s, idle ? "" : "; still busy after a reset");
    return ATA_ETIMEOUT;
}

/* Records why `what` failed at `lba` and returns err; `status` is the last one read. */
int ata_fail(struct ata_drive *d, int err, const char *what, uint64_t lba, int status)
{
    char detail[ATA_ERROR_TEXT_MAX];

    if (err == ATA_ETIMEOUT)
        return ata_timeout(d, what, lba);
    if (err == ATA_EDEVICE)
        ata_describe_error(detail, sizeof detail, inb(d->chan->cmd + ATA_REG_ERROR));
    else if (err == ATA_EFAULT)
        ksnprintf(detail, sizeof detail, "device fault (status 0x%02x)", status & 0xFF);
    else
        ksnprintf(detail, sizeof detail, "%s", ata_strerror(err));
    ksnprintf(d->last_error, sizeof d->last_error, "%s at LBA %llu: %s", what,
              (unsigned long long)lba, detail);
    return err;
}

/* Futures woken by their lost-IRQ check although their IRQ had come: a wake was lost. */
static uint32_t lost_wakeups;

uint32_t ata_lost_wakeups(void)
{
    return lost_wakeups;
}

/* The next lost-IRQ check: ATA_IRQ_CHECK_MS from now, or the deadline if it comes first. */
static void next_check(struct ata_irq_wait *w)
{
    uint64_t at = ata_deadline_start(ATA_IRQ_CHECK_MS, timer_ticks(), timer_hz()).end;

    sleep_until_init(&w->check, at < w->deadline ? at : w->deadline);
}

/*
 * Set up a wait for the channel's next IRQ, for the step that is about to
 * start (its mark is the IRQ count now): want DRQ (a sector may move) or 0
 * (the command is over). The poll is exercise 4's (ata_irq.c).
 */
void ata_irq_wait_init(struct ata_irq_wait *w, struct ata_channel *ch, uint8_t want)
{
    assert(timer_hz() > 0);                  /* it sleeps on lab 1's timer */
    w->base.poll = ata_irq_wait_poll;
    w->ch = ch;
    w->want = want;
    w->mark = ch->irqs;
    w->deadline = ata_deadline_start(ATA_CMD_TIMEOUT_MS, timer_ticks(), timer_hz()).end;
    w->ready_at_check = false;
    next_check(w);
}

/*
 * The last step of an IRQ wait's poll (ata_irq.c): PENDING until the next
 * check is due. A check ends the wait (READY) at the deadline, or when the
 * drive has been ready since the previous check and still no IRQ has come:
 * it was lost (libata's ata_sff_lost_interrupt looks the same way). One
 * whole check period of grace, so an IRQ on its way is never taken for lost.
 */
enum poll ata_irq_wait_check(struct ata_irq_wait *w, struct context *cx)
{
    while (future_poll(&w->check.base, cx) == POLL_READY) {
        bool ready = !(ata_alt_status(w->ch) & ATA_SR_BSY);
        if ((ready && w->ready_at_check) || timer_ticks() >= w->deadline)
            return POLL_READY;
        w->ready_at_check = ready;
        next_check(w);
    }
    return POLL_PENDING;
}

/*
 * After an IRQ wait of `io` (ata_irq.c) is READY: 0 to go on, or the error,
 * reported for the sector at `lba`. The wait ends when the IRQ came and the
 * drive is ready, or at a check that found the drive ready without an IRQ,
 * or at the deadline.
 */
int ata_irq_wait_result(struct ata_io *io, uint64_t lba)
{
    struct ata_irq_wait *w = &io->wait;
    struct ata_channel *ch = w->ch;
    uint8_t s = ata_alt_status(ch);
    int err;

    if (s & ATA_SR_BSY)
        return ata_timeout(io->drive, io->what, lba);
    if (ch->irqs == w->mark) {
        ksnprintf(io->drive->last_error, sizeof io->drive->last_error,
                  "%s at LBA %llu: no IRQ%d although the drive is ready (status 0x%02x)",
                  io->what, (unsigned long long)lba, ch->irq, s);
        ata_channel_reset(ch);
        return ATA_ETIMEOUT;
    }
    if (timer_ticks() >= w->check.deadline)
        lost_wakeups++;                     /* the IRQ came, but only the check woke us */
    if ((err = ata_status_error(s)))
        return ata_fail(io->drive, err, io->what, lba, s);
    if (w->want ? !(s & w->want) : (s & ATA_SR_DRQ))
        return ata_fail(io->drive, ATA_EDEVICE, io->what, lba, s);
    return 0;
}
