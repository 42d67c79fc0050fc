/*
 * ata.c - the ATA PIO driver: probe, IDENTIFY, READ/WRITE SECTORS (LBA28 and
 * LBA48), FLUSH CACHE, polled and IRQ-driven.
 *
 * References: ATA/ATAPI-6 (T13/1410D) section 7 (registers), 8 (commands),
 * 9.5-9.7 (PIO data-in / data-out / non-data protocols), 9.12 (signatures);
 * facts checked on QEMU 7.2 and Bochs 2.7 in REFERENCE.md part B.
 *
 * Every wait is bounded (timer ticks, and a loop count in case the timer is
 * not running); every failure leaves a message in the drive's last_error.
 * With nIEN clear the drive raises its IRQ after every command even when we
 * poll; the handler is installed before the first command, so that IRQ is
 * only an acknowledgement and a wake-up, never a fault.
 */
#include "ata.h"
#include "executor.h"
#include "format.h"
#include "interrupts.h"
#include "kstring.h"
#include "labinit.h"
#include "panic.h"
#include "x86.h"

/* Command block registers: offsets from the command base (ATA/ATAPI-6 7.1). */
#define ATA_REG_DATA      0
#define ATA_REG_ERROR     1     /* read */
#define ATA_REG_FEATURES  1     /* write */
#define ATA_REG_NSECT     2
#define ATA_REG_LBAL      3     /* LBA 7:0 (and 31:24 for LBA48's first write) */
#define ATA_REG_LBAM      4     /* LBA 15:8; signature byte */
#define ATA_REG_LBAH      5     /* LBA 23:16; signature byte */
#define ATA_REG_DEVICE    6
#define ATA_REG_STATUS    7     /* read: reading it acknowledges the interrupt */
#define ATA_REG_COMMAND   7     /* write */
/* The control block has one register: Alternate Status (read) / Device Control (write). */

/* Status bits (7.15). Only meaningful while BSY is clear. */
#define ATA_SR_BSY   0x80
#define ATA_SR_DRDY  0x40
#define ATA_SR_DF    0x20
#define ATA_SR_DRQ   0x08
#define ATA_SR_ERR   0x01
#define ATA_ER_ABRT  0x04       /* error register: command aborted */
/* 0x10 DSC/SERV, 0x04 CORR and 0x02 IDX are obsolete; Bochs toggles IDX, so always mask. */

/* Device control bits (7.9). */
#define ATA_CTL_NIEN 0x02       /* 1: the drive does not assert INTRQ */
#define ATA_CTL_SRST 0x04       /* software reset of both drives */
#define ATA_CTL_HOB  0x80

/* Device register (7.10). */
#define ATA_DEV_OBS   0xA0      /* bits 7 and 5: "obsolete, set to one" on old drives */
#define ATA_DEV_LBA   0x40
#define ATA_DEV_SLAVE 0x10

/* Commands (8.x). */
#define ATA_CMD_READ_SECTORS      0x20
#define ATA_CMD_READ_SECTORS_EXT  0x24
#define ATA_CMD_WRITE_SECTORS     0x30
#define ATA_CMD_WRITE_SECTORS_EXT 0x34
#define ATA_CMD_FLUSH_CACHE       0xE7
#define ATA_CMD_FLUSH_CACHE_EXT   0xEA
#define ATA_CMD_IDENTIFY          0xEC

#define ATA_SECTOR_WORDS   (ATA_SECTOR_SIZE / 2)
#define ATA_MAX_PER_CMD    256              /* sectors per command: count 0 means 256 in LBA28 */
#define ATA_LBA28_LIMIT    (1ull << 28)

/* Bounds. Emulated drives answer in microseconds; real ones may spin up. */
#define ATA_TIMEOUT_MS       2000
#define ATA_IRQ_TIMEOUT_MS   500            /* an emulated IRQ comes within microseconds */
#define ATA_FLUSH_TIMEOUT_MS 10000
#define ATA_SPIN_LIMIT       20000000u      /* status reads, if the timer is not ticking */

struct ata_channel {
    int number;
    bool attached;
    uint16_t cmd, ctl;
    int irq;
    struct ata_drive drive[2];
    struct ata_io *owner;               /* the asynchronous command in flight, or NULL */
    struct ata_io *waiting;             /* futures waiting for the channel, first in line first */
    struct atomic_waker waker;          /* the owner's task, woken by the IRQ */
    volatile uint32_t irqs;
    volatile uint8_t irq_status;        /* what the handler read, for reports */
};

static struct ata_channel channels[ATA_MAX_CHANNELS];

static const char *const error_bit_names[8] = {
    "AMNF", "TK0NF", "ABRT", "MCR", "IDNF", "MC", "UNC", "ICRC",
};

