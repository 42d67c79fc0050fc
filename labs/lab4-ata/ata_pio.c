/*
 * ata_pio.c - exercise 3: polled transfers, the counterpart of xv6's ide.c.
 * READ/WRITE SECTORS and their EXT forms (ATA/ATAPI-6 8.34, 8.35, 8.61,
 * 8.62) through the PIO data-in and data-out protocols (9.5, 9.6), and
 * FLUSH CACHE (8.13, 8.14), a non-data command (9.7).
 *
 * Unlike xv6 every wait here is bounded and every failure is reported with
 * the sector it happened at: "READ SECTORS at LBA 5: error 0x04 (ABRT)".
 */
#include "ata_private.h"
#include "panic.h"
#include "x86.h"

/* LAB 4: BEGIN SOLUTION */
/*
 * Select the drive and load the task file for `count` sectors (1..256) at
 * `lba`; the caller writes the command byte (the IRQ path takes its IRQ mark
 * in between). LBA48 only where LBA28 cannot reach, as Linux does; its
 * registers take the high bytes first (each is a two-deep FIFO) and the
 * device register has no LBA bits.
 */
int ata_load_taskfile(struct ata_drive *d, uint64_t lba, uint32_t count, const char *what)
{
    struct ata_channel *ch = d->chan;
    uint16_t p = ch->cmd;
    bool ext = ata_needs_lba48(lba, count);
    uint8_t select = ATA_DEV_LBA | (d->unit ? ATA_DEV_SLAVE : 0);
    int s;

    /* The device register may only be written while BSY and DRQ are clear. */
    s = ata_wait_status(ch, 0, false, ATA_CMD_TIMEOUT_MS);
    if (s < 0 || (s & ATA_SR_DRQ))
        return ata_timeout(d, what, lba);
    if (!ext)
        select |= ATA_DEV_OBS | ((lba >> 24) & 0x0F);
    outb(p + ATA_REG_DEVICE, select);
    ata_delay_400ns(ch);
    /* A stale ERR from the previous command is not this command's error. */
    if (ata_wait_status(ch, ATA_SR_DRDY, false, ATA_CMD_TIMEOUT_MS) < 0)
        return ata_timeout(d, what, lba);
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
    return 0;
}

/* One command of 1..256 sectors: each waits for DRQ, then moves 256 words. */
static int pio_command(struct ata_drive *d, bool write, uint64_t lba, uint32_t count, uint8_t *buf)
{
    struct ata_channel *ch = d->chan;
    bool ext = ata_needs_lba48(lba, count);
    const char *what = ata_transfer_name(write, ext);
    int s, err;

    if ((err = ata_load_taskfile(d, lba, count, what)))
        return err;
    ata_write_command(ch, ata_transfer_command(write, ext));
    for (uint32_t i = 0; i < count; i++, buf += ATA_SECTOR_SIZE) {
        s = ata_wait_status(ch, ATA_SR_DRQ, true, ATA_CMD_TIMEOUT_MS);
        if ((err = ata_status_error(s)))
            return ata_fail(d, err, what, lba + i, s);
        if (write)
            outsw(ch->cmd + ATA_REG_DATA, buf, ATA_SECTOR_WORDS);
        else
            insw(ch->cmd + ATA_REG_DATA, buf, ATA_SECTOR_WORDS);
    }
    /* After the last sector the drive drops BSY and DRQ; a write may still fail here. */
    s = ata_wait_status(ch, 0, true, ATA_CMD_TIMEOUT_MS);
    if ((err = ata_status_error(s)))
        return ata_fail(d, err, what, lba + count - 1, s);
    if (s & ATA_SR_DRQ)
        return ata_fail(d, ATA_EDEVICE, what, lba + count - 1, s);
    return 0;
}

static int pio_transfer(struct ata_drive *d, bool write, uint64_t lba, uint32_t n, uint8_t *buf)
{
    int err = ata_check_request(d, lba, n);

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

/* FLUSH CACHE: the drive acknowledges writes from its cache; only after this
   are they on the medium (or in QEMU's image file). */
int ata_flush(struct ata_drive *d)
{
    bool ext;
    const char *what;
    int s, err;

    if (!d || d->kind != ATA_KIND_DISK)
        return ata_check_request(d, 0, 1);
    if (d->chan->owner)
        return ATA_EBUSY;
    ext = d->id.lba48 && d->id.flush_ext;
    what = ext ? "FLUSH CACHE EXT" : "FLUSH CACHE";
    if ((err = ata_load_taskfile(d, 0, 1, what)))
        return err;
    ata_write_command(d->chan, ext ? ATA_CMD_FLUSH_CACHE_EXT : ATA_CMD_FLUSH_CACHE);
    s = ata_wait_status(d->chan, 0, true, ATA_FLUSH_TIMEOUT_MS);
    if ((err = ata_status_error(s)))
        return ata_fail(d, err, what, 0, s);
    return 0;
}
/* LAB 4: STUB
int ata_load_taskfile(struct ata_drive *d, uint64_t lba, uint32_t count, const char *what)
{
    (void)d; (void)lba; (void)count; (void)what;
    panic("lab4: ata_load_taskfile (select and task file) not implemented");
}

int ata_read(struct ata_drive *d, uint64_t lba, uint32_t n, void *buf)
{
    (void)d; (void)lba; (void)n; (void)buf;
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
LAB 4: END SOLUTION */
