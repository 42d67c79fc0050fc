/*
 * netsock.h - lab 10's TCP for threads and tasks: futures that complete when
 * a connection can be accepted, has data (or has ended), or has taken all the
 * bytes given to send; and a close. Every one runs on the executor (netif.c's
 * task owns the stack, and the futures are polled beside it), so a thread
 * reaches TCP only through thread_await: nothing else locks it.
 * One waiter per connection; accept has one waiter (an acceptor task).
 */
#ifndef CAIRN_NETSOCK_H
#define CAIRN_NETSOCK_H

#include <stddef.h>
#include <stdint.h>
#include "future.h"
#include "tcp.h"

struct sock_accept_future {
    struct future base;
    uint16_t port;
    struct tcp_conn *conn;              /* the result */
};
void sock_accept(struct sock_accept_future *f, uint16_t port);

/* READY with result: bytes read (> 0), or -1 at the end of the peer's stream. */
struct sock_recv_future {
    struct future base;
    struct tcp_conn *conn;
    uint8_t *buf;
    size_t cap;
    int result;
};
void sock_recv(struct sock_recv_future *f, struct tcp_conn *c, uint8_t *buf, size_t cap);

/* READY once all len bytes are in the transmit ring (result len), or -1 if it cannot send. */
struct sock_send_future {
    struct future base;
    struct tcp_conn *conn;
    const uint8_t *buf;
    size_t len, done;
    int result;
};
void sock_send(struct sock_send_future *f, struct tcp_conn *c, const void *buf, size_t len);

/* Close (FIN after the data); the connection must not be used afterwards. */
struct sock_close_future {
    struct future base;
    struct tcp_conn *conn;
};
void sock_close(struct sock_close_future *f, struct tcp_conn *c);

/* netif.c calls it from TCP's event hook: wake whoever waits on c. */
void sock_event(struct tcp *t, struct tcp_conn *c);

#endif
