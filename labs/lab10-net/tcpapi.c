/*
 * tcpapi.c - TCP's application side: listen, accept, recv, send, close,
 * none of which blocks (the kernel's futures in tcpwait.c wait on the event
 * hook). A connection's slot is freed once it is closed on the wire and the
 * application has let it go, or never took it.
 */
#include "kstring.h"
#include "tcpseg.h"

void tcp_init(struct net *n, struct tcp *t, uint32_t iss_seed)
{
    memset(t->listen, 0, sizeof t->listen);
    memset(&t->stats, 0, sizeof t->stats);
    for (int i = 0; i < TCP_MAX_CONNS; i++)
        t->conn[i].state = TCP_FREE;
    t->next_iss = iss_seed;
    t->next_id = 0;
    t->next_port = (uint16_t)(iss_seed ^ iss_seed >> 16);  /* RFC 6056: not guessable from outside */
    t->event = 0;
    n->tcp = t;
}

int tcp_listen(struct net *n, uint16_t port)
{
    for (int i = 0; i < TCP_MAX_LISTEN; i++)
        if (!n->tcp->listen[i]) {
            n->tcp->listen[i] = port;
            return 0;
        }
    return -1;
}

void tcp_notify(struct tcp *t, struct tcp_conn *c)
{
    if (t->event)
        t->event(t, c);
}

void tcp_free(struct tcp *t, struct tcp_conn *c)
{
    (void)t;
    c->state = TCP_FREE;
}

void tcp_release_if_done(struct tcp *t, struct tcp_conn *c)
{
    if (c->state == TCP_CLOSED && (c->app_closed || !c->accepted))
        tcp_free(t, c);
}

struct tcp_conn *tcp_accept(struct net *n, uint16_t port)
{
    for (int i = 0; i < TCP_MAX_CONNS; i++) {
        struct tcp_conn *c = &n->tcp->conn[i];
        if (c->state != TCP_FREE && c->state != TCP_SYN_RCVD && c->state != TCP_CLOSED &&
            !c->accepted && c->lport == port) {
            c->accepted = true;
            n->tcp->stats.accepted++;
            return c;
        }
    }
    return 0;
}

int tcp_recv(struct net *n, struct tcp_conn *c, uint8_t *buf, size_t len)
{
    if (c->rx_len == 0)
        return c->fin_rcvd || c->state == TCP_CLOSED ? -1 : 0;
    uint32_t before = TCP_RXBUF - c->rx_len;
    uint32_t take = len < c->rx_len ? (uint32_t)len : c->rx_len;
    for (uint32_t i = 0; i < take; i++)
        buf[i] = c->rx[(c->rx_head + i) % TCP_RXBUF];
    c->rx_head = (c->rx_head + take) % TCP_RXBUF;
    c->rx_len -= take;
    if (before < TCP_RXBUF / 2 && TCP_RXBUF - c->rx_len >= TCP_RXBUF / 2)
        tcp_output(n, c, true);         /* the window opened: say so (no silly small updates) */
    return (int)take;
}

int tcp_send(struct net *n, struct tcp_conn *c, const uint8_t *buf, size_t len)
{
    if (c->app_closed || c->fin_queued || (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT))
        return -1;
    uint32_t room = TCP_TXBUF - c->tx_len;
    uint32_t take = len < room ? (uint32_t)len : room;
    for (uint32_t i = 0; i < take; i++)
        c->tx[(c->tx_head + c->tx_len + i) % TCP_TXBUF] = buf[i];
    c->tx_len += take;
    if (take)
        tcp_output(n, c, false);
    return (int)take;
}

void tcp_close(struct net *n, struct tcp_conn *c)
{
    c->app_closed = true;
    if (c->state == TCP_ESTABLISHED || c->state == TCP_SYN_RCVD) {
        c->state = TCP_FIN_WAIT_1;
        c->fin_queued = true;
    } else if (c->state == TCP_CLOSE_WAIT) {
        c->state = TCP_LAST_ACK;
        c->fin_queued = true;
    } else if (c->state == TCP_SYN_SENT) {
        c->state = TCP_CLOSED;          /* RFC 9293 3.10.4: nothing sent yet to say goodbye to */
        c->rtx_deadline = 0;
    }
    tcp_output(n, c, false);
    tcp_release_if_done(n->tcp, c);
}

void tcp_abort(struct net *n, struct tcp_conn *c)
{
    bool synchronized = c->state == TCP_SYN_RCVD || c->state == TCP_ESTABLISHED ||
                        c->state == TCP_FIN_WAIT_1 || c->state == TCP_FIN_WAIT_2 ||
                        c->state == TCP_CLOSE_WAIT;
    if (synchronized)                   /* at snd_max: the peer's rcv_nxt once all is acked */
        tcp_send_reset(n, c->rip, c->lport, c->rport, c->snd_max, 0, false);
    n->tcp->stats.aborted++;
    c->app_closed = c->reset = true;
    c->state = TCP_CLOSED;
    c->rtx_deadline = 0;
    tcp_release_if_done(n->tcp, c);
}

const char *tcp_state_name(enum tcp_state s)
{
    static const char *const names[] = {
        "FREE", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
        "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT", "CLOSED", "SYN-SENT",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}