static uint8_t alt_status(const struct ata_channel *ch)
{
    return inb(ch->ctl);
}

/* Every status read takes at least 100 ns on the ISA timing, so four reads
   of the channel's OWN Alternate Status are the 400 ns a drive needs to put
   its status on the bus after a select or a command (ATA/ATAPI-6 9.2). */
static void delay_400ns(const struct ata_channel *ch)
{
    for (int i = 0; i < 4; i++)
        (void)alt_status(ch);
}

/* ---- bounded waiting ----------------------------------------------------- */

struct deadline {
    uint64_t tick;          /* 0: the timer is not running; count loops only */
    uint32_t spins;
};

static struct deadline deadline_in(uint32_t ms)
{
    struct deadline d = { 0, 0 };
    uint32_t hz = timer_hz();

    if (hz)
        d.tick = timer_ticks() + ((uint64_t)ms * hz + 999) / 1000 + 1;
    return d;
}

static bool deadline_passed(struct deadline *d)
{
    if (++d->spins >= ATA_SPIN_LIMIT)
        return true;
    return d->tick && (d->spins & 0xFF) == 0 && timer_ticks() >= d->tick;
}

/*
 * Wait for BSY to clear and then for `want` (all its bits) in the status, or
 * for ERR/DF when `errors` says they end the wait. Returns the last status,
 * or -1 on a timeout.
 */
static int wait_status(const struct ata_channel *ch, uint8_t want, bool errors, uint32_t ms)
{
    struct deadline dl = deadline_in(ms);

    for (;;) {
        uint8_t s = alt_status(ch);
        if (!(s & ATA_SR_BSY)) {
            if (errors && (s & (ATA_SR_ERR | ATA_SR_DF)))
                return s;
            if ((s & want) == want)
                return s;
        }
        if (deadline_passed(&dl))
            return -1;
    }
}

/* ---- error messages ------------------------------------------------------ */

static void describe_error_register(char *buf, size_t size, uint8_t err)
{
    size_t len = (size_t)ksnprintf(buf, size, "error 0x%02x (", err);
    bool first = true;

    for (int bit = 7; bit >= 0; bit--) {
        if (!(err & (1u << bit)) || len >= size)
            continue;
        len += (size_t)ksnprintf(buf + len, size - len, "%s%s", first ? "" : " ",
                                 error_bit_names[bit]);
        first = false;
    }
    if (len < size)
        ksnprintf(buf + len, size - len, "%s)", first ? "none" : "");
}

/* Records why `what` failed and returns err. `status` < 0 means a timeout. */
static int drive_fail(struct ata_drive *d, int err, const char *what, uint64_t lba, int status)
{
    char detail[48];

    if (err == ATA_EDEVICE)
        describe_error_register(detail, sizeof detail, inb(d->chan->cmd + ATA_REG_ERROR));
    else if (err == ATA_EFAULT)
        ksnprintf(detail, sizeof detail, "device fault (status 0x%02x)", status & 0xFF);
    else if (err == ATA_ETIMEOUT)
        ksnprintf(detail, sizeof detail, "timeout (status 0x%02x)", alt_status(d->chan));
    else
        ksnprintf(detail, sizeof detail, "%s", ata_strerror(err));
    ksnprintf(d->last_error, sizeof d->last_error, "%s at LBA %llu: %s", what,
              (unsigned long long)lba, detail);
    return err;
}

/* The error a finished wait stands for: 0 when the status is clean. */
static int status_error(int status)
{
    if (status < 0)
        return ATA_ETIMEOUT;
    if (status & ATA_SR_DF)
        return ATA_EFAULT;
    if (status & ATA_SR_ERR)
        return ATA_EDEVICE;
    return 0;
}

/* Arguments and range: LBA past the end is an error, reported, never wrapped. */
static int check_request(struct ata_drive *d, uint64_t lba, uint32_t n)
{
    if (!d)
        return ATA_EINVAL;
    if (d->kind != ATA_KIND_DISK) {
        ksnprintf(d->last_error, sizeof d->last_error, "%s: %s", d->name, ata_kind_name(d->kind));
        return ATA_ENODEV;
    }
    if (n == 0) {
        ksnprintf(d->last_error, sizeof d->last_error, "a transfer of 0 sectors");
        return ATA_EINVAL;
    }
    if (lba >= d->id.sectors || n > d->id.sectors - lba) {
        ksnprintf(d->last_error, sizeof d->last_error,
                  "LBA %llu+%u is past the end of the disk (%llu sectors)",
                  (unsigned long long)lba, n, (unsigned long long)d->id.sectors);
        return ATA_ERANGE;
    }
    return 0;
}

/* LAB 4: BEGIN SOLUTION */
/* ---- commands ------------------------------------------------------------ */

