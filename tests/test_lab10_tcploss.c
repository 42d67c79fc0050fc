/*
 * test_lab10_tcploss.c - lab 10's TCP over a hostile fake wire: a seeded
 * share of the segments each way is lost, duplicated or held back and
 * delivered after later ones, at every step of a transfer both ways, on a
 * fake clock. Every byte must arrive once and in order within a bounded
 * number of steps, for many seeds; the retransmission timer must be what
 * recovers (the counters say so).
 */
#include "host.h"
#include "lab10_tcpwire.h"

#define STREAM   60000                  /* bytes each way */
#define STEP_MS  10
#define MAX_STEPS 200000
#define HELD_MAX 4

static struct net n;
static struct tcp t;
static uint8_t down[STREAM], up[STREAM];    /* guest -> client, client -> guest */
static uint8_t got_down[STREAM], got_up[STREAM];

static struct {
    uint32_t rcv_nxt;                   /* the client's receive side (guest's stream) */
    uint32_t snd_base, snd_una, snd_nxt;    /* its send side: go-back-N, window 4 KiB */
    uint64_t rtx_at;
    uint32_t down_len, up_acked;
    uint8_t held[HELD_MAX][NET_FRAME_MAX];
    size_t held_len[HELD_MAX];
    int nheld;
} cl;

/* The wire toward the guest: lose, duplicate or hold back a client frame. */
static void to_guest(int loss, uint8_t flags, uint32_t seq, const uint8_t *data, size_t len)
{
    int r = rand() % 100;
    if (r < loss)
        return;
    peer_send(&n, CLIENT_PORT, flags, seq, cl.rcv_nxt, 65535, data, len);
    if (r < 2 * loss)
        peer_send(&n, CLIENT_PORT, flags, seq, cl.rcv_nxt, 65535, data, len);
}

/* The client reads one guest segment: in-order data kept, ACKs taken, an ACK back. */
static void client_takes(int loss, const struct seg_out *s)
{
    if (s->flags == 0xFF || !s->csum_ok)
        return;
    if (s->seq == cl.rcv_nxt && s->len && cl.down_len + s->len <= STREAM) {
        memcpy(got_down + cl.down_len, s->data, s->len);
        cl.down_len += s->len;
        cl.rcv_nxt += s->len;
    }
    if ((s->flags & F_ACK) && seq_gt(s->ack, cl.snd_una) && seq_le(s->ack, cl.snd_nxt)) {
        cl.snd_una = s->ack;
        cl.rtx_at = n.now_ms + 300;
    }
    if (s->len)
        to_guest(loss, F_ACK, cl.snd_nxt, 0, 0);
}

/* Frames the guest sent this step go through the wire: some lost, some held back a while. */
static void deliver_guest_frames(int loss)
{
    static uint8_t copy[WIRE_MAX][NET_FRAME_MAX];
    static size_t clen[WIRE_MAX];
    int k = wire.n < WIRE_MAX ? wire.n : WIRE_MAX;
    for (int i = 0; i < k; i++) {
        memcpy(copy[i], wire.frame[i], wire.len[i]);
        clen[i] = wire.len[i];
    }
    wire.n = 0;
    for (int i = 0; i < k; i++) {
        int r = rand() % 100;
        if (r < loss)
            continue;
        if (r < 2 * loss && cl.nheld < HELD_MAX) {          /* reordered: comes later */
            memcpy(cl.held[cl.nheld], copy[i], clen[i]);
            cl.held_len[cl.nheld++] = clen[i];
            continue;
        }
        memcpy(wire.frame[0], copy[i], clen[i]);
        wire.n = 1;
        struct seg_out s = seg_at(0);
        wire.n = 0;
        client_takes(loss, &s);
    }
}

static void release_held(int loss)
{
    for (int i = 0; i < cl.nheld; i++) {
        memcpy(wire.frame[0], cl.held[i], cl.held_len[i]);
        wire.n = 1;
        struct seg_out s = seg_at(0);
        wire.n = 0;
        client_takes(loss, &s);
    }
    cl.nheld = 0;
}

