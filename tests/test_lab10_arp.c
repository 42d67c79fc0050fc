/*
 * test_lab10_arp.c - lab 10's ARP (labs/lab10-net/arp.c, RFC 826) on a fake
 * wire and a fake clock: a request for us is answered with our address; the
 * asker is cached; an entry expires ARP_TTL_MS after it was learnt, not
 * before; the oldest entry makes room; a request for someone else adds no
 * one; malformed packets are counted and change nothing. Sending to an
 * address not cached asks ARP, at most once a second (RFC 1122 2.3.2.1), and
 * the latest packet for it goes when the answer comes (2.3.2.2).
 */
#include "host.h"
#include "lab10_wire.h"

static struct net n;

/* An ARP packet from `smac`/`spa` about `tpa` (op 1 request, 2 reply) into f, broadcast. */
static size_t arp_frame(uint8_t *f, uint16_t op, const uint8_t smac[6], uint32_t spa, uint32_t tpa)
{
    static const uint8_t everyone[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, unknown[6];
    return wire_arp(f, everyone, op, smac, spa, unknown, tpa);
}

TEST(a_request_for_us_gets_our_address)
{
    uint8_t f[64], mac[6];
    wire_setup(&n);
    net_input(&n, f, arp_frame(f, 1, peer_mac, PEER_IP, GUEST_IP));
    CHECK_EQ(wire.n, 1);
    const uint8_t *r = wire.frame[0];
    CHECK(memcmp(r, peer_mac, 6) == 0);                 /* to the asker */
    CHECK_EQ(get16(r + 12), ETH_TYPE_ARP);
    CHECK_EQ(get16(r + 14 + 6), 2);                     /* a reply */
    CHECK(memcmp(r + 14 + 8, guest_mac, 6) == 0);       /* sender: us */
    CHECK_EQ(get32(r + 14 + 14), GUEST_IP);
    CHECK(memcmp(r + 14 + 18, peer_mac, 6) == 0);       /* target: the asker */
    CHECK_EQ(get32(r + 14 + 24), PEER_IP);
    CHECK(arp_lookup(&n, PEER_IP, mac) && memcmp(mac, peer_mac, 6) == 0);
}

TEST(a_request_for_someone_else_adds_no_one)
{
    uint8_t f[64], mac[6];
    wire_setup(&n);
    net_input(&n, f, arp_frame(f, 1, peer_mac, PEER_IP, NET_IP(10, 0, 2, 99)));
    CHECK_EQ(wire.n, 0);
    CHECK(!arp_lookup(&n, PEER_IP, mac));
}

TEST(entries_expire_at_the_ttl_and_not_before)
{
    uint8_t f[64], mac[6];
    wire_setup(&n);
    net_input(&n, f, arp_frame(f, 2, peer_mac, PEER_IP, GUEST_IP));
    n.now_ms += ARP_TTL_MS - 1;
    CHECK(arp_lookup(&n, PEER_IP, mac));
    n.now_ms += 1;
    CHECK(!arp_lookup(&n, PEER_IP, mac));
    CHECK(!arp_lookup(&n, PEER_IP, mac));               /* and stays gone */
}

TEST(hearing_again_refreshes_the_entry)
{
    uint8_t f[64], mac[6];
    wire_setup(&n);
    net_input(&n, f, arp_frame(f, 2, peer_mac, PEER_IP, GUEST_IP));
    n.now_ms += ARP_TTL_MS / 2;
    /* RFC 826: a known sender is refreshed even when the packet is not for us. */
    net_input(&n, f, arp_frame(f, 1, peer_mac, PEER_IP, NET_IP(10, 0, 2, 3)));
    n.now_ms += ARP_TTL_MS / 2 + 10;
    CHECK(arp_lookup(&n, PEER_IP, mac));
}

TEST(the_oldest_entry_makes_room)
{
    uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 }, got[6];
    wire_setup(&n);
    for (int i = 0; i < ARP_CACHE_SIZE + 1; i++) {
        mac[5] = (uint8_t)i;
        n.now_ms += 5;
        arp_learn(&n, NET_IP(10, 0, 2, 100 + i), mac);
    }
    CHECK(!arp_lookup(&n, NET_IP(10, 0, 2, 100), got));        /* the first learnt went */
    for (int i = 1; i <= ARP_CACHE_SIZE; i++)
        CHECK(arp_lookup(&n, NET_IP(10, 0, 2, 100 + i), got) && got[5] == i);
}

