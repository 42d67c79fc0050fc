/*
 * identify.c - decoding IDENTIFY DEVICE data and device signatures
 * (ATA/ATAPI-6 sections 8.15 and 9.12). Pure code, host-tested.
 *
 * The strings are the classic trap: each 16-bit word holds two characters
 * with the FIRST one in the HIGH byte, so reading the words as a byte array
 * on a little-endian CPU gives "EQUMH RADKSI" for "QEMU HARDDISK". They are
 * padded with spaces on the right, which we drop.
 */
#include "identify.h"
#include "panic.h"

/* LAB 4: BEGIN SOLUTION */
void ata_id_string(const uint16_t *id, int first_word, int nwords, char *out)
{
    int len = 0;

    for (int i = 0; i < nwords; i++) {
        uint16_t w = id[first_word + i];
        out[len++] = (char)(w >> 8);
        out[len++] = (char)(w & 0xFF);
    }
    /* Trim trailing spaces (and NULs, which some devices pad with). */
    while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '\0'))
        len--;
    out[len] = '\0';
    /* A NUL inside the field would end the string early: show it as a space. */
    for (int i = 0; i < len; i++)
        if (out[i] == '\0')
            out[i] = ' ';
}

void ata_identify_parse(const uint16_t id[ATA_ID_WORDS], struct ata_identity *out)
{
    uint16_t w83 = id[ATA_ID_COMMAND_SET2];
    /* Word 83 means something only when bits 15:14 read 01 (ATA/ATAPI-6 8.15.39). */
    bool w83_valid = (w83 & 0xC000) == 0x4000;

    ata_id_string(id, ATA_ID_MODEL, ATA_MODEL_LEN / 2, out->model);
    ata_id_string(id, ATA_ID_SERIAL, ATA_SERIAL_LEN / 2, out->serial);
    ata_id_string(id, ATA_ID_FIRMWARE, ATA_FIRMWARE_LEN / 2, out->firmware);
    out->atapi = (id[ATA_ID_CONFIG] & 0x8000) != 0;
    out->lba = (id[ATA_ID_CAPABILITY] & (1u << 9)) != 0;
    out->lba48 = w83_valid && (w83 & (1u << 10));
    out->flush_ext = w83_valid && (w83 & (1u << 13));
    out->lba28_sectors = (uint32_t)id[ATA_ID_LBA28_SECTORS] |
                         (uint32_t)id[ATA_ID_LBA28_SECTORS + 1] << 16;
    out->lba48_sectors = 0;
    for (int i = 3; i >= 0; i--)
        out->lba48_sectors = out->lba48_sectors << 16 | id[ATA_ID_LBA48_SECTORS + i];
    /* A disk too big for 28 bits reports 0x0FFFFFFF in words 60-61 and its size in 100-103. */
    out->sectors = out->lba48 && out->lba48_sectors ? out->lba48_sectors : out->lba28_sectors;
    if (!out->lba)
        out->sectors = 0;           /* CHS-only drives: not supported by this driver */
}

enum ata_signature ata_classify_signature(uint8_t lba_mid, uint8_t lba_high)
{
    if (lba_mid == 0x00 && lba_high == 0x00)
        return ATA_SIG_ATA;
    if (lba_mid == 0x14 && lba_high == 0xEB)
        return ATA_SIG_ATAPI;
    if (lba_mid == 0x3C && lba_high == 0xC3)
        return ATA_SIG_SATA;
    if (lba_mid == 0x69 && lba_high == 0x96)
        return ATA_SIG_SATAPI;
    return ATA_SIG_UNKNOWN;
}
/* LAB 4: STUB
void ata_id_string(const uint16_t *id, int first_word, int nwords, char *out)
{
    (void)id; (void)first_word; (void)nwords; (void)out;
    panic("lab4: IDENTIFY string decoding not implemented");
}

void ata_identify_parse(const uint16_t id[ATA_ID_WORDS], struct ata_identity *out)
{
    (void)id; (void)out;
    panic("lab4: IDENTIFY parsing not implemented");
}

enum ata_signature ata_classify_signature(uint8_t lba_mid, uint8_t lba_high)
{
    (void)lba_mid; (void)lba_high;
    panic("lab4: signature classification not implemented");
}
LAB 4: END SOLUTION */

const char *ata_signature_name(enum ata_signature sig)
{
    switch (sig) {
    case ATA_SIG_ATA:    return "ATA";
    case ATA_SIG_ATAPI:  return "ATAPI";
    case ATA_SIG_SATA:   return "SATA";
    case ATA_SIG_SATAPI: return "SATAPI";
    default:             return "unknown";
    }
}
