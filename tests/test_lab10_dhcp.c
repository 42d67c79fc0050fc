/*
 * test_lab10_dhcp.c - lab 10's DHCP client (labs/lab10-net/dhcp.c, RFC 2131) through
 * the stack on a fake wire and clock, against a fake server that answers as QEMU's
 * does (broadcast OFFER and ACK from 10.0.2.2:67): it gets 10.0.2.15/24; it sends
 * from 0.0.0.0:68 to broadcast with valid checksums; a lost message goes again after
 * 1, 2, 4, 8 s, then it gives up; a NAK starts over. Hostile replies (short; wrong
 * op, xid, MAC or port; options past the end; no END; no type; a bad address) are
 * dropped and counted, and seeded mutations of good ones, each in a buffer of exactly
 * its length, are never read past (ASan). Given code, sent through the student's IPv4.
 */
#include "host.h"
#include "lab10_dhcp.h"

/* Frame i on the wire is a client message of `type` with our xid; its options' value for
   `code` (4 bytes) in *value when it has one. Every header and checksum checked. */
static void check_sent(int i, uint8_t type, uint8_t code, uint32_t *value)
{
    const uint8_t *fr = wire.frame[i], *ip = fr + 14, *u = ip + 20, *m = u + 8;
    static const uint8_t everyone[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
    CHECK(memcmp(fr, everyone, 6) == 0 && memcmp(fr + 6, guest_mac, 6) == 0);
    CHECK_EQ(inet_checksum(ip, 20), 0);
    CHECK(get32(ip + 12) == 0 && get32(ip + 16) == IP_BROADCAST);      /* 0.0.0.0 to all */
    CHECK(get16(u) == 68 && get16(u + 2) == 67);
    uint16_t ulen = get16(u + 4);
    CHECK_EQ(wire.len[i], 14 + 20 + ulen);
    CHECK_EQ(inet_fold(inet_sum(u, ulen, inet_pseudo(0, IP_BROADCAST, IP_PROTO_UDP, ulen, 0))), 0);
    CHECK(m[0] == 1 && m[1] == 1 && m[2] == 6 && get32(m + 4) == d.xid);
    CHECK_EQ(get16(m + 10), 0x8000);                    /* BROADCAST: we take no unicast yet */
    CHECK(memcmp(m + 28, guest_mac, 6) == 0 && get32(m + 236) == 0x63825363);
    uint8_t seen_type = 0;
    for (size_t at = 240; at + 1 < ulen - 8u && m[at] != 255; at += 2u + m[at + 1]) {
        seen_type = m[at] == 53 ? m[at + 2] : seen_type;
        if (value && m[at] == code && m[at + 1] == 4)
            *value = get32(m + at + 2);
    }
    CHECK_EQ(seen_type, type);
}

TEST(the_client_gets_qemus_address)
{
    uint32_t requested = 0, server = 0;
    start();
    CHECK_EQ(wire.n, 1);
    check_sent(0, 1, 0, NULL);                          /* DISCOVER */
    answer(2, IP_BROADCAST);                            /* OFFER */
    CHECK_EQ(d.state, DHCP_REQUESTING);
    CHECK_EQ(wire.n, 2);
    check_sent(1, 3, 50, &requested);                   /* REQUEST */
    check_sent(1, 3, 54, &server);
    CHECK(requested == OFFERED && server == PEER_IP);
    answer(5, IP_BROADCAST);                            /* ACK */
    CHECK_EQ(d.state, DHCP_BOUND);
    CHECK(d.lease.ip == OFFERED && d.lease.netmask == MASK24 && d.lease.router == PEER_IP);
    CHECK(d.lease.server == PEER_IP && d.lease.lease_s == 86400);
    CHECK_EQ(dhcp_dropped(&d), 0);
    answer(5, IP_BROADCAST);                            /* a duplicate ACK: counted, no more */
    CHECK_EQ(d.stats.unexpected, 1);
    CHECK_EQ(wire.n, 2);
}

/* A server that ignores the BROADCAST flag unicasts to the offered address (RFC 2131 4.1):
   the stack must take it although it has no address yet. */
TEST(a_unicast_reply_is_taken_before_the_stack_has_an_address)
{
    start();
    answer(2, OFFERED);
    CHECK_EQ(n.stats.ip_not_ours, 0);
    CHECK_EQ(d.state, DHCP_REQUESTING);
    answer(5, OFFERED);
    CHECK_EQ(d.state, DHCP_BOUND);
}

TEST(lost_messages_are_sent_again_with_backoff_then_it_gives_up)
{
    start();
    CHECK_EQ(at(999), 1);
    CHECK_EQ(at(1000), 2);                              /* 1 s, then 2, 4, 8 */
    CHECK_EQ(at(2999), 2);
    CHECK_EQ(at(3000), 3);
    CHECK_EQ(at(7000), 4);
    check_sent(3, 1, 0, NULL);                          /* the same DISCOVER, the same xid */
    CHECK_EQ(at(14999), 4);
    CHECK_EQ(d.state, DHCP_SELECTING);
    CHECK_EQ(at(15000), 4);                             /* 4 sends: it gives up */
    CHECK_EQ(d.state, DHCP_FAILED);
    CHECK(d.why != NULL && strstr(d.why, "DISCOVER") != NULL);
    CHECK_EQ(at(60000), 4);                             /* and stays quiet */
}

TEST(a_lost_offer_is_recovered_by_the_next_discover)
{
    start();
    at(1000);                                           /* the first DISCOVER went nowhere */
    answer(2, IP_BROADCAST);
    answer(5, IP_BROADCAST);
    CHECK_EQ(d.state, DHCP_BOUND);
    CHECK_EQ(d.stats.sent, 3);
}

TEST(unanswered_requests_and_naks_start_over_a_bounded_number_of_times)
{
    start();
    answer(2, IP_BROADCAST);
    uint32_t first_xid = d.xid;
    for (uint64_t t = 1000; d.state == DHCP_REQUESTING && t < 30000; t += 1000)
        at(t);
    CHECK_EQ(d.state, DHCP_SELECTING);                  /* back to a DISCOVER, a new xid */
    CHECK(d.xid != first_xid);
    check_sent(wire.n - 1, 1, 0, NULL);
    answer(2, IP_BROADCAST);
    answer(6, IP_BROADCAST);                            /* NAK: no rounds left */
    CHECK_EQ(d.stats.naks, 1);
    CHECK_EQ(d.state, DHCP_FAILED);
    CHECK(strstr(d.why, "NAK") != NULL);
}

/* One hostile reply to the DISCOVER: dropped, counted where `counter` says, nothing sent. */
#define DROPPED(m, len, sport, counter)                                    \
    do {                                                                   \
        start();                                                           \
        feed((m), (len), (sport));                                         \
        CHECK_EQ(d.stats.counter, 1);                                      \
        CHECK_EQ(dhcp_dropped(&d), 1);                                     \
        CHECK_EQ(d.state, DHCP_SELECTING);                                 \
        CHECK_EQ(wire.n, 1);                                               \
    } while (0)

TEST(hostile_replies_are_dropped_and_counted)
{
    uint8_t m[600], o[64];
    size_t olen = qemu_options(o, 2), len = reply(m, XID, OFFERED, o, olen);
    DROPPED(m, len, 53, wrong_port);
    DROPPED(m, 239, 67, short_msgs);
    DROPPED(m, len - olen + 2, 67, bad_options);        /* the type option cut in two */
    DROPPED(m, len - 1, 67, bad_options);               /* no END */
    m[240 + 1] = 0;
    DROPPED(m, 240 + 2, 67, bad_options);               /* a type of no bytes, at the end */
    m[240 + 1] = 1;
    m[0] = 1;
    DROPPED(m, len, 67, not_reply);
    m[0] = 2;
    put32(m + 4, XID + 1);
    DROPPED(m, len, 67, wrong_xid);
    put32(m + 4, XID);
    m[33] ^= 1;
    DROPPED(m, len, 67, wrong_chaddr);
    m[33] ^= 1;
    m[239] = 0;
    DROPPED(m, len, 67, bad_cookie);
    m[239] = 0x63;
    m[240 + 4] = 200;                                   /* server id's length past the end */
    DROPPED(m, len, 67, bad_options);
    m[240 + 4] = 4;
    m[240 + 1] = 2;                                     /* a 2-byte message type */
    DROPPED(m, len, 67, bad_options);
    m[240 + 1] = 1;
    m[240] = 12;                                        /* the type is now a host name */
    DROPPED(m, len, 67, no_type);
    m[240] = 53;
    const uint32_t bad_addresses[] = { 0, IP_BROADCAST, NET_IP(127, 0, 0, 1),
                                       NET_IP(224, 0, 0, 1), NET_IP(10, 0, 2, 255) };
    for (size_t i = 0; i < sizeof bad_addresses / sizeof bad_addresses[0]; i++)
        DROPPED(m, reply(m, XID, bad_addresses[i], o, olen), 67, incomplete);
    o[3 + 6 + 2] = 0xF0;                                /* mask 240.255.255.0: not contiguous */
    DROPPED(m, reply(m, XID, OFFERED, o, olen), 67, incomplete);
    DROPPED(m, reply(m, XID, OFFERED, o, qemu_options(o, 5)), 67, unexpected);
}

/* Seeded mutations of a good OFFER, each in a buffer of exactly its length (ASan sees any
   read past it): every one is taken as an OFFER or dropped and counted, never both. */
TEST(random_mutations_are_never_read_past)
{
    uint8_t m[600], o[64];
    size_t good = reply(m, XID, OFFERED, o, qemu_options(o, 2));
    host_rng_seed(0xD4C9);
    for (int i = 0; i < 20000; i++) {
        uint8_t copy[600];
        size_t len = host_rng() % 4 ? good : host_rng() % (good + 1);
        memcpy(copy, m, len);
        for (uint32_t k = host_rng() % 4; k > 0 && len > 240; k--)
            copy[240 + host_rng() % (len - 240)] = (uint8_t)host_rng();
        if (host_rng() % 8 == 0 && len > 4)
            copy[host_rng() % len] ^= (uint8_t)(1u << (host_rng() % 8));
        start();
        feed(copy, len, 67);
        CHECK_EQ(d.stats.offers + dhcp_dropped(&d), 1);
        if (d.state == DHCP_REQUESTING) {
            uint32_t mask = d.offer.netmask;
            CHECK(mask != 0 && ((~mask + 1) & ~mask) == 0 && d.offer.server != 0);
            CHECK(d.offer.ip >> 24 != 0 && d.offer.ip >> 24 != 127 && d.offer.ip >> 24 < 224);
        }
    }
}

int main(void)
{
    RUN_GUARDED(the_client_gets_qemus_address);
    RUN_GUARDED(a_unicast_reply_is_taken_before_the_stack_has_an_address);
    RUN_GUARDED(lost_messages_are_sent_again_with_backoff_then_it_gives_up);
    RUN_GUARDED(a_lost_offer_is_recovered_by_the_next_discover);
    RUN_GUARDED(unanswered_requests_and_naks_start_over_a_bounded_number_of_times);
    RUN_GUARDED(hostile_replies_are_dropped_and_counted);
    RUN_GUARDED(random_mutations_are_never_read_past);
    return host_summary("lab10 dhcp");
}
