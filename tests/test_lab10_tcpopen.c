/*
 * test_lab10_tcpopen.c - lab 10's active open (tcpconn.c; RFC 9293 3.5 and
 * 3.10.7.3, RFC 6298 for the SYN's timer) against a server at 10.0.2.2:8080
 * on the fake wire and the fake clock: a lost SYN is sent again after the
 * RTO, with the backoff, and given up after TCP_SYN_RETRIES without an RST; a
 * duplicated SYN-ACK (even late, after data) only gets an ACK; an RST that
 * acknowledges our SYN refuses the connection, one without an ACK is dropped;
 * a SYN-ACK that acknowledges anything else gets an RST and establishes
 * nothing; the ephemeral port avoids listeners and live connections.
 */
#include "host.h"
#include "lab10_tcpwire.h"

#define SERVER_PORT 8080
#define SERVER_ISN  5000u
#define SERVER_MSS  1000

static struct net n;
static struct tcp t;

static int events;

static void count_event(struct tcp *tt, struct tcp_conn *c)
{
    (void)tt;
    (void)c;
    events++;
}

/* A segment from the server to the guest's port; a SYN carries an MSS option. */
static void server_send(uint16_t to, uint8_t flags, uint32_t seq, uint32_t ack,
                        const uint8_t *data, size_t len)
{
    static uint8_t f[NET_FRAME_MAX];
    uint8_t *tp = f + 34;
    size_t hl = flags & F_SYN ? 24 : 20;

    memset(tp, 0, hl);
    put16(tp, SERVER_PORT);
    put16(tp + 2, to);
    put32(tp + 4, seq);
    put32(tp + 8, ack);
    tp[12] = (uint8_t)(hl / 4 << 4);
    tp[13] = flags;
    put16(tp + 14, 30000);
    if (hl == 24) {
        tp[20] = 2;
        tp[21] = 4;
        put16(tp + 22, SERVER_MSS);
    }
    if (len)
        memcpy(tp + hl, data, len);
    put16(tp + 16, inet_fold(inet_sum(tp, hl + len, inet_pseudo(PEER_IP, GUEST_IP, IP_PROTO_TCP,
                                                                 (uint16_t)(hl + len), 0))));
    net_input(&n, f, wire_ip(f, IP_PROTO_TCP, hl + len, PEER_IP, GUEST_IP));
}

/* A stack that knows the server's MAC, a connection to it opened (its SYN on the wire). */
static struct tcp_conn *open_afresh(void)
{
    wire_setup(&n);
    arp_learn(&n, PEER_IP, peer_mac);
    tcp_init(&n, &t, 1000);
    t.event = count_event;
    events = 0;
    return tcp_connect(&n, PEER_IP, SERVER_PORT);
}

/* The clock moved ms on in netif.c's 20 ms steps, the timers run at each. */
static void run_for(uint64_t ms)
{
    for (uint64_t end = n.now_ms + ms; n.now_ms < end;) {
        n.now_ms += 20;
        tcp_tick(&n);
    }
}

static int is_our_syn(struct seg_out s, const struct tcp_conn *c)
{
    return s.flags == F_SYN && s.seq == c->iss && s.dport == SERVER_PORT && s.sport == c->lport &&
           s.csum_ok;
}

TEST(the_syn_goes_out_from_an_ephemeral_port)
{
    struct tcp_conn *c = open_afresh();
    CHECK(c != 0);
    if (!c)
        return;
    CHECK_EQ(c->state, TCP_SYN_SENT);
    CHECK(c->lport >= 49152);
    CHECK_EQ(wire.n, 1);
    CHECK(is_our_syn(seg_at(0), c));
    CHECK_EQ(tcp_connect_result(c), TCP_OPENING);
    CHECK(tcp_accept(&n, c->lport) == 0);       /* the application's, not an acceptor's */
}

