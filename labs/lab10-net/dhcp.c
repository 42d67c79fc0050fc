/*
 * dhcp.c - the DHCP client of dhcp.h (RFC 2131; options RFC 2132). Messages
 * are BOOTP's (RFC 2131 2, figure 1): fixed fields, then the magic cookie
 * 99.130.83.99 and options, each a code, a length and that many bytes (PAD
 * and END have neither). Ours go from 0.0.0.0:68 to 255.255.255.255:67 with
 * the BROADCAST flag set, since this stack takes no unicast before it has an
 * address (RFC 2131 4.1). A reply must be a BOOTREPLY from port 67 for our
 * xid and our MAC, with the cookie, every option inside the message, the
 * right length for each option read, an END, and a message type; an OFFER or
 * ACK must carry the server identifier, the lease time and a contiguous
 * subnet mask, offer a usable address, and a router (if any) on that subnet
 * (RFC 2131 table 3: a server MUST send 51 and 54). Anything else is dropped
 * and counted. Not done: renewing the lease at T1 (4.4.5: QEMU's lasts a
 * day, far longer than a boot), and the ARP check before using the address.
 */
#include "dhcp.h"
#include "kstring.h"

/* Offsets of the fixed fields (RFC 2131 figure 1). */
#define M_OP      0
#define M_HTYPE   1
#define M_HLEN    2
#define M_XID     4
#define M_SECS    8
#define M_FLAGS   10
#define M_YIADDR  16
#define M_CHADDR  28
#define M_COOKIE  236
#define M_OPTIONS 240
#define BOOTREQUEST 1
#define BOOTREPLY   2
#define HTYPE_ETHERNET 1
#define FLAG_BROADCAST 0x8000
#define MAGIC_COOKIE   0x63825363u      /* 99.130.83.99 */
/* What we send: BOOTP's 300 bytes (RFC 951's 64-byte vendor area), options zero-padded. */
#define SEND_LEN 300

/* Options (RFC 2132) and message types (its 9.6). */
#define OPT_PAD       0
#define OPT_NETMASK   1
#define OPT_ROUTER    3
#define OPT_REQ_IP    50
#define OPT_LEASE     51
#define OPT_TYPE      53
#define OPT_SERVER    54
#define OPT_PARAMS    55
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

static uint8_t *put_option(uint8_t *o, uint8_t code, uint8_t len, const uint8_t *value)
{
    o[0] = code;
    o[1] = len;
    memcpy(o + 2, value, len);
    return o + 2 + len;
}

static uint8_t *put_address(uint8_t *o, uint8_t code, uint32_t ip)
{
    uint8_t v[4];

    put32(v, ip);
    return put_option(o, code, 4, v);
}

/* The message of this state: DISCOVER while selecting, REQUEST for the OFFER taken. */
static void send_message(struct dhcp *d)
{
    static const uint8_t wanted[] = { OPT_NETMASK, OPT_ROUTER, OPT_LEASE };
    struct net *n = d->net;
    uint8_t *m = udp_payload(n), *o = m + M_OPTIONS;
    uint8_t type = d->state == DHCP_REQUESTING ? DHCPREQUEST : DHCPDISCOVER;
    uint64_t secs = (n->now_ms - d->started_ms) / 1000;

    memset(m, 0, SEND_LEN);
    m[M_OP] = BOOTREQUEST;
    m[M_HTYPE] = HTYPE_ETHERNET;
    m[M_HLEN] = NET_ETH_ALEN;
    put32(m + M_XID, d->xid);
    put16(m + M_SECS, (uint16_t)(secs > 0xFFFF ? 0xFFFF : secs));
    put16(m + M_FLAGS, FLAG_BROADCAST);
    memcpy(m + M_CHADDR, n->mac, NET_ETH_ALEN);
    put32(m + M_COOKIE, MAGIC_COOKIE);
    o = put_option(o, OPT_TYPE, 1, &type);
    if (type == DHCPREQUEST) {          /* RFC 2131 4.3.2: SELECTING names both */
        o = put_address(o, OPT_REQ_IP, d->offer.ip);
        o = put_address(o, OPT_SERVER, d->offer.server);
    }
    o = put_option(o, OPT_PARAMS, sizeof wanted, wanted);
    *o = OPT_END;
    udp_send(n, DHCP_CLIENT_PORT, IP_BROADCAST, DHCP_SERVER_PORT, SEND_LEN);
    d->stats.sent++;
}

/* Send this state's message, the first time or again: each wait is twice the last. */
static void transmit(struct dhcp *d)
{
    send_message(d);
    d->tries++;
    d->resend_ms = d->net->now_ms + d->wait_ms;
    d->wait_ms *= 2;
}

static void enter(struct dhcp *d, enum dhcp_state state)
{
    d->state = state;
    d->tries = 0;
    d->wait_ms = DHCP_FIRST_WAIT_MS;
    transmit(d);
}

/* A new DISCOVER with a new xid (RFC 2131 4.4.1: back to INIT), or the end. */
static void start_over(struct dhcp *d, const char *why)
{
    if (d->rounds == DHCP_ROUNDS) {
        d->state = DHCP_FAILED;
        d->why = why;
        return;
    }
    d->rounds++;
    d->xid++;
    enter(d, DHCP_SELECTING);
}

void dhcp_start(struct dhcp *d, struct net *n, uint32_t xid)
{
    memset(d, 0, sizeof *d);
    d->net = n;
    d->xid = xid;
    d->rounds = 1;
    d->started_ms = n->now_ms;
    enter(d, DHCP_SELECTING);
}

