/*
 * netif.c - the stack on the card: one lab 3 task owns it. Each poll sends
 * what the stack queued (awaiting room in the transmit ring), runs TCP's
 * clock every TCP_TICK_MS while a connection exists, and takes received
 * frames through net_input, then waits for whichever comes first: a frame
 * (the card's IRQ), room in the ring, the next tick (a sleep future, only
 * while TCP has a connection: an idle network wakes nothing), or more queued
 * output (a task that called TCP wakes it). The stack's send hook only
 * queues: it runs inside net_input and TCP calls, which cannot await. TCP
 * never queues more than the queue has room for (net.tx_room); anything else
 * that finds it full is dropped and counted.
 *
 * DHCP (dhcp.h) runs as a future of its own beside the task: the stack hands
 * it the datagrams for port 68 (net.udp_recv), and it configures the stack
 * when it is done, on the executor like every other use of the stack. Once
 * bound, a second future keeps the lease: it wakes at T1 and at each resend
 * (or for a reply), says each renewal in a line, and configures the stack
 * again when a lease lost (the client has already taken the address away) is
 * got back.
 */
#include "executor.h"
#include "interrupts.h"
#include "kprintf.h"
#include "kstring.h"
#include "netif.h"
#include "netsock.h"
#include "panic.h"
#include "x86.h"

#define OUTQ_LEN    64
#define TCP_TICK_MS 20

static struct {
    uint8_t frame[NET_FRAME_MAX];
    size_t len;
} outq[OUTQ_LEN];
static uint32_t outq_head, outq_count, outq_dropped;
static uint8_t rx_frame[NET_FRAME_MAX];
static struct tcp tcp;
static struct waker net_waker;          /* the net task's, for output queued by others */
struct net netif;

static void queue_frame(struct net *n, const uint8_t *frame, size_t len)
{
    (void)n;
    if (outq_count == OUTQ_LEN) {
        outq_dropped++;
        return;
    }
    uint32_t slot = (outq_head + outq_count++) % OUTQ_LEN;
    memcpy(outq[slot].frame, frame, len);
    outq[slot].len = len;
    waker_wake(net_waker);
}

static size_t queue_room(struct net *n)
{
    (void)n;
    return OUTQ_LEN - outq_count;
}

uint64_t netif_now_ms(void)
{
    return timer_ticks() * 1000 / timer_hz();
}

struct net_task {
    struct future base;
    struct netdev_rx_future rx;
    struct netdev_tx_future tx;
    struct sleep_future tick;
    bool tx_busy, rx_armed;
    uint64_t next_tick_ms;
};

/* Any connection with a timer that may run: only then does the task wake for the clock. */
static bool tcp_active(void)
{
    for (int i = 0; i < TCP_MAX_CONNS; i++)
        if (tcp.conn[i].state != TCP_FREE)
            return true;
    return false;
}

/* Hand queued frames to the card: false while one waits for room. */
static bool drain(struct net_task *t, struct context *cx)
{
    while (outq_count) {
        if (!t->tx_busy) {
            netdev_tx(&t->tx, outq[outq_head].frame, outq[outq_head].len);
            t->tx_busy = true;
        }
        if (future_poll(&t->tx.base, cx) == POLL_PENDING)
            return false;
        t->tx_busy = false;
        outq_head = (outq_head + 1) % OUTQ_LEN;
        outq_count--;
    }
    return true;
}

/* One step of work: true if it did something (poll again), false to wait. */
static bool step(struct net_task *t, struct context *cx)
{
    if (!drain(t, cx))
        return false;                   /* the ring is full: its IRQ wakes us */
    netif.now_ms = netif_now_ms();
    if (netif.now_ms >= t->next_tick_ms) {
        t->next_tick_ms = netif.now_ms + TCP_TICK_MS;
        tcp_tick(&netif);
        return true;
    }
    if (!t->rx_armed) {
        netdev_rx_next(&t->rx, rx_frame, sizeof rx_frame);
        t->rx_armed = true;
    }
    if (future_poll(&t->rx.base, cx) == POLL_READY) {
        t->rx_armed = false;
        net_input(&netif, rx_frame, t->rx.len);
        return true;
    }
    if (!tcp_active())
        return false;                   /* no TCP clock to run: only a frame wakes us */
    sleep_until_init(&t->tick, timer_ticks() + (TCP_TICK_MS * timer_hz() + 999) / 1000);
    return future_poll(&t->tick.base, cx) == POLL_READY;
}

static enum poll net_task_poll(struct future *self, struct context *cx)
{
    struct net_task *t = (struct net_task *)self;

    net_waker = cx->waker;
    while (step(t, cx))
        ;
    return POLL_PENDING;                /* it serves until the machine is powered off */
}

static struct net_task task;

struct future *netif_start(uint32_t ip, uint32_t netmask, uint32_t gateway)
{
    uint8_t mac[ETH_ALEN];

    assert(netdev_present());
    netdev_mac(mac);
    net_init(&netif, mac, ip, netmask, gateway);
    netif.send = queue_frame;
    netif.tx_room = queue_room;
    netif.now_ms = netif_now_ms();
    tcp_init(&netif, &tcp, (uint32_t)rdtsc());
    tcp.event = sock_event;
    if (gateway)
        arp_request(&netif, gateway);   /* learn the gateway before anyone asks */
    task.base.poll = net_task_poll;
    return &task.base;
}

