/*
 * udp.c - UDP (RFC 768): a datagram's length must fit the IP payload, its
 * checksum (over the pseudo header, the header and the data; 0 means "none
 * computed") must hold, and port 7 answers with the same data (the Echo
 * Protocol, RFC 862). Datagrams for other ports go to the udp_recv hook
 * (DHCP's client, port 68); what it does not take is counted and dropped.
 * udp_send sends from any port, to broadcast too (DHCP's requests).
 */
#include "kstring.h"
#include "net.h"
#include "panic.h"

#define UDP_SRC  0
#define UDP_DST  2
#define UDP_LEN  4
#define UDP_CSUM 6
#define UDP_DATA_MAX (NET_FRAME_MAX - ETH_HDR_LEN - IP_HDR_MIN - UDP_HDR_LEN)

static bool datagram_ok(struct net *n, uint32_t src, uint32_t dst, const uint8_t *pkt, size_t len)
{
    if (len < UDP_HDR_LEN || get16(pkt + UDP_LEN) < UDP_HDR_LEN || get16(pkt + UDP_LEN) > len) {
        n->stats.udp_bad++;
        return false;
    }
    uint16_t ulen = get16(pkt + UDP_LEN);
    if (get16(pkt + UDP_CSUM) != 0 &&
        inet_fold(inet_sum(pkt, ulen, inet_pseudo(src, dst, IP_PROTO_UDP, ulen, 0))) != 0) {
        n->stats.udp_bad_checksum++;
        return false;
    }
    return true;
}

uint8_t *udp_payload(struct net *n)
{
    return ip_payload(n) + UDP_HDR_LEN;
}

bool udp_send(struct net *n, uint16_t sport, uint32_t dst, uint16_t dport, size_t len)
{
    uint8_t *u = ip_payload(n);
    uint16_t ulen = (uint16_t)(UDP_HDR_LEN + len);

    assert(len <= UDP_DATA_MAX);
    put16(u + UDP_SRC, sport);
    put16(u + UDP_DST, dport);
    put16(u + UDP_LEN, ulen);
    put16(u + UDP_CSUM, 0);
    uint16_t sum = inet_fold(inet_sum(u, ulen, inet_pseudo(n->ip, dst, IP_PROTO_UDP, ulen, 0)));
    put16(u + UDP_CSUM, sum ? sum : 0xFFFF);    /* 0 would say "no checksum" */
    if (dst != IP_BROADCAST)
        return ip_send(n, dst, IP_PROTO_UDP, ulen);
    ip_send_broadcast(n, IP_PROTO_UDP, ulen);
    return true;
}

static void echo(struct net *n, uint32_t src, const uint8_t *pkt, uint16_t ulen)
{
    size_t len = ulen - UDP_HDR_LEN;

    if (len > UDP_DATA_MAX) {
        n->stats.udp_bad++;
        return;
    }
    memcpy(udp_payload(n), pkt + UDP_HDR_LEN, len);
    if (udp_send(n, get16(pkt + UDP_DST), src, get16(pkt + UDP_SRC), len))
        n->stats.udp_echoed++;
}

void udp_input(struct net *n, uint32_t src, uint32_t dst, const uint8_t *pkt, size_t len)
{
    if (!datagram_ok(n, src, dst, pkt, len))
        return;
    uint16_t ulen = get16(pkt + UDP_LEN), dport = get16(pkt + UDP_DST);
    if (dport == UDP_PORT_ECHO)
        echo(n, src, pkt, ulen);
    else if (!n->udp_recv ||
             !n->udp_recv(n, get16(pkt + UDP_SRC), dport, pkt + UDP_HDR_LEN, ulen - UDP_HDR_LEN))
        n->stats.udp_no_port++;
}
