/*
 * net.h - lab 10's protocol stack: Ethernet II, ARP (RFC 826), IPv4
 * (RFC 791), ICMP echo (RFC 792) and UDP (RFC 768), one file each. Pure
 * code: a frame goes in (net_input) with the time, frames come out through
 * the send hook, so the host tests drive it on a fake wire and a fake clock
 * (tests/test_lab10_*.c) and the kernel's net task (netif.c) drives it from
 * the card. Every frame it cannot use is dropped and counted, never trusted.
 */
#ifndef CAIRN_NET_H
#define CAIRN_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_ETH_ALEN   6
#define NET_FRAME_MAX  1514             /* Ethernet header + a 1500-byte payload */
#define ETH_HDR_LEN    14
#define ETH_TYPE_IPV4  0x0800
#define ETH_TYPE_ARP   0x0806
#define IP_HDR_MIN     20
#define IP_PROTO_ICMP  1
#define IP_PROTO_TCP   6
#define IP_PROTO_UDP   17
#define IP_BROADCAST   0xFFFFFFFFu      /* the limited broadcast: this link, no ARP */
#define UDP_HDR_LEN    8
#define UDP_PORT_ECHO  7                /* RFC 862 */
#define ARP_CACHE_SIZE 8
#define ARP_TTL_MS     60000u           /* an entry lives this long after it was learnt */
#define ARP_ASK_MS     1000u            /* at most one request a second for an address */

/* An IPv4 address as a number: 10.0.2.15 is 0x0A00020F. */
#define NET_IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

struct net_stats {
    uint32_t rx_frames, tx_frames;
    uint32_t rx_short;                  /* shorter than the headers they claim */
    uint32_t rx_unknown_type;           /* neither IPv4 nor ARP */
    uint32_t arp_requests, arp_replies, arp_bad, arp_miss;
    uint32_t ip_bad_header;             /* version, IHL, total length */
    uint32_t ip_bad_checksum, ip_fragments, ip_not_ours, ip_unknown_proto;
    uint32_t icmp_echoes, icmp_bad;
    uint32_t udp_bad, udp_bad_checksum, udp_no_port, udp_echoed;
    uint32_t tcp_segments;              /* handed to TCP (tcp.h counts the rest) */
};

struct arp_entry {
    uint32_t ip;                        /* 0: the slot is free */
    uint8_t mac[NET_ETH_ALEN];
    uint64_t learnt_ms;
};

struct tcp;
struct net {
    uint8_t mac[NET_ETH_ALEN];
    uint32_t ip, netmask, gateway;
    uint64_t now_ms;                    /* the caller's clock, set before each call */
    struct arp_entry arp[ARP_CACHE_SIZE];
    struct net_stats stats;
    /* Where frames go out (the frame is the stack's buffer: copy it). */
    void (*send)(struct net *n, const uint8_t *frame, size_t len);
    /* Frames send may take now (NULL: any number); TCP sends no more than that. */
    size_t (*tx_room)(struct net *n);
    struct tcp *tcp;                    /* tcp.h's connections (NULL: segments dropped) */
    /* An ICMP echo reply arrived (NULL: ignored). */
    void (*echo_reply)(struct net *n, uint32_t src, uint16_t id, uint16_t seq);
    /* A UDP datagram for a port other than 7, data its payload: true if the hook took it
       (NULL, or false: counted in udp_no_port). DHCP's client takes port 68 (dhcp.h). */
    bool (*udp_recv)(struct net *n, uint16_t sport, uint16_t dport, const uint8_t *data,
                     size_t len);
    void *owner;                        /* the caller's */
    uint8_t out[NET_FRAME_MAX];         /* the frame being built */
    /* The latest IPv4 packet for a next hop ARP is asking for, sent when it answers
       (RFC 1122 2.3.2.2); held_len 0: none. */
    uint8_t held[NET_FRAME_MAX - ETH_HDR_LEN];
    size_t held_len;
    uint32_t held_hop;
    uint64_t asked_ms;                  /* when ARP last asked for held_hop */
};

void net_init(struct net *n, const uint8_t mac[NET_ETH_ALEN], uint32_t ip, uint32_t netmask,
              uint32_t gateway);
/* One received frame: answered, passed on or dropped and counted. */
void net_input(struct net *n, const uint8_t *frame, size_t len);

/* ---- inet.c: the Internet checksum (RFC 1071) and byte order ---- */
uint32_t inet_sum(const uint8_t *p, size_t len, uint32_t sum);      /* ones'-complement partial */
uint16_t inet_fold(uint32_t sum);                                   /* the final complement */
uint16_t inet_checksum(const uint8_t *p, size_t len);
/* The pseudo header of UDP and TCP (RFC 768, RFC 793 3.1) added to sum. */
uint32_t inet_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len, uint32_t sum);
static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* ---- arp.c ---- */
void arp_input(struct net *n, const uint8_t *pkt, size_t len);
/* The MAC for ip if the cache holds it, unexpired: true. */
bool arp_lookup(struct net *n, uint32_t ip, uint8_t mac[NET_ETH_ALEN]);
void arp_learn(struct net *n, uint32_t ip, const uint8_t mac[NET_ETH_ALEN]);
void arp_request(struct net *n, uint32_t ip);

/* ---- ether.c ---- */
/* Fill the Ethernet header of n->out and send len bytes of payload after it. */
void eth_send(struct net *n, const uint8_t dst[NET_ETH_ALEN], uint16_t type, size_t len);

/* ---- ip.c ---- */
/* As ip_send, to 255.255.255.255: Ethernet's broadcast, no ARP (RFC 1122 3.3.6). */
void ip_send_broadcast(struct net *n, uint8_t proto, size_t len);
void ip_input(struct net *n, const uint8_t *pkt, size_t len);
/* Where ip_send expects the payload: after n->out's Ethernet and IP headers. */
uint8_t *ip_payload(struct net *n);
/* Send len payload bytes (already in ip_payload) to dst: false if dst's MAC is unknown
   (the packet is held and ARP asked; a later packet to the same hop replaces it). */
bool ip_send(struct net *n, uint32_t dst, uint8_t proto, size_t len);
/* ARP has answered for the held packet's next hop: send it. */
void ip_send_held(struct net *n);

/* ---- icmp.c, udp.c ---- */
void icmp_input(struct net *n, uint32_t src, const uint8_t *pkt, size_t len);
/* Send an echo request of len data bytes: false if dst's MAC is not known yet (ARP asked). */
bool icmp_echo_request(struct net *n, uint32_t dst, uint16_t id, uint16_t seq, size_t len);
void udp_input(struct net *n, uint32_t src, uint32_t dst, const uint8_t *pkt, size_t len);
/* Where udp_send expects the data: after n->out's Ethernet, IP and UDP headers. */
uint8_t *udp_payload(struct net *n);
/* Send len data bytes (in udp_payload) from our port sport to dst:dport; dst may be
   IP_BROADCAST. False as ip_send: dst's next hop is not known yet. */
bool udp_send(struct net *n, uint16_t sport, uint32_t dst, uint16_t dport, size_t len);

#endif
