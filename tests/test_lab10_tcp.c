/*
 * test_lab10_tcp.c - lab 10's TCP (labs/lab10-net/tcp*.c) on a fake wire and
 * a fake clock: the handshake (and a lost SYN-ACK sent again), data both
 * ways in order, a segment that skips ahead kept with a duplicate ACK,
 * duplicates trimmed, lost data sent again on the timer with the RTO backing
 * off (RFC 6298), the window respected, FIN both ways and TIME_WAIT's end,
 * RST, the stated limit (the one past it gets an RST), sequence numbers that
 * wrap past 2^32, and segments lost, reordered and duplicated at random with
 * every byte still delivered once and in order. The close path's bounds: a FIN
 * once acknowledged is never sent again (it was, one number on, at every ACK:
 * a storm that starved the executor), FIN_WAIT_2 ends in an RST after
 * TCP_FIN_WAIT_2_MS, and an abort sends an RST and frees its slot at once.
 */
#include "host.h"
#include "lab10_tcpwire.h"

#define TCP_TICK_TEST_MS 20              /* netif.c's clock step */

static struct net n;
static struct tcp t;
static uint32_t cseq;                   /* the client's next sequence number */
static uint32_t gseq;                   /* the guest's next, as the client has seen it */

static void setup(uint32_t iss)
{
    wire_setup(&n);
    arp_learn(&n, PEER_IP, peer_mac);
    tcp_init(&n, &t, iss);
    tcp_listen(&n, 80);
}

/* A handshake from client port `port` starting at client sequence `isn`: the connection. */
static struct tcp_conn *connect(uint16_t port, uint32_t isn)
{
    wire.n = 0;
    peer_send(&n, port, F_SYN, isn, 0, 65535, 0, 0);
    struct seg_out sa = last_seg();
    CHECK_EQ(sa.flags, F_SYN | F_ACK);
    CHECK_EQ(sa.ack, isn + 1);
    CHECK(sa.csum_ok);
    cseq = isn + 1;
    gseq = sa.seq + 1;
    peer_send(&n, port, F_ACK, cseq, gseq, 65535, 0, 0);
    return tcp_accept(&n, 80);
}

TEST(handshake_then_accept)
{
    setup(1000);
    struct tcp_conn *c = connect(CLIENT_PORT, 5000);
    CHECK(c != 0);
    CHECK_EQ(c->state, TCP_ESTABLISHED);
    CHECK(tcp_accept(&n, 80) == 0);     /* one connection, accepted once */
}

TEST(a_lost_syn_ack_is_sent_again)
{
    setup(1000);
    peer_send(&n, CLIENT_PORT, F_SYN, 7, 0, 65535, 0, 0);
    CHECK_EQ(wire.n, 1);
    n.now_ms += TCP_RTO_INITIAL_MS - 1;
    tcp_tick(&n);
    CHECK_EQ(wire.n, 1);
    n.now_ms += 1;
    tcp_tick(&n);
    CHECK_EQ(wire.n, 2);
    CHECK_EQ(seg_at(1).flags, F_SYN | F_ACK);
    CHECK_EQ(seg_at(1).seq, seg_at(0).seq);
}

TEST(data_in_order_and_a_gap_gets_a_duplicate_ack)
{
    uint8_t buf[64];
    setup(1000);
    struct tcp_conn *c = connect(CLIENT_PORT, 100);
    wire.n = 0;
    peer_send(&n, CLIENT_PORT, F_ACK, cseq + 5, gseq, 65535, (const uint8_t *)"world", 5);
    CHECK_EQ(last_seg().ack, cseq);     /* out of order: kept, a duplicate ACK for what we have */
    CHECK_EQ(t.stats.out_of_order, 1);
    CHECK_EQ(tcp_recv(&n, c, buf, sizeof buf), 0);
    peer_send(&n, CLIENT_PORT, F_ACK, cseq, gseq, 65535, (const uint8_t *)"hello", 5);
    CHECK_EQ(last_seg().ack, cseq + 10);    /* the gap filled: over the kept "world" */
    peer_send(&n, CLIENT_PORT, F_ACK, cseq + 8, gseq, 65535, (const uint8_t *)"ldagain", 7);
    CHECK_EQ(last_seg().ack, cseq + 15);    /* overlap: only "again" is new */
    CHECK_EQ(tcp_recv(&n, c, buf, sizeof buf), 15);
    CHECK(memcmp(buf, "helloworldagain", 15) == 0);
}

