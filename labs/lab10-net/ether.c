/*
 * ether.c - Ethernet II framing (IEEE 802.3 with the type field, as RFC 894
 * carries IPv4): the stack's entry point. A frame is a 14-byte header, the
 * destination and source addresses and the type, then the payload; the card
 * strips the CRC (RCTL.SECRC) and pads short frames it sends (TCTL.PSP).
 */
#include "kstring.h"
#include "net.h"

#define ETH_DST  0
#define ETH_SRC  6
#define ETH_TYPE 12

void net_init(struct net *n, const uint8_t mac[NET_ETH_ALEN], uint32_t ip, uint32_t netmask,
              uint32_t gateway)
{
    memset(n->arp, 0, sizeof n->arp);
    memset(&n->stats, 0, sizeof n->stats);
    n->held_len = 0;
    memcpy(n->mac, mac, NET_ETH_ALEN);
    n->ip = ip;
    n->netmask = netmask;
    n->gateway = gateway;
}

void net_input(struct net *n, const uint8_t *frame, size_t len)
{
    n->stats.rx_frames++;
    if (len < ETH_HDR_LEN) {
        n->stats.rx_short++;
        return;
    }
    switch (get16(frame + ETH_TYPE)) {
    case ETH_TYPE_ARP:
        arp_input(n, frame + ETH_HDR_LEN, len - ETH_HDR_LEN);
        ip_send_held(n);                /* if that taught us the hop it waits for */
        break;
    case ETH_TYPE_IPV4:
        ip_input(n, frame + ETH_HDR_LEN, len - ETH_HDR_LEN);
        break;
    default:
        n->stats.rx_unknown_type++;
    }
}

void eth_send(struct net *n, const uint8_t dst[NET_ETH_ALEN], uint16_t type, size_t len)
{
    memcpy(n->out + ETH_DST, dst, NET_ETH_ALEN);
    memcpy(n->out + ETH_SRC, n->mac, NET_ETH_ALEN);
    put16(n->out + ETH_TYPE, type);
    n->stats.tx_frames++;
    n->send(n, n->out, ETH_HDR_LEN + len);
}
