/*
 * tcptimer.c - TCP's clocks: the retransmission timeout of RFC 6298 (2.2 the
 * first measurement, 2.3 every later one, 2.4-2.5 the bounds, 5 the timer's
 * management with its backoff, Karn's rule that a retransmitted segment is
 * never timed), TIME_WAIT's 2 MSL (RFC 9293 3.10.7.4), and FIN_WAIT_2's bound:
 * there the application has closed and only the peer's FIN is awaited, which
 * no retransmission would ever ask for, so a peer that never sends it would
 * hold the slot for good (RFC 9293 leaves it open; Linux resets such an
 * orphan after tcp_fin_timeout). tcp_tick runs from
 * the kernel's net task every few ticks, and from the host tests' fake clock.
 */
#include "panic.h"
#include "tcpseg.h"

#define RTO_CLOCK_G_MS 1                /* the clock's granularity, G */

/* RTO = SRTT + max(G, 4 RTTVAR), within the bounds (2.3-2.5). */
static void rto_from_estimate(struct tcp_conn *c)
{
    uint32_t k = 4 * c->rttvar > RTO_CLOCK_G_MS ? 4 * c->rttvar : RTO_CLOCK_G_MS;
    c->rto = c->srtt + k;
    if (c->rto < TCP_RTO_MIN_MS)
        c->rto = TCP_RTO_MIN_MS;
    if (c->rto > TCP_RTO_MAX_MS)
        c->rto = TCP_RTO_MAX_MS;
}

/* Exercise 10a: RFC 6298 2.2-2.4, in ms. */
void tcp_rtt_sample(struct tcp_conn *c, uint32_t r)
{
    /* LAB 10: BEGIN SOLUTION */
    if (!c->rtt_valid) {
        c->srtt = r;
        c->rttvar = r / 2;
        c->rtt_valid = true;
    } else {
        uint32_t diff = c->srtt > r ? c->srtt - r : r - c->srtt;
        c->rttvar = (3 * c->rttvar + diff) / 4;         /* beta = 1/4 */
        c->srtt = (7 * c->srtt + r) / 8;                /* alpha = 1/8 */
    }
    rto_from_estimate(c);
    /* LAB 10: STUB
    (void)c; (void)r; (void)rto_from_estimate;
    panic("lab10: tcp_rtt_sample not implemented");
    LAB 10: END SOLUTION */
}

/*
 * Exercise 10b: snd_una moved: the sample if the timed segment is covered, the timer
 * (RFC 6298 5.2-5.3). Nothing else touches the RTO: after a timeout it stays doubled
 * until a segment sent once is acknowledged and timed (the note after 5.7, Karn's rule).
 */
void tcp_ack_advanced(struct net *n, struct tcp_conn *c)
{
    /* LAB 10: BEGIN SOLUTION */
    if (c->rtt_timing && seq_gt(c->snd_una, c->rtt_seq)) {
        c->rtt_timing = false;
        tcp_rtt_sample(c, (uint32_t)(n->now_ms - c->rtt_start));
    }
    c->retries = 0;                     /* the RTO stays backed off until a new sample (5.7's note) */
    c->rtx_deadline = c->snd_una == c->snd_max ? 0 : n->now_ms + c->rto;
    /* LAB 10: STUB
    (void)n; (void)c;
    panic("lab10: tcp_ack_advanced not implemented");
    LAB 10: END SOLUTION */
}

/* Exercise 10c: the timer expired (RFC 6298 5.4-5.7): go back to snd_una, back off. */
static void timeout(struct net *n, struct tcp_conn *c)
{
    struct tcp *t = n->tcp;

    t->stats.timeouts++;
    if (++c->retries > (c->state == TCP_SYN_SENT ? TCP_SYN_RETRIES : TCP_MAX_RETRIES)) {
        if (c->state != TCP_SYN_SENT)   /* a SYN never answered: nobody to reset */
            tcp_send_reset(n, c->rip, c->lport, c->rport, c->snd_nxt, 0, false);
        c->reset = true;
        c->state = TCP_CLOSED;
        c->rtx_deadline = 0;
        tcp_notify(t, c);
        tcp_release_if_done(t, c);
        return;
    }
    /* LAB 10: BEGIN SOLUTION */
    c->rto = c->rto * 2 < TCP_RTO_MAX_MS ? c->rto * 2 : TCP_RTO_MAX_MS;
    c->rtt_timing = false;              /* Karn: what is sent again is not timed */
    c->recovering = true;
    c->recover = c->snd_max;
    c->dupacks = 0;
    c->probe = c->snd_wnd == 0;
    c->snd_nxt = c->state == TCP_SYN_RCVD ? c->iss : c->snd_una;
    c->rtx_deadline = 0;
    t->stats.retransmits++;
    tcp_output(n, c, false);
    if (!c->rtx_deadline)
        c->rtx_deadline = n->now_ms + c->rto;   /* nothing went (no room): try again later */
    /* LAB 10: STUB
    panic("lab10: timeout not implemented");
    LAB 10: END SOLUTION */
}

/* FIN_WAIT_2 past its bound: the peer never closed. */
static void fin_wait_timeout(struct net *n, struct tcp_conn *c)
{
    n->tcp->stats.fin_wait_timeouts++;
    tcp_send_reset(n, c->rip, c->lport, c->rport, c->snd_max, 0, false);
    c->reset = true;
    c->state = TCP_CLOSED;
    tcp_notify(n->tcp, c);
    tcp_release_if_done(n->tcp, c);
}

void tcp_tick(struct net *n)
{
    struct tcp *t = n->tcp;

    for (int i = 0; i < TCP_MAX_CONNS; i++) {
        struct tcp_conn *c = &t->conn[i];
        bool waited = n->now_ms >= c->tw_deadline;
        if (c->state == TCP_TIME_WAIT && waited) {
            c->state = TCP_CLOSED;
            tcp_release_if_done(t, c);
        } else if (c->state == TCP_FIN_WAIT_2 && waited) {
            fin_wait_timeout(n, c);
        } else if (c->rtx_deadline && n->now_ms >= c->rtx_deadline) {
            timeout(n, c);
        } else if (c->state != TCP_FREE) {
            tcp_output(n, c, false);    /* what the link had no room for before */
        }
    }
}