TEST(the_ephemeral_port_avoids_listeners_and_live_connections)
{
    wire_setup(&n);
    arp_learn(&n, PEER_IP, peer_mac);
    tcp_init(&n, &t, 1000);
    t.next_port = 0;                    /* the search starts at 49152 */
    tcp_listen(&n, 49152);
    struct tcp_conn *a = tcp_connect(&n, PEER_IP, SERVER_PORT);
    t.next_port = 0;
    struct tcp_conn *b = tcp_connect(&n, PEER_IP, SERVER_PORT);
    CHECK(a && b && a != b);
    if (a && b) {
        CHECK_EQ(a->lport, 49153);
        CHECK_EQ(b->lport, 49154);
    }
}

TEST(a_lost_syn_is_sent_again_after_the_rto_and_then_established)
{
    struct tcp_conn *c = open_afresh();
    run_for(TCP_RTO_INITIAL_MS - 20);
    CHECK_EQ(wire.n, 1);                /* not before the RTO */
    run_for(20);
    CHECK_EQ(wire.n, 2);
    CHECK(is_our_syn(seg_at(1), c));
    run_for(2 * TCP_RTO_INITIAL_MS - 20);
    CHECK_EQ(wire.n, 2);                /* backed off: 2 s this time */
    run_for(20);
    CHECK_EQ(wire.n, 3);
    CHECK(is_our_syn(seg_at(2), c));
    server_send(c->lport, F_SYN | F_ACK, SERVER_ISN, c->iss + 1, 0, 0);
    CHECK_EQ(c->state, TCP_ESTABLISHED);
    CHECK_EQ(tcp_connect_result(c), TCP_OPEN_DONE);
    CHECK_EQ(wire.n, 4);
    CHECK_EQ(last_seg().flags, F_ACK);
    CHECK_EQ(last_seg().seq, c->iss + 1);
    CHECK_EQ(last_seg().ack, SERVER_ISN + 1);
    CHECK_EQ(c->mss, SERVER_MSS);
    CHECK_EQ(c->rto, TCP_RTO_SYN_LOST_MS);      /* RFC 6298 5.7 */
    CHECK(!c->rtt_valid);               /* Karn: the SYN went three times */
    CHECK_EQ(c->rtx_deadline, 0);
    CHECK(events > 0);
    run_for(10 * TCP_RTO_INITIAL_MS);
    CHECK_EQ(wire.n, 4);                /* nothing more: the timer is off */
}

TEST(a_duplicated_syn_ack_only_gets_an_ack)
{
    struct tcp_conn *c = open_afresh();
    n.now_ms += 40;
    server_send(c->lport, F_SYN | F_ACK, SERVER_ISN, c->iss + 1, 0, 0);
    CHECK_EQ(c->srtt, 40);              /* the SYN went once: timed */
    server_send(c->lport, F_SYN | F_ACK, SERVER_ISN, c->iss + 1, 0, 0);
    CHECK_EQ(c->state, TCP_ESTABLISHED);
    CHECK_EQ(wire.n, 3);
    CHECK_EQ(last_seg().flags, F_ACK);
    CHECK_EQ(last_seg().ack, SERVER_ISN + 1);
    CHECK_EQ(tcp_send(&n, c, (const uint8_t *)"GET", 3), 3);
    server_send(c->lport, F_ACK, SERVER_ISN + 1, c->iss + 4, (const uint8_t *)"HTTP", 4);
    CHECK_EQ(c->snd_una, c->iss + 4);
    server_send(c->lport, F_SYN | F_ACK, SERVER_ISN, c->iss + 1, 0, 0);     /* late */
    CHECK_EQ(c->state, TCP_ESTABLISHED);
    CHECK_EQ(c->snd_una, c->iss + 4);   /* nothing acknowledged goes back */
    CHECK_EQ(c->rcv_nxt, SERVER_ISN + 5);
    CHECK_EQ(last_seg().flags, F_ACK);
    CHECK_EQ(last_seg().ack, SERVER_ISN + 5);
    CHECK_EQ(t.stats.resets_sent, 0);
}