TEST(lost_data_is_sent_again_with_backoff)
{
    setup(1000);
    struct tcp_conn *c = connect(CLIENT_PORT, 100);
    wire.n = 0;
    CHECK_EQ(tcp_send(&n, c, (const uint8_t *)"abc", 3), 3);
    CHECK_EQ(wire.n, 1);
    uint32_t rto = c->rto;
    n.now_ms += rto;
    tcp_tick(&n);
    CHECK_EQ(wire.n, 2);
    CHECK_EQ(seg_at(1).seq, gseq);
    CHECK_EQ(seg_at(1).len, 3);
    CHECK_EQ(c->rto, 2 * rto);          /* RFC 6298 5.5 */
    n.now_ms += 2 * rto - 1;
    tcp_tick(&n);
    CHECK_EQ(wire.n, 2);
    peer_send(&n, CLIENT_PORT, F_ACK, cseq, gseq + 3, 65535, 0, 0);
    CHECK_EQ(c->rtx_deadline, 0);       /* all acknowledged: the timer stops */
    CHECK_EQ(c->tx_len, 0);
}

TEST(rtt_samples_follow_rfc_6298)
{
    struct tcp_conn c = { .rto = TCP_RTO_INITIAL_MS };
    tcp_rtt_sample(&c, 400);
    CHECK_EQ(c.srtt, 400);
    CHECK_EQ(c.rttvar, 200);
    CHECK_EQ(c.rto, 1200);
    tcp_rtt_sample(&c, 200);
    CHECK_EQ(c.rttvar, (3 * 200 + 200) / 4);
    CHECK_EQ(c.srtt, (7 * 400 + 200) / 8);
    CHECK_EQ(c.rto, c.srtt + 4 * c.rttvar);
    for (int i = 0; i < 50; i++)
        tcp_rtt_sample(&c, 1);
    CHECK_EQ(c.rto, TCP_RTO_MIN_MS);
}

TEST(the_peer_window_limits_what_is_sent)
{
    static uint8_t big[4000];
    setup(1000);
    struct tcp_conn *c = connect(CLIENT_PORT, 100);
    peer_send(&n, CLIENT_PORT, F_ACK, cseq, gseq, 1000, 0, 0);
    wire.n = 0;
    CHECK_EQ(tcp_send(&n, c, big, sizeof big), (int)sizeof big);
    uint32_t sent = 0;
    for (int i = 0; i < wire.n; i++)
        sent += seg_at(i).len;
    CHECK_EQ(sent, 1000);
    peer_send(&n, CLIENT_PORT, F_ACK, cseq, gseq + 1000, 0, 0, 0);     /* window closed */
    wire.n = 0;
    n.now_ms += c->rto;
    tcp_tick(&n);
    CHECK_EQ(last_seg().len, 1);        /* the probe */
}

TEST(fin_both_ways_and_time_wait_ends)
{
    uint8_t buf[8];
    setup(1000);
    struct tcp_conn *c = connect(CLIENT_PORT, 100);
    tcp_close(&n, c);
    CHECK_EQ(last_seg().flags, F_FIN | F_ACK);
    CHECK_EQ(c->state, TCP_FIN_WAIT_1);
    peer_send(&n, CLIENT_PORT, F_ACK, cseq, gseq + 1, 65535, 0, 0);
    CHECK_EQ(c->state, TCP_FIN_WAIT_2);
    peer_send(&n, CLIENT_PORT, F_FIN | F_ACK, cseq, gseq + 1, 65535, 0, 0);
    CHECK_EQ(c->state, TCP_TIME_WAIT);
    CHECK_EQ(last_seg().ack, cseq + 1);
    n.now_ms += 2 * TCP_MSL_MS - 1;
    tcp_tick(&n);
    CHECK_EQ(c->state, TCP_TIME_WAIT);
    n.now_ms += 1;
    tcp_tick(&n);
    CHECK_EQ(c->state, TCP_FREE);
    (void)buf;
}

