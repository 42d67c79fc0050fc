/*
 * test_lab10_tcploss.c - lab 10's TCP over a hostile fake wire, on a fake
 * clock: each way a seeded share of the frames is lost, duplicated or held
 * back (delivered after later ones), every frame the guest sends goes on the
 * wire (a burst of a whole window too: the wire holds LINK_MAX frames and
 * counts any it had no room for, which must be none), and the peer answers
 * every ARP request, as QEMU's user network does; the guest's cache entry for
 * it runs out during the transfer. Every byte both ways must arrive once and in
 * order, for many seeds, and the retransmission timer must keep RFC 6298
 * throughout: each expiry doubles the RTO (5.5), and nothing else changes it
 * but a new RTT sample (2.2-2.3), which is never of a segment sent twice
 * (Karn's rule, 3; the note after 5.7).
 */
#include "host.h"
#include "lab10_tcpwire.h"

#define STREAM    60000                 /* bytes each way */
#define STEP_MS   10
#define MAX_STEPS 400000                /* 4000 s: of 200 seeds the slowest took 1700 s */
#define LINK_MAX  256                   /* frames in flight one way: 8 windows of the guest's */
#define DELAY_MS  10                    /* one way */

static struct net n;
static struct tcp t;
static uint8_t down[STREAM], up[STREAM];    /* guest -> client, client -> guest */
static uint8_t got_down[STREAM], got_up[STREAM];
static uint8_t sent_times[STREAM];          /* how often the guest sent each byte */

struct link {                           /* one direction of the wire */
    uint8_t frame[LINK_MAX][NET_FRAME_MAX];
    size_t len[LINK_MAX];
    uint64_t due[LINK_MAX];
    int n;
    uint32_t overflow;                  /* frames it had no room for */
};
static struct link to_client, to_guest;
static int loss;                        /* % lost; as many duplicated, as many held back */

static struct {
    uint32_t g_base;                    /* the guest's first data byte's number */
    uint32_t rcv_nxt;                   /* the client's receive side (the guest's stream) */
    uint32_t snd_base, snd_una, snd_nxt;    /* its send side: go-back-N, window 4 KiB */
    uint64_t rtx_at;
    uint32_t down_len, arp_answered;
} cl;

static struct {                         /* the guest's timer as last seen */
    uint32_t rto, srtt, rttvar, timeouts, rtt_seq;
    bool valid, timing;
    int violations;
} seen;

/* One frame onto l: lost, held back 10-60 ms, doubled, or on time, by the seeded dice. */
static void link_put(struct link *l, const uint8_t *f, size_t len)
{
    int r = rand() % 100;
    int copies = r >= 2 * loss && r < 3 * loss ? 2 : 1;
    uint64_t due = n.now_ms + DELAY_MS + (r >= loss && r < 2 * loss ? 10 * (1 + rand() % 6) : 0);
    if (r < loss)
        return;
    for (int i = 0; i < copies; i++) {
        if (l->n == LINK_MAX) {
            l->overflow++;
            return;
        }
        memcpy(l->frame[l->n], f, len);
        l->len[l->n] = len;
        l->due[l->n++] = due;
    }
}

/* The guest's send hook: every frame onto the wire; its data bytes counted. */
static void guest_sends(struct net *net, const uint8_t *f, size_t len)
{
    (void)net;
    struct seg_out s = seg_parse(f);
    for (uint32_t i = 0, off = s.seq - cl.g_base; s.flags != 0xFF && i < s.len; i++)
        if (off + i < STREAM && sent_times[off + i] < 255)
            sent_times[off + i]++;
    link_put(&to_client, f, len);
}

static void client_acks(void)
{
    static uint8_t f[NET_FRAME_MAX];
    link_put(&to_guest, f, peer_frame(f, CLIENT_PORT, F_ACK, cl.snd_nxt, cl.rcv_nxt, 65535, 0, 0));
}

