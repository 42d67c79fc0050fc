/*
 * crc32.c - CRC-32 (ISO 3309 / ITU-T V.42, as in zlib), four bits at a time
 * with a 16-entry table: small, no initialisation, fast enough for sectors.
 */
#include "crc32.h"

/* crc_nibble_table[i] = the CRC register after shifting the 4-bit value i through the polynomial. */
static const uint32_t crc_nibble_table[16] = {
    0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
    0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C, 0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
};

uint32_t crc32_update(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;

    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc_nibble_table[crc & 0xF];
        crc = (crc >> 4) ^ crc_nibble_table[crc & 0xF];
    }
    return ~crc;
}
