/*
 * lab10_tcpwire.h - a TCP peer on lab10_wire.h's fake wire: it builds the
 * segments a client at 10.0.2.2 sends, and reads back the guest's.
 */
#ifndef CAIRN_TESTS_LAB10_TCPWIRE_H
#define CAIRN_TESTS_LAB10_TCPWIRE_H

#include "lab10_wire.h"
#include "tcp.h"

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_ACK 0x10
#define CLIENT_PORT 50000

struct seg_out {                        /* one segment the guest sent */
    uint32_t seq, ack;
    uint16_t wnd, sport, dport;
    uint8_t flags;
    const uint8_t *data;
    uint32_t len;
    int csum_ok;
};

/* The frame at f a client at 10.0.2.2 sends: its length. */
static __attribute__((unused)) size_t peer_frame(uint8_t *f, uint16_t sport, uint8_t flags,
                                                 uint32_t seq, uint32_t ack, uint16_t wnd,
                                                 const uint8_t *data, size_t len)
{
    uint8_t *t = f + 34;
    put16(t, sport);
    put16(t + 2, 80);
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = 5 << 4;
    t[13] = flags;
    put16(t + 14, wnd);
    put16(t + 16, 0);
    put16(t + 18, 0);
    if (len)
        memcpy(t + 20, data, len);
    put16(t + 16, inet_fold(inet_sum(t, 20 + len,
                                     inet_pseudo(PEER_IP, GUEST_IP, IP_PROTO_TCP, (uint16_t)(20 + len), 0))));
    return wire_ip(f, IP_PROTO_TCP, 20 + len, PEER_IP, GUEST_IP);
}

/* That frame, sent to the guest at once. */
static __attribute__((unused)) void peer_send(struct net *n, uint16_t sport, uint8_t flags,
                                              uint32_t seq, uint32_t ack, uint16_t wnd,
                                              const uint8_t *data, size_t len)
{
    static uint8_t f[NET_FRAME_MAX];
    net_input(n, f, peer_frame(f, sport, flags, seq, ack, wnd, data, len));
}

/* A frame the guest sent, as a TCP segment (flags 0xFF if it is not one). */
static __attribute__((unused)) struct seg_out seg_parse(const uint8_t *f)
{
    struct seg_out s = { .flags = 0xFF };
    if (get16(f + 12) != ETH_TYPE_IPV4 || f[14 + 9] != IP_PROTO_TCP)
        return s;
    const uint8_t *t = f + 34;
    size_t tlen = get16(f + 16) - 20, doff = (size_t)(t[12] >> 4) * 4;
    s.sport = get16(t);
    s.dport = get16(t + 2);
    s.seq = get32(t + 4);
    s.ack = get32(t + 8);
    s.flags = t[13];
    s.wnd = get16(t + 14);
    s.data = t + doff;
    s.len = (uint32_t)(tlen - doff);
    s.csum_ok = inet_fold(inet_sum(t, tlen, inet_pseudo(GUEST_IP, PEER_IP, IP_PROTO_TCP,
                                                        (uint16_t)tlen, 0))) == 0;
    return s;
}

/* The i-th frame on the wire as a TCP segment (flags 0xFF if it is not one, or not kept). */
static __attribute__((unused)) struct seg_out seg_at(int i)
{
    struct seg_out none = { .flags = 0xFF };
    return i >= 0 && i < wire.n && i < WIRE_MAX ? seg_parse(wire.frame[i]) : none;
}

static __attribute__((unused)) struct seg_out last_seg(void)
{
    return seg_at(wire.n - 1);
}

/* A client's side of one connection: its port, its next number, the guest's next as seen. */
struct peer {
    uint16_t port;
    uint32_t seq, gseq;
};

/* The handshake from p->port starting at isn, the ACK rtt_ms after the SYN-ACK: the connection. */
static __attribute__((unused)) struct tcp_conn *peer_connect(struct net *n, struct peer *p, uint32_t isn,
                                                             uint64_t rtt_ms)
{
    wire.n = 0;
    peer_send(n, p->port, F_SYN, isn, 0, 65535, 0, 0);
    p->seq = isn + 1;
    p->gseq = last_seg().seq + 1;
    n->now_ms += rtt_ms;
    peer_send(n, p->port, F_ACK, p->seq, p->gseq, 65535, 0, 0);
    return tcp_accept(n, 80);
}

#endif
