/*
 * ata_private.h - what the files of the ATA driver share and nobody else
 * sees: the registers, status bits and commands of ATA/ATAPI-6 (T13/1410D),
 * the deadlines, struct ata_channel, and the helpers each file gives the others.
 *
 *   ata_msg.c       messages and request rules (pure: host-tested)
 *   ata_deadline.c  when a wait has lasted too long (pure: host-tested)
 *   ata_wait.c      status waits, the 400 ns delay, failure reports, SRST
 *   ata_channel.c   attaching channels, the line of futures, the blockdev face
 *   ata_probe.c     exercise 2: probing and IDENTIFY
 *   ata_pio.c       exercise 3: polled READ/WRITE SECTORS and FLUSH CACHE
 *   ata_irq.c       exercise 4: the IRQ handler and the transfer futures
 */
#ifndef CAIRN_LAB4_ATA_PRIVATE_H
#define CAIRN_LAB4_ATA_PRIVATE_H

#include <stddef.h>
#include "ata.h"

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
/* 0x10 DSC/SERV, 0x04 CORR and 0x02 IDX are obsolete; Bochs toggles IDX, so always mask. */

/* Error register bits (7.11). */
#define ATA_ER_ABRT  0x04       /* command aborted */
/* The longest decoded error register: "error 0xff (ICRC UNC MC IDNF MCR ABRT TK0NF AMNF)". */
#define ATA_ERROR_TEXT_MAX 52

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

/*
 * Deadlines: what a real drive may take, not what an emulator does (handouts/lab4.md
 * section 6 says how they were chosen). A drive spinning up from standby, flushing a
 * large cache or retrying a bad sector takes seconds.
 *   reset    ATA/ATAPI-6 9.2: a device may keep BSY up to 31 s after a reset;
 *   command  Linux's libata gives its own commands 30 s (ATA_TMOUT_INTERNAL), as
 *            the SCSI disk layer gives a read or a write (SD_TIMEOUT);
 *   flush    libata's error handler allows FLUSH CACHE up to 30 s on its last try.
 * The lost-IRQ check: a drive raises INTRQ as it drops BSY (5.2.9), so one that is
 * ready with no IRQ half a second later has lost it (libata: ata_sff_lost_interrupt).
 * Without a running timer, a wait gives up after ATA_SPIN_LIMIT status reads.
 */
#define ATA_RESET_TIMEOUT_MS   31000
#define ATA_CMD_TIMEOUT_MS     30000
#define ATA_FLUSH_TIMEOUT_MS   30000
#define ATA_IRQ_CHECK_MS       500
#define ATA_SPIN_LIMIT         20000000u

struct ata_channel {
    int number;
    bool attached;
    uint16_t cmd, ctl;
    int irq;
    struct ata_drive drive[2];
    struct ata_io *owner;               /* the asynchronous command in flight, or NULL */
    struct ata_io *waiting;             /* futures waiting for the channel, first in line first */
    struct atomic_waker waker;          /* the owner's task, woken by the IRQ */
    volatile uint32_t irqs;             /* IRQs seen (the handler counts them) */
    volatile uint64_t irq_tick;         /* the timer tick of the last one */
};

/* ---- ata_msg.c: pure ---------------------------------------------------- */
int ata_check_request(struct ata_drive *d, uint64_t lba, uint32_t n);
bool ata_needs_lba48(uint64_t lba, uint32_t count);
const char *ata_transfer_name(bool write, bool lba48);
uint8_t ata_transfer_command(bool write, bool lba48);
void ata_describe_error(char *buf, size_t size, uint8_t error_register);
int ata_status_error(int status);

/* ---- ata_deadline.c: pure ----------------------------------------------- */
struct ata_deadline {
    uint64_t end;                       /* tick; 0: no timer, count status reads only */
    uint64_t seen;                      /* the tick at the last look */
    uint32_t stalled;                   /* status reads since the tick last moved */
};
struct ata_deadline ata_deadline_start(uint32_t ms, uint64_t now, uint32_t hz);
bool ata_deadline_passed(struct ata_deadline *dl, uint64_t now);
uint32_t ata_deadline_ms(uint32_t ms);          /* ms, or the ata_timeout= cap if lower */
extern uint32_t ata_timeout_cap_ms;

/* ---- ata_wait.c --------------------------------------------------------- */
uint8_t ata_alt_status(const struct ata_channel *ch);
void ata_delay_400ns(const struct ata_channel *ch);
int ata_wait_status(struct ata_channel *ch, uint8_t want, bool errors, uint32_t ms);
bool ata_channel_ready(const struct ata_channel *ch, uint8_t want);
void ata_write_command(struct ata_channel *ch, uint8_t command);
int ata_fail(struct ata_drive *d, int err, const char *what, uint64_t lba, int status);
int ata_timeout(struct ata_drive *d, const char *what, uint64_t lba);
bool ata_channel_reset(struct ata_channel *ch);

/* ---- ata_channel.c ------------------------------------------------------ */
extern struct ata_channel ata_channels[ATA_MAX_CHANNELS];
void ata_channel_release(struct ata_channel *ch);
void ata_channel_turn_init(struct ata_channel_turn *t, struct ata_io *io);

/* ---- the exercises ------------------------------------------------------ */
void ata_probe_drive(struct ata_drive *d);                              /* ata_probe.c */
int ata_load_taskfile(struct ata_drive *d, uint64_t lba, uint32_t count, const char *what); /* ata_pio.c */
void ata_irq(int irq);                                                  /* ata_irq.c */
void ata_io_init(struct ata_io *io, struct ata_drive *d, bool write, uint64_t lba, uint32_t n,
                 const void *buf);
enum poll ata_irq_wait_poll(struct future *self, struct context *cx);
void ata_irq_wait_init(struct ata_irq_wait *w, struct ata_channel *ch, uint8_t want); /* ata_wait.c */
enum poll ata_irq_wait_check(struct ata_irq_wait *w, struct context *cx);  /* ata_wait.c */
int ata_irq_wait_result(struct ata_io *io, uint64_t lba);              /* ata_wait.c */

#endif
