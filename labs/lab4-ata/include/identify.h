/*
 * identify.h - decoding what an ATA device says about itself: the 256-word
 * IDENTIFY DEVICE block and the signature left in the LBA mid/high registers.
 * Pure code (no port I/O): it is unit-tested on the host.
 *
 * ATA/ATAPI-6 section 8.15 (IDENTIFY DEVICE): words 10-19 serial, 23-26
 * firmware, 27-46 model (two ASCII characters per word, the first in the
 * high byte), 49 capabilities, 60-61 LBA28 sectors, 83 command sets
 * supported, 100-103 LBA48 sectors. Signatures: ATA/ATAPI-6 section 9.12.
 */
#ifndef CAIRN_LAB4_IDENTIFY_H
#define CAIRN_LAB4_IDENTIFY_H

#include <stdbool.h>
#include <stdint.h>

#define ATA_ID_WORDS 256

/* Word offsets (ATA/ATAPI-6 table 27). */
#define ATA_ID_CONFIG        0      /* bit 15 set: not an ATA device (ATAPI) */
#define ATA_ID_SERIAL       10      /* 10 words, 20 characters */
#define ATA_ID_FIRMWARE     23      /* 4 words, 8 characters */
#define ATA_ID_MODEL        27      /* 20 words, 40 characters */
#define ATA_ID_CAPABILITY   49      /* bit 9 LBA, bit 8 DMA */
#define ATA_ID_LBA28_SECTORS 60     /* 2 words, low word first */
#define ATA_ID_COMMAND_SET2 83      /* bit 10 LBA48, bit 12 FLUSH CACHE, bit 13 FLUSH EXT */
#define ATA_ID_LBA48_SECTORS 100    /* 4 words, lowest first */

#define ATA_SERIAL_LEN   20
#define ATA_FIRMWARE_LEN  8
#define ATA_MODEL_LEN    40

/* What the signature registers say sits at a position (after reset or an aborted IDENTIFY). */
enum ata_signature {
    ATA_SIG_ATA,            /* 00/00: a disk */
    ATA_SIG_ATAPI,          /* 14/EB: packet device (CD-ROM) */
    ATA_SIG_SATA,           /* 3C/C3: SATA disk (ATA/ATAPI-7) */
    ATA_SIG_SATAPI,         /* 69/96: SATA packet device (ATA/ATAPI-7) */
    ATA_SIG_UNKNOWN,
};

struct ata_identity {
    char model[ATA_MODEL_LEN + 1];
    char serial[ATA_SERIAL_LEN + 1];
    char firmware[ATA_FIRMWARE_LEN + 1];
    bool atapi;                 /* word 0 bit 15 */
    bool lba;                   /* LBA addressing (word 49 bit 9) */
    bool lba48;                 /* 48-bit address feature set (word 83 bit 10, when 83 is valid) */
    bool flush_ext;             /* FLUSH CACHE EXT (word 83 bit 13) */
    uint32_t lba28_sectors;     /* words 60-61 */
    uint64_t lba48_sectors;     /* words 100-103 */
    uint64_t sectors;           /* the usable count: lba48_sectors if lba48, else lba28_sectors */
};

/* Copies `nwords` words of IDENTIFY text into `out` (2*nwords+1 bytes): byte order fixed, trailing spaces dropped. */
void ata_id_string(const uint16_t *id, int first_word, int nwords, char *out);
/* Decodes a whole IDENTIFY block. */
void ata_identify_parse(const uint16_t id[ATA_ID_WORDS], struct ata_identity *out);
enum ata_signature ata_classify_signature(uint8_t lba_mid, uint8_t lba_high);
const char *ata_signature_name(enum ata_signature sig);

#endif
