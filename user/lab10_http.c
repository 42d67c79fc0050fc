/*
 * lab10_http.c - stage 10's HTTP/1.1 server on port 80 over the lab 7
 * volumes (lab 8's vfs): GET and HEAD of a file by its path, percent-decoded
 * (labs/lab10-net/httpreq.c), with Content-Length; 404 for a missing path or a
 * directory; the connection kept open for the next request unless the
 * client asks to close it (RFC 9112 9.3).
 *
 * An acceptor task hands each connection to one of HTTP_WORKERS threads.
 * A worker reads the disk (lab 4's driver blocks a thread, never a task) and
 * awaits the network through lab 6's bridge (thread_await), so TCP itself is
 * only ever touched on the executor. The volumes' caches are shared: one
 * mutex around every lookup and read.
 *
 * A worker is the scarce thing, so no peer may keep one for long: the head
 * must arrive within head_ms (the boot option head_ms=, lab10.c) and every send
 * must make progress within HTTP_STALL_MS (lab10_http.h). Past either the connection is aborted (an
 * RST frees TCP's slot at once; a FIN would leave it waiting in FIN_WAIT_2
 * for a peer that is not listening) and counted on the console.
 */
#include "fat.h"
#include "format.h"
#include "heap.h"
#include "http.h"
#include "interrupts.h"
#include "kprintf.h"
#include "kstring.h"
#include "lab10_http.h"
#include "netif.h"
#include "netsock.h"
#include "panic.h"
#include "thread.h"
#include "uvm.h"
#include "x86.h"

#define CHUNK 8192                      /* bytes read from the disk per send */

static struct mutex fs_lock = { .name = "http-fs" };
static struct semaphore waiting;        /* accepted connections not yet served */
static struct tcp_conn *queue[TCP_MAX_CONNS];
static uint32_t queue_head, queue_count, answered;
static uint32_t idle_cut, stalled_cut;  /* connections aborted past each bound */
static uint32_t head_ms;                /* the bound on a request head (http_start's) */

struct conn_io {
    struct tcp_conn *conn;
    bool idle, stalled;                 /* a bound was passed: abort, do not close */
    char head[HTTP_HEAD_MAX];
    size_t have;                        /* bytes in head: a request and what follows it */
    uint8_t chunk[CHUNK];
};

static bool send_all(struct conn_io *io, const void *buf, size_t len)
{
    struct sock_send_future f;

    sock_send_bounded(&f, io->conn, buf, len, HTTP_STALL_MS);
    thread_await(&f.base);
    io->stalled = f.result == SOCK_TIMED_OUT;
    return f.result >= 0;
}

static bool send_head(struct conn_io *io, int status, const char *why, uint32_t length,
                      const char *type, bool keep)
{
    char msg[256];
    int len = ksnprintf(msg, sizeof msg, "HTTP/1.1 %d %s\r\nContent-Length: %u\r\n"
                        "Content-Type: %s\r\nConnection: %s\r\n\r\n", status, why, length, type,
                        keep ? "keep-alive" : "close");
    return send_all(io, msg, (size_t)len);
}

static bool send_error(struct conn_io *io, int status, const char *why, bool keep)
{
    return send_head(io, status, why, (uint32_t)strlen(why) + 1, "text/plain", keep) &&
           send_all(io, why, strlen(why)) && send_all(io, "\n", 1);
}

static const char *reason(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    default: return "HTTP Version Not Supported";
    }
}

/* The file's bytes after the head: false if the disk or the connection failed. */
static bool send_file(struct conn_io *io, struct fat_volume *v, const struct fat_node *node)
{
    for (uint32_t off = 0; off < node->size;) {
        uint32_t want = node->size - off < CHUNK ? node->size - off : CHUNK;
        mutex_lock(&fs_lock);
        int32_t got = fat_read(v, node, off, io->chunk, want);
        mutex_unlock(&fs_lock);
        if (got <= 0 || !send_all(io, io->chunk, (size_t)got))
            return false;
        off += (uint32_t)got;
    }
    return true;
}

