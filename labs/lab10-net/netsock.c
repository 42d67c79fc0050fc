/*
 * netsock.c - TCP as lab 3 futures (netsock.h). Each leaf follows lab 3's
 * rule: try, register the waker, try again, PENDING. TCP's event hook
 * (sock_event) wakes the connection's waiter (a connect's too), and the
 * acceptor when a connection has just been established. A receive's deadline and a send's
 * stall bound are lab 3 sleeps polled beside TCP: they wake the same task.
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

static enum poll connect_poll(struct future *self, struct context *cx)
{
    struct sock_connect_future *f = (struct sock_connect_future *)self;

    if (!f->conn && !(f->conn = tcp_connect(&netif, f->ip, f->port)))
        return POLL_READY;              /* no slot: result stays TCP_OPEN_REFUSED */
    for (int pass = 0; pass < 2; pass++) {
        if ((f->result = tcp_connect_result(f->conn)) != TCP_OPENING)
            return POLL_READY;
        if (pass == 0)
            atomic_waker_register(waker_of(f->conn), cx);
    }
    return POLL_PENDING;
}

void sock_connect(struct sock_connect_future *f, uint32_t ip, uint16_t port)
{
    f->base.poll = connect_poll;
    f->ip = ip;
    f->port = port;
    f->conn = 0;
    f->result = TCP_OPEN_REFUSED;
}

/* The deadline has come (the sleep also arms the task's timer when it has not). */
static bool expired(struct sleep_future *timer, struct context *cx)
{
    return timer->deadline != SOCK_NO_DEADLINE && future_poll(&timer->base, cx) == POLL_READY;
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
    if (!expired(&f->timer, cx))
        return POLL_PENDING;
    f->result = SOCK_TIMED_OUT;
    return POLL_READY;
}

void sock_recv_until(struct sock_recv_future *f, struct tcp_conn *c, uint8_t *buf, size_t cap,
                     uint64_t deadline)
{
    assert(cap > 0);
    f->base.poll = recv_poll;
    f->conn = c;
    f->buf = buf;
    f->cap = cap;
    f->result = 0;
    sleep_until_init(&f->timer, deadline);
}

void sock_recv(struct sock_recv_future *f, struct tcp_conn *c, uint8_t *buf, size_t cap)
{
    sock_recv_until(f, c, buf, cap, SOCK_NO_DEADLINE);
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
    if (send_some(f))
        return POLL_READY;
    if (f->stall_ms && (f->timer.deadline == SOCK_NO_DEADLINE || f->done != f->done_at_timer)) {
        sleep_ms_init(&f->timer, f->stall_ms);  /* progress (or the first wait): a new bound */
        f->done_at_timer = f->done;
    }
    if (!expired(&f->timer, cx))
        return POLL_PENDING;
    f->result = SOCK_TIMED_OUT;
    return POLL_READY;
}

void sock_send_bounded(struct sock_send_future *f, struct tcp_conn *c, const void *buf, size_t len,
                       uint32_t stall_ms)
{
    f->base.poll = send_poll;
    f->conn = c;
    f->buf = buf;
    f->len = len;
    f->done = f->done_at_timer = 0;
    f->result = 0;
    f->stall_ms = stall_ms;
    sleep_until_init(&f->timer, SOCK_NO_DEADLINE);
}

void sock_send(struct sock_send_future *f, struct tcp_conn *c, const void *buf, size_t len)
{
    sock_send_bounded(f, c, buf, len, 0);
}

static enum poll close_poll(struct future *self, struct context *cx)
{
    struct sock_close_future *f = (struct sock_close_future *)self;

    (void)cx;
    if (f->conn) {
        if (f->abort)
            tcp_abort(&netif, f->conn);
        else
            tcp_close(&netif, f->conn);
        f->conn = 0;
    }
    return POLL_READY;
}

void sock_close(struct sock_close_future *f, struct tcp_conn *c)
{
    f->base.poll = close_poll;
    f->conn = c;
    f->abort = false;
}

void sock_abort(struct sock_close_future *f, struct tcp_conn *c)
{
    sock_close(f, c);
    f->abort = true;
}