/* Like Linux's lba_28_ok: LBA28 only for transfers that end below 2^28 (some
   drives mishandle sector 0x0FFFFFFF through the 28-bit commands). */
static bool needs_lba48(uint64_t lba, uint32_t count)
{
    return lba + count >= ATA_LBA28_LIMIT;
}

/*
 * Select the drive and load the task file for a transfer of `count` sectors
 * (1..256) at `lba`; the command byte itself is written by the caller (the IRQ
 * path arms its waker in between). LBA48 is used only where LBA28 cannot
 * reach, as Linux does; its registers take the high bytes first (each is a
 * two-deep FIFO) and the device register has no LBA bits.
 */
static int load_taskfile(struct ata_drive *d, uint64_t lba, uint32_t count, bool *lba48,
                         const char *what)
{
    struct ata_channel *ch = d->chan;
    uint16_t p = ch->cmd;
    bool ext = needs_lba48(lba, count);
    int s;

    /* The device register may only be written while BSY and DRQ are clear. */
    s = wait_status(ch, 0, false, ATA_TIMEOUT_MS);
    if (s < 0 || (s & ATA_SR_DRQ))
        return drive_fail(d, ATA_ETIMEOUT, what, lba, -1);
    if (ext)
        outb(p + ATA_REG_DEVICE, ATA_DEV_LBA | (d->unit ? ATA_DEV_SLAVE : 0));
    else
        outb(p + ATA_REG_DEVICE, ATA_DEV_OBS | ATA_DEV_LBA | (d->unit ? ATA_DEV_SLAVE : 0) |
                                 ((lba >> 24) & 0x0F));
    delay_400ns(ch);
    /* A stale ERR from the previous command is not this command's error. */
    s = wait_status(ch, ATA_SR_DRDY, false, ATA_TIMEOUT_MS);
    if (s < 0)
        return drive_fail(d, ATA_ETIMEOUT, what, lba, -1);
    if (ext) {
        outb(p + ATA_REG_NSECT, (uint8_t)(count >> 8));
        outb(p + ATA_REG_LBAL, (uint8_t)(lba >> 24));
        outb(p + ATA_REG_LBAM, (uint8_t)(lba >> 32));
        outb(p + ATA_REG_LBAH, (uint8_t)(lba >> 40));
    }
    outb(p + ATA_REG_NSECT, (uint8_t)count);       /* 256 -> 0, which means 256 */
    outb(p + ATA_REG_LBAL, (uint8_t)lba);
    outb(p + ATA_REG_LBAM, (uint8_t)(lba >> 8));
    outb(p + ATA_REG_LBAH, (uint8_t)(lba >> 16));
    *lba48 = ext;
    return 0;
}

static void write_command(struct ata_channel *ch, uint8_t command)
{
    outb(ch->cmd + ATA_REG_COMMAND, command);
    delay_400ns(ch);        /* ERR/DF may be stale for the first reads after a command */
}

static const char *transfer_name(bool write, bool lba48)
{
    if (write)
        return lba48 ? "WRITE SECTORS EXT" : "WRITE SECTORS";
    return lba48 ? "READ SECTORS EXT" : "READ SECTORS";
}

/* One polled command of 1..256 sectors (PIO data-in / data-out, 9.5 and 9.6). */
static int pio_command(struct ata_drive *d, bool write, uint64_t lba, uint32_t count, uint8_t *buf)
{
    struct ata_channel *ch = d->chan;
    const char *what = transfer_name(write, needs_lba48(lba, count));
    bool ext;
    int s, err;

    err = load_taskfile(d, lba, count, &ext, what);
    if (err)
        return err;
    if (write)
        write_command(ch, ext ? ATA_CMD_WRITE_SECTORS_EXT : ATA_CMD_WRITE_SECTORS);
    else
        write_command(ch, ext ? ATA_CMD_READ_SECTORS_EXT : ATA_CMD_READ_SECTORS);

    for (uint32_t i = 0; i < count; i++, buf += ATA_SECTOR_SIZE) {
        s = wait_status(ch, ATA_SR_DRQ, true, ATA_TIMEOUT_MS);
        if ((err = status_error(s)))
            return drive_fail(d, err, what, lba + i, s);
        if (write)
            outsw(ch->cmd + ATA_REG_DATA, buf, ATA_SECTOR_WORDS);
        else
            insw(ch->cmd + ATA_REG_DATA, buf, ATA_SECTOR_WORDS);
    }
    /* After the last sector the drive drops BSY and DRQ; a write may still fail here. */
    s = wait_status(ch, 0, true, ATA_TIMEOUT_MS);
    if ((err = status_error(s)))
        return drive_fail(d, err, what, lba + count - 1, s);
    if (s & ATA_SR_DRQ)
        return drive_fail(d, ATA_EDEVICE, what, lba + count - 1, s);
    return 0;
}

