/*
 * netsock.h - lab 10's TCP for threads and tasks: futures that complete when
 * a connection can be accepted, has data (or has ended), or has taken all the
 * bytes given to send; and a close. Every one runs on the executor (netif.c's
 * task owns the stack, and the futures are polled beside it), so a thread
 * reaches TCP only through thread_await: nothing else locks it.
 * One waiter per connection; accept has one waiter (an acceptor task).
 *
 * Hostile peers are bounded by lab 3's timers (guest ticks): a receive may
 * carry a deadline, a send a stall bound (the longest it may go without
 * TCP taking a byte); either ends READY with SOCK_TIMED_OUT, and the caller
 * then aborts the connection (sock_abort: an RST, the slot freed at once).
 */
#ifndef CAIRN_NETSOCK_H
#define CAIRN_NETSOCK_H

#include <stddef.h>
#include <stdint.h>
#include "future.h"
#include "sleep.h"
#include "tcp.h"

struct sock_accept_future {
    struct future base;
    uint16_t port;
    struct tcp_conn *conn;              /* the result */
};
void sock_accept(struct sock_accept_future *f, uint16_t port);

/* An active open to ip:port (tcp_connect): READY once it is established (result
 * TCP_OPEN_DONE, conn the connection), refused, timed out (TCP's own SYN retries), or
 * with no slot free (conn NULL). Whatever the result, a conn is the caller's to close. */
struct sock_connect_future {
    struct future base;
    uint32_t ip;
    uint16_t port;
    struct tcp_conn *conn;
    enum tcp_open result;
};
void sock_connect(struct sock_connect_future *f, uint32_t ip, uint16_t port);

#define SOCK_NO_DEADLINE UINT64_MAX
#define SOCK_TIMED_OUT   (-2)           /* a result: the deadline or the stall bound passed */

/* READY with result: bytes read (> 0), -1 at the end of the peer's stream, or
 * SOCK_TIMED_OUT once the tick `deadline` has come with nothing to read. */
struct sock_recv_future {
    struct future base;
    struct tcp_conn *conn;
    uint8_t *buf;
    size_t cap;
    int result;
    struct sleep_future timer;          /* until the deadline */
};
void sock_recv(struct sock_recv_future *f, struct tcp_conn *c, uint8_t *buf, size_t cap);
void sock_recv_until(struct sock_recv_future *f, struct tcp_conn *c, uint8_t *buf, size_t cap,
                     uint64_t deadline);

/* READY once all len bytes are in the transmit ring (result len), -1 if it cannot send,
 * or SOCK_TIMED_OUT if TCP took no byte for stall_ms (a peer that stopped reading). */
struct sock_send_future {
    struct future base;
    struct tcp_conn *conn;
    const uint8_t *buf;
    size_t len, done, done_at_timer;    /* done when the stall timer was last set */
    int result;
    uint32_t stall_ms;                  /* 0: no bound */
    struct sleep_future timer;
};
void sock_send(struct sock_send_future *f, struct tcp_conn *c, const void *buf, size_t len);
void sock_send_bounded(struct sock_send_future *f, struct tcp_conn *c, const void *buf, size_t len,
                       uint32_t stall_ms);

/* Close (FIN after the data); the connection must not be used afterwards. */
struct sock_close_future {
    struct future base;
    struct tcp_conn *conn;
    bool abort;
};
void sock_close(struct sock_close_future *f, struct tcp_conn *c);
/* The same future, but an abort (RFC 9293 3.10.5): an RST, whatever is unsent dropped. */
void sock_abort(struct sock_close_future *f, struct tcp_conn *c);

/* netif.c calls it from TCP's event hook: wake whoever waits on c. */
void sock_event(struct tcp *t, struct tcp_conn *c);

#endif
