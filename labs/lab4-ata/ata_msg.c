/*
 * ata_msg.c - the driver's words and rules that need no port: which requests
 * are valid, LBA28 or LBA48, the command names and bytes, what the error register says
 * (ATA/ATAPI-6 7.11), and the names of kinds, units and error codes.
 * Pure code: tests/test_lab4_msg.c checks it on the host.
 *
 * The grader compares these messages with what it expects, so their formats
 * are fixed (handouts/lab4.md section 4 lists them):
 *     READ SECTORS at LBA 5: error 0x04 (ABRT)
 *     LBA 204624+1 is past the end of the disk (204624 sectors)
 */
#include "ata_private.h"
#include "format.h"
#include "panic.h"

static const char *const error_bit_names[8] = {
    "AMNF", "TK0NF", "ABRT", "MCR", "IDNF", "MC", "UNC", "ICRC",
};

/* Arguments and range: an LBA past the end is an error, reported, never wrapped. */
int ata_check_request(struct ata_drive *d, uint64_t lba, uint32_t n)
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

/* "error 0x44 (UNC ABRT)": the set bits, highest first; "error 0x00 (none)". */
void ata_describe_error(char *buf, size_t size, uint8_t error_register)
{
    size_t len = (size_t)ksnprintf(buf, size, "error 0x%02x (", error_register);
    bool first = true;

    for (int bit = 7; bit >= 0; bit--) {
        if (!(error_register & (1u << bit)) || len >= size)
            continue;
        len += (size_t)ksnprintf(buf + len, size - len, "%s%s", first ? "" : " ",
                                 error_bit_names[bit]);
        first = false;
    }
    if (len < size)
        ksnprintf(buf + len, size - len, "%s)", first ? "none" : "");
}

/* The error a finished wait stands for: 0 when the status is clean; status < 0 is a timeout. */
int ata_status_error(int status)
{
    if (status < 0)
        return ATA_ETIMEOUT;
    if (status & ATA_SR_DF)
        return ATA_EFAULT;
    if (status & ATA_SR_ERR)
        return ATA_EDEVICE;
    return 0;
}

/* LAB 4: BEGIN SOLUTION */
/* Like Linux's lba_28_ok: LBA28 only for transfers that end below 2^28 (some
   drives mishandle sector 0x0FFFFFFF through the 28-bit commands). */
bool ata_needs_lba48(uint64_t lba, uint32_t count)
{
    assert(count >= 1 && count <= ATA_MAX_PER_CMD);
    return lba + count >= ATA_LBA28_LIMIT;
}

const char *ata_transfer_name(bool write, bool lba48)
{
    if (write)
        return lba48 ? "WRITE SECTORS EXT" : "WRITE SECTORS";
    return lba48 ? "READ SECTORS EXT" : "READ SECTORS";
}

uint8_t ata_transfer_command(bool write, bool lba48)
{
    if (write)
        return lba48 ? ATA_CMD_WRITE_SECTORS_EXT : ATA_CMD_WRITE_SECTORS;
    return lba48 ? ATA_CMD_READ_SECTORS_EXT : ATA_CMD_READ_SECTORS;
}
/* LAB 4: STUB
bool ata_needs_lba48(uint64_t lba, uint32_t count)
{
    (void)lba; (void)count;
    panic("lab4: the LBA28/LBA48 choice (ata_needs_lba48) not implemented");
}

const char *ata_transfer_name(bool write, bool lba48)
{
    (void)write; (void)lba48;
    panic("lab4: the command names (ata_transfer_name) not implemented");
}

uint8_t ata_transfer_command(bool write, bool lba48)
{
    (void)write; (void)lba48;
    panic("lab4: the command bytes (ata_transfer_command) not implemented");
}
LAB 4: END SOLUTION */

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
