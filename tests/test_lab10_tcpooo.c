/*
 * test_lab10_tcpooo.c - lab 10's out-of-order receive queue (tcpooo.c, with
 * tcprecv.c's RFC 9293 3.10.7.4) on the fake wire and clock: segments cut at
 * random, shuffled, duplicated and overlapping, delivered exactly once and in
 * order, every one past a hole answered with a duplicate ACK (RFC 5681 4.2);
 * the stated bound of TCP_OOO_RANGES ranges (one more is dropped and counted,
 * one that joins two is kept); a FIN past a hole taken only when the hole
 * fills; ranges that cross 2^32; the window's right edge (a segment cut at it,
 * a FIN at it); and a wire that only reorders costs a go-back-N peer no
 * retransmission at all (without the queue, each held frame cost a timeout).
 */
#include "host.h"
#include "lab10_tcpwire.h"

#define STREAM 6000                     /* bytes: less than the window, so all may come ahead */

static struct net n;
static struct tcp t;
static struct peer p;
static uint8_t bytes[40000], got[40000];

static struct tcp_conn *open_at(uint32_t isn)
{
    wire_setup(&n);
    arp_learn(&n, PEER_IP, peer_mac);
    tcp_init(&n, &t, 0x1000);
    tcp_listen(&n, 80);
    p.port = CLIENT_PORT;
    struct tcp_conn *c = peer_connect(&n, &p, isn, 10);
    CHECK(c != 0);
    return c;
}

/* len bytes of the stream from offset off (p.seq is offset 0), flags added to ACK: the guest's answer. */
static struct seg_out send_part(uint32_t off, uint32_t len, uint8_t flags)
{
    wire.n = 0;
    peer_send(&n, p.port, F_ACK | flags, p.seq + off, p.gseq, 65535, bytes + off, len);
    return wire.n ? last_seg() : (struct seg_out){ .flags = 0xFF };
}

/* Offsets [from, to) in order, 1000 bytes a segment: the guest's last answer. */
static struct seg_out send_range(uint32_t from, uint32_t to)
{
    struct seg_out a = { .flags = 0xFF };
    for (uint32_t off = from; off < to; off += 1000)
        a = send_part(off, to - off < 1000 ? to - off : 1000, 0);
    return a;
}

static void fill_bytes(unsigned seed)
{
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (uint8_t)(i * 31 + seed);
}

/* The stream cut at random into pieces, each sent in a shuffled order, some twice and some
 * re-cut to overlap their neighbours, until all is acknowledged; reads now and then. */
static void shuffled_delivery(uint32_t isn, unsigned seed)
{
    struct tcp_conn *c = open_at(isn);
    uint32_t cut[STREAM + 1], pieces = 0, read = 0;
    srand(seed);
    fill_bytes(seed);
    for (uint32_t at = 0; at < STREAM; at += 1 + (uint32_t)rand() % 300)
        cut[pieces++] = at;
    cut[pieces] = STREAM;
    uint32_t acked = 0, dup_ack_wrong = 0;
    for (int round = 0; round < 50 && acked < STREAM; round++) {
        for (uint32_t k = 0; k < 2 * pieces; k++) {
            uint32_t i = (uint32_t)rand() % pieces, from = cut[i], to = cut[i + 1];
            if (rand() % 4 == 0)        /* overlap: from a bit before to a bit after */
                from = from > 50 ? from - 50 : 0, to = to + 50 < STREAM ? to + 50 : STREAM;
            uint32_t before = c->rcv_nxt - p.seq;
            struct seg_out a = send_part(from, to - from, 0);
            if (from > before)          /* past a hole: the ACK is for what was had */
                dup_ack_wrong += a.flags == 0xFF || a.ack != p.seq + before;
            acked = a.flags == 0xFF ? acked : a.ack - p.seq;
            if (rand() % 8 == 0) {
                int k2 = tcp_recv(&n, c, got + read, STREAM - read);
                read += k2 > 0 ? (uint32_t)k2 : 0;
            }
        }
    }
    int k2 = tcp_recv(&n, c, got + read, STREAM - read);
    read += k2 > 0 ? (uint32_t)k2 : 0;
    CHECK_EQ(acked, STREAM);
    CHECK_EQ(read, STREAM);
    CHECK(memcmp(got, bytes, STREAM) == 0);
    CHECK_EQ(dup_ack_wrong, 0);
    CHECK(t.stats.out_of_order > 0);
    CHECK_EQ(c->ooo_count, 0);
}