TEST(an_rst_acknowledging_our_syn_refuses_the_connection)
{
    struct tcp_conn *c = open_afresh();
    server_send(c->lport, F_RST, 0, 0, 0, 0);           /* no ACK: anybody's, dropped */
    CHECK_EQ(c->state, TCP_SYN_SENT);
    server_send(c->lport, F_RST | F_ACK, 0, c->iss + 5, 0, 0);      /* not our SYN's */
    CHECK_EQ(c->state, TCP_SYN_SENT);
    CHECK_EQ(events, 0);
    server_send(c->lport, F_RST | F_ACK, 0, c->iss + 1, 0, 0);
    CHECK_EQ(c->state, TCP_CLOSED);
    CHECK_EQ(tcp_connect_result(c), TCP_OPEN_REFUSED);
    CHECK(events > 0);
    CHECK_EQ(wire.n, 1);                /* no answer to any RST */
    run_for(60000);
    CHECK_EQ(wire.n, 1);                /* and no SYN again */
    tcp_close(&n, c);
    CHECK_EQ(c->state, TCP_FREE);       /* let go: the slot is free */
}

TEST(a_syn_ack_with_a_wrong_ack_gets_an_rst_and_establishes_nothing)
{
    struct tcp_conn *c = open_afresh();
    uint32_t wrong[] = { c->iss, c->iss + 2, c->iss - 100 };
    for (int i = 0; i < 3; i++) {
        server_send(c->lport, F_SYN | F_ACK, SERVER_ISN, wrong[i], 0, 0);
        CHECK_EQ(c->state, TCP_SYN_SENT);
        CHECK_EQ(last_seg().flags, F_RST);  /* <SEQ=SEG.ACK><CTL=RST> */
        CHECK_EQ(last_seg().seq, wrong[i]);
        CHECK_EQ(last_seg().dport, SERVER_PORT);
    }
    CHECK_EQ(wire.n, 4);
    CHECK_EQ(events, 0);
    server_send(c->lport, F_SYN | F_ACK, SERVER_ISN, c->iss + 1, 0, 0);
    CHECK_EQ(c->state, TCP_ESTABLISHED);        /* the right one still does */
    CHECK_EQ(c->rcv_nxt, SERVER_ISN + 1);
}

TEST(an_unanswered_syn_is_given_up_after_its_bound)
{
    struct tcp_conn *c = open_afresh();
    uint64_t start = n.now_ms;
    while (c->state == TCP_SYN_SENT && n.now_ms < start + 600000)
        run_for(20);
    CHECK_EQ(wire.n, 1 + TCP_SYN_RETRIES);      /* the first and its resends */
    for (int i = 0; i < wire.n && i < WIRE_MAX; i++)
        CHECK(is_our_syn(seg_at(i), c));        /* and no RST: nobody to reset */
    CHECK_EQ(n.now_ms - start, 31000);          /* 1 + 2 + 4 + 8 + 16 s */
    CHECK_EQ(c->state, TCP_CLOSED);
    CHECK_EQ(tcp_connect_result(c), TCP_OPEN_TIMED_OUT);
    CHECK(events > 0);
    tcp_close(&n, c);
    CHECK_EQ(c->state, TCP_FREE);
}

TEST(a_connection_closed_while_opening_is_freed)
{
    struct tcp_conn *c = open_afresh();
    tcp_close(&n, c);
    CHECK_EQ(c->state, TCP_FREE);
    run_for(10000);
    CHECK_EQ(wire.n, 1);
}

int main(void)
{
    RUN(the_syn_goes_out_from_an_ephemeral_port);
    RUN(the_ephemeral_port_avoids_listeners_and_live_connections);
    RUN(a_lost_syn_is_sent_again_after_the_rto_and_then_established);
    RUN(a_duplicated_syn_ack_only_gets_an_ack);
    RUN(an_rst_acknowledging_our_syn_refuses_the_connection);
    RUN(a_syn_ack_with_a_wrong_ack_gets_an_rst_and_establishes_nothing);
    RUN(an_unanswered_syn_is_given_up_after_its_bound);
    RUN(a_connection_closed_while_opening_is_freed);
    return host_summary("lab10 tcpopen");
}
