/*
 * ata_irq.c - exercise 4: IRQ14/15 and the transfer futures. The handler
 * only acknowledges, counts and wakes; the data moves in the woken task.
 *
 * An IRQ wait is a leaf future like lab 3's scancode stream:
 *     check          the IRQ came since the mark and the drive is ready: READY
 *     register       otherwise arm the channel's waker...
 *     check again    ...and look once more: an IRQ between the first look and
 *                    the register found no waker to wake
 *     PENDING        until the IRQ, or the next lost-IRQ check (ata_wait.c)
 * The mark (the channel's IRQ count) is taken before the step it waits for
 * starts: before the command, and before each sector's data moves, because
 * in Bochs the next sector's IRQ can come in the middle of `rep insw`.
 * (ATA/ATAPI-6 9.5 and 9.6: which step raises INTRQ.)
 */
#include "ata_private.h"
#include "format.h"
#include "kstring.h"
#include "panic.h"
#include "x86.h"

/* LAB 4: BEGIN SOLUTION */
/* IRQ14/15 or a PCI line shared by channels. Reading Status, not Alternate
   Status, is what makes the drive drop INTRQ (ATA/ATAPI-6 5.2.9). */
void ata_irq(int irq)
{
    for (int i = 0; i < ATA_MAX_CHANNELS; i++) {
        struct ata_channel *ch = &ata_channels[i];
        if (!ch->attached || ch->irq != irq)
            continue;
        (void)inb(ch->cmd + ATA_REG_STATUS);
        ch->irqs++;
        atomic_waker_wake(&ch->waker);
    }
}

static bool irq_wait_over(const struct ata_irq_wait *w)
{
    return w->ch->irqs != w->mark && ata_channel_ready(w->ch, w->want);
}

/* The IRQ-wait future's poll (ata_irq_wait_init, in ata_wait.c, sets it up). */
enum poll ata_irq_wait_poll(struct future *self, struct context *cx)
{
    struct ata_irq_wait *w = (struct ata_irq_wait *)self;

    if (irq_wait_over(w))
        return POLL_READY;
    atomic_waker_register(&w->ch->waker, cx);
    if (irq_wait_over(w))
        return POLL_READY;      /* the armed waker may fire later: a spurious poll, harmless */
    return ata_irq_wait_check(w, cx);
}

/* Load the task file, set up the wait for the first IRQ, send the command. */
static int start_command(struct ata_io *io)
{
    uint64_t lba = io->lba + io->done;
    bool ext;
    int err;

    io->chunk = io->count - io->done < ATA_MAX_PER_CMD ? io->count - io->done : ATA_MAX_PER_CMD;
    ext = ata_needs_lba48(lba, io->chunk);
    io->what = ata_transfer_name(io->write, ext);
    if ((err = ata_load_taskfile(io->drive, lba, io->chunk, io->what)))
        return err;
    ata_irq_wait_init(&io->wait, io->drive->chan, ATA_SR_DRQ);     /* its IRQ may come at once */
    ata_write_command(io->drive->chan, ata_transfer_command(io->write, ext));
    return 0;
}

/* A write's first sector: DRQ comes at once, with no IRQ (9.6). */
static int first_write_sector(struct ata_io *io)
{
    int s = ata_wait_status(io->drive->chan, ATA_SR_DRQ, true, ATA_CMD_TIMEOUT_MS);
    int err = ata_status_error(s);

    return err ? ata_fail(io->drive, err, io->what, io->lba + io->done, s) : 0;
}

/* Move one sector; the wait for the IRQ that follows it is set up first. */
static void move_sector(struct ata_io *io)
{
    struct ata_channel *ch = io->drive->chan;
    bool last = io->chunk_done + 1 == io->chunk;

    /* A write's last IRQ ends the command (want 0); every other one brings DRQ. */
    ata_irq_wait_init(&io->wait, ch, io->write && last ? 0 : ATA_SR_DRQ);
    if (io->write)
        outsw(ch->cmd + ATA_REG_DATA, io->buf, ATA_SECTOR_WORDS);
    else
        insw(ch->cmd + ATA_REG_DATA, io->buf, ATA_SECTOR_WORDS);
    io->buf += ATA_SECTOR_SIZE;
    io->done++;
}

/* After a read's last sector there is no IRQ: BSY and DRQ just drop. */
static int read_finished(struct ata_io *io)
{
    int s = ata_wait_status(io->drive->chan, 0, true, ATA_CMD_TIMEOUT_MS);
    int err = ata_status_error(s);

    if (!err && (s & ATA_SR_DRQ))
        err = ATA_EDEVICE;
    return err ? ata_fail(io->drive, err, io->what, io->lba + io->done - 1, s) : 0;
}

static enum poll io_poll(struct future *self, struct context *cx)
{
    struct ata_io *io = (struct ata_io *)self;

    ASYNC_BEGIN(io);
    /* One command per channel: master and slave share the registers and the IRQ. */
    ata_channel_turn_init(&io->turn, io);
    AWAIT(io, &io->turn);
    while (io->done < io->count && !io->result) {
        if ((io->result = start_command(io)))
            break;
        /* Let the other tasks start their commands while this drive works: that is
           what makes the channels overlap, even on an emulator that answers at once. */
        YIELD(io);
        for (io->chunk_done = 0; io->chunk_done < io->chunk; io->chunk_done++) {
            if (io->write && io->chunk_done == 0) {
                io->result = first_write_sector(io);
            } else {
                AWAIT(io, &io->wait);
                io->result = ata_irq_wait_result(io, io->lba + io->done);
            }
            if (io->result)
                break;
            move_sector(io);
        }
        if (io->result)
            break;
        if (io->write) {
            AWAIT(io, &io->wait);           /* ERR or DF here: the write failed */
            io->result = ata_irq_wait_result(io, io->lba + io->done - 1);
        } else {
            io->result = read_finished(io);
        }
    }
    /* The drive's last_error is shared by every future on it: keep our own copy. */
    if (io->result)
        ksnprintf(io->error, sizeof io->error, "%s", io->drive->last_error);
    ata_channel_release(io->drive->chan);
    ASYNC_END(io);
}

void ata_io_init(struct ata_io *io, struct ata_drive *d, bool write, uint64_t lba, uint32_t n,
                 const void *buf)
{
    memset(io, 0, sizeof *io);
    io->base.poll = io_poll;
    ASYNC_INIT(io);
    io->drive = d;
    io->write = write;
    io->lba = lba;
    io->count = n;
    io->buf = (uint8_t *)buf;
    io->result = ata_check_request(d, lba, n);
    if (io->result) {
        ksnprintf(io->error, sizeof io->error, "%s",
                  d && d->last_error[0] ? d->last_error : ata_strerror(io->result));
        io->lc = -1;                        /* ready at once, with the error */
    }
}
/* LAB 4: STUB
void ata_irq(int irq)
{
    (void)irq;
    panic("lab4: IRQ14/15 handler (ata_irq) not implemented");
}

enum poll ata_irq_wait_poll(struct future *self, struct context *cx)
{
    (void)self; (void)cx;
    panic("lab4: the IRQ-wait future (ata_irq_wait_poll) not implemented");
}

void ata_io_init(struct ata_io *io, struct ata_drive *d, bool write, uint64_t lba, uint32_t n,
                 const void *buf)
{
    (void)io; (void)d; (void)write; (void)lba; (void)n; (void)buf;
    panic("lab4: IRQ-driven transfer futures (ata_io_init) not implemented");
}
LAB 4: END SOLUTION */