static int pio_transfer(struct ata_drive *d, bool write, uint64_t lba, uint32_t n, uint8_t *buf)
{
    int err = check_request(d, lba, n);

    if (err)
        return err;
    if (d->chan->owner)
        return ATA_EBUSY;
    while (n > 0) {
        uint32_t count = n < ATA_MAX_PER_CMD ? n : ATA_MAX_PER_CMD;
        if ((err = pio_command(d, write, lba, count, buf)))
            return err;
        lba += count;
        n -= count;
        buf += count * ATA_SECTOR_SIZE;
    }
    return 0;
}

int ata_read(struct ata_drive *d, uint64_t lba, uint32_t n, void *buf)
{
    return pio_transfer(d, false, lba, n, buf);
}

int ata_write(struct ata_drive *d, uint64_t lba, uint32_t n, const void *buf)
{
    return pio_transfer(d, true, lba, n, (uint8_t *)buf);
}

/* FLUSH CACHE (8.14): the drive acknowledges writes from its cache; only after
   this are they on the medium (or in QEMU's image file). A non-data command. */
int ata_flush(struct ata_drive *d)
{
    struct ata_channel *ch;
    bool ext;
    int s, err;

    if (!d)
        return ATA_EINVAL;
    if (d->kind != ATA_KIND_DISK)
        return check_request(d, 0, 1);
    ch = d->chan;
    if (ch->owner)
        return ATA_EBUSY;
    ext = d->id.lba48 && d->id.flush_ext;
    err = load_taskfile(d, 0, 1, &(bool){ false }, "FLUSH CACHE");
    if (err)
        return err;
    write_command(ch, ext ? ATA_CMD_FLUSH_CACHE_EXT : ATA_CMD_FLUSH_CACHE);
    s = wait_status(ch, 0, true, ATA_FLUSH_TIMEOUT_MS);
    if ((err = status_error(s)))
        return drive_fail(d, err, ext ? "FLUSH CACHE EXT" : "FLUSH CACHE", 0, s);
    return 0;
}

/* ---- probing ------------------------------------------------------------- */

static void set_kind(struct ata_drive *d, enum ata_signature sig)
{
    if (sig == ATA_SIG_ATAPI || sig == ATA_SIG_SATAPI)
        d->kind = ATA_KIND_ATAPI;
    else if (sig == ATA_SIG_SATA)
        d->kind = ATA_KIND_SATA;
    else
        d->kind = ATA_KIND_UNKNOWN;
}

/*
 * IDENTIFY DEVICE (8.15) at one position. What answers:
 *   status 0xFF   nothing drives the bus: no controller at these ports;
 *   status 0x00   the controller is there, the position is empty (QEMU and
 *                 Bochs; QEMU ignores commands to a missing slave);
 *   mid/high set  a packet device (14/EB) or SATA (3C/C3): it aborts 0xEC;
 *   DRQ           an ATA device: 256 words follow.
 */