TEST(malformed_packets_are_counted_and_ignored)
{
    uint8_t f[64], mac[6];
    wire_setup(&n);
    size_t len = arp_frame(f, 1, peer_mac, PEER_IP, GUEST_IP);
    net_input(&n, f, len - 1);                          /* short */
    f[14 + 4] = 8;                                      /* hardware length 8 */
    net_input(&n, f, len);
    CHECK_EQ(n.stats.arp_bad, 2);
    CHECK_EQ(wire.n, 0);
    CHECK(!arp_lookup(&n, PEER_IP, mac));
}

TEST(sending_to_an_unknown_address_asks_first)
{
    wire_setup(&n);
    CHECK(!ip_send(&n, PEER_IP, IP_PROTO_UDP, 8));
    CHECK_EQ(wire.n, 1);
    CHECK_EQ(get16(wire.frame[0] + 12), ETH_TYPE_ARP);
    CHECK_EQ(get16(wire.frame[0] + 14 + 6), 1);
    CHECK_EQ(get32(wire.frame[0] + 14 + 24), PEER_IP);
    CHECK_EQ(n.stats.arp_miss, 1);
    /* Off the subnet: the gateway is asked for, not the destination. */
    n.now_ms += ARP_ASK_MS;
    CHECK(!ip_send(&n, NET_IP(8, 8, 8, 8), IP_PROTO_UDP, 8));
    CHECK_EQ(wire.n, 2);
    CHECK_EQ(get32(wire.frame[1] + 14 + 24), PEER_IP);
}

/* RFC 1122 2.3.2.2: the latest packet for the hop waits for ARP's answer; 2.3.2.1: no flood. */
TEST(the_packet_that_asked_goes_when_arp_answers)
{
    uint8_t f[64];
    wire_setup(&n);
    memset(ip_payload(&n), 'a', 8);
    CHECK(!ip_send(&n, PEER_IP, IP_PROTO_UDP, 8));
    memset(ip_payload(&n), 'b', 8);
    n.now_ms += ARP_ASK_MS - 1;
    CHECK(!ip_send(&n, PEER_IP, IP_PROTO_UDP, 8));
    CHECK_EQ(wire.n, 1);                                /* asked once within the second */
    CHECK_EQ(n.stats.arp_miss, 2);
    net_input(&n, f, arp_frame(f, 2, peer_mac, PEER_IP, GUEST_IP));
    CHECK_EQ(wire.n, 2);
    const uint8_t *ip = wire.frame[1];
    CHECK(memcmp(ip, peer_mac, 6) == 0);
    CHECK_EQ(get16(ip + 12), ETH_TYPE_IPV4);
    CHECK_EQ(get32(ip + 14 + 16), PEER_IP);
    CHECK_EQ(inet_checksum(ip + 14, 20), 0);
    CHECK_EQ(ip[34], 'b');                              /* the latest one */
    CHECK_EQ(wire.len[1], 14 + 20 + 8);
    net_input(&n, f, arp_frame(f, 2, peer_mac, PEER_IP, GUEST_IP));
    CHECK_EQ(wire.n, 2);                                /* sent once */
    n.now_ms += 1;
    CHECK(!ip_send(&n, NET_IP(10, 0, 2, 3), IP_PROTO_UDP, 8));
    CHECK_EQ(wire.n, 3);                                /* another address: asked at once */
}

int main(void)
{
    RUN(a_request_for_us_gets_our_address);
    RUN(a_request_for_someone_else_adds_no_one);
    RUN(entries_expire_at_the_ttl_and_not_before);
    RUN(hearing_again_refreshes_the_entry);
    RUN(the_oldest_entry_makes_room);
    RUN(malformed_packets_are_counted_and_ignored);
    RUN(sending_to_an_unknown_address_asks_first);
    RUN(the_packet_that_asked_goes_when_arp_answers);
    return host_summary("lab10 arp");
}
