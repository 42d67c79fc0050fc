/*
 * netif.c - the stack on the card: one lab 3 task that awaits the next
 * frame (netdev_rx_next), runs it through net_input, and awaits room in the
 * transmit ring for each frame the stack queued in answer. The stack's send
 * hook only queues (it runs inside net_input, which cannot await); a full
 * queue drops the frame and counts it.
 */
#include "executor.h"
#include "interrupts.h"
#include "kstring.h"
#include "netif.h"
#include "panic.h"
#include "thread.h"

#define OUTQ_LEN 8

static struct {
    uint8_t frame[NET_FRAME_MAX];
    size_t len;
} outq[OUTQ_LEN];
static uint32_t outq_head, outq_count, outq_dropped;
static uint8_t rx_frame[NET_FRAME_MAX];
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
}

uint64_t netif_now_ms(void)
{
    return timer_ticks() * 1000 / timer_hz();
}

struct net_task {
    struct future base;
    int lc;
    struct netdev_rx_future rx;
    struct netdev_tx_future tx;
};

static enum poll net_task_poll(struct future *self, struct context *cx)
{
    struct net_task *t = (struct net_task *)self;

    ASYNC_BEGIN(t);
    for (;;) {
        while (outq_count) {
            netdev_tx(&t->tx, outq[outq_head].frame, outq[outq_head].len);
            AWAIT(t, &t->tx);
            outq_head = (outq_head + 1) % OUTQ_LEN;
            outq_count--;
        }
        netdev_rx_next(&t->rx, rx_frame, sizeof rx_frame);
        AWAIT(t, &t->rx);
        netif.now_ms = netif_now_ms();
        net_input(&netif, rx_frame, t->rx.len);
    }
    ASYNC_END(t);
}

static struct net_task task;

struct future *netif_start(uint32_t ip, uint32_t netmask, uint32_t gateway)
{
    uint8_t mac[ETH_ALEN];

    assert(netdev_present());
    netdev_mac(mac);
    net_init(&netif, mac, ip, netmask, gateway);
    netif.send = queue_frame;
    netif.now_ms = netif_now_ms();
    arp_request(&netif, gateway);       /* learn the gateway before anyone asks */
    task.base.poll = net_task_poll;
    ASYNC_INIT(&task);
    return &task.base;
}

uint32_t netif_tx_dropped(void)
{
    return outq_dropped;
}
