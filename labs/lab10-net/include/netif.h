/*
 * netif.h - lab 10's stack on the e1000 (netif.c): the task that serves the
 * network. Await it (thread_await) from a thread or spawn it: it never ends.
 */
#ifndef CAIRN_NETIF_H
#define CAIRN_NETIF_H

#include <stdint.h>
#include "future.h"
#include "net.h"
#include "netdev.h"

extern struct net netif;                /* its addresses and counters */
/* Configure the stack and return its task (not yet started). Needs netdev_present(). */
struct future *netif_start(uint32_t ip, uint32_t netmask, uint32_t gateway);
uint64_t netif_now_ms(void);
uint32_t netif_tx_dropped(void);        /* answers lost to a full queue */

#endif