static void probe_drive(struct ata_drive *d)
{
    struct ata_channel *ch = d->chan;
    uint16_t p = ch->cmd;
    uint16_t id[ATA_ID_WORDS];
    int s;

    d->kind = ATA_KIND_NONE;
    if (alt_status(ch) == 0xFF)
        return;                             /* floating bus */
    if (wait_status(ch, 0, false, ATA_TIMEOUT_MS) < 0) {
        ksnprintf(d->last_error, sizeof d->last_error, "channel stays busy before IDENTIFY");
        d->kind = ATA_KIND_UNKNOWN;
        return;
    }
    outb(p + ATA_REG_DEVICE, ATA_DEV_OBS | (d->unit ? ATA_DEV_SLAVE : 0));
    delay_400ns(ch);
    outb(p + ATA_REG_NSECT, 0);
    outb(p + ATA_REG_LBAL, 0);
    outb(p + ATA_REG_LBAM, 0);
    outb(p + ATA_REG_LBAH, 0);
    write_command(ch, ATA_CMD_IDENTIFY);
    s = alt_status(ch);
    if (s == 0 || s == 0xFF)
        return;                             /* nobody at this position */
    s = wait_status(ch, 0, false, ATA_TIMEOUT_MS);
    if (s < 0) {
        ksnprintf(d->last_error, sizeof d->last_error, "IDENTIFY: BSY never cleared");
        d->kind = ATA_KIND_UNKNOWN;
        return;
    }
    enum ata_signature sig = ata_classify_signature(inb(p + ATA_REG_LBAM), inb(p + ATA_REG_LBAH));
    if (sig != ATA_SIG_ATA) {
        set_kind(d, sig);                   /* it aborted IDENTIFY DEVICE, as it should */
        (void)inb(p + ATA_REG_STATUS);
        return;
    }
    s = wait_status(ch, ATA_SR_DRQ, true, ATA_TIMEOUT_MS);
    if (s < 0 || (s & (ATA_SR_ERR | ATA_SR_DF))) {
        /* Some devices only post their signature with the abort. */
        sig = ata_classify_signature(inb(p + ATA_REG_LBAM), inb(p + ATA_REG_LBAH));
        /* A disk never refuses IDENTIFY DEVICE: an abort with the ATA signature
           is an empty position (QEMU's missing master when a slave is there). */
        if (sig == ATA_SIG_ATA && s >= 0 && (s & ATA_SR_ERR) &&
            (inb(p + ATA_REG_ERROR) & ATA_ER_ABRT))
            return;
        set_kind(d, sig);
        if (sig == ATA_SIG_UNKNOWN || sig == ATA_SIG_ATA) {
            d->kind = ATA_KIND_UNKNOWN;
            drive_fail(d, status_error(s), "IDENTIFY", 0, s);
        }
        return;
    }
    insw(p + ATA_REG_DATA, id, ATA_ID_WORDS);
    (void)inb(p + ATA_REG_STATUS);          /* done: clear a pending interrupt */
    ata_identify_parse(id, &d->id);
    if (d->id.atapi) {
        d->kind = ATA_KIND_ATAPI;
    } else if (d->id.sectors == 0) {
        ksnprintf(d->last_error, sizeof d->last_error, "IDENTIFY: no LBA support");
        d->kind = ATA_KIND_UNKNOWN;
    } else {
        d->kind = ATA_KIND_DISK;
    }
}

/* ---- interrupts ---------------------------------------------------------- */

/*
 * IRQ14/15 (or a PCI line shared by channels). Reading Status, not Alternate
 * Status, is what makes the drive drop INTRQ (ATA/ATAPI-6 5.2.9). The data
 * transfer and the error handling run in the woken task, not here.
 */
static void ata_irq(int irq)
{
    for (int i = 0; i < ATA_MAX_CHANNELS; i++) {
        struct ata_channel *ch = &channels[i];
        if (!ch->attached || ch->irq != irq)
            continue;
        ch->irq_status = inb(ch->cmd + ATA_REG_STATUS);
        ch->irqs++;
        atomic_waker_wake(&ch->waker);
    }
}

/* ---- the IRQ-driven future ----------------------------------------------- */

/* BSY clear, and then `want` or an error. */
static bool channel_ready(const struct ata_channel *ch, uint8_t want)
{
    uint8_t s = alt_status(ch);
    return !(s & ATA_SR_BSY) && (want == 0 || (s & (want | ATA_SR_ERR | ATA_SR_DF)));
}

/* SRST (7.9.6) after a timeout, so the next command finds the channel idle. */
static void channel_reset(struct ata_channel *ch)
{
    outb(ch->ctl, ATA_CTL_SRST | ATA_CTL_NIEN);
    for (int i = 0; i < 8; i++)
        (void)alt_status(ch);               /* SRST must stay set for 5 us */
    outb(ch->ctl, 0);                       /* nIEN clear again (Bochs clears it on SRST anyway) */
    (void)wait_status(ch, 0, false, ATA_TIMEOUT_MS);
}

/* The line of futures waiting for a busy channel (task context only: no locking). */
static void channel_enqueue(struct ata_channel *ch, struct ata_io *io, struct context *cx)
{
    struct ata_io **p = &ch->waiting;

    while (*p)
        p = &(*p)->next_waiting;
    io->next_waiting = NULL;
    io->waiter = cx->waker;
    *p = io;
}

/* The most channels running a future's command at the same moment (do they overlap?). */
static int busy_channels, max_busy_channels;

int ata_max_busy_channels(void)
{
    return max_busy_channels;
}

static void channel_take(struct ata_channel *ch, struct ata_io *io)
{
    ch->owner = io;
    if (++busy_channels > max_busy_channels)
        max_busy_channels = busy_channels;
}

static void channel_release(struct ata_channel *ch)
{
    struct ata_io *next = ch->waiting;

    ch->owner = NULL;
    busy_channels--;
    if (next) {
        channel_take(ch, next);
        ch->waiting = next->next_waiting;
        waker_wake(next->waiter);
    }
}

/* Times a future slept until its timeout although the IRQ had come: a wake was lost. */
static uint32_t lost_wakeups;

uint32_t ata_lost_wakeups(void)
{
    return lost_wakeups;
}

static bool irq_arrived(const struct ata_io *io, const struct ata_channel *ch)
{
    return ch->irqs != io->irq_mark;
}

