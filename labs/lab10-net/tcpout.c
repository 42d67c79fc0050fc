/*
 * tcpout.c - TCP's sending side (RFC 9293 3.1 the header, 3.8.6 the window,
 * 3.10.7.4 what an arriving segment owes): a segment is built after n->out's
 * IPv4 header, from the transmit ring at the offset its sequence number
 * says, its checksum over the pseudo header (RFC 9293 3.1). tcp_output sends
 * every segment the peer's window and the link's room allow, the FIN after
 * the last byte, and arms the retransmission timer for what is in flight.
 */
#include "kstring.h"
#include "panic.h"
#include "tcpseg.h"

#define TCP_OPT_MSS 2                   /* kind 2, length 4 (RFC 9293 3.2) */

static uint16_t window(const struct tcp_conn *c)
{
    return (uint16_t)(TCP_RXBUF - c->rx_len);
}

/* The header at p; opt bytes of options already follow it. */
static void header(uint8_t *p, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                   uint8_t flags, uint16_t wnd, size_t opt)
{
    put16(p, sport);
    put16(p + 2, dport);
    put32(p + 4, seq);
    put32(p + 8, ack);
    p[12] = (uint8_t)((TCP_HDR_LEN + opt) / 4 << 4);
    p[13] = flags;
    put16(p + 14, wnd);
    put16(p + 16, 0);
    put16(p + 18, 0);
}

static void finish(struct net *n, uint32_t dst, size_t len)
{
    uint8_t *p = ip_payload(n);

    put16(p + 16, inet_fold(inet_sum(p, len, inet_pseudo(n->ip, dst, IP_PROTO_TCP, (uint16_t)len, 0))));
    n->tcp->stats.segs_out++;
    ip_send(n, dst, IP_PROTO_TCP, len);     /* an ARP miss: the retransmission tries again */
}

void tcp_send_reset(struct net *n, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq,
                    uint32_t ack, bool with_ack)
{
    header(ip_payload(n), sport, dport, seq, with_ack ? ack : 0,
           TCP_RST | (with_ack ? TCP_ACK : 0), 0, 0);
    n->tcp->stats.resets_sent++;
    finish(n, dst, TCP_HDR_LEN);
}

/* One segment of c: len bytes of the transmit ring from offset off. */
static void segment(struct net *n, struct tcp_conn *c, uint32_t seq, uint8_t flags, uint32_t off,
                    uint32_t len)
{
    uint8_t *p = ip_payload(n);
    size_t opt = 0;

    if (flags & TCP_SYN) {              /* our MSS: what one frame carries */
        uint8_t *o = p + TCP_HDR_LEN;
        o[0] = TCP_OPT_MSS;
        o[1] = 4;
        put16(o + 2, TCP_MSS_MAX);
        opt = 4;
    }
    header(p, c->lport, c->rport, seq, c->rcv_nxt, flags, window(c), opt);
    uint8_t *d = p + TCP_HDR_LEN + opt;
    for (uint32_t i = 0, at = (c->tx_head + off) % TCP_TXBUF; i < len; i++, at = (at + 1) % TCP_TXBUF)
        d[i] = c->tx[at];
    finish(n, c->rip, TCP_HDR_LEN + opt + len);
}

static void sent_something(struct net *n, struct tcp_conn *c, uint32_t len, bool fin)
{
    if (!c->rtt_timing && c->snd_nxt == c->snd_max) {  /* new data: time it (Karn: never old) */
        c->rtt_timing = true;
        c->rtt_seq = c->snd_nxt;
        c->rtt_start = n->now_ms;
    }
    c->snd_nxt += len + fin;
    c->fin_sent |= fin;
    if (seq_gt(c->snd_nxt, c->snd_max))
        c->snd_max = c->snd_nxt;
    if (!c->rtx_deadline)
        c->rtx_deadline = n->now_ms + c->rto;
}

static size_t room(struct net *n)
{
    return n->tx_room ? n->tx_room(n) : (size_t)-1;
}

/* Exercise 9: the next data or FIN segment the window allows: false when there is none. */
static bool send_next(struct net *n, struct tcp_conn *c)
{
    /* LAB 10: BEGIN SOLUTION */
    uint32_t off = c->snd_nxt - c->snd_una;
    if (off > c->tx_len || !room(n))
        return false;                   /* the FIN is out, or the link is full */
    uint32_t wnd = c->snd_wnd ? c->snd_wnd : c->probe;
    uint32_t can = off < wnd ? wnd - off : 0;
    uint32_t len = c->tx_len - off;
    len = len < can ? len : can;
    len = len < c->mss ? len : c->mss;
    bool fin = c->fin_queued && off + len == c->tx_len;
    if (len == 0 && !fin)
        return false;
    c->probe = false;
    segment(n, c, c->snd_nxt, TCP_ACK | (len ? TCP_PSH : 0) | (fin ? TCP_FIN : 0), off, len);
    sent_something(n, c, len, fin);
    return true;
    /* LAB 10: STUB
    (void)n; (void)c; (void)sent_something;
    panic("lab10: send_next not implemented");
    LAB 10: END SOLUTION */
}

void tcp_resend_first(struct net *n, struct tcp_conn *c)
{
    uint32_t len = c->tx_len < c->mss ? c->tx_len : c->mss;
    bool fin = c->fin_sent && len == c->tx_len;

    if (c->snd_una == c->snd_max || !room(n))
        return;
    segment(n, c, c->snd_una, TCP_ACK | (fin ? TCP_FIN : 0), 0, len);
    if (c->rtt_seq - c->snd_una < len + fin)
        c->rtt_timing = false;          /* Karn: the timed segment went twice */
    n->tcp->stats.fast_retransmits++;
}

void tcp_output(struct net *n, struct tcp_conn *c, bool ack_now)
{
    bool sent = false;

    if (c->state == TCP_SYN_RCVD || c->state == TCP_SYN_SENT) {
        if (c->snd_nxt == c->iss && room(n)) {
            segment(n, c, c->iss, c->state == TCP_SYN_SENT ? TCP_SYN : TCP_SYN | TCP_ACK, 0, 0);
            sent_something(n, c, 1, false);     /* the SYN takes one number */
        }
        return;
    }
    if (c->state == TCP_FREE || c->state == TCP_CLOSED)
        return;
    if (c->state != TCP_TIME_WAIT)
        while (send_next(n, c))
            sent = true;
    if (!sent && ack_now && room(n))
        segment(n, c, c->snd_nxt, TCP_ACK, 0, 0);
    if (c->tx_len && !c->snd_wnd && !c->rtx_deadline)
        c->rtx_deadline = n->now_ms + c->rto;   /* zero window: the timer probes it */
}
