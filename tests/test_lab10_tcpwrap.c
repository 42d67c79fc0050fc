/*
 * test_lab10_tcpwrap.c - lab 10's segment acceptability (RFC 793 3.3 and 3.9,
 * RFC 9293 3.10.7.4 "first, check sequence number") where sequence numbers
 * wrap: with RCV.NXT just below 2^32, at it, and either side of 2^31, a
 * segment is taken when it starts at RCV.NXT; trimmed when it starts before
 * and reaches past it; dropped with a duplicate ACK when all of it is old, and
 * when it starts past the window; kept (tcpooo.c) with a duplicate ACK when it
 * starts ahead inside the window, and taken when the gap fills. Every
 * comparison must be modulo 2^32 (seq_lt and friends): an unsigned or a signed
 * compare of the numbers themselves fails one of these cases at one of these
 * places.
 */
#include "host.h"
#include "lab10_tcpwire.h"

static struct net n;
static struct tcp t;
static struct peer p;

/* Data from the client at seq: the ACK the guest answers with. */
static uint32_t deliver_at(uint32_t seq, const char *data)
{
    wire.n = 0;
    peer_send(&n, p.port, F_ACK, seq, p.gseq, 65535, (const uint8_t *)data, strlen(data));
    return wire.n ? last_seg().ack : 0xDEAD;
}

/* Every case with RCV.NXT = r after the first 8 bytes (which start at r - 8). */
static void cases_at(uint32_t r)
{
    char got[64] = { 0 };
    wire_setup(&n);
    arp_learn(&n, PEER_IP, peer_mac);
    tcp_init(&n, &t, 0xFFFFFFF0u);
    tcp_listen(&n, 80);
    p.port = CLIENT_PORT;
    struct tcp_conn *c = peer_connect(&n, &p, r - 8 - 1, 10);
    CHECK(c != 0);
    if (!c)
        return;
    CHECK_EQ(deliver_at(r - 8, "01234567"), r);                 /* in order */
    CHECK_EQ(deliver_at(r - 8, "01234567ABCDEFGH"), r + 8);     /* old, then new: trimmed */
    CHECK_EQ(deliver_at(r - 4, "4567ABCD"), r + 8);             /* all old: a duplicate */
    CHECK_EQ(deliver_at(r + 16, "QRST"), r + 8);                /* ahead in the window */
    CHECK_EQ(t.stats.out_of_order, 1);
    CHECK_EQ(deliver_at(r + 8 + TCP_RXBUF, "past"), r + 8);     /* past the window */
    CHECK_EQ(t.stats.out_of_order, 1);
    CHECK_EQ(deliver_at(r + 8, "IJKLMNOP"), r + 20);            /* the gap filled: over QRST */
    CHECK_EQ(tcp_recv(&n, c, (uint8_t *)got, sizeof got - 1), 28);
    CHECK_STR(got, "01234567ABCDEFGHIJKLMNOPQRST");
}

TEST(acceptability_where_the_numbers_wrap_past_2_to_the_32)
{
    static const uint32_t at[] = { 0xFFFFFFF2u, 0xFFFFFFFAu, 0, 2, 6, 12 };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
        cases_at(at[i]);
}

TEST(acceptability_either_side_of_2_to_the_31)
{
    static const uint32_t at[] = { 0x7FFFFFF2u, 0x7FFFFFFAu, 0x80000000u, 0x80000002u, 0x80000006u };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
        cases_at(at[i]);
}

TEST(acceptability_far_from_any_wrap)
{
    cases_at(0x12345678u);
}

int main(void)
{
    RUN(acceptability_where_the_numbers_wrap_past_2_to_the_32);
    RUN(acceptability_either_side_of_2_to_the_31);
    RUN(acceptability_far_from_any_wrap);
    return host_summary("lab10 tcpwrap");
}