/* Return PENDING; the next poll resumes here (one per line: the label is the line number). */
#define ATA_SUSPEND(io)                                                      \
    do {                                                                     \
        (io)->lc = __LINE__;                                                 \
        return POLL_PENDING;                                                 \
    case __LINE__:;                                                          \
    } while (0)

/*
 * Sleep until the drive's IRQ says the next step may go (PIO data-in: before
 * each sector; data-out: after each sector). Check | register | check again |
 * PENDING, so an IRQ between the checks is not lost. The status confirms what
 * the IRQ says: an IRQ that finds BSY still set (a duplicate or a stray one)
 * only makes us look again. No IRQ within ATA_IRQ_TIMEOUT_MS ends the wait,
 * and the caller reports it.
 */
#define ATA_AWAIT_IRQ(io, ch, want)                                          \
    do {                                                                     \
        sleep_ms_init(&(io)->timeout, ATA_IRQ_TIMEOUT_MS);                   \
        while (!(irq_arrived((io), (ch)) && channel_ready((ch), (want)))) {  \
            if (future_poll(&(io)->timeout.base, cx) == POLL_READY)          \
                break;                                                       \
            if (irq_arrived((io), (ch))) {                                   \
                waker_wake(cx->waker);          /* seen, not ready yet */    \
            } else {                                                         \
                atomic_waker_register(&(ch)->waker, cx);                     \
                if (irq_arrived((io), (ch))) {                               \
                    if (channel_ready((ch), (want)))                         \
                        break;                                               \
                    waker_wake(cx->waker);      /* came before we armed */   \
                }                                                            \
            }                                                                \
            ATA_SUSPEND(io);                                                 \
        }                                                                    \
        /* Here by the timeout although the IRQ came: nobody woke us. */     \
        if (irq_arrived((io), (ch)) && now_ticks() >= (io)->timeout.deadline) \
            lost_wakeups++;                                                  \
    } while (0)

/* After a wait: 0 to go on, or the error. Consumes the IRQ that woke us. */
static int io_after_wait(struct ata_io *io, uint8_t want, bool irq_expected)
{
    struct ata_channel *ch = io->drive->chan;
    uint8_t s = alt_status(ch);

    if (irq_expected && !irq_arrived(io, ch)) {
        ksnprintf(io->drive->last_error, sizeof io->drive->last_error,
                  "%s at LBA %llu: no IRQ%d within %d ms (status 0x%02x)",
                  transfer_name(io->write, io->ext), (unsigned long long)(io->lba + io->done),
                  ch->irq, ATA_IRQ_TIMEOUT_MS, s);
        channel_reset(ch);
        return ATA_ETIMEOUT;
    }
    /* Mark before the data moves: in Bochs the next sector's IRQ can come during `rep insw`. */
    io->irq_mark = ch->irqs;
    if ((s & ATA_SR_BSY) || status_error(s) || (want ? !(s & want) : (s & ATA_SR_DRQ))) {
        int err = s & ATA_SR_BSY ? ATA_ETIMEOUT : status_error(s) ? status_error(s) : ATA_EDEVICE;
        drive_fail(io->drive, err, transfer_name(io->write, io->ext), io->lba + io->done, s);
        if (err == ATA_ETIMEOUT)
            channel_reset(ch);
        return err;
    }
    return 0;
}

static enum poll ata_io_poll(struct future *self, struct context *cx)
{
    struct ata_io *io = (struct ata_io *)self;
    struct ata_channel *ch = io->drive ? io->drive->chan : NULL;
    int err;

    ASYNC_BEGIN(io);
    /* One command per channel: master and slave share the registers and the IRQ.
       Wait in line; the owner hands the channel to the first in line when done. */
    if (ch->owner) {
        channel_enqueue(ch, io, cx);
        while (ch->owner != io) {
            io->waiter = cx->waker;         /* the latest waker of our task */
            ATA_SUSPEND(io);
        }
    } else {
        channel_take(ch, io);
    }

