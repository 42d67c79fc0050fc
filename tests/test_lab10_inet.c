/*
 * test_lab10_inet.c - lab 10's Internet checksum (labs/lab10-net/inet.c,
 * RFC 1071): RFC 1071's own example, odd lengths, a header that holds its
 * checksum sums to zero, the pseudo header, and random buffers against a
 * slow sum written here from the RFC's definition.
 */
#include "host.h"
#include "net.h"

/* RFC 1071 section 3's definition, one word at a time, with end-around carry. */
static uint16_t slow_checksum(const uint8_t *p, size_t len)
{
    uint64_t sum = 0;

    for (size_t i = 0; i < len; i += 2)
        sum += (uint64_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

TEST(rfc1071_example)
{
    /* RFC 1071 1.(4): 00 01 f2 03 f4 f5 f6 f7 sums to ddf2; the checksum is its complement. */
    static const uint8_t b[] = { 0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7 };
    CHECK_EQ(inet_sum(b, sizeof b, 0), 0xDDF2);
    CHECK_EQ(inet_checksum(b, sizeof b), 0x220D);
}

TEST(odd_length_pads_with_zero)
{
    static const uint8_t b[] = { 0x12, 0x34, 0x56 };
    CHECK_EQ(inet_checksum(b, 3), (uint16_t)~(0x1234 + 0x5600));
    CHECK_EQ(inet_checksum(b, 0), 0xFFFF);
}

TEST(carries_wrap_around)
{
    uint8_t b[64];
    memset(b, 0xFF, sizeof b);
    b[63] = 0xFE;               /* 31 words of FFFF and one FFFE */
    CHECK_EQ(inet_checksum(b, sizeof b), slow_checksum(b, sizeof b));
}

TEST(a_header_with_its_checksum_sums_to_zero)
{
    uint8_t h[20] = { 0x45, 0, 0, 0x54, 0x12, 0x34, 0x40, 0, 64, 1, 0, 0, 10, 0, 2, 2, 10, 0, 2, 15 };
    put16(h + 10, inet_checksum(h, 20));
    CHECK_EQ(inet_checksum(h, 20), 0);
    h[8] ^= 1;                  /* one bit flipped: caught */
    CHECK(inet_checksum(h, 20) != 0);
}

TEST(pseudo_header_is_the_rfc_768_one)
{
    uint8_t ph[12] = { 10, 0, 2, 2, 10, 0, 2, 15, 0, 17, 0, 12 };
    CHECK_EQ(inet_pseudo(NET_IP(10, 0, 2, 2), NET_IP(10, 0, 2, 15), 17, 12, 0), inet_sum(ph, 12, 0));
}

TEST(random_buffers_match_the_definition)
{
    uint8_t b[1500];
    srand(10);
    for (int round = 0; round < 2000; round++) {
        size_t len = (size_t)rand() % sizeof b;
        for (size_t i = 0; i < len; i++)
            b[i] = (uint8_t)rand();
        if (inet_checksum(b, len) != slow_checksum(b, len)) {
            printf("  length %zu differs\n", len);
            CHECK(0);
            return;
        }
        /* Split sums chain: the first part even-sized, as the pseudo header is. */
        size_t cut = (len / 2) & ~(size_t)1;
        CHECK_EQ(inet_fold(inet_sum(b + cut, len - cut, inet_sum(b, cut, 0))), slow_checksum(b, len));
    }
}

int main(void)
{
    RUN(rfc1071_example);
    RUN(odd_length_pads_with_zero);
    RUN(carries_wrap_around);
    RUN(a_header_with_its_checksum_sums_to_zero);
    RUN(pseudo_header_is_the_rfc_768_one);
    RUN(random_buffers_match_the_definition);
    return host_summary("lab10 inet");
}
