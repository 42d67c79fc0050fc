/*
 * dhcp.c - the DHCP client of dhcp.h (RFC 2131; options RFC 2132), its state
 * machine (RFC 2131 figure 5); dhcpmsg.c checks the replies. Until it has an
 * address its messages go from 0.0.0.0:68 to 255.255.255.255:67 with the
 * BROADCAST flag set, since this stack takes no unicast before it has one
 * (RFC 2131 4.1). Bound, it renews (4.4.5): at T1 (option 58, else half the
 * lease) a REQUEST with ciaddr set goes to the server alone (RENEWING), at T2
 * (option 59, else 7/8 of the lease) to everyone (REBINDING), each sent again
 * after half the time left, at least 60 s; an ACK extends the lease from the
 * time the REQUEST went. A NAK, or the end of the lease, drops the address
 * (the stack's, at once: RFC 2131 4.4.5 "MUST immediately discontinue use")
 * and starts over with a DISCOVER. Not done: the ARP check before using the
 * address (4.4.1), and DHCPRELEASE.
 */
#include "dhcpmsg.h"
#include "kstring.h"

/* What we send: BOOTP's 300 bytes (RFC 951's 64-byte vendor area), options zero-padded. */
#define SEND_LEN 300
#define MIN_RENEW_WAIT_MS 60000u        /* RFC 2131 4.4.5: "down to a minimum of 60 seconds" */
#define INFINITE_LEASE 0xFFFFFFFFu      /* RFC 2132 9.2 */
#define NEVER UINT64_MAX

static bool has_address(const struct dhcp *d)
{
    return d->state == DHCP_BOUND || d->state == DHCP_RENEWING || d->state == DHCP_REBINDING;
}

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

/* The message of this state: DISCOVER while selecting, REQUEST for the OFFER taken,
   REQUEST with ciaddr to renew (unicast to the server) or rebind (broadcast). */
static void send_message(struct dhcp *d)
{
    static const uint8_t wanted[] = { OPT_NETMASK, OPT_ROUTER, OPT_LEASE };
    struct net *n = d->net;
    uint8_t *m = udp_payload(n), *o = m + M_OPTIONS;
    uint8_t type = d->state == DHCP_SELECTING ? DHCPDISCOVER : DHCPREQUEST;
    uint64_t secs = (n->now_ms - d->started_ms) / 1000;

    memset(m, 0, SEND_LEN);
    m[M_OP] = BOOTREQUEST;
    m[M_HTYPE] = HTYPE_ETHERNET;
    m[M_HLEN] = NET_ETH_ALEN;
    put32(m + M_XID, d->xid);
    put16(m + M_SECS, (uint16_t)(secs > 0xFFFF ? 0xFFFF : secs));
    if (has_address(d))
        put32(m + M_CIADDR, d->lease.ip);   /* table 5: ciaddr, and neither 50 nor 54 */
    else
        put16(m + M_FLAGS, FLAG_BROADCAST);
    memcpy(m + M_CHADDR, n->mac, NET_ETH_ALEN);
    put32(m + M_COOKIE, MAGIC_COOKIE);
    o = put_option(o, OPT_TYPE, 1, &type);
    if (d->state == DHCP_REQUESTING) {  /* RFC 2131 4.3.2: SELECTING names both */
        o = put_address(o, OPT_REQ_IP, d->offer.ip);
        o = put_address(o, OPT_SERVER, d->offer.server);
    }
    o = put_option(o, OPT_PARAMS, sizeof wanted, wanted);
    *o = OPT_END;
    /* RENEWING's goes to the server alone; ARP for it may hold it a moment (ip.c). */
    udp_send(n, DHCP_CLIENT_PORT, d->state == DHCP_RENEWING ? d->lease.server : IP_BROADCAST,
             DHCP_SERVER_PORT, SEND_LEN);
    d->stats.sent++;
}

/* Send this state's message, the first time or again. Getting an address, each wait is
   twice the last; renewing, half the time left before T2 or the lease's end, 60 s at least. */
static void transmit(struct dhcp *d)
{
    uint64_t now = d->net->now_ms;

    send_message(d);
    d->tries++;
    if (!has_address(d)) {
        d->resend_ms = now + d->wait_ms;
        d->wait_ms *= 2;
        return;
    }
    uint64_t deadline = d->state == DHCP_RENEWING ? d->t2_ms : d->expiry_ms;
    uint64_t wait = deadline > now ? (deadline - now) / 2 : 0;
    d->resend_ms = now + (wait > MIN_RENEW_WAIT_MS ? wait : MIN_RENEW_WAIT_MS);
    if (d->resend_ms > deadline)
        d->resend_ms = deadline;        /* the next state begins first */
}

