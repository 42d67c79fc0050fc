/*
 * ata_probe.c - exercise 2: what sits at each position of a channel, found
 * with IDENTIFY DEVICE (ATA/ATAPI-6 8.15) and the signatures (9.12).
 *
 * What answers IDENTIFY:
 *   status 0xFF   nothing drives the bus: no controller at these ports;
 *   status 0x00   the controller is there, the position is empty (QEMU and
 *                 Bochs; QEMU ignores commands to a missing slave);
 *   mid/high set  a packet device (14/EB) or SATA (3C/C3): it aborts 0xEC;
 *   DRQ           an ATA device: 256 words follow.
 */
#include "ata_private.h"
#include "format.h"
#include "panic.h"
#include "x86.h"

/* LAB 4: BEGIN SOLUTION */
static void set_kind(struct ata_drive *d, enum ata_signature sig)
{
    if (sig == ATA_SIG_ATAPI || sig == ATA_SIG_SATAPI)
        d->kind = ATA_KIND_ATAPI;
    else if (sig == ATA_SIG_SATA)
        d->kind = ATA_KIND_SATA;
    else
        d->kind = ATA_KIND_UNKNOWN;
}

static enum ata_signature signature(const struct ata_channel *ch)
{
    return ata_classify_signature(inb(ch->cmd + ATA_REG_LBAM), inb(ch->cmd + ATA_REG_LBAH));
}

/* Select the drive and send IDENTIFY DEVICE; false if the channel never became idle. */
static bool send_identify(struct ata_drive *d)
{
    struct ata_channel *ch = d->chan;

    if (ata_wait_status(ch, 0, false, ATA_CMD_TIMEOUT_MS) < 0)
        return false;
    outb(ch->cmd + ATA_REG_DEVICE, ATA_DEV_OBS | (d->unit ? ATA_DEV_SLAVE : 0));
    ata_delay_400ns(ch);
    outb(ch->cmd + ATA_REG_NSECT, 0);
    outb(ch->cmd + ATA_REG_LBAL, 0);
    outb(ch->cmd + ATA_REG_LBAM, 0);
    outb(ch->cmd + ATA_REG_LBAH, 0);
    ata_write_command(ch, ATA_CMD_IDENTIFY);
    return true;
}

/* The drive did not send its data (status s, or s < 0: a timeout): why? */
static void identify_refused(struct ata_drive *d, int s)
{
    /* Some devices only post their signature with the abort. */
    enum ata_signature sig = signature(d->chan);

    /* A disk never refuses IDENTIFY DEVICE: an abort with the ATA signature is
       an empty position (QEMU's missing master when a slave is there). */
    if (sig == ATA_SIG_ATA && s >= 0 && (s & ATA_SR_ERR) &&
        (inb(d->chan->cmd + ATA_REG_ERROR) & ATA_ER_ABRT))
        return;
    set_kind(d, sig);
    if (sig == ATA_SIG_UNKNOWN || sig == ATA_SIG_ATA) {
        d->kind = ATA_KIND_UNKNOWN;
        ata_fail(d, ata_status_error(s), "IDENTIFY", 0, s);
    }
}

/* 256 words are waiting: read and decode them. */
static void read_identity(struct ata_drive *d)
{
    uint16_t id[ATA_ID_WORDS];

    insw(d->chan->cmd + ATA_REG_DATA, id, ATA_ID_WORDS);
    (void)inb(d->chan->cmd + ATA_REG_STATUS);   /* done: clear a pending interrupt */
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

void ata_probe_drive(struct ata_drive *d)
{
    struct ata_channel *ch = d->chan;
    int s;

    d->kind = ATA_KIND_NONE;
    if (ata_alt_status(ch) == 0xFF)
        return;                             /* floating bus */
    if (!send_identify(d)) {
        ksnprintf(d->last_error, sizeof d->last_error, "channel stays busy before IDENTIFY");
        d->kind = ATA_KIND_UNKNOWN;
        return;
    }
    s = ata_alt_status(ch);
    if (s == 0 || s == 0xFF)
        return;                             /* nobody at this position */
    if (ata_wait_status(ch, 0, false, ATA_CMD_TIMEOUT_MS) < 0) {
        ksnprintf(d->last_error, sizeof d->last_error, "IDENTIFY: BSY never cleared");
        d->kind = ATA_KIND_UNKNOWN;
        return;
    }
    if (signature(ch) != ATA_SIG_ATA) {
        set_kind(d, signature(ch));         /* it aborted IDENTIFY DEVICE, as it should */
        (void)inb(ch->cmd + ATA_REG_STATUS);
        return;
    }
    s = ata_wait_status(ch, ATA_SR_DRQ, true, ATA_CMD_TIMEOUT_MS);
    if (s < 0 || (s & (ATA_SR_ERR | ATA_SR_DF)))
        identify_refused(d, s);
    else
        read_identity(d);
}
/* LAB 4: STUB
void ata_probe_drive(struct ata_drive *d)
{
    (void)d;
    panic("lab4: drive probe and IDENTIFY (ata_probe_drive) not implemented");
}
LAB 4: END SOLUTION */
