/*
 * test_lab10_tcptimer.c - lab 10's TCP clocks on a fake wire and a fake clock,
 * one case at a time. RFC 6298: after an expiry the RTO stays doubled (5.5)
 * until a new RTT sample (the note after 5.7), and a segment sent twice gives
 * none (Karn, 3): not data resent on the timer, not a SYN-ACK resent for a
 * duplicate SYN; once the SYN-ACK's timer has expired the RTO is 3 s when data
 * begins (5.7). RFC 1122 4.2.2.17: a zero window is probed for as long as the
 * peer answers the probes, with one byte at a time, at intervals that back off
 * to TCP_RTO_MAX_MS; a peer that stops answering is still reset. A reused
 * slot keeps nothing of its last connection (its retries, its timer, its RTT).
 */
#include "host.h"
#include "lab10_tcpwire.h"

#define TICK_MS 20                      /* netif.c's clock step */
#define MINUTE_MS 60000u

static struct net n;
static struct tcp t;
static struct peer p;

/* A stack that knows the peer's MAC, listening on port 80, its ISS 1000. */
static void listen_afresh(void)
{
    wire_setup(&n);
    arp_learn(&n, PEER_IP, peer_mac);
    tcp_init(&n, &t, 1000);
    tcp_listen(&n, 80);
}

static struct tcp_conn *connect_after(uint64_t rtt_ms)
{
    listen_afresh();
    p.port = CLIENT_PORT;
    return peer_connect(&n, &p, 100, rtt_ms);
}

TEST(the_rto_stays_backed_off_until_a_new_sample)
{
    struct tcp_conn *c = connect_after(300);    /* SRTT 300, RTTVAR 150: RTO 900 */
    CHECK_EQ(c->rto, 900);
    CHECK_EQ(tcp_send(&n, c, (const uint8_t *)"abc", 3), 3);
    n.now_ms += 900;
    tcp_tick(&n);                       /* sent again */
    CHECK_EQ(c->rto, 1800);             /* 5.5 */
    n.now_ms += 10;
    peer_send(&n, p.port, F_ACK, p.seq, p.gseq + 3, 65535, 0, 0);
    CHECK_EQ(c->srtt, 300);             /* Karn: the resent segment is not timed */
    CHECK_EQ(c->rto, 1800);             /* no new sample: still backed off */
    CHECK_EQ(tcp_send(&n, c, (const uint8_t *)"def", 3), 3);
    CHECK_EQ(c->rtx_deadline, n.now_ms + 1800);
    n.now_ms += 100;
    peer_send(&n, p.port, F_ACK, p.seq, p.gseq + 6, 65535, 0, 0);
    CHECK_EQ(c->srtt, (7 * 300 + 100) / 8);     /* a segment sent once: a sample */
    CHECK_EQ(c->rttvar, (3 * 150 + 200) / 4);
    CHECK_EQ(c->rto, c->srtt + 4 * c->rttvar);  /* and the RTO from it again */
}

TEST(a_syn_ack_sent_again_for_a_duplicate_syn_is_not_timed)
{
    listen_afresh();
    peer_send(&n, CLIENT_PORT, F_SYN, 7, 0, 65535, 0, 0);
    n.now_ms += 500;
    peer_send(&n, CLIENT_PORT, F_SYN, 7, 0, 65535, 0, 0);
    CHECK_EQ(wire.n, 2);
    CHECK_EQ(seg_at(1).flags, F_SYN | F_ACK);
    n.now_ms += 100;
    peer_send(&n, CLIENT_PORT, F_ACK, 8, seg_at(1).seq + 1, 65535, 0, 0);
    struct tcp_conn *c = tcp_accept(&n, 80);
    CHECK(c != 0);
    if (c) {
        CHECK(!c->rtt_valid);           /* 100 ms or 600 ms: no one can say */
        CHECK_EQ(c->rto, TCP_RTO_INITIAL_MS);
    }
}

TEST(after_a_syn_ack_timeout_data_starts_with_a_3_s_rto)
{
    listen_afresh();
    peer_send(&n, CLIENT_PORT, F_SYN, 7, 0, 65535, 0, 0);
    n.now_ms += TCP_RTO_INITIAL_MS;
    tcp_tick(&n);
    CHECK_EQ(wire.n, 2);                /* the SYN-ACK again, on the timer */
    n.now_ms += 50;
    peer_send(&n, CLIENT_PORT, F_ACK, 8, seg_at(1).seq + 1, 65535, 0, 0);
    struct tcp_conn *c = tcp_accept(&n, 80);
    CHECK(c != 0);
    if (c) {
        CHECK(!c->rtt_valid);
        CHECK_EQ(c->rto, TCP_RTO_SYN_LOST_MS);  /* RFC 6298 5.7 */
    }
}

