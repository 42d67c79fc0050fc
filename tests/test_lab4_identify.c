/* test_lab4_identify.c - IDENTIFY parsing and signatures (labs/lab4-ata/identify.c). */
#include <stdint.h>
#include "host.h"
#include "identify.h"

/* Stores `s` the way a drive does: two characters per word, the first in the high byte, space padded. */
static void put_string(uint16_t *id, int word, int nwords, const char *s)
{
    size_t len = strlen(s);
    for (int i = 0; i < nwords; i++) {
        char hi = (size_t)(2 * i) < len ? s[2 * i] : ' ';
        char lo = (size_t)(2 * i + 1) < len ? s[2 * i + 1] : ' ';
        id[word + i] = (uint16_t)((uint8_t)hi << 8 | (uint8_t)lo);
    }
}

static void qemu_like(uint16_t *id)
{
    memset(id, 0, ATA_ID_WORDS * 2);
    id[0] = 0x0040;
    put_string(id, ATA_ID_SERIAL, 10, "QM00001");
    put_string(id, ATA_ID_FIRMWARE, 4, "2.5+");
    put_string(id, ATA_ID_MODEL, 20, "QEMU HARDDISK");
    id[49] = 0x0B00;
    id[60] = 16384 & 0xFFFF;
    id[61] = 16384 >> 16;
    id[83] = 0x7400;
    id[100] = 16384;
}

TEST(strings_are_byte_swapped_and_trimmed)
{
    uint16_t id[ATA_ID_WORDS];
    struct ata_identity ident;

    qemu_like(id);
    ata_identify_parse(id, &ident);
    CHECK_STR(ident.model, "QEMU HARDDISK");
    CHECK_STR(ident.serial, "QM00001");
    CHECK_STR(ident.firmware, "2.5+");
    CHECK(!ident.atapi);
    CHECK(ident.lba);
    CHECK(ident.lba48);
    CHECK(ident.flush_ext);
    CHECK_EQ(ident.lba28_sectors, 16384);
    CHECK_EQ(ident.lba48_sectors, 16384);
    CHECK_EQ(ident.sectors, 16384);
}

TEST(maximal_strings_fill_the_field)
{
    uint16_t id[ATA_ID_WORDS];
    struct ata_identity ident;
    const char *model = "abcdefghijklmnopqrstuvwxyz0123456789-_.Z";     /* 40 */
    const char *serial = "S1234567890123456789";                       /* 20 */

    qemu_like(id);
    put_string(id, ATA_ID_MODEL, 20, model);
    put_string(id, ATA_ID_SERIAL, 10, serial);
    put_string(id, ATA_ID_FIRMWARE, 4, "12345678");
    ata_identify_parse(id, &ident);
    CHECK_STR(ident.model, model);
    CHECK_STR(ident.serial, serial);
    CHECK_STR(ident.firmware, "12345678");
}

TEST(odd_length_and_inner_spaces)
{
    uint16_t id[ATA_ID_WORDS];
    char out[41];

    memset(id, 0, sizeof id);
    put_string(id, 27, 20, "A B  C");
    ata_id_string(id, 27, 20, out);
    CHECK_STR(out, "A B  C");
    put_string(id, 27, 20, "");
    ata_id_string(id, 27, 20, out);
    CHECK_STR(out, "");
    memset(id, 0, sizeof id);                   /* NUL padding instead of spaces */
    id[27] = 'X' << 8;
    ata_id_string(id, 27, 20, out);
    CHECK_STR(out, "X");
}

TEST(lba48_count_beyond_32_bits)
{
    uint16_t id[ATA_ID_WORDS];
    struct ata_identity ident;
    uint64_t n = 0x0000001234567890ull;

    qemu_like(id);
    id[60] = 0xFFFF;
    id[61] = 0x0FFF;                            /* 0x0FFFFFFF: "bigger than 28 bits" */
    for (int i = 0; i < 4; i++)
        id[100 + i] = (uint16_t)(n >> (16 * i));
    ata_identify_parse(id, &ident);
    CHECK_EQ(ident.lba28_sectors, 0x0FFFFFFF);
    CHECK(ident.lba48_sectors == n);
    CHECK(ident.sectors == n);
}

TEST(word83_ignored_unless_valid)
{
    uint16_t id[ATA_ID_WORDS];
    struct ata_identity ident;

    qemu_like(id);
    id[83] = 0xFFFF;                            /* bits 15:14 = 11: not valid */
    id[100] = 999;
    ata_identify_parse(id, &ident);
    CHECK(!ident.lba48);
    CHECK_EQ(ident.sectors, 16384);
    id[83] = 0x0000;                            /* not valid either */
    ata_identify_parse(id, &ident);
    CHECK(!ident.lba48);
    CHECK(!ident.flush_ext);
}

TEST(bochs_like_lba28_only)
{
    uint16_t id[ATA_ID_WORDS];
    struct ata_identity ident;

    qemu_like(id);
    id[49] = 0x0300;
    id[60] = 20160;
    id[61] = 0;
    id[83] = 0x4000;                            /* valid, no LBA48 */
    ata_identify_parse(id, &ident);
    CHECK(!ident.lba48);
    CHECK_EQ(ident.sectors, 20160);
    id[49] = 0;                                 /* no LBA at all: unusable */
    ata_identify_parse(id, &ident);
    CHECK_EQ(ident.sectors, 0);
}

TEST(atapi_config_bit)
{
    uint16_t id[ATA_ID_WORDS];
    struct ata_identity ident;

    qemu_like(id);
    id[0] = 0x85C0;
    ata_identify_parse(id, &ident);
    CHECK(ident.atapi);
}

TEST(signatures)
{
    CHECK_EQ(ata_classify_signature(0x00, 0x00), ATA_SIG_ATA);
    CHECK_EQ(ata_classify_signature(0x14, 0xEB), ATA_SIG_ATAPI);
    CHECK_EQ(ata_classify_signature(0x3C, 0xC3), ATA_SIG_SATA);
    CHECK_EQ(ata_classify_signature(0x69, 0x96), ATA_SIG_SATAPI);
    CHECK_EQ(ata_classify_signature(0xFF, 0xFF), ATA_SIG_UNKNOWN);
    CHECK_EQ(ata_classify_signature(0xEB, 0x14), ATA_SIG_UNKNOWN);
    CHECK_STR(ata_signature_name(ATA_SIG_ATAPI), "ATAPI");
}

int main(void)
{
    RUN(strings_are_byte_swapped_and_trimmed);
    RUN(maximal_strings_fill_the_field);
    RUN(odd_length_and_inner_spaces);
    RUN(lba48_count_beyond_32_bits);
    RUN(word83_ignored_unless_valid);
    RUN(bochs_like_lba28_only);
    RUN(atapi_config_bit);
    RUN(signatures);
    return host_summary("lab4 identify");
}