/* Our FIN acknowledged, the peer still open: its ACKs (a keep-alive, a window update) get no FIN. */
TEST(an_acknowledged_fin_is_never_sent_again)
{
    setup(1000);
    struct tcp_conn *c = connect(CLIENT_PORT, 100);
    tcp_close(&n, c);
    peer_send(&n, CLIENT_PORT, F_ACK, cseq, gseq + 1, 65535, 0, 0);
    CHECK_EQ(c->state, TCP_FIN_WAIT_2);
    wire.n = 0;
    for (int i = 0; i < 3; i++) {
        peer_send(&n, CLIENT_PORT, F_ACK, cseq, gseq + 1, (uint16_t)(65535 - i), 0, 0);
        n.now_ms += TCP_TICK_TEST_MS;
        tcp_tick(&n);
    }
    for (int i = 0; i < wire.n; i++)
        CHECK_EQ(seg_at(i).flags & F_FIN, 0);
    CHECK_EQ(c->snd_max, gseq + 1);     /* one FIN, one sequence number */
}

TEST(fin_wait_2_ends_in_rst_after_its_bound)
{
    setup(1000);
    struct tcp_conn *c = connect(CLIENT_PORT, 100);
    tcp_close(&n, c);
    peer_send(&n, CLIENT_PORT, F_ACK, cseq, gseq + 1, 65535, 0, 0);
    n.now_ms += TCP_FIN_WAIT_2_MS - 1;
    tcp_tick(&n);
    CHECK_EQ(c->state, TCP_FIN_WAIT_2);
    wire.n = 0;
    n.now_ms += 1;
    tcp_tick(&n);
    CHECK_EQ(c->state, TCP_FREE);
    CHECK_EQ(t.stats.fin_wait_timeouts, 1);
    CHECK_EQ(wire.n, 1);
    if (wire.n == 1) {
        CHECK_EQ(last_seg().flags, F_RST);
        CHECK_EQ(last_seg().seq, gseq + 1);
    }
}

TEST(abort_sends_rst_and_frees_the_slot_at_once)
{
    setup(1000);
    struct tcp_conn *first = connect(CLIENT_PORT, 100);
    uint32_t first_seq = gseq;
    for (int i = 1; i < TCP_MAX_CONNS; i++)
        CHECK(connect((uint16_t)(CLIENT_PORT + i), 100) != 0);
    wire.n = 0;
    tcp_abort(&n, first);
    CHECK_EQ(wire.n, 1);
    CHECK_EQ(last_seg().flags, F_RST);
    CHECK_EQ(last_seg().seq, first_seq);
    CHECK_EQ(first->state, TCP_FREE);
    CHECK_EQ(t.stats.aborted, 1);
    peer_send(&n, CLIENT_PORT + TCP_MAX_CONNS, F_SYN, 100, 0, 65535, 0, 0);
    CHECK_EQ(last_seg().flags, F_SYN | F_ACK);  /* the freed slot takes the next one */
    CHECK_EQ(t.stats.refused, 0);
}

TEST(the_peer_closes_first)
{
    uint8_t buf[8];
    setup(1000);
    struct tcp_conn *c = connect(CLIENT_PORT, 100);
    peer_send(&n, CLIENT_PORT, F_FIN | F_ACK, cseq, gseq, 65535, (const uint8_t *)"x", 1);
    CHECK_EQ(c->state, TCP_CLOSE_WAIT);
    CHECK_EQ(tcp_recv(&n, c, buf, sizeof buf), 1);
    CHECK_EQ(tcp_recv(&n, c, buf, sizeof buf), -1);     /* end of stream */
    tcp_close(&n, c);
    CHECK_EQ(c->state, TCP_LAST_ACK);
    peer_send(&n, CLIENT_PORT, F_ACK, cseq + 2, gseq + 1, 65535, 0, 0);
    CHECK_EQ(c->state, TCP_FREE);
}

