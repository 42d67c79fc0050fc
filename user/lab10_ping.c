/*
 * lab10_ping.c - stage 10's ping=ADDR: PING_COUNT ICMP echo requests to ADDR
 * (RFC 792), one at a time, each waiting PING_WAIT_MS for its reply, as a
 * task on the executor beside the net task (which owns the stack; this task
 * only runs between its polls). One line at the end: how many came back.
 */
#include "executor.h"
#include "kprintf.h"
#include "lab10_ping.h"
#include "netif.h"
#include "sleep.h"

#define PING_COUNT   3
#define PING_WAIT_MS 1000
#define PING_ID      0xCA1B
#define PING_DATA    56                 /* as ping(8) sends */
#define ARP_RETRY_MS 10                 /* the first request waits for ARP's answer */

struct ping {
    struct future base;
    int lc;
    uint32_t dst;
    uint16_t seq, replied_seq;
    int replies, tries;
    struct sleep_future wait;
    struct reply_future {               /* READY at the reply or at the deadline */
        struct future base;
        struct sleep_future deadline;
    } reply;
    struct waker waker;                 /* the reply's wake (the hook runs in the net task) */
};
static struct ping ping;

static void echo_reply(struct net *n, uint32_t src, uint16_t id, uint16_t seq)
{
    (void)n;
    if (src == ping.dst && id == PING_ID) {
        ping.replied_seq = seq;
        waker_wake(ping.waker);
    }
}

static enum poll reply_poll(struct future *self, struct context *cx)
{
    struct reply_future *r = (struct reply_future *)self;

    ping.waker = cx->waker;             /* first: a reply that comes now wakes us */
    if (ping.replied_seq == ping.seq)
        return POLL_READY;
    return future_poll(&r->deadline.base, cx);
}

static enum poll ping_poll(struct future *self, struct context *cx)
{
    struct ping *p = (struct ping *)self;

    ASYNC_BEGIN(p);
    for (p->seq = 1; p->seq <= PING_COUNT; p->seq++) {
        for (p->tries = 0; !icmp_echo_request(&netif, p->dst, PING_ID, p->seq, PING_DATA); p->tries++) {
            if (p->tries == PING_WAIT_MS / ARP_RETRY_MS)
                break;                  /* nobody answers ARP for it */
            sleep_ms_init(&p->wait, ARP_RETRY_MS);      /* asked ARP first: again soon */
            AWAIT(p, &p->wait);
        }
        p->reply.base.poll = reply_poll;
        sleep_ms_init(&p->reply.deadline, PING_WAIT_MS);
        AWAIT(p, &p->reply);
        p->replies += p->replied_seq == p->seq;
    }
    kprintf("lab10: ping %u.%u.%u.%u: %d of %d replies\n", p->dst >> 24, (p->dst >> 16) & 0xFF,
            (p->dst >> 8) & 0xFF, p->dst & 0xFF, p->replies, PING_COUNT);
    ASYNC_END(p);
}

struct future *ping_start(uint32_t dst)
{
    ping.base.poll = ping_poll;
    ASYNC_INIT(&ping);
    ping.dst = dst;
    netif.echo_reply = echo_reply;
    return &ping.base;
}
