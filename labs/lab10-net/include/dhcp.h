/*
 * dhcp.h - lab 10's DHCP client (RFC 2131; its options, RFC 2132): asks the
 * network for an address. DISCOVER (broadcast) -> OFFER from a server ->
 * REQUEST (broadcast, naming the server and the address) -> ACK: the lease
 * (RFC 2131 3.1). Pure code like the rest of the stack: dhcp_start sends the
 * DISCOVER, the datagrams for port 68 go to dhcp_input, and dhcp_tick resends
 * on the stack's clock (net->now_ms), each wait twice the last, and gives up
 * after DHCP_TRIES sends of one message. netif.c runs it as a lab 3 future.
 * Every reply it cannot use is dropped and counted, never trusted.
 * Given code: it is none of lab 10's exercises.
 */
#ifndef CAIRN_DHCP_H
#define CAIRN_DHCP_H

#include <stdint.h>
#include "net.h"

#define DHCP_CLIENT_PORT   68
#define DHCP_SERVER_PORT   67
#define DHCP_TRIES         4            /* sends of one message before it gives up */
/* The first wait, then 2, 4, 8 s: 15 s for a message nobody answers. RFC 2131 4.1 starts
   at 4 s (for a busy network); QEMU's server answers within a millisecond. */
#define DHCP_FIRST_WAIT_MS 1000u
/* DISCOVERs begun: a NAK, or a REQUEST nobody answers, starts over (RFC 2131 4.4.1). */
#define DHCP_ROUNDS        2

enum dhcp_state { DHCP_IDLE, DHCP_SELECTING, DHCP_REQUESTING, DHCP_BOUND, DHCP_FAILED };

struct dhcp_lease {
    uint32_t ip, netmask;
    uint32_t router;                    /* 0: none offered */
    uint32_t server;                    /* its server identifier (option 54) */
    uint32_t lease_s;
};

struct dhcp_stats {
    uint32_t sent, offers, acks, naks;
    uint32_t short_msgs;                /* shorter than the fixed fields and the cookie */
    uint32_t not_reply;                 /* op not BOOTREPLY, or not Ethernet's htype/hlen */
    uint32_t wrong_port, wrong_xid, wrong_chaddr, bad_cookie;
    uint32_t bad_options;               /* one past the end, a wrong length, no END */
    uint32_t no_type;                   /* no message type (53): BOOTP, not DHCP */
    uint32_t incomplete;                /* an OFFER/ACK/NAK missing what it must carry */
    uint32_t unexpected;                /* not what this state waits for, or not our server's */
};

struct dhcp {
    struct net *net;
    enum dhcp_state state;
    uint32_t xid;
    int tries, rounds;                  /* sends of the current message; DISCOVERs begun */
    uint32_t wait_ms;                   /* the wait after the next send */
    uint64_t started_ms, resend_ms;     /* the first DISCOVER; when to send again */
    struct dhcp_lease offer, lease;     /* the OFFER taken; the ACK's */
    const char *why;                    /* DHCP_FAILED: what went wrong */
    struct dhcp_stats stats;
};

/* Ask for an address: the first DISCOVER goes out now. n->ip is 0 until the caller
   configures the lease. xid tells this client's messages apart from other clients'. */
void dhcp_start(struct dhcp *d, struct net *n, uint32_t xid);
/* Send again or give up when resend_ms has come (n->now_ms). */
void dhcp_tick(struct dhcp *d);
/* A datagram for port 68 from sport: msg is its payload. */
void dhcp_input(struct dhcp *d, uint16_t sport, const uint8_t *msg, size_t len);
/* Replies dropped so far, every reason. */
uint32_t dhcp_dropped(const struct dhcp *d);

#endif
