/*
 * test_lab10_fuzz.c - lab 10's stack against frames no peer should send:
 * short, bad IHL, lengths past the frame, wrong checksums, fragments,
 * UDP lengths that lie. Each is dropped, counted under its own name, and
 * answered with nothing; then thousands of random mutations of good frames
 * run under ASan and UBSan (no read past a frame, no crash), and a good
 * frame still gets its answer afterwards.
 */
#include "host.h"
#include "lab10_wire.h"

static struct net n;
static uint8_t f[NET_FRAME_MAX];
static const uint8_t data[] = "cairn lab 10";

static void learnt(void)
{
    wire_setup(&n);
    arp_learn(&n, PEER_IP, peer_mac);
}

TEST(a_good_datagram_is_echoed)
{
    learnt();
    size_t len = wire_udp(f, UDP_PORT_ECHO, data, sizeof data);
    net_input(&n, f, len);
    CHECK_EQ(wire.n, 1);
    CHECK_EQ(n.stats.udp_echoed, 1);
    const uint8_t *r = wire.frame[0];
    CHECK(memcmp(r, peer_mac, 6) == 0);
    CHECK_EQ(inet_checksum(r + 14, 20), 0);
    CHECK_EQ(get32(r + 14 + 16), PEER_IP);
    CHECK_EQ(get16(r + 34), UDP_PORT_ECHO);             /* ports swapped */
    CHECK_EQ(get16(r + 34 + 2), 40000);
    CHECK(memcmp(r + 42, data, sizeof data) == 0);
    uint16_t ulen = get16(r + 34 + 4);
    CHECK_EQ(inet_fold(inet_sum(r + 34, ulen, inet_pseudo(GUEST_IP, PEER_IP, IP_PROTO_UDP, ulen, 0))), 0);
}

/* One spoiled frame: nothing sent, the named counter up by one. */
#define DROPPED(len, counter)                                              \
    do {                                                                   \
        uint32_t before_ = n.stats.counter;                                \
        int sent_ = wire.n;                                                \
        net_input(&n, f, (len));                                           \
        CHECK_EQ(n.stats.counter, before_ + 1);                            \
        CHECK_EQ(wire.n, sent_);                                           \
    } while (0)

TEST(spoiled_frames_are_dropped_and_counted)
{
    learnt();
    size_t len = wire_udp(f, UDP_PORT_ECHO, data, sizeof data);
    DROPPED(10, rx_short);                              /* no whole Ethernet header */
    DROPPED(14 + 19, rx_short);                         /* no whole IPv4 header */
    f[14] = 0x44;                                       /* IHL 4 words */
    DROPPED(len, ip_bad_header);
    f[14] = 0x4F;                                       /* IHL 15: past the packet */
    DROPPED(34, ip_bad_header);
    f[14] = 0x65;                                       /* version 6 */
    DROPPED(len, ip_bad_header);
    wire_udp(f, UDP_PORT_ECHO, data, sizeof data);
    DROPPED(len - 1, ip_bad_header);                    /* total length past the frame */
    f[14 + 8] ^= 0x10;                                  /* TTL changed, checksum not */
    DROPPED(len, ip_bad_checksum);
    wire_udp(f, UDP_PORT_ECHO, data, sizeof data);
    f[14 + 6] = 0x20;                                   /* more fragments */
    put16(f + 14 + 10, 0);
    put16(f + 14 + 10, inet_checksum(f + 14, 20));
    DROPPED(len, ip_fragments);
}

TEST(spoiled_datagrams_are_dropped_and_counted)
{
    learnt();
    size_t len = wire_udp(f, UDP_PORT_ECHO, data, sizeof data);
    f[42] ^= 1;                                         /* data changed, checksum not */
    DROPPED(len, udp_bad_checksum);
    wire_udp(f, UDP_PORT_ECHO, data, sizeof data);
    put16(f + 34 + 4, 7);                               /* UDP length below its header */
    DROPPED(len, udp_bad);
    put16(f + 34 + 4, (uint16_t)(8 + sizeof data + 1)); /* past the IP payload */
    DROPPED(len, udp_bad);
    len = wire_udp(f, 9, data, sizeof data);
    DROPPED(len, udp_no_port);
    len = wire_udp(f, UDP_PORT_ECHO, data, sizeof data);
    put32(f + 14 + 16, NET_IP(10, 0, 2, 16));           /* for someone else */
    put16(f + 14 + 10, 0);
    put16(f + 14 + 10, inet_checksum(f + 14, 20));
    DROPPED(len, ip_not_ours);
}

TEST(a_ping_is_answered_and_a_bad_one_is_not)
{
    learnt();
    uint8_t *icmp = f + 34;
    memset(icmp, 0, 16);
    icmp[0] = 8;
    put16(icmp + 4, 0x1234);
    put16(icmp + 6, 1);
    put16(icmp + 2, inet_checksum(icmp, 16));
    size_t len = wire_ip(f, IP_PROTO_ICMP, 16, PEER_IP, GUEST_IP);
    net_input(&n, f, len);
    CHECK_EQ(wire.n, 1);
    CHECK_EQ(wire.frame[0][34], 0);                     /* echo reply */
    CHECK_EQ(inet_checksum(wire.frame[0] + 34, 16), 0);
    icmp[8] = 1;
    DROPPED(len, icmp_bad);
}

TEST(random_mutations_never_crash)
{
    uint8_t *frame = malloc(NET_FRAME_MAX);
    srand(1010);
    learnt();
    for (int round = 0; round < 20000; round++) {
        size_t len = wire_udp(frame, UDP_PORT_ECHO, data, sizeof data);
        for (int k = rand() % 4; k >= 0; k--)
            frame[rand() % len] = (uint8_t)rand();
        len = (size_t)rand() % (len + 1);
        uint8_t *exact = malloc(len ? len : 1);         /* ASan sees any read past it */
        memcpy(exact, frame, len);
        wire.n = 0;
        net_input(&n, exact, len);
        free(exact);
    }
    free(frame);
    wire.n = 0;
    net_input(&n, f, wire_udp(f, UDP_PORT_ECHO, data, sizeof data));
    CHECK_EQ(wire.n, 1);                                /* still answers */
    CHECK_EQ(n.stats.rx_frames, 20001);
}

int main(void)
{
    RUN(a_good_datagram_is_echoed);
    RUN(spoiled_frames_are_dropped_and_counted);
    RUN(spoiled_datagrams_are_dropped_and_counted);
    RUN(a_ping_is_answered_and_a_bad_one_is_not);
    RUN(random_mutations_never_crash);
    return host_summary("lab10 fuzz");
}