TEST(shuffled_duplicated_overlapping_segments_arrive_once_in_order)
{
    for (unsigned seed = 1; seed <= 20; seed++)
        shuffled_delivery(1000 * seed, seed);
}

TEST(ranges_across_2_to_the_32)
{
    static const uint32_t isn[] = { 0xFFFFFFFFu - 3000, 0xFFFFFFFFu - 1, 0xFFFFFFFFu, 0x7FFFFFFFu - 3000 };
    for (unsigned i = 0; i < sizeof isn / sizeof isn[0]; i++)
        shuffled_delivery(isn[i], 100 + i);
}

TEST(a_range_past_the_stated_bound_is_dropped_and_counted)
{
    struct tcp_conn *c = open_at(0xFFFFFFF8u);  /* the ranges straddle 2^32 */
    fill_bytes(7);
    for (uint32_t off = 2; off <= 2 * TCP_OOO_RANGES; off += 2)
        CHECK_EQ(send_part(off, 1, 0).ack, p.seq);      /* kept: 2, 4, 6, 8 */
    CHECK_EQ(c->ooo_count, TCP_OOO_RANGES);
    CHECK_EQ(send_part(2 * TCP_OOO_RANGES + 2, 1, 0).ack, p.seq);     /* a 5th: dropped */
    CHECK_EQ(t.stats.ooo_dropped, 1);
    CHECK_EQ(send_part(5, 1, 0).ack, p.seq);            /* joins 4 and 6: kept */
    CHECK_EQ(c->ooo_count, TCP_OOO_RANGES - 1);
    CHECK_EQ(send_part(2 * TCP_OOO_RANGES + 2, 1, 0).ack, p.seq);     /* room again */
    CHECK_EQ(c->ooo_count, TCP_OOO_RANGES);
    CHECK_EQ(t.stats.ooo_dropped, 1);
    CHECK_EQ(send_part(0, 2, 0).ack, p.seq + 3);        /* up to the hole at 3 */
    CHECK_EQ(send_part(3, 1, 0).ack, p.seq + 7);        /* 3 joins 4-6 */
    CHECK_EQ(send_part(7, 3, 0).ack, p.seq + 11);       /* over 8 and 10: every range gone */
    CHECK_EQ(c->ooo_count, 0);
    CHECK_EQ(tcp_recv(&n, c, got, sizeof got), 11);
    CHECK(memcmp(got, bytes, 11) == 0);
}

TEST(a_fin_past_a_hole_is_taken_when_the_hole_fills)
{
    struct tcp_conn *c = open_at(500);
    fill_bytes(3);
    CHECK_EQ(send_part(5, 5, F_FIN).ack, p.seq);        /* data and FIN past a hole */
    CHECK_EQ(c->state, TCP_ESTABLISHED);
    CHECK_EQ(tcp_recv(&n, c, got, sizeof got), 0);      /* not the end yet */
    CHECK_EQ(send_part(7, 3, F_FIN).ack, p.seq);        /* the FIN again: still waits */
    CHECK_EQ(send_part(0, 5, 0).ack, p.seq + 11);       /* the hole filled: the data, the FIN */
    CHECK_EQ(c->state, TCP_CLOSE_WAIT);
    CHECK_EQ(tcp_recv(&n, c, got, sizeof got), 10);
    CHECK(memcmp(got, bytes, 10) == 0);
    CHECK_EQ(tcp_recv(&n, c, got, sizeof got), -1);
    c = open_at(900);                   /* a bare FIN past a hole */
    CHECK_EQ(send_part(4, 0, F_FIN).ack, p.seq);
    CHECK_EQ(send_part(0, 4, 0).ack, p.seq + 5);
    CHECK_EQ(c->state, TCP_CLOSE_WAIT);
}

