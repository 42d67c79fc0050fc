/*
 * tcpconn.c - TCP's active open (RFC 9293 3.10.1 OPEN, 3.5 the three-way
 * handshake): a SYN from an ephemeral port (RFC 6335 6: 49152-65535) that no
 * live connection or listener uses, sent again on the RFC 6298 timer with its
 * backoff (tcptimer.c) and given up after TCP_SYN_RETRIES; then 3.10.7.3,
 * what arrives in SYN-SENT: an ACK of anything but our SYN gets an RST, an
 * RST that acknowledges our SYN means refused, a SYN-ACK establishes the
 * connection with our ACK. A bare SYN (both ends opening at once, the
 * simultaneous open of 3.5) is dropped: this stack connects to servers
 * only, whose listening port never sends a SYN first.
 */
#include "kstring.h"
#include "tcpseg.h"

#define EPHEMERAL_FIRST 49152
#define EPHEMERAL_COUNT 16384           /* 65536 % 16384 == 0: next_port's wrap keeps the order */

static bool port_in_use(const struct tcp *t, uint16_t port)
{
    for (int i = 0; i < TCP_MAX_LISTEN; i++)
        if (t->listen[i] == port)
            return true;
    for (int i = 0; i < TCP_MAX_CONNS; i++)
        if (t->conn[i].state != TCP_FREE && t->conn[i].lport == port)
            return true;
    return false;
}

/* The next ephemeral port no connection holds (a TIME_WAIT one included), or 0. */
static uint16_t ephemeral_port(struct tcp *t)
{
    for (int i = 0; i < EPHEMERAL_COUNT; i++) {
        uint16_t port = (uint16_t)(EPHEMERAL_FIRST + t->next_port++ % EPHEMERAL_COUNT);
        if (!port_in_use(t, port))
            return port;
    }
    return 0;
}

struct tcp_conn *tcp_connect(struct net *n, uint32_t ip, uint16_t port)
{
    struct tcp *t = n->tcp;
    struct tcp_conn *c = tcp_free_slot(t);
    uint16_t lport = c ? ephemeral_port(t) : 0;

    if (!lport)
        return 0;
    memset(c, 0, offsetof(struct tcp_conn, rx));        /* all but the buffers (tcp.h) */
    c->state = TCP_SYN_SENT;
    c->accepted = true;                 /* the application's from the start: accept never sees it */
    c->id = ++t->next_id;
    c->rip = ip;
    c->rport = port;
    c->lport = lport;
    c->iss = c->snd_una = c->snd_nxt = c->snd_max = t->next_iss;
    t->next_iss += 64000 + (uint32_t)n->now_ms;
    c->mss = TCP_MSS_DEFAULT;           /* until the SYN-ACK names its own */
    c->rto = TCP_RTO_INITIAL_MS;
    tcp_output(n, c, false);            /* the SYN, and its timer (an ARP miss: the timer resends) */
    return c;
}

enum tcp_open tcp_connect_result(const struct tcp_conn *c)
{
    if (c->state == TCP_SYN_SENT)
        return TCP_OPENING;
    if (c->snd_una != c->iss)
        return TCP_OPEN_DONE;           /* our SYN was acknowledged: what follows is the data's */
    /* Closed with our SYN never acknowledged: the timer gave up (retries past the bound), or an RST. */
    return c->retries > TCP_SYN_RETRIES ? TCP_OPEN_TIMED_OUT : TCP_OPEN_REFUSED;
}

/* RFC 9293 3.10.7.3, "second, check the RST bit": our SYN was refused. */
static void refused(struct net *n, struct tcp_conn *c)
{
    n->tcp->stats.resets_rcvd++;
    c->reset = true;
    c->state = TCP_CLOSED;
    c->rtx_deadline = 0;
    tcp_notify(n->tcp, c);
}

/* "fourth, check the SYN bit", with an ACK of our SYN: ESTABLISHED, and our ACK. */
static void established(struct net *n, struct tcp_conn *c, const struct segment *s)
{
    c->state = TCP_ESTABLISHED;
    if (c->retries)                     /* RFC 6298 5.7: our SYN's timer expired */
        c->rto = TCP_RTO_SYN_LOST_MS;
    c->recovering = c->probe = false;   /* the timer's marks for a SYN, not for data */
    c->snd_una = s->ack;
    tcp_ack_advanced(n, c);             /* the SYN's RTT (if sent once), the timer off */
    tcp_output(n, c, true);
    tcp_notify(n->tcp, c);
}

void tcp_syn_sent(struct net *n, struct tcp_conn *c, const struct segment *s)
{
    bool ack = s->flags & TCP_ACK;

    if (ack && (seq_le(s->ack, c->iss) || seq_gt(s->ack, c->snd_max))) {
        if (!(s->flags & TCP_RST))      /* "first, check the ACK bit": not for our SYN */
            tcp_send_reset(n, c->rip, c->lport, c->rport, s->ack, 0, false);
        return;
    }
    if (s->flags & TCP_RST) {
        if (ack)                        /* without an ACK it may be anybody's: dropped */
            refused(n, c);
        return;
    }
    if (!(s->flags & TCP_SYN) || !ack)
        return;                         /* a bare SYN: no simultaneous open (above) */
    c->rcv_nxt = s->seq + 1;            /* data on a SYN is not kept: the peer sends it again */
    c->snd_wnd = s->wnd;
    c->mss = s->mss < TCP_MSS_MAX ? s->mss : TCP_MSS_MAX;
    established(n, c, s);
}