void dhcp_tick(struct dhcp *d)
{
    if ((d->state != DHCP_SELECTING && d->state != DHCP_REQUESTING) ||
        d->net->now_ms < d->resend_ms)
        return;
    if (d->tries < DHCP_TRIES)
        transmit(d);
    else if (d->state == DHCP_SELECTING) {
        d->state = DHCP_FAILED;         /* nobody offers: starting over would not help */
        d->why = "no server answered the DISCOVERs";
    } else
        start_over(d, "no server answered the REQUESTs");
}

/* One option's value into r: false if its length is wrong for what it is. */
static bool take_option(struct reply *r, uint8_t code, const uint8_t *v, uint8_t len)
{
    switch (code) {
    case OPT_TYPE:
        if (len != 1)
            return false;
        r->type = v[0];
        return true;
    case OPT_ROUTER:                    /* a list, the preferred first (RFC 2132 3.5) */
        r->l.router = len >= 4 ? get32(v) : 0;
        return len >= 4 && len % 4 == 0;
    case OPT_NETMASK:
    case OPT_SERVER:
    case OPT_LEASE:
        if (len != 4)
            return false;
        *(code == OPT_NETMASK ? &r->l.netmask : code == OPT_SERVER ? &r->l.server
                                                                   : &r->l.lease_s) = get32(v);
        return true;
    default:
        return true;                    /* not one we use */
    }
}

/* RFC 2132 2: every option inside the len bytes at o, up to an END. */
static bool parse_options(struct reply *r, const uint8_t *o, size_t len)
{
    size_t at = 0;

    while (at < len && o[at] != OPT_END) {
        if (o[at] == OPT_PAD) {
            at++;
            continue;
        }
        if (len - at < 2 || len - at - 2 < o[at + 1])
            return false;               /* its length, or its value, runs past the end */
        if (!take_option(r, o[at], o + at + 2, o[at + 1]))
            return false;
        at += 2 + (size_t)o[at + 1];
    }
    return at < len;                    /* an END was found */
}

static bool drop(uint32_t *counter)
{
    (*counter)++;
    return false;
}

/* The checks every reply must pass, each failure counted under its own name. */
static bool reply_ok(struct dhcp *d, uint16_t sport, const uint8_t *m, size_t len,
                     struct reply *r)
{
    struct dhcp_stats *s = &d->stats;

    memset(r, 0, sizeof *r);
    if (sport != DHCP_SERVER_PORT)
        return drop(&s->wrong_port);
    if (len < M_OPTIONS)
        return drop(&s->short_msgs);
    if (m[M_OP] != BOOTREPLY || m[M_HTYPE] != HTYPE_ETHERNET || m[M_HLEN] != NET_ETH_ALEN)
        return drop(&s->not_reply);
    if (get32(m + M_XID) != d->xid)
        return drop(&s->wrong_xid);
    if (memcmp(m + M_CHADDR, d->net->mac, NET_ETH_ALEN) != 0)
        return drop(&s->wrong_chaddr);
    if (get32(m + M_COOKIE) != MAGIC_COOKIE)
        return drop(&s->bad_cookie);
    if (!parse_options(r, m + M_OPTIONS, len - M_OPTIONS))
        return drop(&s->bad_options);
    if (r->type == 0)
        return drop(&s->no_type);
    r->l.ip = get32(m + M_YIADDR);
    return true;
}

/* A host's address: not 0.x, loopback, multicast or above, nor its subnet's own address
   or broadcast (a /31 or /32 has neither). */
static bool usable(uint32_t ip, uint32_t mask)
{
    uint8_t top = (uint8_t)(ip >> 24);
    uint32_t host = ip & ~mask;

    return top != 0 && top != 127 && top < 224 && (~mask <= 1 || (host != 0 && host != ~mask));
}

/* An OFFER or ACK with all a lease needs; a NAK needs its server only. */
static bool complete(const struct reply *r)
{
    const struct dhcp_lease *l = &r->l;
    bool contiguous = ((~l->netmask + 1) & ~l->netmask) == 0;

    if (r->type == DHCPNAK)
        return l->server != 0;
    return l->server != 0 && l->lease_s != 0 && l->netmask != 0 && contiguous &&
           usable(l->ip, l->netmask) &&
           (l->router == 0 || (l->router & l->netmask) == (l->ip & l->netmask));
}

void dhcp_input(struct dhcp *d, uint16_t sport, const uint8_t *msg, size_t len)
{
    struct reply r;

    if (!reply_ok(d, sport, msg, len, &r))
        return;
    if (r.type != DHCPOFFER && r.type != DHCPACK && r.type != DHCPNAK) {
        d->stats.unexpected++;
        return;
    }
    if (!complete(&r)) {
        d->stats.incomplete++;
        return;
    }
    bool ours = d->state == DHCP_REQUESTING && r.l.server == d->offer.server;
    if (d->state == DHCP_SELECTING && r.type == DHCPOFFER) {
        d->stats.offers++;              /* the first OFFER is taken (RFC 2131 3.1 allows it) */
        d->offer = r.l;
        enter(d, DHCP_REQUESTING);
    } else if (ours && r.type == DHCPACK && r.l.ip == d->offer.ip) {
        d->stats.acks++;
        d->lease = r.l;
        d->state = DHCP_BOUND;
    } else if (ours && r.type == DHCPNAK) {
        d->stats.naks++;
        start_over(d, "the server refused every REQUEST (NAK)");
    } else
        d->stats.unexpected++;
}

uint32_t dhcp_dropped(const struct dhcp *d)
{
    const struct dhcp_stats *s = &d->stats;

    return s->short_msgs + s->not_reply + s->wrong_port + s->wrong_xid + s->wrong_chaddr +
           s->bad_cookie + s->bad_options + s->no_type + s->incomplete + s->unexpected;
}
