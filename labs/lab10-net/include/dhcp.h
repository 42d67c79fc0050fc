/*
 * dhcp.h - lab 10's DHCP client (RFC 2131; its options, RFC 2132): asks the
 * network for an address. DISCOVER (broadcast) -> OFFER from a server ->
 * REQUEST (broadcast, naming the server and the address) -> ACK: the lease
 * (RFC 2131 3.1). Pure code like the rest of the stack: dhcp_start sends the
 * DISCOVER, the datagrams for port 68 go to dhcp_input, and dhcp_tick resends
 * on the stack's clock (net->now_ms), each wait twice the last, and gives up
 * after DHCP_TRIES sends of one message. Bound, it renews the lease at T1
 * (REQUEST to the server) and T2 (REQUEST to everyone), RFC 2131 4.4.5; a NAK
 * or the lease's end drops the address (n->ip 0) and starts over with a
 * DISCOVER. netif.c runs it as lab 3 futures. Every reply it cannot use is
 * dropped and counted, never trusted.
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

enum dhcp_state {
    DHCP_IDLE, DHCP_SELECTING, DHCP_REQUESTING, DHCP_BOUND, DHCP_FAILED,
    DHCP_RENEWING,                      /* past T1: REQUESTs to the server, the address in use */
    DHCP_REBINDING,                     /* past T2: REQUESTs to everyone, until the lease ends */
};

struct dhcp_lease {
    uint32_t ip, netmask;
    uint32_t router;                    /* 0: none offered */
    uint32_t server;                    /* its server identifier (option 54) */
    uint32_t lease_s;                   /* 0xFFFFFFFF: forever (RFC 2132 9.2) */
    uint32_t renew_s, rebind_s;         /* T1, T2 (options 58, 59); 0: not sent */
};

struct dhcp_stats {
    uint32_t sent, offers, acks, naks;
    uint32_t renewals, rebinds;         /* ACKs that extended the lease, RENEWING and REBINDING */
    uint32_t lost;                      /* leases dropped: a NAK to a renewal, or the end */
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
    uint64_t started_ms;                /* the first message of this exchange (secs) */
    uint64_t resend_ms;                 /* when dhcp_tick next has work: a send or T1 */
    uint64_t asked_ms;                  /* the first send of this state's message */
    uint64_t t1_ms, t2_ms, expiry_ms;   /* bound: the lease's times, on n->now_ms's clock */
    uint32_t t1_override_s;             /* for tests: T1 this many seconds after the ACK */
    struct dhcp_lease offer, lease;     /* the OFFER taken; the ACK's */
    const char *why;                    /* DHCP_FAILED: what went wrong */
    const char *why_lost;               /* the last lease dropped: why */
    struct dhcp_stats stats;
};

/* Ask for an address: the first DISCOVER goes out now. n->ip is 0 until the caller
   configures the lease. xid tells this client's messages apart from other clients'.
   t1_override_s: 0, or T1 in seconds for a test that cannot wait half of a day's lease. */
void dhcp_start(struct dhcp *d, struct net *n, uint32_t xid, uint32_t t1_override_s);
/* Send again, renew, rebind, drop the lease or give up when resend_ms has come. */
void dhcp_tick(struct dhcp *d);
/* A datagram for port 68 from sport: msg is its payload. */
void dhcp_input(struct dhcp *d, uint16_t sport, const uint8_t *msg, size_t len);
/* Replies dropped so far, every reason. */
uint32_t dhcp_dropped(const struct dhcp *d);

#endif
