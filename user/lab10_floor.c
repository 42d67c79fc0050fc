/*
 * lab10_floor.c - stage 10's floors for make bench (grade/benchnet.py): the
 * card alone, with no stack, on the same emulator as the rows they sit under.
 *
 * txflood=MiB, under the GET row: that many MiB of payload go through the e1000's
 * transmit ring in full-size frames (14-byte header + 1500, 802.3's largest
 * without the CRC) with no stack at all: no TCP, no IP, no disk, one future
 * handing the same frame to netdev_tx as fast as the ring takes it, as the
 * net task's drain does. The frames go to a locally administered MAC nobody
 * has, with the IEEE's local experimental ethertype 0x88B5 (IEEE 802 Local
 * Experimental EtherType 1): QEMU's user network reads only ARP, IPv4 and
 * IPv6 and drops them; nothing leaves the host. "lab10: txflood: start" and
 * "lab10: txflood: done" bracket the work; the grader times between them.
 *
 * reflect, under the UDP echo row: every frame in is an IPv4 UDP datagram
 * to port 7 sent back with its MACs, addresses and ports swapped (no
 * checksum changes: each sum is the same with its halves swapped, RFC 1071),
 * or an ARP request for 10.0.2.15 answered (RFC 826), or dropped. One ARP
 * request for 10.0.2.2 at the start tells QEMU's user network our MAC.
 */
#include "cmdline.h"
#include "kprintf.h"
#include "kstring.h"
#include "panic.h"
#include "lab10_floor.h"
#include "net.h"
#include "netdev.h"
#include "thread.h"

CMDLINE_FLAG(reflect, "reflect", "no stack: send UDP datagrams to port 7 back as they came, "
             "until powered off (make bench's floor)");
CMDLINE_OPTION(txflood, "txflood", "txflood=MiB: send MiB (1-1024) of frames nobody takes through the "
               "transmit ring, no stack, then stop (make bench's floor)");

#define FLOOD_PAYLOAD 1500u
#define ETHERTYPE_LOCAL_EXPERIMENT 0x88B5u

struct flood {
    struct future base;
    struct netdev_tx_future tx;
    bool in_flight;                     /* tx holds the current frame */
    uint32_t frames_left;
    uint8_t frame[ETH_ALEN * 2 + 2 + FLOOD_PAYLOAD];
};
static struct flood flood;

/* The same frame again and again: each is READY once the ring holds it (its IRQ wakes us). */
static enum poll flood_poll(struct future *self, struct context *cx)
{
    struct flood *f = (struct flood *)self;

    while (f->frames_left) {
        if (!f->in_flight) {
            netdev_tx(&f->tx, f->frame, sizeof f->frame);
            f->in_flight = true;
        }
        if (future_poll(&f->tx.base, cx) == POLL_PENDING)
            return POLL_PENDING;
        f->in_flight = false;
        f->frames_left--;
    }
    return POLL_READY;
}

uint32_t txflood_option(void)
{
    return (uint32_t)cmdline_uint("txflood", 0, 1, 1024);
}

void txflood(uint32_t mib)
{
    static const uint8_t nobody[ETH_ALEN] = { 0x02, 0, 0, 0, 0xCA, 0x1B };   /* locally administered */
    uint8_t *h = flood.frame;

    memcpy(h, nobody, ETH_ALEN);
    netdev_mac(h + ETH_ALEN);
    h[12] = ETHERTYPE_LOCAL_EXPERIMENT >> 8;
    h[13] = ETHERTYPE_LOCAL_EXPERIMENT & 0xFF;
    for (uint32_t i = 0; i < FLOOD_PAYLOAD; i++)
        h[14 + i] = (uint8_t)(i * 131 + 7);
    uint64_t bytes = (uint64_t)mib << 20;
    flood.frames_left = (uint32_t)((bytes + FLOOD_PAYLOAD - 1) / FLOOD_PAYLOAD);
    uint32_t frames = flood.frames_left;
    flood.base.poll = flood_poll;
    kprintf("lab10: txflood: start\n");
    thread_await(&flood.base);
    struct netdev_stats s = netdev_stats();
    kprintf("lab10: txflood: done: %u frames of %u payload bytes (%u ring-full waits)\n", frames,
            FLOOD_PAYLOAD, s.tx_full);
}

