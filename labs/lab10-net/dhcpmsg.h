/* dhcpmsg.h - what dhcp.c and dhcpmsg.c share: BOOTP's fields (RFC 2131 figure 1), the
   options (RFC 2132) and a reply read and checked (dhcp_reply_ok, dhcp_reply_complete). */
#ifndef CAIRN_DHCPMSG_H
#define CAIRN_DHCPMSG_H

#include "dhcp.h"

/* Offsets of the fixed fields (RFC 2131 figure 1). */
#define M_OP      0
#define M_HTYPE   1
#define M_HLEN    2
#define M_XID     4
#define M_SECS    8
#define M_FLAGS   10
#define M_CIADDR  12
#define M_YIADDR  16
#define M_CHADDR  28
#define M_COOKIE  236
#define M_OPTIONS 240
#define BOOTREQUEST 1
#define BOOTREPLY   2
#define HTYPE_ETHERNET 1
#define FLAG_BROADCAST 0x8000
#define MAGIC_COOKIE   0x63825363u      /* 99.130.83.99 */

/* Options (RFC 2132) and message types (its 9.6). */
#define OPT_PAD       0
#define OPT_NETMASK   1
#define OPT_ROUTER    3
#define OPT_REQ_IP    50
#define OPT_LEASE     51
#define OPT_TYPE      53
#define OPT_SERVER    54
#define OPT_PARAMS    55
#define OPT_RENEW     58                /* T1, seconds (RFC 2132 9.11) */
#define OPT_REBIND    59                /* T2, seconds (RFC 2132 9.12) */
#define OPT_END       255
#define DHCPDISCOVER 1
#define DHCPOFFER    2
#define DHCPREQUEST  3
#define DHCPACK      5
#define DHCPNAK      6

/* What a reply said; an option not sent is 0 (none of them may be 0 when sent). */
struct reply {
    uint8_t type;
    struct dhcp_lease l;                /* l.ip: yiaddr */
};

/* The checks every reply must pass, each failure counted in d->stats under its own name. */
bool dhcp_reply_ok(struct dhcp *d, uint16_t sport, const uint8_t *m, size_t len, struct reply *r);
/* An OFFER or ACK with all a lease needs; a NAK needs its server only. */
bool dhcp_reply_complete(const struct reply *r);

#endif