TEST(the_windows_edge)
{
    struct tcp_conn *c = open_at(0xFFFFFF00u);
    fill_bytes(9);
    uint32_t full = TCP_RXBUF - 100;    /* unread: 100 bytes of window left */
    send_range(0, full);
    CHECK_EQ(c->rcv_nxt, p.seq + full);
    CHECK_EQ(send_part(full + 50, 80, F_FIN).ack, p.seq + full);   /* cut at the edge, FIN not kept */
    CHECK(!c->ooo_fin);
    CHECK_EQ(send_part(full + 100, 10, 0).ack, p.seq + full);      /* past the edge: dropped */
    CHECK_EQ(t.stats.out_of_order, 1);
    CHECK_EQ(send_part(full, 50, 0).ack, p.seq + TCP_RXBUF);        /* up to the edge */
    CHECK_EQ(last_seg().wnd, 0);
    CHECK_EQ(tcp_recv(&n, c, got, sizeof got), TCP_RXBUF);
    CHECK(memcmp(got, bytes, TCP_RXBUF) == 0);
    CHECK_EQ(send_part(TCP_RXBUF + 100, 1, 0).ack, p.seq + TCP_RXBUF);   /* a hole of 100 */
    uint32_t edge = TCP_RXBUF + TCP_RXBUF - 1;              /* the last byte the window holds */
    CHECK_EQ(send_part(edge, 1, F_FIN).ack, p.seq + TCP_RXBUF);     /* touches the edge: kept */
    CHECK(c->ooo_fin);
    CHECK_EQ(send_range(TCP_RXBUF, 2 * TCP_RXBUF - 1).ack, p.seq + 2 * TCP_RXBUF + 1);
    CHECK_EQ(c->state, TCP_CLOSE_WAIT);
    CHECK_EQ(tcp_recv(&n, c, got, sizeof got), TCP_RXBUF);
    CHECK(memcmp(got, bytes + TCP_RXBUF, TCP_RXBUF) == 0);
}

/* A go-back-N peer (window 4 KiB, 1000-byte segments, all again 300 ms after the last
 * progress, as test_lab10_tcploss.c's) sends len bytes over a wire that loses nothing but
 * holds a fifth of the frames back 10-60 ms; the guest's ACKs come back at once and the
 * application reads as it goes. The bytes the peer sent twice, or REORDER_UNFINISHED. */
#define REORDER_UNFINISHED 0xFFFFFFFFu
#define REORDER_MAX 64
static uint32_t reorder_transfer(struct tcp_conn *c, uint32_t len, unsigned seed)
{
    struct { uint32_t off, len; uint64_t due; } fly[REORDER_MAX];
    uint32_t nfly = 0, una = 0, nxt = 0, max = 0, read = 0, resent = 0;
    uint64_t rtx_at = n.now_ms + 300;
    srand(seed);
    for (int step = 0; step < 100000 && read < len; step++, n.now_ms += 10) {
        if (n.now_ms >= rtx_at)
            nxt = una, rtx_at = n.now_ms + 300;
        while (nxt < len && nxt - una < 4096 && nfly < REORDER_MAX) {
            uint32_t k = len - nxt < 1000 ? len - nxt : 1000;
            resent += nxt < max ? k : 0;
            fly[nfly++] = (typeof(fly[0])){ nxt, k, n.now_ms + 10 + (rand() % 5 ? 0 : 10 * (1 + rand() % 6)) };
            nxt += k;
            max = nxt > max ? nxt : max;
        }
        uint32_t kept = 0;
        for (uint32_t i = 0; i < nfly; i++) {
            if (fly[i].due > n.now_ms) {
                fly[kept++] = fly[i];
                continue;
            }
            struct seg_out a = send_part(fly[i].off, fly[i].len, 0);
            if (a.flags != 0xFF && a.ack - p.seq > una)
                una = a.ack - p.seq, rtx_at = n.now_ms + 300;
        }
        nfly = kept;
        int k = tcp_recv(&n, c, got + read, len - read);
        read += k > 0 ? (uint32_t)k : 0;
        tcp_tick(&n);
    }
    return read == len ? resent : REORDER_UNFINISHED;
}

TEST(a_reordering_wire_costs_no_retransmission)
{
    uint32_t resent = 0, ooo = 0;
    for (unsigned seed = 1; seed <= 6; seed++) {
        struct tcp_conn *c = open_at(77777 * seed);
        fill_bytes(seed);
        uint32_t r = reorder_transfer(c, sizeof bytes, seed);
        CHECK(r != REORDER_UNFINISHED);
        CHECK(memcmp(got, bytes, sizeof bytes) == 0);
        resent += r;
        ooo += t.stats.out_of_order;
    }
    printf("  %u segments held back and kept, %u bytes sent again\n", ooo, resent);
    CHECK(ooo > 0);
    CHECK_EQ(resent, 0);
}

int main(void)
{
    RUN(shuffled_duplicated_overlapping_segments_arrive_once_in_order);
    RUN(ranges_across_2_to_the_32);
    RUN(a_range_past_the_stated_bound_is_dropped_and_counted);
    RUN(a_fin_past_a_hole_is_taken_when_the_hole_fills);
    RUN(the_windows_edge);
    RUN(a_reordering_wire_costs_no_retransmission);
    return host_summary("lab10 tcpooo");
}