/* The client reads one frame of the guest's: ARP answered; in-order data kept, ACKs taken. */
static void client_takes(const uint8_t *f)
{
    static uint8_t reply[64];
    if (wire_asks_for_peer(f)) {
        cl.arp_answered++;
        link_put(&to_guest, reply, wire_arp_reply(reply));
        return;
    }
    struct seg_out s = seg_parse(f);
    if (s.flags == 0xFF || !s.csum_ok)
        return;
    if (s.seq == cl.rcv_nxt && s.len && cl.down_len + s.len <= STREAM) {
        memcpy(got_down + cl.down_len, s.data, s.len);
        cl.down_len += s.len;
        cl.rcv_nxt += s.len;
    }
    if ((s.flags & F_ACK) && seq_gt(s.ack, cl.snd_una) && seq_le(s.ack, cl.snd_nxt)) {
        cl.snd_una = s.ack;
        cl.rtx_at = n.now_ms + 300;
    }
    if (s.len)
        client_acks();
}

static void remember_timer(const struct tcp_conn *c)
{
    seen.rto = c->rto;
    seen.srtt = c->srtt;
    seen.rttvar = c->rttvar;
    seen.valid = c->rtt_valid;
    seen.timing = c->rtt_timing;
    seen.rtt_seq = c->rtt_seq;
    seen.timeouts = t.stats.timeouts;
}

/* RFC 6298 as the guest's connection shows it after each event. */
static void watch_timer(const struct tcp_conn *c)
{
    bool sampled = c->srtt != seen.srtt || c->rttvar != seen.rttvar || c->rtt_valid != seen.valid ||
                   (seen.timing && !c->rtt_timing && seq_gt(c->snd_una, seen.rtt_seq));
    uint32_t doubled = 2 * seen.rto < TCP_RTO_MAX_MS ? 2 * seen.rto : TCP_RTO_MAX_MS;
    const char *wrong = 0;
    if (t.stats.timeouts != seen.timeouts && c->rto != doubled)
        wrong = "an expiry did not double the RTO (5.5)";
    else if (t.stats.timeouts == seen.timeouts && c->rto != seen.rto && !sampled)
        wrong = "the RTO changed with no expiry and no new sample (backoff undone)";
    else if (sampled && (!seen.timing || seen.rtt_seq - cl.g_base >= STREAM ||
                         sent_times[seen.rtt_seq - cl.g_base] != 1))
        wrong = "an RTT sample of a segment sent more than once (Karn)";
    if (wrong && seen.violations++ == 0)
        printf("  at %llu ms: %s: RTO %u -> %u, %u timeouts\n", (unsigned long long)n.now_ms,
               wrong, seen.rto, c->rto, t.stats.timeouts);
    remember_timer(c);
}

/* Every frame of l due by now, in the order sent (held ones come later than their turn). */
static void deliver(struct link *l, bool guest, const struct tcp_conn *c)
{
    int kept = 0;
    for (int i = 0; i < l->n; i++) {
        if (l->due[i] > n.now_ms) {
            memmove(l->frame[kept], l->frame[i], l->len[i]);
            l->len[kept] = l->len[i];
            l->due[kept++] = l->due[i];
        } else if (guest) {
            net_input(&n, l->frame[i], l->len[i]);
            watch_timer(c);
        } else {
            client_takes(l->frame[i]);
        }
    }
    l->n = kept;
}

/* The client's sender: up to 4 KiB past snd_una, all again when its timer runs out. */
static void client_sends(void)
{
    static uint8_t f[NET_FRAME_MAX];
    if (n.now_ms >= cl.rtx_at)
        cl.snd_nxt = cl.snd_una;
    uint32_t end = cl.snd_base + STREAM;
    while (seq_lt(cl.snd_nxt, end) && cl.snd_nxt - cl.snd_una < 4096) {
        uint32_t off = cl.snd_nxt - cl.snd_base, len = end - cl.snd_nxt;
        len = len < 1000 ? len : 1000;
        link_put(&to_guest, f, peer_frame(f, CLIENT_PORT, F_ACK, cl.snd_nxt, cl.rcv_nxt, 65535,
                                          up + off, len));
        cl.snd_nxt += len;
        cl.rtx_at = n.now_ms + 300;
    }
}

