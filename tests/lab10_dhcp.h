/*
 * lab10_dhcp.h - a fake DHCP server for lab 10's DHCP host tests
 * (tests/test_lab10_dhcp*.c): the stack on the fake wire (lab10_wire.h) with
 * the client on its port 68, and replies built as QEMU's server builds them
 * (from 10.0.2.2:67, the options it sends), through the whole stack.
 */
#ifndef CAIRN_TESTS_LAB10_DHCP_H
#define CAIRN_TESTS_LAB10_DHCP_H

#include <stdlib.h>
#include "lab10_wire.h"
#include "dhcp.h"

#define XID 0x0C0FFEE0u
#define OFFERED NET_IP(10, 0, 2, 15)
#define MASK24 NET_IP(255, 255, 255, 0)

static struct net n;
static struct dhcp d;
static uint8_t f[NET_FRAME_MAX];

static bool to_client(struct net *net, uint16_t sport, uint16_t dport, const uint8_t *m, size_t len)
{
    (void)net;
    if (dport != DHCP_CLIENT_PORT)
        return false;
    dhcp_input(&d, sport, m, len);
    return true;
}

static void start(void)
{
    wire_setup(&n);                                     /* then no address: DHCP asks */
    n.ip = n.netmask = n.gateway = 0;
    n.udp_recv = to_client;
    dhcp_start(&d, &n, XID, 0);
}

/* A reply as QEMU's server builds it (op 2, our xid and MAC, the cookie) with opts after. */
static size_t reply(uint8_t *m, uint32_t xid, uint32_t yiaddr, const uint8_t *opts, size_t olen)
{
    memset(m, 0, 240);
    memcpy(m, "\2\1\6", 3);                               /* BOOTREPLY, Ethernet, 6 */
    put32(m + 4, xid);
    put32(m + 16, yiaddr);
    put32(m + 20, PEER_IP);
    memcpy(m + 28, guest_mac, 6);
    put32(m + 236, 0x63825363);
    memcpy(m + 240, opts, olen);
    return 240 + olen;
}

/* QEMU's options for message type `type`: server, mask, router, DNS, lease, END. */
static size_t qemu_options(uint8_t *o, uint8_t type)
{
    static const uint8_t rest[] = { 54, 4, 10, 0, 2, 2,  1, 4, 255, 255, 255, 0,
                                    3, 4, 10, 0, 2, 2,  6, 4, 10, 0, 2, 3,
                                    51, 4, 0, 1, 0x51, 0x80,  255 };
    memcpy(o, (uint8_t[]){ 53, 1, type }, 3);
    memcpy(o + 3, rest, sizeof rest);
    return 3 + sizeof rest;
}

/* The datagram `m` from 10.0.2.2:sport to 255.255.255.255:68 on the wire, as frame f. */
static size_t frame(const uint8_t *m, size_t mlen, uint16_t sport, uint32_t dst)
{
    uint8_t *u = f + 34;
    memmove(u + 8, m, mlen);
    put16(u, sport);
    put16(u + 2, DHCP_CLIENT_PORT);
    put16(u + 4, (uint16_t)(8 + mlen));
    put16(u + 6, 0);
    uint16_t sum = inet_fold(inet_sum(u, 8 + mlen, inet_pseudo(PEER_IP, dst, IP_PROTO_UDP,
                                                               (uint16_t)(8 + mlen), 0)));
    put16(u + 6, sum ? sum : 0xFFFF);
    size_t len = wire_ip(f, IP_PROTO_UDP, 8 + mlen, PEER_IP, dst);
    memset(f, 0xFF, 6);
    return len;
}

/* The server's answer of `type` for the client's current xid, through the whole stack. */
static void answer(uint8_t type, uint32_t dst)
{
    uint8_t m[600], o[64];
    size_t mlen = reply(m, d.xid, type == 6 ? 0 : OFFERED, o, qemu_options(o, type));
    net_input(&n, f, frame(m, mlen, DHCP_SERVER_PORT, dst));
}

/* Advance the clock to `ms` after the start and tick: the frames on the wire then. */
static __attribute__((unused)) int at(uint64_t ms)
{
    n.now_ms = 1000 + ms;
    dhcp_tick(&d);
    return wire.n;
}

/* The len bytes at m to the client from a buffer of exactly that size: ASan sees any
   read past it. */
static __attribute__((unused)) void feed(const uint8_t *m, size_t len, uint16_t sport)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, m, len);
    dhcp_input(&d, sport, copy, len);
    free(copy);
}

#endif