/* A slot's next connection starts afresh: the last one's retries, timer and RTT are gone. */
TEST(a_reused_slot_keeps_nothing_of_the_last_connection)
{
    struct tcp_conn *c = connect_after(300);
    CHECK_EQ(tcp_send(&n, c, (const uint8_t *)"abc", 3), 3);
    for (int i = 0; i < TCP_MAX_RETRIES; i++) {
        n.now_ms += c->rto;
        tcp_tick(&n);
    }
    peer_send(&n, p.port, F_RST, p.seq, 0, 0, 0, 0);    /* the peer gives up first */
    tcp_close(&n, c);
    CHECK_EQ(c->state, TCP_FREE);
    arp_learn(&n, PEER_IP, peer_mac);
    wire.n = 0;
    peer_send(&n, p.port + 1, F_SYN, 500, 0, 65535, 0, 0);
    CHECK_EQ(wire.n, 1);
    n.now_ms += TCP_RTO_INITIAL_MS - 1;
    tcp_tick(&n);
    CHECK_EQ(wire.n, 1);                /* not the old timer's deadline */
    n.now_ms += 1;
    tcp_tick(&n);
    CHECK_EQ(wire.n, 2);                /* the SYN-ACK again, not an RST for the old retries */
    CHECK_EQ(seg_at(1).flags, F_SYN | F_ACK);
    peer_send(&n, p.port + 1, F_ACK, 501, seg_at(1).seq + 1, 65535, 0, 0);
    CHECK(tcp_accept(&n, 80) == c);
    CHECK(!c->rtt_valid);               /* not the old connection's 300 ms */
    CHECK_EQ(c->rto, TCP_RTO_SYN_LOST_MS);
}

/* The connection's window shut after `taken` of `len` bytes (the peer took them, reads none). */
static struct tcp_conn *shut_window(uint32_t taken, uint32_t len)
{
    static uint8_t data[4096];
    struct tcp_conn *c = connect_after(40);
    peer_send(&n, p.port, F_ACK, p.seq, p.gseq, (uint16_t)taken, 0, 0);
    CHECK_EQ(tcp_send(&n, c, data, len), (int)len);
    n.now_ms += 40;
    peer_send(&n, p.port, F_ACK, p.seq, p.gseq + taken, 0, 0, 0);
    return c;
}

struct probing {
    uint32_t probes;
    uint64_t last_ms, longest_gap_ms;
    int too_big;                        /* segments of more than one byte into the shut window */
    int resets;
};

/* One tick, then what the guest sent since the last: the peer answers ARP at once and, if
   `answer`, a probe too (its byte refused, the window still shut; what that brings is read
   at the next tick). */
static void probe_tick(struct probing *pr, uint32_t taken, bool answer)
{
    static uint8_t f[64];
    int sent = 0;
    n.now_ms += TICK_MS;
    tcp_tick(&n);
    for (int i = 0; i < wire.n && i < WIRE_MAX; i++) {
        struct seg_out s = seg_at(i);
        if (wire_asks_for_peer(wire.frame[i]))
            net_input(&n, f, wire_arp_reply(f));    /* the held probe follows on the wire */
        else if (s.flags != 0xFF && s.len)
            sent++, pr->too_big += s.len > 1;
        else if (s.flags != 0xFF && (s.flags & F_RST))
            pr->resets++;
    }
    wire.n = 0;
    if (!sent)
        return;
    pr->probes++;
    if (pr->last_ms && n.now_ms - pr->last_ms > pr->longest_gap_ms)
        pr->longest_gap_ms = n.now_ms - pr->last_ms;
    pr->last_ms = n.now_ms;
    if (answer)
        peer_send(&n, p.port, F_ACK, p.seq, p.gseq + taken, 0, 0, 0);
}

TEST(a_slow_reader_that_answers_probes_keeps_its_connection)
{
    struct tcp_conn *c = shut_window(1000, 3000);
    struct probing pr = { 0 };
    wire.n = 0;
    while (n.now_ms < 30 * MINUTE_MS && c->state == TCP_ESTABLISHED)
        probe_tick(&pr, 1000, true);
    CHECK_STR(tcp_state_name(c->state), "ESTABLISHED");
    CHECK(!c->reset);
    CHECK(pr.probes >= 30);             /* the peer was asked all along */
    CHECK(pr.longest_gap_ms <= TCP_RTO_MAX_MS);
    CHECK_EQ(pr.too_big, 0);
    wire.n = 0;                         /* the reader catches up: the rest goes, from the probe's byte */
    peer_send(&n, p.port, F_ACK, p.seq, p.gseq + 1000, 65535, 0, 0);
    uint32_t next = p.gseq + 1000;
    for (int i = 0; i < wire.n; i++)
        if (seg_at(i).seq == next)
            next += seg_at(i).len;
    CHECK_EQ(next, p.gseq + 3000);
}

TEST(a_peer_that_stops_answering_a_shut_window_is_reset)
{
    struct tcp_conn *c = shut_window(1000, 3000);
    struct probing pr = { 0 };
    uint64_t start = n.now_ms;
    wire.n = 0;
    while (n.now_ms < start + 30 * MINUTE_MS && !c->reset)
        probe_tick(&pr, 1000, false);
    CHECK(c->reset);
    CHECK_EQ(c->state, TCP_CLOSED);
    CHECK_EQ(pr.probes, TCP_MAX_RETRIES);   /* the first try and its retries, then the RST */
    CHECK(n.now_ms - start < 10 * MINUTE_MS);
    CHECK_EQ(pr.resets, 1);
}

int main(void)
{
    RUN(the_rto_stays_backed_off_until_a_new_sample);
    RUN(a_syn_ack_sent_again_for_a_duplicate_syn_is_not_timed);
    RUN(after_a_syn_ack_timeout_data_starts_with_a_3_s_rto);
    RUN(a_reused_slot_keeps_nothing_of_the_last_connection);
    RUN(a_slow_reader_that_answers_probes_keeps_its_connection);
    RUN(a_peer_that_stops_answering_a_shut_window_is_reset);
    return host_summary("lab10 tcptimer");
}
