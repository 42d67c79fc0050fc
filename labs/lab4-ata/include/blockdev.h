/*
 * blockdev.h - the smallest block-device interface: a name, a size in
 * 512-byte sectors, and read / write / flush of whole sectors.
 *
 * The ATA driver (lab 4) implements it; lab 5's PCI binding and a later file
 * system only see this. Every operation returns 0 or a negative error code
 * (the driver's; for ATA see ata_strerror() and ata_last_error() in ata.h).
 * An LBA range that does not fit inside `sectors` is an error, never a wrap.
 */
#ifndef CAIRN_BLOCKDEV_H
#define CAIRN_BLOCKDEV_H

#include <stdint.h>

#define BLOCKDEV_SECTOR_SIZE 512

struct blockdev {
    const char *name;
    uint64_t sectors;
    int (*read)(struct blockdev *bd, uint64_t lba, uint32_t n, void *buf);
    int (*write)(struct blockdev *bd, uint64_t lba, uint32_t n, const void *buf);
    int (*flush)(struct blockdev *bd);      /* make every completed write durable */
    void *priv;                              /* the driver's own state */
};

static inline int blockdev_read(struct blockdev *bd, uint64_t lba, uint32_t n, void *buf)
{
    return bd->read(bd, lba, n, buf);
}

static inline int blockdev_write(struct blockdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
    return bd->write(bd, lba, n, buf);
}

static inline int blockdev_flush(struct blockdev *bd)
{
    return bd->flush(bd);
}

#endif
