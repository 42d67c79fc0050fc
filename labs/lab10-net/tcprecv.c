/*
 * tcprecv.c - a segment for a connection past LISTEN, in the order of RFC
 * 9293 3.10.7.4: is it acceptable (a segment past rcv_nxt inside the window
 * goes to the out-of-order queue, tcpooo.c, and is answered with a duplicate
 * ACK all the same), RST, SYN, ACK (what it acknowledges leaves the transmit
 * ring; the RTT sample; our FIN's fate), the data into the receive ring as far
 * as it has room (rcv_nxt then over every kept range it reaches), then FIN
 * (the segment's own, or one kept past a hole that is now filled).
 * Every comparison of sequence numbers goes through seq_lt and friends: the
 * numbers wrap at 2^32.
 */
#include "kstring.h"
#include "panic.h"
#include "tcpseg.h"

static void enter_time_wait(struct net *n, struct tcp_conn *c)
{
    c->state = TCP_TIME_WAIT;
    c->tw_deadline = n->now_ms + 2 * TCP_MSL_MS;
    c->rtx_deadline = 0;
}

/*
 * Exercise 8a: acceptability (RFC 9293 3.10.7.4, "first, check sequence number").
 * False: drop it (an ACK is owed unless it is an RST). True with *ahead: it starts
 * past rcv_nxt inside the window, so its ACK counts, and its data and FIN are
 * cleared from s (the caller hands the segment as it came to the out-of-order
 * queue, tcpooo.c). What we already have is trimmed off the front.
 */
static bool acceptable(struct tcp_conn *c, struct segment *s, bool *ahead)
{
    /* LAB 10: BEGIN SOLUTION */
    uint32_t span = s->len + !!(s->flags & TCP_FIN);
    uint32_t wnd = TCP_RXBUF - c->rx_len;

    *ahead = false;
    if (seq_gt(s->seq, c->rcv_nxt)) {
        if (s->seq - c->rcv_nxt >= (wnd ? wnd : 1))
            return false;               /* past the window */
        *ahead = true;
        s->len = 0;
        s->flags &= (uint8_t)~TCP_FIN;
        return true;
    }
    if (seq_lt(s->seq, c->rcv_nxt)) {
        uint32_t old = c->rcv_nxt - s->seq;
        if (old >= span)
            return false;               /* all of it we have: a duplicate */
        s->data += old < s->len ? old : s->len;
        s->len -= old < s->len ? old : s->len;
        s->seq = c->rcv_nxt;
    }
    return true;
    /* LAB 10: STUB
    (void)c; (void)s; (void)ahead;
    panic("lab10: acceptable not implemented");
    LAB 10: END SOLUTION */
}

/*
 * Our FIN is acknowledged: the state it leads to (RFC 9293 3.10.7.4, "fifth, check
 * the ACK"). The FIN is no longer queued: snd_una is past it and the ring is empty,
 * so send_next would otherwise find "the FIN after the last byte" due again and send
 * a new one one number on, which the peer acknowledges, and so on for ever: in
 * FIN_WAIT_2 a peer that does not close at once got a FIN storm that took the whole
 * executor (the idle timeout that closed with a FIN stopped the server that way).
 */
static void fin_acked(struct net *n, struct tcp_conn *c)
{
    c->fin_queued = false;
    if (c->state == TCP_FIN_WAIT_1) {
        c->state = TCP_FIN_WAIT_2;      /* only the peer's FIN is left: bounded (tcptimer.c) */
        c->tw_deadline = n->now_ms + TCP_FIN_WAIT_2_MS;
    } else if (c->state == TCP_CLOSING)
        enter_time_wait(n, c);
    else if (c->state == TCP_LAST_ACK)
        c->state = TCP_CLOSED;
}

/* Exercise 8b: what the ACK acknowledges. False: drop the segment. */
static bool take_ack(struct net *n, struct tcp_conn *c, const struct segment *s)
{
    /* LAB 10: BEGIN SOLUTION */
    if (seq_gt(s->ack, c->snd_max)) {
        tcp_output(n, c, true);         /* it acknowledges what we never sent */
        return false;
    }
    if (s->ack == c->snd_una && c->snd_una != c->snd_max && s->len == 0 &&
        !(s->flags & (TCP_SYN | TCP_FIN)) && s->wnd == c->snd_wnd && ++c->dupacks == 3) {
        c->recovering = true;           /* the third duplicate: that segment was lost */
        c->recover = c->snd_max;
        tcp_resend_first(n, c);
    }
    if (seq_gt(s->ack, c->snd_una)) {
        uint32_t acked = s->ack - c->snd_una;
        uint32_t data = acked < c->tx_len ? acked : c->tx_len;
        bool fin = c->fin_sent && acked > c->tx_len;
        c->tx_head = (c->tx_head + data) % TCP_TXBUF;
        c->tx_len -= data;
        c->snd_una = s->ack;
        if (seq_lt(c->snd_nxt, c->snd_una))
            c->snd_nxt = c->snd_una;
        tcp_ack_advanced(n, c);
        c->dupacks = 0;
        if (c->recovering && seq_lt(s->ack, c->recover))
            tcp_resend_first(n, c);     /* a partial ACK: the next hole (RFC 6582 3.2) */
        else
            c->recovering = false;
        if (fin)
            fin_acked(n, c);
        tcp_notify(n->tcp, c);
    }
    c->snd_wnd = s->wnd;
    return true;
    /* LAB 10: STUB
    (void)n; (void)c; (void)s; (void)fin_acked;
    panic("lab10: take_ack not implemented");
    LAB 10: END SOLUTION */
}