/* ---- reflect ---- */

#define GUEST NET_IP(10, 0, 2, 15)
#define GATEWAY NET_IP(10, 0, 2, 2)

bool reflect_option(void)
{
    return cmdline_flag("reflect");
}

static void swap(uint8_t *a, uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

/* An ARP frame of op from us (10.0.2.15) to tpa, tha, into f: its length. */
static size_t arp_frame(uint8_t *f, uint16_t op, const uint8_t *dst, const uint8_t *tha, uint32_t tpa)
{
    memcpy(f, dst, ETH_ALEN);
    netdev_mac(f + ETH_ALEN);
    put16(f + 12, ETH_TYPE_ARP);
    put16(f + 14, 1);                   /* Ethernet */
    put16(f + 16, ETH_TYPE_IPV4);
    f[18] = ETH_ALEN;
    f[19] = 4;
    put16(f + 20, op);
    netdev_mac(f + 22);
    put32(f + 28, GUEST);
    memcpy(f + 32, tha, ETH_ALEN);
    put32(f + 38, tpa);
    return 42;
}

/* The frame's answer in place: its length, or 0 to drop it. */
static size_t answer(uint8_t *f, size_t len)
{
    uint16_t type = len >= 14 ? get16(f + 12) : 0;

    if (type == ETH_TYPE_ARP && len >= 42 && get16(f + 20) == 1 && get32(f + 38) == GUEST) {
        uint8_t asker[ETH_ALEN];
        memcpy(asker, f + 22, ETH_ALEN);
        return arp_frame(f, 2, asker, asker, get32(f + 28));
    }
    uint8_t *ip = f + 14, *udp = ip + 20;
    if (type != ETH_TYPE_IPV4 || len < 42 || ip[0] != 0x45 || ip[9] != 17 || get16(udp + 2) != 7)
        return 0;
    swap(f, f + ETH_ALEN, ETH_ALEN);
    swap(ip + 12, ip + 16, 4);
    swap(udp, udp + 2, 2);
    return len;
}

/* One task, as the net task is (no thread switch per frame): take a frame, answer it. */
static struct reflector {
    struct future base;
    struct netdev_rx_future rx;
    struct netdev_tx_future tx;
    bool rx_armed, tx_busy;
    uint8_t f[ETH_FRAME_MAX];
} refl;

static enum poll reflect_poll(struct future *self, struct context *cx)
{
    struct reflector *r = (struct reflector *)self;

    for (;;) {
        if (r->tx_busy) {
            if (future_poll(&r->tx.base, cx) == POLL_PENDING)
                return POLL_PENDING;
            r->tx_busy = false;
        }
        if (!r->rx_armed) {
            netdev_rx_next(&r->rx, r->f, sizeof r->f);
            r->rx_armed = true;
        }
        if (future_poll(&r->rx.base, cx) == POLL_PENDING)
            return POLL_PENDING;
        r->rx_armed = false;
        size_t len = answer(r->f, r->rx.len);
        if (len) {
            netdev_tx(&r->tx, r->f, len);
            r->tx_busy = true;
        }
    }
}

void reflect(void)
{
    static const uint8_t everyone[ETH_ALEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
    size_t len = arp_frame(refl.f, 1, everyone, (const uint8_t[ETH_ALEN]){ 0 }, GATEWAY);

    netdev_tx(&refl.tx, refl.f, len);
    thread_await(&refl.tx.base);
    kprintf("lab10: ready: reflecting UDP to port 7, no stack\n");
    refl.base.poll = reflect_poll;
    thread_await(&refl.base);           /* it never ends: the machine is powered off */
    panic("lab10: the reflector stopped");
}