/* One parsed request answered: true if the connection stays open. */
static bool answer(struct conn_io *io, const struct http_request *r)
{
    struct fat_volume *v;
    struct fat_node node;

    mutex_lock(&fs_lock);
    int err = vfs_lookup(r->path, &v, &node);
    mutex_unlock(&fs_lock);
    answered++;
    if (err || fat_node_is_dir(&node))
        return send_error(io, 404, "Not Found", r->keep_alive) && r->keep_alive;
    if (!send_head(io, 200, "OK", node.size, "application/octet-stream", r->keep_alive))
        return false;
    if (strcmp(r->method, "HEAD") != 0 && !send_file(io, v, &node))
        return false;
    return r->keep_alive;
}

/* Read until a whole head is in io->head: its length, or 0 (the peer ended, it is too
 * long, or head_ms passed first: io->idle). */
static size_t read_head(struct conn_io *io)
{
    uint64_t deadline = timer_ticks() + ((uint64_t)head_ms * timer_hz() + 999) / 1000;
    size_t end;

    while (!(end = http_head_end(io->head, io->have))) {
        if (io->have == sizeof io->head) {
            send_error(io, 431, reason(431), false);
            return 0;
        }
        struct sock_recv_future f;
        sock_recv_until(&f, io->conn, (uint8_t *)io->head + io->have, sizeof io->head - io->have,
                        deadline);
        thread_await(&f.base);
        io->idle = f.result == SOCK_TIMED_OUT;
        if (f.result < 0)
            return 0;
        io->have += (size_t)f.result;
    }
    return end;
}

/* The stats line, once per connection cut off: the counts so far. */
static void count_cut(const struct conn_io *io)
{
    intr_state_t fl = intr_disable();   /* workers are preempted: count and print as one */
    idle_cut += io->idle;
    stalled_cut += io->stalled;
    kprintf("lab10: http: timeouts: %u idle (no whole request in %u ms), %u stalled "
            "(no send progress in %u ms)\n", idle_cut, head_ms, stalled_cut, HTTP_STALL_MS);
    intr_restore(fl);
}

static void serve(struct conn_io *io)
{
    bool open = true;

    io->have = 0;
    io->idle = io->stalled = false;
    while (open) {
        size_t end = read_head(io);
        if (!end)
            break;
        struct http_request r;
        int status = http_parse(io->head, end, &r);
        open = status ? (send_error(io, status, reason(status), false), false) : answer(io, &r);
        memmove(io->head, io->head + end, io->have - end);     /* a pipelined next request */
        io->have -= end;
    }
    struct sock_close_future f;
    if (io->idle || io->stalled) {
        count_cut(io);
        sock_abort(&f, io->conn);
    } else {
        sock_close(&f, io->conn);
    }
    thread_await(&f.base);
}

static void worker(void *arg)
{
    struct conn_io *io = arg;

    for (;;) {
        sema_down(&waiting);
        intr_state_t fl = intr_disable();
        io->conn = queue[queue_head];
        queue_head = (queue_head + 1) % TCP_MAX_CONNS;
        queue_count--;
        intr_restore(fl);
        serve(io);
    }
}

struct acceptor {
    struct future base;
    struct sock_accept_future next;
    bool armed;
};

/* A task: every connection accepted goes to the workers' queue (never fuller than TCP's table). */
static enum poll acceptor_poll(struct future *self, struct context *cx)
{
    struct acceptor *a = (struct acceptor *)self;

    for (;;) {
        if (!a->armed) {
            sock_accept(&a->next, HTTP_PORT);
            a->armed = true;
        }
        if (future_poll(&a->next.base, cx) == POLL_PENDING)
            return POLL_PENDING;
        a->armed = false;
        intr_state_t fl = intr_disable();
        assert(queue_count < TCP_MAX_CONNS);
        queue[(queue_head + queue_count++) % TCP_MAX_CONNS] = a->next.conn;
        intr_restore(fl);
        sema_up(&waiting);
    }
}

static struct acceptor acceptor;

struct future *http_start(uint32_t head_bound_ms)
{
    head_ms = head_bound_ms;
    sema_init(&waiting, 0);
    if (tcp_listen(&netif, HTTP_PORT))
        panic("lab10: no room to listen on port %d", HTTP_PORT);
    for (int i = 0; i < HTTP_WORKERS; i++) {
        struct conn_io *io = kzalloc(sizeof *io);
        if (!io || !thread_create(worker, io, "http", THREAD_PRIO_DEFAULT))
            panic("lab10: no memory for the web server's workers");
    }
    acceptor.base.poll = acceptor_poll;
    return &acceptor.base;
}

uint32_t http_requests(void)
{
    return answered;
}
