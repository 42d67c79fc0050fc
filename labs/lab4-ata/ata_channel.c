/*
 * ata_channel.c - the channels: attaching one (its ports and IRQ, then a
 * probe of both drives), the line of futures waiting for a busy channel, the
 * block-device face of every disk, and lab 4's boot hook. Given code.
 */
#include "ata_private.h"
#include "cmdline.h"
#include "format.h"
#include "interrupts.h"
#include "kstring.h"
#include "labinit.h"
#include "panic.h"
#include "x86.h"

CMDLINE_OPTION(ata_timeout, "ata_timeout",
               "cap every ATA deadline at this many ms (tests of a drive that never answers)");

struct ata_channel ata_channels[ATA_MAX_CHANNELS];

/* ---- the line of futures (task context only: no locking) ----------------- */

/* The most channels running a future's command at the same moment (do they overlap?). */
static int busy_channels, max_busy_channels;

int ata_max_busy_channels(void)
{
    return max_busy_channels;
}

static void channel_take(struct ata_channel *ch, struct ata_io *io)
{
    assert(ch->owner == NULL);
    ch->owner = io;
    if (++busy_channels > max_busy_channels)
        max_busy_channels = busy_channels;
}

/* The owner is done: hand the channel to the first in line and wake it. */
void ata_channel_release(struct ata_channel *ch)
{
    struct ata_io *next = ch->waiting;

    assert(ch->owner != NULL);
    ch->owner = NULL;
    busy_channels--;
    if (next) {
        ch->waiting = next->next_waiting;
        channel_take(ch, next);
        waker_wake(next->waiter);
    }
}

static enum poll channel_turn_poll(struct future *self, struct context *cx)
{
    struct ata_channel_turn *t = (struct ata_channel_turn *)self;
    struct ata_channel *ch = t->io->drive->chan;

    if (ch->owner == t->io)
        return POLL_READY;                  /* handed over by the previous owner */
    if (!ch->owner) {
        channel_take(ch, t->io);
        return POLL_READY;
    }
    if (!t->queued) {
        struct ata_io **p = &ch->waiting;
        while (*p)
            p = &(*p)->next_waiting;
        t->io->next_waiting = NULL;
        *p = t->io;
        t->queued = true;
    }
    t->io->waiter = cx->waker;              /* the latest waker of our task */
    return POLL_PENDING;
}

void ata_channel_turn_init(struct ata_channel_turn *t, struct ata_io *io)
{
    t->base.poll = channel_turn_poll;
    t->io = io;
    t->queued = false;
}

/* ---- attaching ------------------------------------------------------------ */

/* ata_timeout=MS, read once before the first probe (lab 5 attaches before lab4_init_late). */
static void read_timeout_option(void)
{
    static bool done;

    if (done)
        return;
    done = true;
    ata_timeout_cap_ms = (uint32_t)cmdline_uint("ata_timeout", 0, 0, ATA_RESET_TIMEOUT_MS);
}

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
    if (channel < 0 || channel >= ATA_MAX_CHANNELS || ata_channels[channel].attached ||
        irq < 3 || irq > 15)
        return -1;
    read_timeout_option();
    ch = &ata_channels[channel];
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
        ata_probe_drive(d);
        if (d->kind == ATA_KIND_DISK)
            d->bdev = (struct blockdev){ d->name, d->id.sectors, bd_read, bd_write, bd_flush, d };
    }
    return 0;
}

int ata_channels_attached(void)
{
    int n = 0;
    for (int i = 0; i < ATA_MAX_CHANNELS; i++)
        n += ata_channels[i].attached;
    return n;
}

struct ata_drive *ata_drive(int channel, int unit)
{
    if (channel < 0 || channel >= ATA_MAX_CHANNELS || unit < 0 || unit > 1 ||
        !ata_channels[channel].attached)
        return NULL;
    return &ata_channels[channel].drive[unit];
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
    *cmd_base = ata_channels[channel].cmd;
    *ctl_base = ata_channels[channel].ctl;
    *irq = ata_channels[channel].irq;
    return 0;
}

uint32_t ata_irq_count(int channel)
{
    return ata_drive(channel, 0) ? ata_channels[channel].irqs : 0;
}

void ata_read_async(struct ata_io *io, struct ata_drive *d, uint64_t lba, uint32_t n, void *buf)
{
    ata_io_init(io, d, false, lba, n, buf);
}

void ata_write_async(struct ata_io *io, struct ata_drive *d, uint64_t lba, uint32_t n, const void *buf)
{
    ata_io_init(io, d, true, lba, n, buf);
}

/* Legacy ports only if nobody (lab 5's PCI binding, in LAB_INIT) attached a channel first. */
void lab4_init_late(void)
{
    read_timeout_option();
    if (ata_channels_attached() > 0)
        return;
    ata_attach_channel(0, ATA_LEGACY_PRIMARY_CMD, ATA_LEGACY_PRIMARY_CTL, ATA_LEGACY_PRIMARY_IRQ);
    ata_attach_channel(1, ATA_LEGACY_SECONDARY_CMD, ATA_LEGACY_SECONDARY_CTL,
                       ATA_LEGACY_SECONDARY_IRQ);
}
LAB_INIT_LATE(lab4_init_late);
