/*
 * icmp.c - ICMP echo (RFC 792, "Echo or Echo Reply Message"): a request
 * (type 8) comes back as a reply (type 0) with the same identifier, sequence
 * number and data, its checksum over the whole ICMP message. Other types are
 * counted and left alone.
 */
#include "kstring.h"
#include "net.h"

#define ICMP_HDR_LEN    8
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO       8
#define ICMP_CSUM       2

void icmp_input(struct net *n, uint32_t src, const uint8_t *pkt, size_t len)
{
    if (len < ICMP_HDR_LEN || inet_checksum(pkt, len) != 0) {
        n->stats.icmp_bad++;
        return;
    }
    if (pkt[0] != ICMP_ECHO || pkt[1] != 0)
        return;
    if (len > NET_FRAME_MAX - ETH_HDR_LEN - IP_HDR_MIN) {
        n->stats.icmp_bad++;
        return;
    }
    uint8_t *out = ip_payload(n);
    memcpy(out, pkt, len);
    out[0] = ICMP_ECHO_REPLY;
    put16(out + ICMP_CSUM, 0);
    put16(out + ICMP_CSUM, inet_checksum(out, len));
    if (ip_send(n, src, IP_PROTO_ICMP, len))
        n->stats.icmp_echoes++;
}