/* Exercise 8c: data into the receive ring, as far as it has room. */
static uint32_t take_data(struct tcp_conn *c, const struct segment *s)
{
    /* LAB 10: BEGIN SOLUTION */
    uint32_t room = TCP_RXBUF - c->rx_len;
    uint32_t take = s->len < room ? s->len : room;
    for (uint32_t i = 0; i < take; i++)
        c->rx[(c->rx_head + c->rx_len + i) % TCP_RXBUF] = s->data[i];
    c->rx_len += take;
    c->rcv_nxt += take;
    return take;
    /* LAB 10: STUB
    (void)c; (void)s;
    panic("lab10: take_data not implemented");
    LAB 10: END SOLUTION */
}

static void take_fin(struct net *n, struct tcp_conn *c)
{
    c->rcv_nxt++;
    c->fin_rcvd = true;
    if (c->state == TCP_ESTABLISHED)
        c->state = TCP_CLOSE_WAIT;
    else if (c->state == TCP_FIN_WAIT_1)
        c->state = TCP_CLOSING;         /* ours not yet acknowledged */
    else if (c->state == TCP_FIN_WAIT_2)
        enter_time_wait(n, c);
}

static bool syn_rcvd(struct net *n, struct tcp_conn *c, const struct segment *s)
{
    if (s->flags & TCP_SYN) {           /* the peer's SYN again: our SYN-ACK was lost */
        c->snd_nxt = c->iss;
        c->rtt_timing = false;          /* Karn: its ACK may answer either copy */
        tcp_output(n, c, false);
        return false;
    }
    if (!(s->flags & TCP_ACK))
        return false;
    if (s->ack != c->iss + 1) {
        tcp_send_reset(n, c->rip, c->lport, c->rport, s->ack, 0, false);
        return false;
    }
    c->state = TCP_ESTABLISHED;
    if (c->retries)                     /* RFC 6298 5.7: our SYN-ACK's timer expired */
        c->rto = TCP_RTO_SYN_LOST_MS;
    c->snd_una = s->ack;
    tcp_ack_advanced(n, c);
    tcp_notify(n->tcp, c);              /* ready to accept */
    return true;
}

void tcp_segment_arrives(struct net *n, struct tcp_conn *c, const struct segment *in)
{
    struct segment s = *in;

    if (c->state == TCP_SYN_RCVD && !(s.flags & TCP_RST) && !syn_rcvd(n, c, &s))
        return;
    bool ahead;
    if (!acceptable(c, &s, &ahead) || ((s.flags & TCP_RST) && ahead)) {
        if (!(s.flags & TCP_RST) || ahead)
            tcp_output(n, c, true);     /* a duplicate ACK; for an RST, RFC 5961's challenge */
        return;
    }
    n->tcp->stats.out_of_order += ahead;
    if (s.flags & TCP_RST) {
        n->tcp->stats.resets_rcvd++;
        c->reset = true;
        c->state = TCP_CLOSED;
        tcp_notify(n->tcp, c);
        tcp_release_if_done(n->tcp, c);
        return;
    }
    if (s.flags & TCP_SYN) {            /* RFC 5961 4: a challenge ACK, nothing else */
        tcp_output(n, c, true);
        return;
    }
    if (!(s.flags & TCP_ACK) || !take_ack(n, c, &s))
        return;
    if (!c->snd_wnd) {                  /* the window shut (a probe answered): RFC 1122 4.2.2.17 */
        c->retries = 0;                 /* the peer lives: the persist timer goes on for good, */
        c->snd_nxt = c->snd_una;        /* and what it refused goes again once the window opens, */
        c->rtt_timing = false;          /* then not timed (Karn) */
    }
    bool owe = ahead;                   /* a duplicate ACK for a segment past a hole */
    bool open = c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 || c->state == TCP_FIN_WAIT_2;
    if (open && ahead)
        tcp_ooo_keep(n->tcp, c, in);    /* as it came: acceptable() cleared s's data */
    if (open && s.len) {
        owe = true;
        if (take_data(c, &s) < s.len)
            s.flags &= (uint8_t)~TCP_FIN;   /* no room for all: the FIN comes again */
        tcp_ooo_advance(c);
        tcp_notify(n->tcp, c);
    }
    if (((s.flags & TCP_FIN) && !c->fin_rcvd && s.seq + s.len == c->rcv_nxt) || tcp_ooo_fin_due(c)) {
        take_fin(n, c);
        tcp_notify(n->tcp, c);
        owe = true;
    }
    tcp_output(n, c, owe);
    tcp_release_if_done(n->tcp, c);
}
