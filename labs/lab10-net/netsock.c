/*
 * netsock.c - TCP as lab 3 futures (netsock.h). Each leaf follows lab 3's
 * rule: try, register the waker, try again, PENDING. TCP's event hook
 * (sock_event) wakes the connection's waiter, and the acceptor when a
 * connection has just been established.
 */
#include "netif.h"
#include "netsock.h"
#include "panic.h"

static struct atomic_waker conn_waker[TCP_MAX_CONNS];
static struct atomic_waker accept_waker;

static struct atomic_waker *waker_of(const struct tcp_conn *c)
{
    return &conn_waker[c - netif.tcp->conn];
}

void sock_event(struct tcp *t, struct tcp_conn *c)
{
    (void)t;
    atomic_waker_wake(waker_of(c));
    if (!c->accepted)
        atomic_waker_wake(&accept_waker);
}

static enum poll accept_poll(struct future *self, struct context *cx)
{
    struct sock_accept_future *f = (struct sock_accept_future *)self;

    for (int pass = 0; pass < 2; pass++) {
        if ((f->conn = tcp_accept(&netif, f->port)))
            return POLL_READY;
        if (pass == 0)
            atomic_waker_register(&accept_waker, cx);
    }
    return POLL_PENDING;
}

void sock_accept(struct sock_accept_future *f, uint16_t port)
{
    f->base.poll = accept_poll;
    f->port = port;
    f->conn = 0;
}

static enum poll recv_poll(struct future *self, struct context *cx)
{
    struct sock_recv_future *f = (struct sock_recv_future *)self;

    for (int pass = 0; pass < 2; pass++) {
        if ((f->result = tcp_recv(&netif, f->conn, f->buf, f->cap)) != 0)
            return POLL_READY;
        if (pass == 0)
            atomic_waker_register(waker_of(f->conn), cx);
    }
    return POLL_PENDING;
}

void sock_recv(struct sock_recv_future *f, struct tcp_conn *c, uint8_t *buf, size_t cap)
{
    assert(cap > 0);
    f->base.poll = recv_poll;
    f->conn = c;
    f->buf = buf;
    f->cap = cap;
    f->result = 0;
}

/* As much as fits now: true when all is taken or it never will be. */
static bool send_some(struct sock_send_future *f)
{
    while (f->done < f->len) {
        int k = tcp_send(&netif, f->conn, f->buf + f->done, f->len - f->done);
        if (k < 0) {
            f->result = -1;
            return true;
        }
        if (k == 0)
            return false;
        f->done += (size_t)k;
    }
    f->result = (int)f->len;
    return true;
}

static enum poll send_poll(struct future *self, struct context *cx)
{
    struct sock_send_future *f = (struct sock_send_future *)self;

    if (send_some(f))
        return POLL_READY;
    atomic_waker_register(waker_of(f->conn), cx);
    return send_some(f) ? POLL_READY : POLL_PENDING;
}

void sock_send(struct sock_send_future *f, struct tcp_conn *c, const void *buf, size_t len)
{
    f->base.poll = send_poll;
    f->conn = c;
    f->buf = buf;
    f->len = len;
    f->done = 0;
    f->result = 0;
}

static enum poll close_poll(struct future *self, struct context *cx)
{
    struct sock_close_future *f = (struct sock_close_future *)self;

    (void)cx;
    if (f->conn) {
        tcp_close(&netif, f->conn);
        f->conn = 0;
    }
    return POLL_READY;
}

void sock_close(struct sock_close_future *f, struct tcp_conn *c)
{
    f->base.poll = close_poll;
    f->conn = c;
}
