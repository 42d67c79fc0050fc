/* tcpseg.h - what TCP's own files share: the header's flags (RFC 9293 3.1) and a parsed segment. */
#ifndef CAIRN_TCPSEG_H
#define CAIRN_TCPSEG_H

#include <stdint.h>
#include "tcp.h"

#define TCP_HDR_LEN 20
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

struct segment {
    uint32_t src, seq, ack;
    uint16_t sport, dport, wnd, mss;
    uint8_t flags;
    const uint8_t *data;
    uint32_t len;                       /* data bytes */
};

/* tcprecv.c: RFC 9293 3.10.7.4 for a connection past LISTEN. */
void tcp_segment_arrives(struct net *n, struct tcp_conn *c, const struct segment *s);
/* tcpin.c: a slot for a new connection (a free one, or the oldest idle TIME_WAIT), or NULL. */
struct tcp_conn *tcp_free_slot(struct tcp *t);
/* tcpconn.c: RFC 9293 3.10.7.3, a segment while our SYN awaits its answer. */
void tcp_syn_sent(struct net *n, struct tcp_conn *c, const struct segment *s);
/* tcpooo.c: the out-of-order queue. Keep s (it starts past rcv_nxt in the window): whether
 * any of it was kept (false: a range too many, counted). */
bool tcp_ooo_keep(struct tcp *t, struct tcp_conn *c, const struct segment *s);
/* After in-order data: rcv_nxt over every range it now reaches; whether it moved. */
bool tcp_ooo_advance(struct tcp_conn *c);
/* A FIN kept past a hole is now at rcv_nxt: take it. */
bool tcp_ooo_fin_due(const struct tcp_conn *c);
/* tcpapi.c: free c if nobody needs it any more (closed, and the application let it go). */
void tcp_release_if_done(struct tcp *t, struct tcp_conn *c);

#endif