/* The client's sender: up to 4 KiB past snd_una, all again when its timer runs out. */
static void client_sends(int loss)
{
    if (n.now_ms >= cl.rtx_at)
        cl.snd_nxt = cl.snd_una;
    uint32_t end = cl.snd_base + STREAM;
    while (seq_lt(cl.snd_nxt, end) && cl.snd_nxt - cl.snd_una < 4096) {
        uint32_t off = cl.snd_nxt - cl.snd_base, len = end - cl.snd_nxt;
        len = len < 1000 ? len : 1000;
        to_guest(loss, F_ACK, cl.snd_nxt, up + off, len);
        cl.snd_nxt += len;
        cl.rtx_at = n.now_ms + 300;
    }
}

static int transfer(unsigned seed, int loss)
{
    srand(seed);
    memset(&cl, 0, sizeof cl);
    wire_setup(&n);
    arp_learn(&n, PEER_IP, peer_mac);
    tcp_init(&n, &t, 0xFFFF0000u + seed);   /* wraps during the transfer */
    tcp_listen(&n, 80);
    cl.snd_base = 0xFFFFF000u;
    peer_send(&n, CLIENT_PORT, F_SYN, cl.snd_base - 1, 0, 65535, 0, 0);
    struct seg_out sa = last_seg();
    cl.rcv_nxt = sa.seq + 1;
    cl.snd_una = cl.snd_nxt = cl.snd_base;
    wire.n = 0;
    peer_send(&n, CLIENT_PORT, F_ACK, cl.snd_base, cl.rcv_nxt, 65535, 0, 0);
    struct tcp_conn *c = tcp_accept(&n, 80);
    if (!c)
        return -1;
    uint32_t sent = 0, read = 0;
    for (int step = 0; step < MAX_STEPS; step++) {
        if (sent < STREAM) {
            int k = tcp_send(&n, c, down + sent, STREAM - sent);
            sent += k > 0 ? (uint32_t)k : 0;
        }
        int k = tcp_recv(&n, c, got_up + read, STREAM - read);
        read += k > 0 ? (uint32_t)k : 0;
        client_sends(loss);
        deliver_guest_frames(loss);
        if (step % 7 == 0)
            release_held(loss);
        n.now_ms += STEP_MS;
        tcp_tick(&n);
        deliver_guest_frames(loss);
        if (cl.down_len == STREAM && read == STREAM && cl.snd_una == cl.snd_base + STREAM)
            return step;
    }
    return -1;
}

TEST(lossy_wire_delivers_every_byte_in_order)
{
    for (uint32_t i = 0; i < STREAM; i++) {
        down[i] = (uint8_t)(i * 7 + 3);
        up[i] = (uint8_t)(i * 13 + 1);
    }
    uint32_t ooo = 0;
    for (unsigned seed = 1; seed <= 12; seed++) {
        int loss = 5 + (int)(seed % 4) * 5;                 /* 5 to 20 % */
        memset(got_down, 0, sizeof got_down);
        memset(got_up, 0, sizeof got_up);
        int steps = transfer(seed, loss);
        if (steps < 0)
            printf("  seed %u (%d%% lost): unfinished: %u of %d bytes down, %s, %u timeouts, "
                   "up acked %u\n", seed, loss, cl.down_len, STREAM, tcp_state_name(t.conn[0].state),
                   t.stats.timeouts, cl.snd_una - cl.snd_base);
        CHECK(steps >= 0);
        CHECK(memcmp(got_down, down, STREAM) == 0);
        CHECK(memcmp(got_up, up, STREAM) == 0);
        CHECK(t.stats.retransmits + t.stats.fast_retransmits > 0);
        ooo += t.stats.out_of_order;
    }
    CHECK(ooo > 0);                     /* the wire did reorder, and it was survived */
}

int main(void)
{
    RUN(lossy_wire_delivers_every_byte_in_order);
    return host_summary("lab10 tcploss");
}
