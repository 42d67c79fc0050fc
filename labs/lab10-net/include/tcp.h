/*
 * tcp.h - lab 10's TCP (RFC 793, with RFC 9293's corrections; the
 * retransmission timer of RFC 6298): passive open on listening ports, active
 * open to a peer's port from an ephemeral one (tcpconn.c), receive into a
 * window (out-of-order segments kept in up to TCP_OOO_RANGES ranges of it:
 * tcpooo.c), send with go-back-N retransmission on a
 * timer and fast retransmit on duplicate ACKs (RFC 5681 3.2, with RFC 6582's
 * partial ACKs), FIN and RST, TIME_WAIT. At most TCP_MAX_CONNS connections at once:
 * a SYN past that gets an RST. Pure code on lab 10's net.h: the host tests
 * drive it on a fake clock and a fake wire (tests/test_lab10_tcp.c).
 *
 * The application side does not block: accept, recv and send return what
 * they can now, and the `event` hook says when something changed (the
 * kernel's tcpwait.c wakes futures from it).
 */
#ifndef CAIRN_TCP_H
#define CAIRN_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net.h"

#define TCP_MAX_CONNS   24              /* the stated limit: the 25th SYN gets an RST */
#define TCP_MAX_LISTEN  4
#define TCP_RXBUF       8192            /* the most we advertise */
#define TCP_OOO_RANGES  4               /* the stated bound: byte ranges held past a hole */
#define TCP_TXBUF       16384
#define TCP_MSS_DEFAULT 536             /* RFC 9293 3.7.1: without an MSS option */
#define TCP_MSS_MAX     (NET_FRAME_MAX - ETH_HDR_LEN - IP_HDR_MIN - 20)
#define TCP_RTO_INITIAL_MS 1000         /* RFC 6298 2.1 */
#define TCP_RTO_MIN_MS  200             /* 6298 2.4 says 1 s; Linux's 200 ms, on a LAN */
#define TCP_RTO_MAX_MS  60000           /* 6298 2.5 */
#define TCP_RTO_SYN_LOST_MS 3000        /* 6298 5.7: the RTO once a SYN-ACK had to be resent */
#define TCP_MAX_RETRIES 8               /* unanswered expiries in a row: then the connection is reset */
#define TCP_SYN_RETRIES 4               /* our SYN sent again at 1, 3, 7, 15 s; given up at 31 s */
#define TCP_MSL_MS      2000            /* TIME_WAIT lasts 2 MSL; short, for a lab */
#define TCP_FIN_WAIT_2_MS 10000         /* a closed connection whose peer never sends its FIN
                                           is reset then (Linux's tcp_fin_timeout, 60 s) */

/* Sequence numbers compare modulo 2^32 (RFC 793 3.3): a is before b. */
static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_ge(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

enum tcp_state {
    TCP_FREE, TCP_SYN_RCVD, TCP_ESTABLISHED, TCP_FIN_WAIT_1, TCP_FIN_WAIT_2,
    TCP_CLOSE_WAIT, TCP_CLOSING, TCP_LAST_ACK, TCP_TIME_WAIT, TCP_CLOSED,
    TCP_SYN_SENT,                       /* active open: our SYN awaits its answer (tcpconn.c) */
};

/* How an active open went (tcp_connect_result). */
enum tcp_open { TCP_OPEN_DONE, TCP_OPENING, TCP_OPEN_REFUSED, TCP_OPEN_TIMED_OUT };

struct tcp_conn {
    enum tcp_state state;
    bool accepted, app_closed;          /* the application took it / let it go */
    bool fin_queued, fin_sent, fin_rcvd, reset;
    uint32_t rip;                       /* the peer */
    uint16_t rport, lport;
    uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd;
    uint16_t mss;
    uint32_t rcv_nxt;
    uint32_t rx_head, rx_len;           /* of rx, below */
    uint32_t tx_head, tx_len;           /* of tx, below */
    /* Retransmission (RFC 6298), all in ms of net.now_ms. */
    uint32_t srtt, rttvar, rto;
    bool rtt_valid;                     /* srtt and rttvar hold a measurement */
    bool probe;                         /* the timer fired on a zero window: send 1 byte */
    bool rtt_timing;                    /* a segment is being timed (Karn: never a resent one) */
    bool recovering;                    /* resending after a loss, until recover is acked */
    uint32_t recover;                   /* snd_max when the loss was seen (RFC 6582's) */
    uint8_t dupacks;                    /* duplicate ACKs in a row (RFC 5681 3.2) */
    uint32_t rtt_seq;
    uint64_t rtt_start, rtx_deadline;   /* rtx_deadline 0: the timer is off */
    uint64_t tw_deadline;               /* TIME_WAIT's end, or FIN_WAIT_2's bound */
    int retries;
    uint32_t id;                        /* which connection this slot holds (its number) */
    /* Received past a hole (tcpooo.c): sorted, apart, each [start, end) inside the window;
       their bytes already sit in rx at their offsets from rcv_nxt. */
    struct { uint32_t start, end; } ooo[TCP_OOO_RANGES];
    uint8_t ooo_count;
    bool ooo_fin;                       /* a FIN came past the hole, at ooo_fin_seq */
    uint32_t ooo_fin_seq;
    /* The buffers come last: a new connection clears every field before them (tcpin.c),
       so none of the last one's (its timer, its retries, its RTT) carries over. */
    uint8_t rx[TCP_RXBUF];              /* received, not yet read: a ring */
    uint8_t tx[TCP_TXBUF];              /* from snd_una on: sent or not, a ring */
};

struct tcp_stats {
    uint32_t segs_in, segs_out, bad, bad_checksum;
    uint32_t refused;                   /* SYNs past the limit (each got an RST) */
    uint32_t time_wait_reused;          /* TIME_WAIT slots a new SYN took (the table full) */
    uint32_t resets_sent, resets_rcvd, retransmits, timeouts, accepted;
    uint32_t fast_retransmits;          /* on the third duplicate ACK, or a partial ACK */
    uint32_t aborted;                   /* by the application (tcp_abort) */
    uint32_t fin_wait_timeouts;         /* FIN_WAIT_2 past TCP_FIN_WAIT_2_MS: reset */
    uint32_t out_of_order;              /* segments that started past rcv_nxt, in the window */
    uint32_t ooo_dropped;               /* past a hole, but needing range TCP_OOO_RANGES + 1 */
};

struct tcp {
    struct tcp_conn conn[TCP_MAX_CONNS];
    uint16_t listen[TCP_MAX_LISTEN];    /* 0: unused */
    uint32_t next_iss, next_id;
    uint16_t next_port;                 /* where the search for an ephemeral port starts */
    struct tcp_stats stats;
    /* Something changed on c (data, room, a state): NULL for no one to tell. */
    void (*event)(struct tcp *t, struct tcp_conn *c);
};

void tcp_init(struct net *n, struct tcp *t, uint32_t iss_seed);
int tcp_listen(struct net *n, uint16_t port);           /* 0, or -1: no room */
/* tcpin.c: one segment from src (header not yet checked). */
void tcp_input(struct net *n, uint32_t src, const uint8_t *seg, size_t len);
/* tcpout.c: send what the window allows (data, FIN), or an ACK if one is owed. */
void tcp_output(struct net *n, struct tcp_conn *c, bool ack_now);
/* Send the first unacknowledged segment again (fast retransmit); snd_nxt stays. */
void tcp_resend_first(struct net *n, struct tcp_conn *c);
void tcp_send_reset(struct net *n, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq,
                    uint32_t ack, bool with_ack);
/* tcptimer.c: retransmissions and TIME_WAIT up to n->now_ms; output held back by tx_room. */
void tcp_tick(struct net *n);
void tcp_rtt_sample(struct tcp_conn *c, uint32_t r);    /* RFC 6298 2.2-2.3 */
void tcp_ack_advanced(struct net *n, struct tcp_conn *c);

/* tcpapi.c: the application's side. */
struct tcp_conn *tcp_accept(struct net *n, uint16_t port);  /* an established one, or NULL */
/* Bytes read (> 0); 0: nothing yet; -1: the peer has closed (or reset) and all is read. */
int tcp_recv(struct net *n, struct tcp_conn *c, uint8_t *buf, size_t len);
/* Bytes taken (0: no room yet); -1: the connection cannot send any more. */
int tcp_send(struct net *n, struct tcp_conn *c, const uint8_t *buf, size_t len);
void tcp_close(struct net *n, struct tcp_conn *c);      /* FIN after the data; frees it later */
/* RFC 9293 3.10.5 ABORT: an RST (unless our FIN is out and answered), the slot freed now. */
void tcp_abort(struct net *n, struct tcp_conn *c);
void tcp_free(struct tcp *t, struct tcp_conn *c);
void tcp_notify(struct tcp *t, struct tcp_conn *c);
const char *tcp_state_name(enum tcp_state s);

/* tcpconn.c: active open (RFC 9293 3.10.1): a SYN to ip:port from a free ephemeral port
 * (49152-65535); NULL when no slot is free. The application holds the connection from
 * here on (tcp_accept never offers it) and lets it go with tcp_close or tcp_abort. */
struct tcp_conn *tcp_connect(struct net *n, uint32_t ip, uint16_t port);
enum tcp_open tcp_connect_result(const struct tcp_conn *c);

#endif