    while (io->done < io->count) {
        io->chunk = io->count - io->done;
        if (io->chunk > ATA_MAX_PER_CMD)
            io->chunk = ATA_MAX_PER_CMD;
        io->chunk_done = 0;
        io->ext = needs_lba48(io->lba + io->done, io->chunk);
        err = load_taskfile(io->drive, io->lba + io->done, io->chunk, &io->ext,
                            transfer_name(io->write, io->ext));
        if (err) {
            io->result = err;
            break;
        }
        /* Arm the waker and take the IRQ mark before the command: its IRQ may come at once. */
        atomic_waker_register(&ch->waker, cx);
        io->irq_mark = ch->irqs;
        if (io->write)
            write_command(ch, io->ext ? ATA_CMD_WRITE_SECTORS_EXT : ATA_CMD_WRITE_SECTORS);
        else
            write_command(ch, io->ext ? ATA_CMD_READ_SECTORS_EXT : ATA_CMD_READ_SECTORS);
        /* Let the other tasks start their commands while this drive works: that is
           what makes the channels overlap, even on an emulator that answers at once. */
        YIELD(io);

        while (io->chunk_done < io->chunk) {
            if (io->write && io->chunk_done == 0) {
                /* No IRQ before the first sector of a write: DRQ comes at once. */
                (void)wait_status(ch, ATA_SR_DRQ, true, ATA_TIMEOUT_MS);
                err = io_after_wait(io, ATA_SR_DRQ, false);
            } else {
                /* A read's IRQ says "sector ready"; a write's, "next one, please". */
                ATA_AWAIT_IRQ(io, ch, ATA_SR_DRQ);
                err = io_after_wait(io, ATA_SR_DRQ, true);
            }
            if (err) {
                io->result = err;
                break;
            }
            if (io->write)
                outsw(ch->cmd + ATA_REG_DATA, io->buf, ATA_SECTOR_WORDS);
            else
                insw(ch->cmd + ATA_REG_DATA, io->buf, ATA_SECTOR_WORDS);
            io->buf += ATA_SECTOR_SIZE;
            io->chunk_done++;
            io->done++;
        }
        if (io->result)
            break;
        if (io->write) {
            /* The last sector's IRQ ends a write; ERR or DF here means it failed. */
            ATA_AWAIT_IRQ(io, ch, 0);
            io->done--;                     /* name the last sector in a message */
            io->result = io_after_wait(io, 0, true);
            io->done++;
        } else {
            /* No IRQ after the last sector read: BSY and DRQ just drop. */
            int s = wait_status(ch, 0, true, ATA_TIMEOUT_MS);
            if (status_error(s) || (s & ATA_SR_DRQ))
                io->result = drive_fail(io->drive, status_error(s) ? status_error(s) : ATA_EDEVICE,
                                        transfer_name(false, io->ext), io->lba + io->done - 1, s);
        }
        if (io->result)
            break;
    }
    /* The drive's last_error is shared by every future on it: keep our own copy. */
    if (io->result)
        strlcpy(io->error, io->drive->last_error, sizeof io->error);
    channel_release(ch);
    ASYNC_END(io);
}

static void io_init(struct ata_io *io, struct ata_drive *d, bool write, uint64_t lba, uint32_t n,
                    const void *buf)
{
    memset(io, 0, sizeof *io);
    io->base.poll = ata_io_poll;
    ASYNC_INIT(io);
    io->drive = d;
    io->write = write;
    io->lba = lba;
    io->count = n;
    io->buf = (uint8_t *)buf;
    io->result = check_request(d, lba, n);
    if (io->result)
        strlcpy(io->error, d && d->last_error[0] ? d->last_error : ata_strerror(io->result),
                sizeof io->error);
    if (io->result)
        io->lc = -1;                        /* ready at once, with the error */
}
/* LAB 4: STUB
int ata_read(struct ata_drive *d, uint64_t lba, uint32_t n, void *buf)
{
    (void)d; (void)lba; (void)n; (void)buf; (void)check_request; (void)drive_fail;
    panic("lab4: ata_read (PIO data-in) not implemented");
}

int ata_write(struct ata_drive *d, uint64_t lba, uint32_t n, const void *buf)
{
    (void)d; (void)lba; (void)n; (void)buf;
    panic("lab4: ata_write (PIO data-out) not implemented");
}

int ata_flush(struct ata_drive *d)
{
    (void)d;
    panic("lab4: ata_flush not implemented");
}

static void probe_drive(struct ata_drive *d)
{
    (void)d; (void)wait_status; (void)delay_400ns; (void)error_bit_names; (void)status_error;
    panic("lab4: drive probe and IDENTIFY not implemented");
}

static void ata_irq(int irq)
{
    (void)irq;
    panic("lab4: IRQ14/15 handler not implemented");
}

uint32_t ata_lost_wakeups(void)
{
    return 0;
}

int ata_max_busy_channels(void)
{
    return 0;
}

static void io_init(struct ata_io *io, struct ata_drive *d, bool write, uint64_t lba, uint32_t n,
                    const void *buf)
{
    (void)io; (void)d; (void)write; (void)lba; (void)n; (void)buf;
    panic("lab4: IRQ-driven transfer futures not implemented");
}
LAB 4: END SOLUTION */

/* ---- channels and the block-device face ---------------------------------- */

static int bd_read(struct blockdev *bd, uint64_t lba, uint32_t n, void *buf)
{
    return ata_read(bd->priv, lba, n, buf);
}

