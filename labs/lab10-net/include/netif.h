/*
 * netif.h - lab 10's stack on the e1000 (netif.c): the task that serves the
 * network. Await it (thread_await) from a thread or spawn it: it never ends.
 * Without an address (netif_start(0, 0, 0)), netif_dhcp asks DHCP for one.
 */
#ifndef CAIRN_NETIF_H
#define CAIRN_NETIF_H

#include <stdint.h>
#include "dhcp.h"
#include "future.h"
#include "net.h"
#include "netdev.h"
#include "sleep.h"

extern struct net netif;                /* its addresses and counters */
/* Configure the stack and return its task (not yet started). Needs netdev_present(). */
struct future *netif_start(uint32_t ip, uint32_t netmask, uint32_t gateway);
uint64_t netif_now_ms(void);
uint32_t netif_tx_dropped(void);        /* answers lost to a full queue */

/* READY once DHCP has bound (the stack then has the lease's addresses) or failed (it then
   has the fallback ones): client->state says which. One at a time, after netif_start. */
struct netif_dhcp_future {
    struct future base;
    bool started, done;
    uint32_t fallback_ip, fallback_netmask, fallback_gateway;
    uint32_t t1_override_s;             /* 0, or T1 in seconds (dhcp_start): set it after netif_dhcp */
    const struct dhcp *client;          /* its lease, or why it failed, and its counters */
    struct sleep_future resend;
};
void netif_dhcp(struct netif_dhcp_future *f, uint32_t fallback_ip, uint32_t fallback_netmask,
                uint32_t fallback_gateway);
/* After it bound: the task that renews the lease at T1 (and rebinds at T2, RFC 2131 4.4.5)
   and says each renewal, or the loss of the lease, in a line. Spawn it; it ends only if
   a lease lost cannot be got back (the stack then has no address). */
struct future *netif_dhcp_keep(void);

#endif
