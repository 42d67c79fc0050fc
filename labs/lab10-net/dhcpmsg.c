/*
 * dhcpmsg.c - a DHCP reply read and checked before dhcp.c uses any of it
 * (RFC 2131 2, figure 1; options RFC 2132 2): a BOOTREPLY from port 67 for
 * our xid and MAC, with the cookie, every option inside the message with the
 * right length for what it is, an END and a message type. An OFFER or ACK
 * must carry the server identifier, the lease time and a contiguous mask,
 * offer a usable address, and a router (if any) on that subnet (RFC 2131
 * table 3: a server MUST send 51 and 54). Each failure is counted under its
 * own name.
 */
#include "dhcpmsg.h"
#include "kstring.h"

/* Where a four-byte option's value goes. */
static uint32_t *four_byte_field(struct reply *r, uint8_t code)
{
    switch (code) {
    case OPT_NETMASK:
        return &r->l.netmask;
    case OPT_SERVER:
        return &r->l.server;
    case OPT_LEASE:
        return &r->l.lease_s;
    case OPT_RENEW:
        return &r->l.renew_s;
    default:
        return &r->l.rebind_s;
    }
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
    case OPT_RENEW:
    case OPT_REBIND:
        if (len != 4)
            return false;
        *four_byte_field(r, code) = get32(v);
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
bool dhcp_reply_ok(struct dhcp *d, uint16_t sport, const uint8_t *m, size_t len, struct reply *r)
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
bool dhcp_reply_complete(const struct reply *r)
{
    const struct dhcp_lease *l = &r->l;
    bool contiguous = ((~l->netmask + 1) & ~l->netmask) == 0;

    if (r->type == DHCPNAK)
        return l->server != 0;
    return l->server != 0 && l->lease_s != 0 && l->netmask != 0 && contiguous &&
           usable(l->ip, l->netmask) &&
           (l->router == 0 || (l->router & l->netmask) == (l->ip & l->netmask));
}

