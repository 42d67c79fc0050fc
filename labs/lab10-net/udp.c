/*
 * udp.c - UDP (RFC 768): a datagram's length must fit the IP payload, its
 * checksum (over the pseudo header, the header and the data; 0 means "none
 * computed") must hold, and port 7 answers with the same data (the Echo
 * Protocol, RFC 862). Datagrams for other ports are counted and dropped.
 */
#include "kstring.h"
#include "net.h"

#define UDP_SRC  0
#define UDP_DST  2
#define UDP_LEN  4
#define UDP_CSUM 6

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

static void echo(struct net *n, uint32_t src, const uint8_t *pkt, uint16_t ulen)
{
    uint8_t *out = ip_payload(n);

    if (ulen > NET_FRAME_MAX - ETH_HDR_LEN - IP_HDR_MIN) {
        n->stats.udp_bad++;
        return;
    }
    memcpy(out, pkt, ulen);
    put16(out + UDP_SRC, get16(pkt + UDP_DST));
    put16(out + UDP_DST, get16(pkt + UDP_SRC));
    put16(out + UDP_CSUM, 0);
    uint16_t sum = inet_fold(inet_sum(out, ulen, inet_pseudo(n->ip, src, IP_PROTO_UDP, ulen, 0)));
    put16(out + UDP_CSUM, sum ? sum : 0xFFFF);  /* 0 would say "no checksum" */
    if (ip_send(n, src, IP_PROTO_UDP, ulen))
        n->stats.udp_echoed++;
}

void udp_input(struct net *n, uint32_t src, uint32_t dst, const uint8_t *pkt, size_t len)
{
    if (!datagram_ok(n, src, dst, pkt, len))
        return;
    if (get16(pkt + UDP_DST) == UDP_PORT_ECHO)
        echo(n, src, pkt, get16(pkt + UDP_LEN));
    else
        n->stats.udp_no_port++;
}
