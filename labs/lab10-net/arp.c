/*
 * arp.c - the Address Resolution Protocol for IPv4 over Ethernet (RFC 826):
 * answer requests for our address, and keep a small cache of the addresses
 * we have heard from. RFC 826's rule, "Packet Reception": whoever the packet
 * is for, refresh the sender's entry if we have one; if the packet is for
 * us, add the sender when it is new; a request gets a reply. Entries expire
 * ARP_TTL_MS after they were last learnt (RFC 1122 2.3.2.1 asks for a
 * timeout); the oldest entry makes room for a new one.
 */
#include "kstring.h"
#include "net.h"
#include "panic.h"

#define ARP_HTYPE_ETHER 1
#define ARP_LEN         28              /* for Ethernet and IPv4 */
#define ARP_OP_REQUEST  1
#define ARP_OP_REPLY    2
/* Offsets in the packet. */
#define ARP_HTYPE 0
#define ARP_PTYPE 2
#define ARP_HLEN  4
#define ARP_PLEN  5
#define ARP_OP    6
#define ARP_SHA   8
#define ARP_SPA   14
#define ARP_THA   18
#define ARP_TPA   24

static const uint8_t broadcast[NET_ETH_ALEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

static bool expired(const struct net *n, const struct arp_entry *e)
{
    return n->now_ms - e->learnt_ms >= ARP_TTL_MS;
}

/* Exercise 6a: the cache (arp_learn below is 6b). */
bool arp_lookup(struct net *n, uint32_t ip, uint8_t mac[NET_ETH_ALEN])
{
    /* LAB 10: BEGIN SOLUTION */
    for (int i = 0; i < ARP_CACHE_SIZE; i++) {
        struct arp_entry *e = &n->arp[i];
        if (e->ip != ip || ip == 0)
            continue;
        if (expired(n, e)) {
            e->ip = 0;                  /* forget it: the next use asks again */
            return false;
        }
        memcpy(mac, e->mac, NET_ETH_ALEN);
        return true;
    }
    return false;
    /* LAB 10: STUB
    (void)n; (void)ip; (void)mac; (void)expired;
    panic("lab10: arp_lookup not implemented");
    LAB 10: END SOLUTION */
}

static struct arp_entry *find(struct net *n, uint32_t ip)
{
    for (int i = 0; i < ARP_CACHE_SIZE; i++)
        if (n->arp[i].ip == ip)
            return &n->arp[i];
    return 0;
}

void arp_learn(struct net *n, uint32_t ip, const uint8_t mac[NET_ETH_ALEN])
{
    /* LAB 10: BEGIN SOLUTION */
    struct arp_entry *e = find(n, ip);

    if (!e)
        e = find(n, 0);
    if (!e) {                           /* none free: the oldest goes */
        e = &n->arp[0];
        for (int i = 1; i < ARP_CACHE_SIZE; i++)
            if (n->arp[i].learnt_ms < e->learnt_ms)
                e = &n->arp[i];
    }
    e->ip = ip;
    memcpy(e->mac, mac, NET_ETH_ALEN);
    e->learnt_ms = n->now_ms;
    /* LAB 10: STUB
    (void)n; (void)ip; (void)mac; (void)find;
    panic("lab10: arp_learn not implemented");
    LAB 10: END SOLUTION */
}

static void arp_send(struct net *n, uint16_t op, const uint8_t tha[NET_ETH_ALEN], uint32_t tpa,
                     const uint8_t *eth_dst)
{
    uint8_t *p = n->out + ETH_HDR_LEN;

    put16(p + ARP_HTYPE, ARP_HTYPE_ETHER);
    put16(p + ARP_PTYPE, ETH_TYPE_IPV4);
    p[ARP_HLEN] = NET_ETH_ALEN;
    p[ARP_PLEN] = 4;
    put16(p + ARP_OP, op);
    memcpy(p + ARP_SHA, n->mac, NET_ETH_ALEN);
    put32(p + ARP_SPA, n->ip);
    memcpy(p + ARP_THA, tha, NET_ETH_ALEN);
    put32(p + ARP_TPA, tpa);
    eth_send(n, eth_dst, ETH_TYPE_ARP, ARP_LEN);
}

void arp_request(struct net *n, uint32_t ip)
{
    static const uint8_t unknown[NET_ETH_ALEN];

    arp_send(n, ARP_OP_REQUEST, unknown, ip, broadcast);
}

/* Exercise 6c: RFC 826's reception algorithm. */
void arp_input(struct net *n, const uint8_t *pkt, size_t len)
{
    if (len < ARP_LEN || get16(pkt + ARP_HTYPE) != ARP_HTYPE_ETHER ||
        get16(pkt + ARP_PTYPE) != ETH_TYPE_IPV4 || pkt[ARP_HLEN] != NET_ETH_ALEN || pkt[ARP_PLEN] != 4) {
        n->stats.arp_bad++;
        return;
    }
    /* LAB 10: BEGIN SOLUTION */
    uint32_t spa = get32(pkt + ARP_SPA), tpa = get32(pkt + ARP_TPA);
    bool for_us = tpa == n->ip;

    if (spa != 0 && (for_us || find(n, spa)))
        arp_learn(n, spa, pkt + ARP_SHA);
    if (!for_us)
        return;
    if (get16(pkt + ARP_OP) == ARP_OP_REQUEST) {
        n->stats.arp_requests++;
        arp_send(n, ARP_OP_REPLY, pkt + ARP_SHA, spa, pkt + ARP_SHA);
    } else if (get16(pkt + ARP_OP) == ARP_OP_REPLY) {
        n->stats.arp_replies++;
    }
    /* LAB 10: STUB
    panic("lab10: arp_input not implemented");
    LAB 10: END SOLUTION */
}