uint32_t netif_tx_dropped(void)
{
    return outq_dropped;
}

/* ---- DHCP as a lab 3 future ---- */

static struct dhcp dhcp;
static struct atomic_waker dhcp_waker;

static bool dhcp_datagram(struct net *n, uint16_t sport, uint16_t dport, const uint8_t *data,
                          size_t len)
{
    (void)n;
    if (dport != DHCP_CLIENT_PORT)
        return false;
    dhcp_input(&dhcp, sport, data, len);
    atomic_waker_wake(&dhcp_waker);
    return true;
}

static void configure(uint32_t ip, uint32_t netmask, uint32_t gateway)
{
    netif.ip = ip;
    netif.netmask = netmask;
    netif.gateway = gateway;
    if (gateway)
        arp_request(&netif, gateway);
}

static enum poll dhcp_poll(struct future *self, struct context *cx)
{
    struct netif_dhcp_future *f = (struct netif_dhcp_future *)self;

    if (f->done)
        return POLL_READY;
    netif.now_ms = netif_now_ms();
    if (!f->started) {
        f->started = true;
        netif.udp_recv = dhcp_datagram;
        dhcp_start(&dhcp, &netif, (uint32_t)rdtsc(), f->t1_override_s);
    }
    for (;;) {
        dhcp_tick(&dhcp);
        if (dhcp.state == DHCP_BOUND || dhcp.state == DHCP_FAILED)
            break;
        atomic_waker_register(&dhcp_waker, cx);     /* a reply wakes us, or the resend time */
        uint64_t hz = timer_hz();
        sleep_until_init(&f->resend, (dhcp.resend_ms * hz + 999) / 1000);
        if (future_poll(&f->resend.base, cx) == POLL_PENDING)
            return POLL_PENDING;
        netif.now_ms = netif_now_ms();
    }
    if (dhcp.state == DHCP_BOUND)
        configure(dhcp.lease.ip, dhcp.lease.netmask, dhcp.lease.router);
    else
        configure(f->fallback_ip, f->fallback_netmask, f->fallback_gateway);
    f->done = true;
    return POLL_READY;
}

void netif_dhcp(struct netif_dhcp_future *f, uint32_t fallback_ip, uint32_t fallback_netmask,
                uint32_t fallback_gateway)
{
    f->base.poll = dhcp_poll;
    f->started = f->done = false;
    f->fallback_ip = fallback_ip;
    f->fallback_netmask = fallback_netmask;
    f->fallback_gateway = fallback_gateway;
    f->t1_override_s = 0;
    f->client = &dhcp;
}

/* ---- keeping the lease ---- */

static struct {
    struct future base;
    struct sleep_future wake;
    uint32_t extended, lost;            /* the client's counts already said */
} keeper;

static void say_lease(const char *what)
{
    const struct dhcp_lease *l = &dhcp.lease;
    const struct dhcp_stats *s = &dhcp.stats;

    kprintf("lab10: dhcp: %s %u.%u.%u.%u, lease %u s (renewals %u, rebinds %u, naks %u, "
            "lost %u, dropped %u)\n", what, l->ip >> 24, (l->ip >> 16) & 0xFF, (l->ip >> 8) & 0xFF,
            l->ip & 0xFF, l->lease_s, s->renewals, s->rebinds, s->naks, s->lost, dhcp_dropped(&dhcp));
}

/* What the client did since the last look, in a line each; the lease back in the stack. */
static void report(void)
{
    const struct dhcp_stats *s = &dhcp.stats;

    if (s->lost != keeper.lost) {
        keeper.lost = s->lost;
        kprintf("lab10: dhcp: lease lost: %s; no address until DHCP gives one\n", dhcp.why_lost);
    }
    if (dhcp.state == DHCP_BOUND && netif.ip == 0) {
        configure(dhcp.lease.ip, dhcp.lease.netmask, dhcp.lease.router);
        say_lease("bound again:");
    } else if (s->renewals + s->rebinds != keeper.extended) {
        keeper.extended = s->renewals + s->rebinds;
        say_lease("renewed");
    }
}

static enum poll keeper_poll(struct future *self, struct context *cx)
{
    (void)self;
    for (;;) {
        netif.now_ms = netif_now_ms();
        dhcp_tick(&dhcp);
        report();
        if (dhcp.state == DHCP_FAILED) {
            kprintf("lab10: dhcp: failed again: %s; the stack has no address\n", dhcp.why);
            return POLL_READY;
        }
        atomic_waker_register(&dhcp_waker, cx);     /* a reply wakes us, or the next time */
        if (dhcp.resend_ms == UINT64_MAX)
            return POLL_PENDING;                    /* an infinite lease: nothing to renew */
        uint64_t hz = timer_hz();
        sleep_until_init(&keeper.wake, (dhcp.resend_ms * hz + 999) / 1000);
        if (future_poll(&keeper.wake.base, cx) == POLL_PENDING)
            return POLL_PENDING;
    }
}

struct future *netif_dhcp_keep(void)
{
    assert(dhcp.state == DHCP_BOUND);
    keeper.base.poll = keeper_poll;
    keeper.extended = keeper.lost = 0;
    return &keeper.base;
}