static void enter(struct dhcp *d, enum dhcp_state state)
{
    d->state = state;
    d->tries = 0;
    d->wait_ms = DHCP_FIRST_WAIT_MS;
    d->asked_ms = d->net->now_ms;       /* a lease granted now runs from here (4.4.1) */
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

void dhcp_start(struct dhcp *d, struct net *n, uint32_t xid, uint32_t t1_override_s)
{
    memset(d, 0, sizeof *d);
    d->net = n;
    d->xid = xid;
    d->t1_override_s = t1_override_s;
    d->rounds = 1;
    d->started_ms = n->now_ms;
    enter(d, DHCP_SELECTING);
}

/* The lease is gone (a NAK, or its end): the stack stops using the address at once
   (RFC 2131 4.4.5) and the client begins again with a DISCOVER. */
static void lose(struct dhcp *d, const char *why)
{
    struct net *n = d->net;

    d->stats.lost++;
    d->why_lost = why;
    memset(&d->lease, 0, sizeof d->lease);
    n->ip = n->netmask = n->gateway = 0;
    d->rounds = 0;
    d->started_ms = n->now_ms;
    start_over(d, why);
}

/* Bound, renewing or rebinding, at resend_ms: the step the clock has reached (a late
   tick may skip one: past T2 goes straight to REBINDING, past the end drops the lease). */
static void renew_tick(struct dhcp *d)
{
    uint64_t now = d->net->now_ms;

    if (d->state == DHCP_BOUND) {       /* a new exchange: its own xid and secs */
        d->xid++;
        d->started_ms = now;
    }
    if (now >= d->expiry_ms)
        lose(d, "the lease ran out");
    else if (now >= d->t2_ms && d->state != DHCP_REBINDING)
        enter(d, DHCP_REBINDING);       /* T2: our server never answered; anyone's will do */
    else if (d->state == DHCP_BOUND)
        enter(d, DHCP_RENEWING);        /* T1 */
    else
        transmit(d);
}

void dhcp_tick(struct dhcp *d)
{
    if (d->net->now_ms < d->resend_ms)
        return;
    switch (d->state) {
    case DHCP_BOUND:
    case DHCP_RENEWING:
    case DHCP_REBINDING:
        renew_tick(d);
        return;
    case DHCP_SELECTING:
    case DHCP_REQUESTING:
        break;
    default:
        return;
    }
    if (d->tries < DHCP_TRIES)
        transmit(d);
    else if (d->state == DHCP_SELECTING) {
        d->state = DHCP_FAILED;         /* nobody offers: starting over would not help */
        d->why = "no server answered the DISCOVERs";
    } else
        start_over(d, "no server answered the REQUESTs");
}

/* An ACK's lease, from asked_ms: T2 as the server says if below the lease, else 7/8 of
   it; T1 as the server says if below T2, else half the lease (half T2 if that is not
   below T2) (RFC 2131 4.4.5); T1 as the tester says (t1_override_s) if below T2. An
   infinite lease is never renewed. */
static void bind(struct dhcp *d, const struct dhcp_lease *l)
{
    uint64_t lease = l->lease_s, t1 = lease / 2 * 1000, t2 = lease * 875;

    d->lease = *l;
    d->state = DHCP_BOUND;
    if (l->lease_s == INFINITE_LEASE) {
        d->t1_ms = d->t2_ms = d->expiry_ms = d->resend_ms = NEVER;
        return;
    }
    if (l->rebind_s && l->rebind_s < l->lease_s)
        t2 = (uint64_t)l->rebind_s * 1000;
    if (l->renew_s && (uint64_t)l->renew_s * 1000 < t2)
        t1 = (uint64_t)l->renew_s * 1000;
    if (t1 >= t2)
        t1 = t2 / 2;
    if (d->t1_override_s && (uint64_t)d->t1_override_s * 1000 < t2)
        t1 = (uint64_t)d->t1_override_s * 1000;
    d->t1_ms = d->resend_ms = d->asked_ms + t1;
    d->t2_ms = d->asked_ms + t2;
    d->expiry_ms = d->asked_ms + lease * 1000;
}

/* RENEWING and REBINDING: an ACK for our address extends the lease; a NAK ends it. In
   RENEWING only our server's count (we asked it alone); rebinding, any server's. */
static void renewal_reply(struct dhcp *d, const struct reply *r)
{
    bool from_ours = d->state == DHCP_REBINDING || r->l.server == d->lease.server;

    if (from_ours && r->type == DHCPACK && r->l.ip == d->lease.ip) {
        (*(d->state == DHCP_RENEWING ? &d->stats.renewals : &d->stats.rebinds))++;
        d->stats.acks++;
        bind(d, &r->l);
    } else if (from_ours && r->type == DHCPNAK) {
        d->stats.naks++;
        lose(d, "the server refused to renew (NAK)");
    } else
        d->stats.unexpected++;
}

void dhcp_input(struct dhcp *d, uint16_t sport, const uint8_t *msg, size_t len)
{
    struct reply r;

    if (!dhcp_reply_ok(d, sport, msg, len, &r))
        return;
    if (r.type != DHCPOFFER && r.type != DHCPACK && r.type != DHCPNAK) {
        d->stats.unexpected++;
        return;
    }
    if (!dhcp_reply_complete(&r)) {
        d->stats.incomplete++;
        return;
    }
    if (d->state == DHCP_RENEWING || d->state == DHCP_REBINDING) {
        renewal_reply(d, &r);
        return;
    }
    bool ours = d->state == DHCP_REQUESTING && r.l.server == d->offer.server;
    if (d->state == DHCP_SELECTING && r.type == DHCPOFFER) {
        d->stats.offers++;              /* the first OFFER is taken (RFC 2131 3.1 allows it) */
        d->offer = r.l;
        enter(d, DHCP_REQUESTING);
    } else if (ours && r.type == DHCPACK && r.l.ip == d->offer.ip) {
        d->stats.acks++;
        bind(d, &r.l);
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