static int bd_write(struct blockdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
    return ata_write(bd->priv, lba, n, buf);
}

static int bd_flush(struct blockdev *bd)
{
    return ata_flush(bd->priv);
}

int ata_attach_channel(int channel, uint16_t cmd_base, uint16_t ctl_base, int irq)
{
    struct ata_channel *ch;

    /* IRQ 0-2 are the timer, the keyboard and the cascade; 0 is also what an
       unrouted PCI interrupt line reads. */
    if (channel < 0 || channel >= ATA_MAX_CHANNELS || channels[channel].attached ||
        irq < 3 || irq > 15)
        return -1;
    ch = &channels[channel];
    memset(ch, 0, sizeof *ch);
    ch->number = channel;
    ch->cmd = cmd_base;
    ch->ctl = ctl_base;
    ch->irq = irq;
    ch->attached = true;
    /* The handler first, then interrupts on (nIEN = 0): every command from now on raises the IRQ. */
    irq_register(irq, ata_irq);
    outb(ch->ctl, 0);
    for (int unit = 0; unit < 2; unit++) {
        struct ata_drive *d = &ch->drive[unit];
        d->chan = ch;
        d->unit = unit;
        ksnprintf(d->name, sizeof d->name, "ata%d-%s", channel, ata_unit_name(unit));
        probe_drive(d);
        if (d->kind == ATA_KIND_DISK)
            d->bdev = (struct blockdev){ d->name, d->id.sectors, bd_read, bd_write, bd_flush, d };
    }
    return 0;
}

int ata_channels_attached(void)
{
    int n = 0;
    for (int i = 0; i < ATA_MAX_CHANNELS; i++)
        n += channels[i].attached;
    return n;
}

struct ata_drive *ata_drive(int channel, int unit)
{
    if (channel < 0 || channel >= ATA_MAX_CHANNELS || unit < 0 || unit > 1 ||
        !channels[channel].attached)
        return NULL;
    return &channels[channel].drive[unit];
}

struct blockdev *ata_blockdev(int channel, int unit)
{
    struct ata_drive *d = ata_drive(channel, unit);
    return d && d->kind == ATA_KIND_DISK ? &d->bdev : NULL;
}

int ata_channel_ports(int channel, uint16_t *cmd_base, uint16_t *ctl_base, int *irq)
{
    if (!ata_drive(channel, 0))
        return -1;
    *cmd_base = channels[channel].cmd;
    *ctl_base = channels[channel].ctl;
    *irq = channels[channel].irq;
    return 0;
}

uint32_t ata_irq_count(int channel)
{
    return ata_drive(channel, 0) ? channels[channel].irqs : 0;
}

void ata_read_async(struct ata_io *io, struct ata_drive *d, uint64_t lba, uint32_t n, void *buf)
{
    io_init(io, d, false, lba, n, buf);
}

void ata_write_async(struct ata_io *io, struct ata_drive *d, uint64_t lba, uint32_t n, const void *buf)
{
    io_init(io, d, true, lba, n, buf);
}

const char *ata_kind_name(enum ata_kind kind)
{
    switch (kind) {
    case ATA_KIND_NONE:  return "no device";
    case ATA_KIND_DISK:  return "disk";
    case ATA_KIND_ATAPI: return "ATAPI device, not supported";
    case ATA_KIND_SATA:  return "SATA device, not supported";
    default:             return "unknown device, not supported";
    }
}

const char *ata_unit_name(int unit)
{
    return unit ? "slave" : "master";
}

const char *ata_strerror(int err)
{
    switch (err) {
    case ATA_OK:       return "success";
    case ATA_EINVAL:   return "invalid argument";
    case ATA_ERANGE:   return "LBA past the end of the disk";
    case ATA_ENODEV:   return "no disk there";
    case ATA_ETIMEOUT: return "timeout";
    case ATA_EDEVICE:  return "the drive reported an error";
    case ATA_EFAULT:   return "device fault";
    case ATA_EBUSY:    return "channel busy";
    default:           return "unknown error";
    }
}

const char *ata_last_error(const struct ata_drive *d)
{
    return d ? d->last_error : "no such drive";
}

/* Legacy ports only if nobody (lab 5's PCI binding, in LAB_INIT) attached a channel first. */
static void lab4_init(void)
{
    if (ata_channels_attached() > 0)
        return;
    ata_attach_channel(0, ATA_LEGACY_PRIMARY_CMD, ATA_LEGACY_PRIMARY_CTL, ATA_LEGACY_PRIMARY_IRQ);
    ata_attach_channel(1, ATA_LEGACY_SECONDARY_CMD, ATA_LEGACY_SECONDARY_CTL,
                       ATA_LEGACY_SECONDARY_IRQ);
}
LAB_INIT_LATE(lab4_init);
