/*
 * icmp.c - ICMP echo (RFC 792, "Echo or Echo Reply Message"): a request
 * (type 8) comes back as a reply (type 0) with the same identifier, sequence
 * number and data, its checksum over the whole ICMP message; our own
 * requests' replies go to the echo_reply hook. Other types are left alone.
 */
#include "kstring.h"
#include "net.h"

#define ICMP_HDR_LEN    8
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO       8
#define ICMP_CSUM       2
#define ICMP_ID         4
#define ICMP_SEQ        6

void icmp_input(struct net *n, uint32_t src, const uint8_t *pkt, size_t len)
{
    if (len < ICMP_HDR_LEN || inet_checksum(pkt, len) != 0) {
        n->stats.icmp_bad++;
        return;
    }
    if (pkt[0] == ICMP_ECHO_REPLY && n->echo_reply)
        n->echo_reply(n, src, get16(pkt + ICMP_ID), get16(pkt + ICMP_SEQ));
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

bool icmp_echo_request(struct net *n, uint32_t dst, uint16_t id, uint16_t seq, size_t len)
{
    uint8_t *out = ip_payload(n);

    if (len > NET_FRAME_MAX - ETH_HDR_LEN - IP_HDR_MIN - ICMP_HDR_LEN)
        len = NET_FRAME_MAX - ETH_HDR_LEN - IP_HDR_MIN - ICMP_HDR_LEN;
    out[0] = ICMP_ECHO;
    out[1] = 0;
    put16(out + ICMP_CSUM, 0);
    put16(out + ICMP_ID, id);
    put16(out + ICMP_SEQ, seq);
    for (size_t i = 0; i < len; i++)
        out[ICMP_HDR_LEN + i] = (uint8_t)i;
    put16(out + ICMP_CSUM, inet_checksum(out, ICMP_HDR_LEN + len));
    return ip_send(n, dst, IP_PROTO_ICMP, ICMP_HDR_LEN + len);
}
