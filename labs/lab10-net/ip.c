/*
 * ip.c - IPv4 (RFC 791, 3.1 the header): a received datagram's header is
 * checked (version 4, IHL >= 5 words and inside the packet, total length
 * inside the frame, header checksum), fragments are dropped and counted
 * (this stack does not reassemble: every peer here sends whole datagrams),
 * and the rest goes to ICMP, UDP or TCP. Sending builds a 20-byte header with
 * no options and resolves the next hop: the destination on our subnet, else
 * the gateway. A packet for a hop ARP does not know yet is held, the latest
 * one only, and sent when ARP answers (RFC 1122 2.3.2.2); ARP asks for a hop
 * at most once a second (2.3.2.1). To 255.255.255.255 the next hop is every
 * station: no ARP (RFC 1122 3.3.6). Before it has an address (DHCP asks for
 * one) the stack takes UDP for any address.
 */
#include "kstring.h"
#include "panic.h"
#include "net.h"
#include "tcp.h"

#define IP_VER_IHL   0
#define IP_TOTLEN    2
#define IP_ID        4
#define IP_FRAG      6
#define   IP_FLAG_MF   0x2000           /* more fragments */
#define   IP_FRAG_OFF  0x1FFF
#define   IP_FLAG_DF   0x4000
#define IP_TTL       8
#define IP_PROTO     9
#define IP_CSUM      10
#define IP_SRC       12
#define IP_DST       16
#define IP_DEFAULT_TTL 64

/* Exercise 5: RFC 791 3.1's checks, each failure counted under its own name. */
static bool header_ok(struct net *n, const uint8_t *pkt, size_t len, size_t *ihl, size_t *total)
{
    /* LAB 10: BEGIN SOLUTION */
    if (len < IP_HDR_MIN) {
        n->stats.rx_short++;
        return false;
    }
    *ihl = (size_t)(pkt[IP_VER_IHL] & 0x0F) * 4;
    *total = get16(pkt + IP_TOTLEN);
    if (pkt[IP_VER_IHL] >> 4 != 4 || *ihl < IP_HDR_MIN || *ihl > len || *total < *ihl ||
        *total > len) {
        n->stats.ip_bad_header++;
        return false;
    }
    if (inet_checksum(pkt, *ihl) != 0) {
        n->stats.ip_bad_checksum++;
        return false;
    }
    return true;
    /* LAB 10: STUB
    (void)n; (void)pkt; (void)len; (void)ihl; (void)total;
    panic("lab10: ip header_ok not implemented");
    LAB 10: END SOLUTION */
}

void ip_input(struct net *n, const uint8_t *pkt, size_t len)
{
    size_t ihl, total;

    if (!header_ok(n, pkt, len, &ihl, &total))
        return;
    uint32_t src = get32(pkt + IP_SRC), dst = get32(pkt + IP_DST);
    if (get16(pkt + IP_FRAG) & (IP_FLAG_MF | IP_FRAG_OFF)) {
        n->stats.ip_fragments++;
        return;
    }
    /* No address yet (DHCP is asking for one): UDP to any address is taken, since a server
       that does not honour the BROADCAST flag unicasts to the address it offers (RFC 2131
       4.1), and only port 68 has a taker then. */
    bool unconfigured = n->ip == 0 && pkt[IP_PROTO] == IP_PROTO_UDP;
    if (!unconfigured && dst != n->ip && dst != IP_BROADCAST && dst != (n->ip | ~n->netmask)) {
        n->stats.ip_not_ours++;
        return;
    }
    const uint8_t *body = pkt + ihl;
    size_t blen = total - ihl;          /* the frame may carry padding after it */
    switch (pkt[IP_PROTO]) {
    case IP_PROTO_ICMP:
        icmp_input(n, src, body, blen);
        break;
    case IP_PROTO_UDP:
        udp_input(n, src, dst, body, blen);
        break;
    case IP_PROTO_TCP:
        n->stats.tcp_segments++;
        if (n->tcp)
            tcp_input(n, src, body, blen);
        break;
    default:
        n->stats.ip_unknown_proto++;
    }
}

uint8_t *ip_payload(struct net *n)
{
    return n->out + ETH_HDR_LEN + IP_HDR_MIN;
}

/* RFC 1122 2.3.2.2: keep the latest packet for an unresolved hop; 2.3.2.1: no ARP flood. */
static void hold(struct net *n, uint32_t hop, size_t len)
{
    bool asked = n->held_len && n->held_hop == hop && n->now_ms - n->asked_ms < ARP_ASK_MS;

    n->stats.arp_miss++;
    memcpy(n->held, n->out + ETH_HDR_LEN, len);
    n->held_len = len;
    n->held_hop = hop;
    if (!asked) {
        n->asked_ms = n->now_ms;
        arp_request(n, hop);
    }
}

/* The 20-byte header, no options, before the len payload bytes in n->out. */
static void put_header(struct net *n, uint32_t dst, uint8_t proto, size_t len)
{
    static uint16_t next_id;
    uint8_t *h = n->out + ETH_HDR_LEN;

    memset(h, 0, IP_HDR_MIN);
    h[IP_VER_IHL] = 0x45;
    put16(h + IP_TOTLEN, (uint16_t)(IP_HDR_MIN + len));
    put16(h + IP_ID, next_id++);
    put16(h + IP_FRAG, IP_FLAG_DF);
    h[IP_TTL] = IP_DEFAULT_TTL;
    h[IP_PROTO] = proto;
    put32(h + IP_SRC, n->ip);
    put32(h + IP_DST, dst);
    put16(h + IP_CSUM, inet_checksum(h, IP_HDR_MIN));
}

bool ip_send(struct net *n, uint32_t dst, uint8_t proto, size_t len)
{
    uint8_t mac[NET_ETH_ALEN];
    uint32_t hop = (dst & n->netmask) == (n->ip & n->netmask) ? dst : n->gateway;

    put_header(n, dst, proto, len);
    if (!arp_lookup(n, hop, mac)) {
        hold(n, hop, IP_HDR_MIN + len);
        return false;
    }
    eth_send(n, mac, ETH_TYPE_IPV4, IP_HDR_MIN + len);
    return true;
}

/* Every station is the next hop: Ethernet's broadcast address, no ARP. The source is ours,
   0.0.0.0 while DHCP asks for an address (RFC 2131 4.1). */
void ip_send_broadcast(struct net *n, uint8_t proto, size_t len)
{
    static const uint8_t everyone[NET_ETH_ALEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

    put_header(n, IP_BROADCAST, proto, len);
    eth_send(n, everyone, ETH_TYPE_IPV4, IP_HDR_MIN + len);
}

void ip_send_held(struct net *n)
{
    uint8_t mac[NET_ETH_ALEN];
    size_t len = n->held_len;

    if (!len || !arp_lookup(n, n->held_hop, mac))
        return;
    n->held_len = 0;
    memcpy(n->out + ETH_HDR_LEN, n->held, len);
    eth_send(n, mac, ETH_TYPE_IPV4, len);
}
