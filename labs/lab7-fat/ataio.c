/*
 * ataio.c - lab 7's disks: lab 4's IRQ-driven transfers behind a struct
 * blockdev, and crash_after=, a pulled plug for trying the write order by
 * hand (the grade pulls its own, outside the guest). Kernel only.
 *
 * Reads and writes are ata_io futures run to completion, and the caller sleeps
 * until IRQ 14/15 has woken it: it never spins on the status register. The
 * program's thread polls the future itself (lab 6's thread_block_on) and the
 * IRQ wakes that thread: a cache miss costs two switches, away and back, and a
 * backtrace at the wait shows the reader. Lab 4's line of futures for a busy
 * channel has no lock (tasks never preempt each other), so threads take turns
 * on a channel through its mutex. FLUSH CACHE has no future in lab 4, so it
 * is the polled ata_flush(), under the same mutex; it comes once per barrier.
 *
 * crash_after=K: after the K-th sector write has reached the disk the machine
 * stops at once (no sync, no flush), as if the power went. A write command
 * that would go past K is cut to the sectors before it.
 */
#include "ata.h"
#include "executor.h"
#include "fat.h"
#include "kprintf.h"
#include "machine.h"
#include "thread.h"

struct ata_disk {
    struct blockdev bd;
    struct ata_drive *drive;
    struct ata_io io;
};

static struct ata_disk disks[ATA_MAX_CHANNELS * 2];
static struct mutex channel_turn[ATA_MAX_CHANNELS] = {
    { .name = "ata0" }, { .name = "ata1" }, { .name = "ata2" }, { .name = "ata3" },
};
_Static_assert(ATA_MAX_CHANNELS == 4, "one channel_turn mutex per channel");
static uint32_t sector_writes, crash_after;

static struct mutex *turn_of(struct ata_disk *d)
{
    return &channel_turn[(d - disks) / 2];
}

/* Run d->io, set up under the channel's turn, to its end; the caller then lets go of it. */
static int wait_io(struct ata_disk *d)
{
    thread_block_on(&d->io.base);       /* lab 6: polled here; IRQ 14/15 wakes this thread */
    if (d->io.result)
        kprintf("fat: %s: %s\n", d->drive->name, d->io.error);
    return d->io.result;
}

static int irq_read(struct blockdev *bd, uint64_t lba, uint32_t n, void *buf)
{
    struct ata_disk *d = bd->priv;

    mutex_lock(turn_of(d));
    ata_read_async(&d->io, d->drive, lba, n, buf);
    int err = wait_io(d);
    mutex_unlock(turn_of(d));
    return err;
}

static void pull_the_plug(void)
{
    kprintf("fat: crash: the machine stops after %u sector writes\n", sector_writes);
    machine_exit(EXIT_SUCCESS_CODE);
}

static int irq_write(struct blockdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
    struct ata_disk *d = bd->priv;
    uint32_t allowed = n;
    int err;

    if (crash_after && sector_writes + n > crash_after)
        allowed = crash_after - sector_writes;
    if (allowed) {
        mutex_lock(turn_of(d));
        ata_write_async(&d->io, d->drive, lba, allowed, buf);
        err = wait_io(d);
        mutex_unlock(turn_of(d));
        if (err)
            return err;
        sector_writes += allowed;
    }
    if (crash_after && sector_writes == crash_after)
        pull_the_plug();
    return 0;
}

static int polled_flush(struct blockdev *bd)
{
    struct ata_disk *d = bd->priv;

    mutex_lock(turn_of(d));
    int err = ata_flush(d->drive);
    mutex_unlock(turn_of(d));
    if (err)
        kprintf("fat: %s: flush: %s\n", d->drive->name, ata_last_error(d->drive));
    return err;
}

struct blockdev *fat_ata_open(int channel, int unit)
{
    struct ata_drive *drive = ata_drive(channel, unit);
    struct ata_disk *d;

    if (!drive || !ata_blockdev(channel, unit))
        return NULL;
    d = &disks[channel * 2 + unit];
    d->drive = drive;
    d->bd = (struct blockdev){ drive->name, drive->id.sectors, irq_read, irq_write,
                               polled_flush, d };
    return &d->bd;
}

void fat_ata_crash_after(uint32_t sectors)
{
    crash_after = sectors;
}

uint32_t fat_ata_sector_writes(void)
{
    return sector_writes;
}