/* The handshake, on a wire that loses nothing: the guest's connection. */
static struct tcp_conn *connect_client(unsigned seed)
{
    wire_setup(&n);
    arp_learn(&n, PEER_IP, peer_mac);
    n.now_ms += ARP_TTL_MS - 2000;      /* the entry runs out 2 s in: the guest must ask */
    tcp_init(&n, &t, 0xFFFF0000u + seed);   /* wraps during the transfer */
    tcp_listen(&n, 80);
    cl.snd_base = 0xFFFFF000u;
    peer_send(&n, CLIENT_PORT, F_SYN, cl.snd_base - 1, 0, 65535, 0, 0);
    struct seg_out sa = last_seg();
    cl.rcv_nxt = cl.g_base = sa.seq + 1;
    cl.snd_una = cl.snd_nxt = cl.snd_base;
    n.now_ms += 2 * DELAY_MS;           /* the first RTT sample: not 0, so later ones show */
    peer_send(&n, CLIENT_PORT, F_ACK, cl.snd_base, cl.rcv_nxt, 65535, 0, 0);
    n.send = guest_sends;
    struct tcp_conn *c = tcp_accept(&n, 80);
    if (c)
        remember_timer(c);
    return c;
}

static int transfer(unsigned seed)
{
    srand(seed);
    memset(&cl, 0, sizeof cl);
    memset(&seen, 0, sizeof seen);
    memset(sent_times, 0, sizeof sent_times);
    to_client.n = to_guest.n = 0;
    to_client.overflow = to_guest.overflow = 0;
    struct tcp_conn *c = connect_client(seed);
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
        client_sends();
        n.now_ms += STEP_MS;
        deliver(&to_client, false, c);
        deliver(&to_guest, true, c);
        tcp_tick(&n);
        watch_timer(c);
        if (cl.down_len == STREAM && read == STREAM && cl.snd_una == cl.snd_base + STREAM)
            return step;
    }
    return -1;
}

TEST(lossy_wire_delivers_every_byte_in_order_on_rfc_6298s_timer)
{
    for (uint32_t i = 0; i < STREAM; i++) {
        down[i] = (uint8_t)(i * 7 + 3);
        up[i] = (uint8_t)(i * 13 + 1);
    }
    uint32_t ooo = 0, arp = 0;
    for (unsigned seed = 1; seed <= 12; seed++) {
        loss = 5 + (int)(seed % 4) * 5;                     /* 5 to 20 % */
        memset(got_down, 0, sizeof got_down);
        memset(got_up, 0, sizeof got_up);
        int steps = transfer(seed);
        if (steps < 0)
            printf("  seed %u (%d%% lost): unfinished: %u of %d bytes down, %s, %u timeouts, "
                   "up acked %u\n", seed, loss, cl.down_len, STREAM, tcp_state_name(t.conn[0].state),
                   t.stats.timeouts, cl.snd_una - cl.snd_base);
        CHECK(steps >= 0);
        CHECK(memcmp(got_down, down, STREAM) == 0);
        CHECK(memcmp(got_up, up, STREAM) == 0);
        CHECK(t.stats.retransmits + t.stats.fast_retransmits > 0);
        CHECK_EQ(seen.violations, 0);
        CHECK_EQ(to_client.overflow + to_guest.overflow, 0);   /* the wire dropped only by chance */
        ooo += t.stats.out_of_order;
        arp += cl.arp_answered;
    }
    CHECK(ooo > 0);                     /* the wire did reorder, and it was survived */
    CHECK(arp > 0);                     /* the cache ran out, and the guest asked again */
}

int main(void)
{
    RUN(lossy_wire_delivers_every_byte_in_order_on_rfc_6298s_timer);
    return host_summary("lab10 tcploss");
}