TEST(rst_closes_and_unknown_segments_get_rst)
{
    uint8_t buf[8];
    setup(1000);
    struct tcp_conn *c = connect(CLIENT_PORT, 100);
    peer_send(&n, CLIENT_PORT, F_RST, cseq, 0, 0, 0, 0);
    CHECK(c->reset);
    CHECK_EQ(tcp_recv(&n, c, buf, sizeof buf), -1);
    wire.n = 0;
    peer_send(&n, CLIENT_PORT + 1, F_ACK, 5, 77, 65535, 0, 0);
    CHECK_EQ(last_seg().flags, F_RST);
    CHECK_EQ(last_seg().seq, 77);
}

TEST(the_connection_past_the_limit_gets_rst)
{
    setup(1000);
    for (int i = 0; i < TCP_MAX_CONNS; i++)
        CHECK(connect((uint16_t)(CLIENT_PORT + i), 100) != 0);
    wire.n = 0;
    peer_send(&n, CLIENT_PORT + TCP_MAX_CONNS, F_SYN, 100, 0, 65535, 0, 0);
    CHECK_EQ(last_seg().flags, F_RST | F_ACK);
    CHECK_EQ(last_seg().ack, 101);
    CHECK_EQ(t.stats.refused, 1);
}

/* A full table of TIME_WAIT connections (a server that closed first, 24 times) still
   takes a new client: the slot nearest its end, not an RST. */
TEST(a_new_syn_takes_a_time_wait_slot_when_the_table_is_full)
{
    setup(1000);
    for (int i = 0; i < TCP_MAX_CONNS; i++) {
        uint16_t port = (uint16_t)(CLIENT_PORT + i);
        struct tcp_conn *c = connect(port, 100);
        tcp_close(&n, c);
        peer_send(&n, port, F_FIN | F_ACK, cseq, gseq + 1, 65535, 0, 0);
        CHECK_EQ(c->state, TCP_TIME_WAIT);
        n.now_ms += 10;
    }
    CHECK(connect(CLIENT_PORT + TCP_MAX_CONNS, 100) != 0);
    CHECK_EQ(t.stats.refused, 0);
    CHECK_EQ(t.stats.time_wait_reused, 1);
    CHECK_EQ(t.conn[0].rport, CLIENT_PORT + TCP_MAX_CONNS);   /* the oldest one's slot */
}

TEST(sequence_numbers_wrap)
{
    uint8_t buf[64];
    CHECK(seq_lt(0xFFFFFFF0u, 0x10));
    CHECK(seq_gt(0x10, 0xFFFFFFF0u));
    setup(0xFFFFFFFEu);                 /* the guest's numbers wrap too */
    struct tcp_conn *c = connect(CLIENT_PORT, 0xFFFFFFFCu);
    peer_send(&n, CLIENT_PORT, F_ACK, cseq, gseq, 65535, (const uint8_t *)"abcdefgh", 8);
    CHECK_EQ(last_seg().ack, (uint32_t)(cseq + 8));
    CHECK_EQ(tcp_recv(&n, c, buf, sizeof buf), 8);
    CHECK_EQ(tcp_send(&n, c, (const uint8_t *)"12345", 5), 5);
    peer_send(&n, CLIENT_PORT, F_ACK, cseq + 8, gseq + 5, 65535, 0, 0);
    CHECK_EQ(c->tx_len, 0);
    CHECK_EQ(c->rtx_deadline, 0);
}

int main(void)
{
    RUN(handshake_then_accept);
    RUN(a_lost_syn_ack_is_sent_again);
    RUN(data_in_order_and_a_gap_gets_a_duplicate_ack);
    RUN(lost_data_is_sent_again_with_backoff);
    RUN(rtt_samples_follow_rfc_6298);
    RUN(the_peer_window_limits_what_is_sent);
    RUN(fin_both_ways_and_time_wait_ends);
    RUN(an_acknowledged_fin_is_never_sent_again);
    RUN(fin_wait_2_ends_in_rst_after_its_bound);
    RUN(abort_sends_rst_and_frees_the_slot_at_once);
    RUN(the_peer_closes_first);
    RUN(rst_closes_and_unknown_segments_get_rst);
    RUN(the_connection_past_the_limit_gets_rst);
    RUN(a_new_syn_takes_a_time_wait_slot_when_the_table_is_full);
    RUN(sequence_numbers_wrap);
    return host_summary("lab10 tcp");
}
