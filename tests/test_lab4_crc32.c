/*
 * test_lab4_crc32.c - CRC-32 against zlib's values (labs/lab4-ata/crc32.c).
 *
 * grade: given code only, no points (the file it tests has no stub).
 */
#include <stdint.h>
#include "host.h"
#include "crc32.h"

TEST(known_vectors)
{
    /* python3 -c "import zlib; print(hex(zlib.crc32(b'...')))" */
    CHECK_EQ(crc32("", 0), 0x00000000);
    CHECK_EQ(crc32("a", 1), 0xE8B7BE43);
    CHECK_EQ(crc32("123456789", 9), 0xCBF43926);
    CHECK_EQ(crc32("The quick brown fox jumps over the lazy dog", 43), 0x414FA339);
}

TEST(zero_sector)
{
    uint8_t sector[512] = { 0 };
    CHECK_EQ(crc32(sector, sizeof sector), 0xB2AA7578);
}

TEST(update_in_pieces)
{
    const char *s = "123456789";
    uint32_t c = crc32_update(0, s, 4);
    c = crc32_update(c, s + 4, 5);
    CHECK_EQ(c, 0xCBF43926);
}

int main(void)
{
    RUN(known_vectors);
    RUN(zero_sector);
    RUN(update_in_pieces);
    return host_summary("lab4 crc32");
}
