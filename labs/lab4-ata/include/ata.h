/*
 * ata.h - the ATA PIO driver: up to four channels of two drives each.
 *
 * A channel is attached at its ports and IRQ; attaching probes the master and
 * the slave (IDENTIFY) and gives every disk a struct blockdev. Reads, writes
 * and flushes come polled (ata_read / ata_write / ata_flush, or the blockdev)
 * or as futures for lab 3's executor (ata_read_async / ata_write_async), which
 * sleep until the channel's IRQ wakes them, so two channels work at once.
 *
 * Lab 4's LAB_INIT_LATE hook attaches the legacy channels (0x1F0/0x3F6/IRQ14
 * as channel 0, 0x170/0x376/IRQ15 as channel 1) only if nobody attached a
 * channel before it (lab 5's PCI binding runs in LAB_INIT).
 */
#ifndef CAIRN_LAB4_ATA_H
#define CAIRN_LAB4_ATA_H

#include <stdbool.h>
#include <stdint.h>
#include "blockdev.h"
#include "future.h"
#include "identify.h"
#include "sleep.h"

#define ATA_MAX_CHANNELS 4
#define ATA_SECTOR_SIZE  512
/* A message: "WRITE SECTORS EXT at LBA <20 digits>: error 0xff (<all eight bits>)" fits. */
#define ATA_MESSAGE_MAX  128

#define ATA_LEGACY_PRIMARY_CMD    0x1F0
#define ATA_LEGACY_PRIMARY_CTL    0x3F6
#define ATA_LEGACY_PRIMARY_IRQ    14
#define ATA_LEGACY_SECONDARY_CMD  0x170
#define ATA_LEGACY_SECONDARY_CTL  0x376
#define ATA_LEGACY_SECONDARY_IRQ  15

/* Error codes (negative; 0 is success). ata_strerror() names them. */
enum {
    ATA_OK        = 0,
    ATA_EINVAL    = -1,     /* bad argument: no such channel or drive, n == 0 */
    ATA_ERANGE    = -2,     /* LBA range past the end of the disk */
    ATA_ENODEV    = -3,     /* no disk at that position (or not an ATA disk) */
    ATA_ETIMEOUT  = -4,     /* BSY or DRQ did not change within the bound */
    ATA_EDEVICE   = -5,     /* the drive set ERR: see the error register in ata_last_error() */
    ATA_EFAULT    = -6,     /* the drive set DF (device fault) */
    ATA_EBUSY     = -7,     /* the channel is running an asynchronous command */
};

enum ata_kind {
    ATA_KIND_NONE,          /* nothing answers at this position */
    ATA_KIND_DISK,          /* an ATA disk: usable */
    ATA_KIND_ATAPI,         /* a packet device (CD-ROM): reported, not supported */
    ATA_KIND_SATA,          /* a SATA signature behind a legacy port: reported, not supported */
    ATA_KIND_UNKNOWN,       /* it answered, but not in a way we understand */
};

struct ata_channel;

struct ata_drive {
    struct ata_channel *chan;
    int unit;                       /* 0 master, 1 slave */
    enum ata_kind kind;
    struct ata_identity id;         /* valid for ATA_KIND_DISK */
    struct blockdev bdev;           /* valid for ATA_KIND_DISK; bdev.priv is this drive */
    char name[16];                  /* "ata0-master" */
    char last_error[ATA_MESSAGE_MAX];   /* what went wrong last, in words */
};

int ata_attach_channel(int channel, uint16_t cmd_base, uint16_t ctl_base, int irq);
int ata_channels_attached(void);

/* NULL if the channel is not attached. The drive may be of any kind. */
struct ata_drive *ata_drive(int channel, int unit);
/* The block device of a disk, or NULL. */
struct blockdev *ata_blockdev(int channel, int unit);
const char *ata_kind_name(enum ata_kind kind);     /* "disk", "no device", "ATAPI device, not supported", ... */
const char *ata_unit_name(int unit);               /* "master" / "slave" */
const char *ata_strerror(int err);
const char *ata_last_error(const struct ata_drive *d);

/* Polled transfers of n sectors (n >= 1; any size, split into commands as needed). */
int ata_read(struct ata_drive *d, uint64_t lba, uint32_t n, void *buf);
int ata_write(struct ata_drive *d, uint64_t lba, uint32_t n, const void *buf);
int ata_flush(struct ata_drive *d);

/*
 * The IRQ-wait future (ata_irq.c): READY once the channel's IRQ has come
 * since `mark` and the drive is ready for the next step (`want`: DRQ for a
 * sector, 0 for the end of a command), or when a check finds the IRQ lost or
 * the deadline passed. ata_irq_wait_result() then says which.
 */
struct ata_irq_wait {
    struct future base;
    struct ata_channel *ch;
    uint8_t want;
    uint32_t mark;                  /* the channel's IRQ count when the wait was set up */
    uint64_t deadline;              /* the tick at which this step has taken too long */
    struct sleep_future check;      /* the next look for a lost IRQ or the deadline */
    bool ready_at_check;            /* the drive was ready, without an IRQ, at the last look */
};

/* READY when the channel is the future's: it waits in line behind the others (ata_channel.c). */
struct ata_channel_turn {
    struct future base;
    struct ata_io *io;
    bool queued;
};

/*
 * An IRQ-driven transfer as a future. Initialise with ata_read_async /
 * ata_write_async, then spawn / AWAIT / block_on it; when it is ready,
 * `result` holds 0 or an error code and `error` says what went wrong. One
 * command runs per channel at a time (master and slave share the registers);
 * futures on a busy channel wait in line, first come first served. The caller
 * keeps the struct and the buffer alive (and in place) until it is ready.
 * Any size works: more than 256 sectors become several commands.
 */
struct ata_io {
    struct future base;
    int lc;                         /* coroutine line (ASYNC_BEGIN) */
    struct ata_drive *drive;
    bool write;
    uint64_t lba;
    uint32_t count;                 /* sectors in this request */
    uint32_t done;                  /* sectors transferred so far */
    uint32_t chunk;                 /* sectors in the current command */
    uint32_t chunk_done;
    const char *what;               /* the current command's name, for messages */
    uint8_t *buf;
    struct ata_channel_turn turn;
    struct ata_io *next_waiting;    /* in the channel's line while it is busy */
    struct waker waiter;            /* woken when the channel is handed to us */
    struct ata_irq_wait wait;
    int result;
    char error[ATA_MESSAGE_MAX];    /* what went wrong, when result != 0 */
};

void ata_read_async(struct ata_io *io, struct ata_drive *d, uint64_t lba, uint32_t n, void *buf);
void ata_write_async(struct ata_io *io, struct ata_drive *d, uint64_t lba, uint32_t n, const void *buf);

/* IRQs seen per channel (for reports and benchmarks). */
uint32_t ata_irq_count(int channel);
/* Futures woken by their lost-IRQ check although their IRQ had come (0 unless a wake is lost). */
uint32_t ata_lost_wakeups(void);
/* The most channels that had a future's command running at the same moment. */
int ata_max_busy_channels(void);
/* The ports and IRQ a channel was attached with; -1 if it is not attached. */
int ata_channel_ports(int channel, uint16_t *cmd_base, uint16_t *ctl_base, int *irq);

#endif
