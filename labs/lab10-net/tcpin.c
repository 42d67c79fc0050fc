/*
 * tcpin.c - TCP's receiving side: the header checked (data offset inside
 * the segment, checksum over the pseudo header), the segment matched to its
 * connection, and RFC 9293 3.10.7's "SEGMENT ARRIVES" in order: sequence
 * acceptability (a segment past rcv_nxt inside the window kept in the
 * out-of-order queue, tcpooo.c, and answered with a duplicate ACK; one
 * before it trimmed), RST, SYN, ACK,
 * data into the receive window, FIN. A SYN to a listening port opens a
 * connection while fewer than TCP_MAX_CONNS exist; anything else unknown
 * gets an RST (3.10.7.1). A connection we opened (SYN-SENT) is tcpconn.c's.
 */
#include "kstring.h"
#include "panic.h"
#include "tcpseg.h"

#define TCP_OPT_END 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2

/* RFC 9293 3.2: only MSS matters here; a malformed option list is ignored from there on. */
static uint16_t option_mss(const uint8_t *o, size_t len)
{
    for (size_t i = 0; i < len && o[i] != TCP_OPT_END;) {
        if (o[i] == TCP_OPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len)
            break;
        if (o[i] == TCP_OPT_MSS && o[i + 1] == 4)
            return get16(o + i + 2);
        i += o[i + 1];
    }
    return TCP_MSS_DEFAULT;
}

/* Exercise 7: the header (RFC 9293 3.1): data offset inside it, checksum with the pseudo header. */
static bool parse(struct net *n, uint32_t src, const uint8_t *p, size_t len, struct segment *s)
{
    /* LAB 10: BEGIN SOLUTION */
    size_t doff = len >= 20 ? (size_t)(p[12] >> 4) * 4 : 0;
    if (doff < 20 || doff > len) {      /* options past the segment, or no header */
        n->tcp->stats.bad++;
        return false;
    }
    if (inet_fold(inet_sum(p, len, inet_pseudo(src, n->ip, IP_PROTO_TCP, (uint16_t)len, 0)))) {
        n->tcp->stats.bad_checksum++;
        return false;
    }
    s->src = src;
    s->sport = get16(p);
    s->dport = get16(p + 2);
    s->seq = get32(p + 4);
    s->ack = get32(p + 8);
    s->flags = p[13];
    s->wnd = get16(p + 14);
    s->mss = option_mss(p + 20, doff - 20);
    s->data = p + doff;
    s->len = (uint32_t)(len - doff);
    return true;
    /* LAB 10: STUB
    (void)n; (void)src; (void)p; (void)len; (void)s; (void)option_mss;
    panic("lab10: tcp parse not implemented");
    LAB 10: END SOLUTION */
}

static struct tcp_conn *find(struct tcp *t, const struct segment *s)
{
    for (int i = 0; i < TCP_MAX_CONNS; i++) {
        struct tcp_conn *c = &t->conn[i];
        if (c->state != TCP_FREE && c->rip == s->src && c->rport == s->sport && c->lport == s->dport)
            return c;
    }
    return 0;
}

static bool listening(struct tcp *t, uint16_t port)
{
    for (int i = 0; i < TCP_MAX_LISTEN; i++)
        if (port && t->listen[i] == port)
            return true;
    return false;
}

/* 3.10.7.1: a segment for no connection. */
static void refuse(struct net *n, const struct segment *s)
{
    if (s->flags & TCP_RST)
        return;
    if (s->flags & TCP_ACK)
        tcp_send_reset(n, s->src, s->dport, s->sport, s->ack, 0, false);
    else
        tcp_send_reset(n, s->src, s->dport, s->sport, 0,
                       s->seq + s->len + !!(s->flags & TCP_SYN) + !!(s->flags & TCP_FIN), true);
}

/*
 * A slot for a new connection: a free one, or else the TIME_WAIT connection
 * nearest its end, which nobody holds any more. TIME_WAIT keeps old duplicates
 * of *its* connection from a new one on the same ports (RFC 9293 3.6.1); a SYN
 * from other ports needs none of that history, and a server that closes first
 * holds one TIME_WAIT per request: 24 slots of 4 s each would turn away every
 * client past 6 connections a second. (Linux, too, drops TIME_WAIT states when
 * its table of them is full.)
 */
struct tcp_conn *tcp_free_slot(struct tcp *t)
{
    struct tcp_conn *oldest = 0;

    for (int i = 0; i < TCP_MAX_CONNS; i++) {
        struct tcp_conn *c = &t->conn[i];
        if (c->state == TCP_FREE)
            return c;
        if (c->state == TCP_TIME_WAIT && (c->app_closed || !c->accepted) &&
            (!oldest || c->tw_deadline < oldest->tw_deadline))
            oldest = c;
    }
    if (oldest)
        t->stats.time_wait_reused++;
    return oldest;
}

static void open_passive(struct net *n, const struct segment *s)
{
    struct tcp *t = n->tcp;
    struct tcp_conn *c = tcp_free_slot(t);

    if (!c) {
        t->stats.refused++;
        refuse(n, s);
        return;
    }
    memset(c, 0, offsetof(struct tcp_conn, rx));        /* all but the buffers (tcp.h) */
    c->state = TCP_SYN_RCVD;
    c->id = ++t->next_id;
    c->rip = s->src;
    c->rport = s->sport;
    c->lport = s->dport;
    c->rcv_nxt = s->seq + 1;
    c->iss = c->snd_una = c->snd_nxt = c->snd_max = t->next_iss;
    t->next_iss += 64000 + (uint32_t)n->now_ms;            /* RFC 9293 3.4.1's clock, roughly */
    c->snd_wnd = s->wnd;
    c->mss = s->mss < TCP_MSS_MAX ? s->mss : TCP_MSS_MAX;
    c->rto = TCP_RTO_INITIAL_MS;
    tcp_output(n, c, false);
}

void tcp_input(struct net *n, uint32_t src, const uint8_t *seg, size_t len)
{
    struct segment s;

    n->tcp->stats.segs_in++;
    if (!parse(n, src, seg, len, &s))
        return;
    struct tcp_conn *c = find(n->tcp, &s);
    if (c && c->state == TCP_SYN_SENT)
        tcp_syn_sent(n, c, &s);         /* our own SYN's answer (tcpconn.c) */
    else if (c)
        tcp_segment_arrives(n, c, &s);
    else if ((s.flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN && listening(n->tcp, s.dport))
        open_passive(n, &s);
    else
        refuse(n, &s);
}
