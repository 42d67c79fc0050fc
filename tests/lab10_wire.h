/*
 * lab10_wire.h - a fake wire for lab 10's stack (include/net.h): the frames
 * net_input sends are kept here, and helpers build the frames a peer on
 * QEMU's user network (10.0.2.2) would send, with correct checksums unless a
 * test spoils them. One header for tests/test_lab10_*.c.
 */
#ifndef CAIRN_TESTS_LAB10_WIRE_H
#define CAIRN_TESTS_LAB10_WIRE_H

#include <string.h>
#include "net.h"

#define WIRE_MAX 64                     /* frames kept; wire.n counts every one sent */
#define GUEST_IP NET_IP(10, 0, 2, 15)
#define PEER_IP  NET_IP(10, 0, 2, 2)

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_mac[6] = { 0x52, 0x55, 0x0A, 0x00, 0x02, 0x02 };

static struct {
    uint8_t frame[WIRE_MAX][NET_FRAME_MAX];
    size_t len[WIRE_MAX];
    int n;
} wire;

static void wire_send(struct net *n, const uint8_t *frame, size_t len)
{
    (void)n;
    if (wire.n < WIRE_MAX) {
        memcpy(wire.frame[wire.n], frame, len);
        wire.len[wire.n] = len;
    }
    wire.n++;
}

static void wire_setup(struct net *n)
{
    memset(&wire, 0, sizeof wire);
    net_init(n, guest_mac, GUEST_IP, NET_IP(255, 255, 255, 0), PEER_IP);
    n->send = wire_send;
    n->now_ms = 1000;
}

/* An Ethernet + IPv4 header for proto with plen payload bytes already at f + 34. */
static __attribute__((unused)) size_t wire_ip(uint8_t *f, uint8_t proto, size_t plen, uint32_t src, uint32_t dst)
{
    memcpy(f, guest_mac, 6);
    memcpy(f + 6, peer_mac, 6);
    put16(f + 12, ETH_TYPE_IPV4);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + plen));
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, inet_checksum(ip, 20));
    return 34 + plen;
}

/* A UDP datagram from the peer's port 40000 to dport with the given data. */
static __attribute__((unused)) size_t wire_udp(uint8_t *f, uint16_t dport, const uint8_t *data, size_t dlen)
{
    uint8_t *u = f + 34;
    put16(u, 40000);
    put16(u + 2, dport);
    put16(u + 4, (uint16_t)(8 + dlen));
    put16(u + 6, 0);
    memcpy(u + 8, data, dlen);
    uint16_t sum = inet_fold(inet_sum(u, 8 + dlen,
                                      inet_pseudo(PEER_IP, GUEST_IP, IP_PROTO_UDP, (uint16_t)(8 + dlen), 0)));
    put16(u + 6, sum ? sum : 0xFFFF);
    return wire_ip(f, IP_PROTO_UDP, 8 + dlen, PEER_IP, GUEST_IP);
}

/* An Ethernet ARP packet for IPv4 (RFC 826) into f, to `dst`: op 1 request, 2 reply,
   from smac/spa about tha/tpa. Its length. */
static __attribute__((unused)) size_t wire_arp(uint8_t *f, const uint8_t dst[6], uint16_t op,
                                               const uint8_t smac[6], uint32_t spa,
                                               const uint8_t tha[6], uint32_t tpa)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, smac, 6);
    put16(f + 12, ETH_TYPE_ARP);
    uint8_t *a = f + 14;
    put16(a, 1);
    put16(a + 2, ETH_TYPE_IPV4);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, op);
    memcpy(a + 8, smac, 6);
    put32(a + 14, spa);
    memcpy(a + 18, tha, 6);
    put32(a + 24, tpa);
    return 42;
}

/* The peer's ARP reply to the guest's request for 10.0.2.2, into f: its length. */
static __attribute__((unused)) size_t wire_arp_reply(uint8_t *f)
{
    return wire_arp(f, guest_mac, 2, peer_mac, PEER_IP, guest_mac, GUEST_IP);
}

/* Is f the guest's ARP request for the peer? */
static __attribute__((unused)) bool wire_asks_for_peer(const uint8_t *f)
{
    return get16(f + 12) == ETH_TYPE_ARP && get16(f + 14 + 6) == 1 && get32(f + 14 + 24) == PEER_IP;
}

#endif
