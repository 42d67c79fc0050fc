/*
 * test_lab4_msg.c - lab 4's pure rules and messages (labs/lab4-ata/ata_msg.c):
 * the request check, the LBA28/LBA48 choice at 2^28, the command names and
 * bytes, and the decoding of the error register. The grader compares these
 * texts with what it expects (handouts/lab4.md section 4).
 */
#include <setjmp.h>
#include <stdint.h>
#include "ata_private.h"
#include "host.h"

static struct ata_drive disk(uint64_t sectors)
{
    struct ata_drive d;

    memset(&d, 0, sizeof d);
    d.kind = ATA_KIND_DISK;
    d.id.sectors = sectors;
    snprintf(d.name, sizeof d.name, "ata1-slave");
    return d;
}

TEST(requests_inside_the_disk_pass)
{
    struct ata_drive d = disk(1000);

    CHECK_EQ(ata_check_request(&d, 0, 1), 0);
    CHECK_EQ(ata_check_request(&d, 999, 1), 0);
    CHECK_EQ(ata_check_request(&d, 0, 1000), 0);
    CHECK_STR(d.last_error, "");
}

TEST(requests_past_the_end_are_refused_with_the_range)
{
    struct ata_drive d = disk(204624);

    CHECK_EQ(ata_check_request(&d, 204624, 1), ATA_ERANGE);
    CHECK_STR(d.last_error, "LBA 204624+1 is past the end of the disk (204624 sectors)");
    CHECK_EQ(ata_check_request(&d, 204620, 5), ATA_ERANGE);
    /* lba + n would wrap to a small number: still refused, never wrapped */
    CHECK_EQ(ata_check_request(&d, UINT64_MAX, 2), ATA_ERANGE);
    CHECK_EQ(ata_check_request(&d, 1, UINT32_MAX), ATA_ERANGE);
}

TEST(bad_arguments_and_other_kinds)
{
    struct ata_drive d = disk(1000);

    CHECK_EQ(ata_check_request(NULL, 0, 1), ATA_EINVAL);
    CHECK_EQ(ata_check_request(&d, 0, 0), ATA_EINVAL);
    CHECK_STR(d.last_error, "a transfer of 0 sectors");
    d.kind = ATA_KIND_ATAPI;
    CHECK_EQ(ata_check_request(&d, 0, 1), ATA_ENODEV);
    CHECK_STR(d.last_error, "ata1-slave: ATAPI device, not supported");
    d.kind = ATA_KIND_NONE;
    CHECK_EQ(ata_check_request(&d, 0, 1), ATA_ENODEV);
    CHECK_STR(d.last_error, "ata1-slave: no device");
}

TEST(lba48_only_for_transfers_ending_at_2_28_or_later)
{
    const uint64_t limit = 1ull << 28;

    CHECK(!ata_needs_lba48(0, 1));
    CHECK(!ata_needs_lba48(limit - 2, 1));          /* ends at 0x0FFFFFFE */
    CHECK(ata_needs_lba48(limit - 1, 1));           /* sector 0x0FFFFFFF: EXT, as Linux */
    CHECK(ata_needs_lba48(limit, 1));
    CHECK(!ata_needs_lba48(limit - 257, 256));
    CHECK(ata_needs_lba48(limit - 256, 256));
    CHECK(ata_needs_lba48(limit - 256, 255) == false);
    CHECK(ata_needs_lba48(1ull << 40, 256));
}

TEST(command_names_and_bytes)
{
    CHECK_STR(ata_transfer_name(false, false), "READ SECTORS");
    CHECK_STR(ata_transfer_name(false, true), "READ SECTORS EXT");
    CHECK_STR(ata_transfer_name(true, false), "WRITE SECTORS");
    CHECK_STR(ata_transfer_name(true, true), "WRITE SECTORS EXT");
    CHECK_EQ(ata_transfer_command(false, false), 0x20);
    CHECK_EQ(ata_transfer_command(false, true), 0x24);
    CHECK_EQ(ata_transfer_command(true, false), 0x30);
    CHECK_EQ(ata_transfer_command(true, true), 0x34);
}

TEST(error_register_decoding)
{
    char buf[ATA_ERROR_TEXT_MAX];

    ata_describe_error(buf, sizeof buf, 0x04);
    CHECK_STR(buf, "error 0x04 (ABRT)");
    ata_describe_error(buf, sizeof buf, 0x44);
    CHECK_STR(buf, "error 0x44 (UNC ABRT)");
    ata_describe_error(buf, sizeof buf, 0x10);
    CHECK_STR(buf, "error 0x10 (IDNF)");
    ata_describe_error(buf, sizeof buf, 0x00);
    CHECK_STR(buf, "error 0x00 (none)");
    ata_describe_error(buf, sizeof buf, 0xFF);
    CHECK_STR(buf, "error 0xff (ICRC UNC MC IDNF MCR ABRT TK0NF AMNF)");
}

TEST(error_decoding_never_overflows)
{
    char buf[12];

    memset(buf, 'x', sizeof buf);
    ata_describe_error(buf, sizeof buf, 0xFF);
    CHECK(memchr(buf, '\0', sizeof buf) != NULL);
    CHECK(strncmp(buf, "error 0xff", 10) == 0);
}

TEST(status_to_error_code)
{
    CHECK_EQ(ata_status_error(-1), ATA_ETIMEOUT);
    CHECK_EQ(ata_status_error(0x58), 0);                    /* DRDY DSC DRQ */
    CHECK_EQ(ata_status_error(0x51), ATA_EDEVICE);          /* ERR */
    CHECK_EQ(ata_status_error(0x61), ATA_EFAULT);           /* DF wins over ERR */
    CHECK_STR(ata_strerror(ATA_ETIMEOUT), "timeout");
    CHECK_STR(ata_strerror(12345), "unknown error");
    CHECK_STR(ata_unit_name(1), "slave");
}

int main(void)
{
    RUN_GUARDED(requests_inside_the_disk_pass);
    RUN_GUARDED(requests_past_the_end_are_refused_with_the_range);
    RUN_GUARDED(bad_arguments_and_other_kinds);
    RUN_GUARDED(lba48_only_for_transfers_ending_at_2_28_or_later);
    RUN_GUARDED(command_names_and_bytes);
    RUN_GUARDED(error_register_decoding);
    RUN_GUARDED(error_decoding_never_overflows);
    RUN_GUARDED(status_to_error_code);
    return host_summary("lab4 msg");
}
