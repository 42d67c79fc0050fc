/*
 * test_lab10_dhcprenew.c - lab 10's DHCP client keeping its lease (RFC 2131
 * 4.4.5) on a fake clock against the fake server of lab10_dhcp.h: at T1 (half
 * the lease, or option 58) a REQUEST with ciaddr goes to the server alone
 * (RENEWING), sent again after half the time left before T2, 60 s at least; at
 * T2 (7/8, or option 59) to everyone (REBINDING); an ACK extends the lease from
 * the time the REQUEST went; a NAK, or the lease's end, takes the address from
 * the stack and starts over with a DISCOVER. Hostile replies while renewing (an
 * old xid, another address, another server, no lease time) change nothing.
 */
#include "host.h"
#include "lab10_dhcp.h"

#define DAY_S 86400u
#define T1_MS (DAY_S / 2 * 1000ull)
#define T2_MS (DAY_S * 875ull)
#define OTHER_SERVER NET_IP(10, 0, 2, 3)

/* A reply of `type` for the current xid: yiaddr, server, lease, T1 and T2 (0: not sent). */
static void send_reply(uint8_t type, uint32_t yiaddr, uint32_t server, uint32_t lease,
                       uint32_t t1, uint32_t t2)
{
    uint8_t m[600], o[64], *p = o;
    const struct { uint8_t code; uint32_t v; } four[] = {
        { 54, server }, { 1, NET_IP(255, 255, 255, 0) }, { 3, PEER_IP },
        { 51, lease }, { 58, t1 }, { 59, t2 },
    };
    *p++ = 53, *p++ = 1, *p++ = type;
    for (size_t i = 0; i < sizeof four / sizeof four[0]; i++)
        if (four[i].v) {
            *p++ = four[i].code, *p++ = 4;
            put32(p, four[i].v);
            p += 4;
        }
    *p++ = 255;
    size_t mlen = reply(m, d.xid, type == 6 ? 0 : yiaddr, o, (size_t)(p - o));
    net_input(&n, f, frame(m, mlen, DHCP_SERVER_PORT, IP_BROADCAST));
}

/* Bound to 10.0.2.15 with the stack configured as netif.c does, 10.0.2.2's MAC known. */
static void bound(uint32_t lease, uint32_t t1, uint32_t t2, uint32_t t1_override_s)
{
    start();
    d.t1_override_s = t1_override_s;                    /* as dhcp_start(..., t1_override_s) */
    answer(2, IP_BROADCAST);
    send_reply(5, OFFERED, PEER_IP, lease, t1, t2);
    CHECK_EQ(d.state, DHCP_BOUND);
    n.ip = d.lease.ip;
    n.netmask = d.lease.netmask;
    n.gateway = d.lease.router;
    wire.n = 0;
}

/* Tick at `ms` with 10.0.2.2's MAC fresh in the ARP cache (its entries last minutes,
   a lease hours: a renewal otherwise asks ARP first, as the last test shows). */
static int at_known(uint64_t ms)
{
    n.now_ms = 1000 + ms;
    arp_learn(&n, PEER_IP, peer_mac);
    return at(ms);
}

/* Frame i is a REQUEST from 10.0.2.15:68 with ciaddr set, no 50 nor 54, for our xid; to the
   server alone (its MAC and address) if `unicast`, else to everyone. Checksums checked. */
static void check_renewal(int i, bool unicast)
{
    const uint8_t *fr = wire.frame[i], *ip = fr + 14, *u = ip + 20, *m = u + 8;
    uint32_t dst = unicast ? PEER_IP : IP_BROADCAST;
    CHECK(memcmp(fr, unicast ? peer_mac : (const uint8_t *)"\377\377\377\377\377\377", 6) == 0);
    CHECK(get16(fr + 12) == ETH_TYPE_IPV4 && inet_checksum(ip, 20) == 0);
    CHECK(get32(ip + 12) == OFFERED && get32(ip + 16) == dst);
    CHECK(get16(u) == 68 && get16(u + 2) == 67);
    uint16_t ulen = get16(u + 4);
    CHECK_EQ(inet_fold(inet_sum(u, ulen, inet_pseudo(OFFERED, dst, IP_PROTO_UDP, ulen, 0))), 0);
    CHECK(m[0] == 1 && get32(m + 4) == d.xid && get16(m + 10) == 0 && get32(m + 12) == OFFERED);
    uint8_t type = 0;
    for (size_t at = 240; at + 1 < ulen - 8u && m[at] != 255; at += 2u + m[at + 1]) {
        CHECK(m[at] != 50 && m[at] != 54);              /* RFC 2131 table 5: MUST NOT */
        type = m[at] == 53 ? m[at + 2] : type;
    }
    CHECK_EQ(type, 3);
}

/* Frame i is a DISCOVER from 0.0.0.0 to everyone. */
static bool is_discover(int i)
{
    const uint8_t *ip = wire.frame[i] + 14, *m = ip + 28;
    return get32(ip + 12) == 0 && get32(ip + 16) == IP_BROADCAST && m[240] == 53 && m[242] == 1;
}

TEST(it_renews_at_t1_with_the_server_alone_and_the_ack_extends_the_lease)
{
    bound(DAY_S, 0, 0, 0);
    uint32_t xid = d.xid;
    CHECK_EQ(at_known(T1_MS - 1), 0);
    CHECK_EQ(at_known(T1_MS), 1);
    CHECK_EQ(d.state, DHCP_RENEWING);
    CHECK(d.xid != xid);
    check_renewal(0, true);
    CHECK_EQ(n.ip, OFFERED);                            /* still in use while renewing */
    send_reply(5, OFFERED, PEER_IP, DAY_S, 0, 0);
    CHECK_EQ(d.state, DHCP_BOUND);
    CHECK_EQ(d.stats.renewals, 1);
    CHECK_EQ(d.expiry_ms, 1000 + T1_MS + DAY_S * 1000ull);   /* from when the REQUEST went */
    CHECK_EQ(at_known(2 * T1_MS - 1), 1);
    CHECK_EQ(at_known(2 * T1_MS), 2);                         /* the next T1, from the new lease */
    CHECK_EQ(dhcp_dropped(&d), 0);
}

TEST(unanswered_it_resends_then_rebinds_at_t2_then_drops_the_address_at_the_end)
{
    bound(DAY_S, 0, 0, 0);
    at_known(T1_MS);
    uint64_t half = (T2_MS - T1_MS) / 2;
    CHECK_EQ(at_known(T1_MS + half - 1), 1);
    CHECK_EQ(at_known(T1_MS + half), 2);                      /* half the time left before T2 */
    check_renewal(1, true);
    CHECK_EQ(at_known(T2_MS - 1), 3);                   /* one tick, one send */
    CHECK_EQ(at_known(T2_MS), 4);
    CHECK_EQ(d.state, DHCP_REBINDING);
    check_renewal(wire.n - 1, false);
    CHECK_EQ(n.ip, OFFERED);
    CHECK_EQ(at_known(DAY_S * 1000ull - 100000), 5);    /* 100 s left: next in 60 s, not 50 */
    CHECK_EQ(at_known(DAY_S * 1000ull - 40001), 5);
    CHECK_EQ(at_known(DAY_S * 1000ull - 40000), 6);
    CHECK_EQ(d.resend_ms, 1000 + DAY_S * 1000ull);      /* 40 s left: then the end */
    CHECK_EQ(d.state, DHCP_REBINDING);
    at_known(DAY_S * 1000ull);                                /* the lease's end */
    CHECK_EQ(d.stats.lost, 1);
    CHECK(n.ip == 0 && n.gateway == 0 && d.lease.ip == 0);
    CHECK_EQ(d.state, DHCP_SELECTING);
    CHECK(is_discover(wire.n - 1));
    answer(2, IP_BROADCAST);                            /* and it can get one again */
    answer(5, IP_BROADCAST);
    CHECK_EQ(d.state, DHCP_BOUND);
}

TEST(rebinding_takes_any_servers_ack)
{
    bound(DAY_S, 0, 0, 0);
    at_known(T2_MS);
    CHECK_EQ(d.state, DHCP_REBINDING);
    send_reply(5, OFFERED, OTHER_SERVER, 3600, 0, 0);
    CHECK_EQ(d.state, DHCP_BOUND);
    CHECK(d.stats.rebinds == 1 && d.lease.server == OTHER_SERVER && d.lease.lease_s == 3600);
    CHECK_EQ(d.t1_ms, 1000 + T2_MS + 1800000);
}

TEST(a_nak_to_a_renewal_drops_the_address_and_starts_over)
{
    bound(DAY_S, 0, 0, 0);
    at_known(T1_MS);
    send_reply(6, 0, OTHER_SERVER, 0, 0, 0);            /* not the server we asked */
    CHECK(d.state == DHCP_RENEWING && d.stats.unexpected == 1 && n.ip == OFFERED);
    send_reply(6, 0, PEER_IP, 0, 0, 0);
    CHECK(d.stats.naks == 1 && d.stats.lost == 1 && n.ip == 0);
    CHECK(strstr(d.why_lost, "NAK") != NULL);
    CHECK_EQ(d.state, DHCP_SELECTING);
    CHECK(is_discover(wire.n - 1));
}

TEST(hostile_replies_while_renewing_change_nothing)
{
    bound(DAY_S, 0, 0, 0);
    uint32_t old_xid = d.xid;
    at_known(T1_MS);
    uint8_t m[600], o[64];
    size_t mlen = reply(m, old_xid, OFFERED, o, qemu_options(o, 5));
    feed(m, mlen, DHCP_SERVER_PORT);                    /* the last exchange's xid */
    CHECK_EQ(d.stats.wrong_xid, 1);
    send_reply(5, NET_IP(10, 0, 2, 16), PEER_IP, DAY_S, 0, 0);     /* another address */
    send_reply(5, OFFERED, OTHER_SERVER, DAY_S, 0, 0);  /* a server we did not ask */
    send_reply(2, OFFERED, PEER_IP, DAY_S, 0, 0);       /* an OFFER */
    CHECK_EQ(d.stats.unexpected, 3);
    send_reply(5, OFFERED, PEER_IP, 0, 0, 0);           /* no lease time */
    CHECK_EQ(d.stats.incomplete, 1);
    CHECK(d.state == DHCP_RENEWING && d.stats.renewals == 0 && d.lease.lease_s == DAY_S);
    CHECK(n.ip == OFFERED && d.expiry_ms == 1000 + DAY_S * 1000ull);
}

TEST(the_servers_t1_and_t2_are_used_when_they_make_sense)
{
    bound(200, 100, 150, 0);
    CHECK(d.t1_ms == 1000 + 100000 && d.t2_ms == 1000 + 150000);
    bound(200, 150, 100, 0);                            /* T1 after T2: half T2 */
    CHECK(d.t1_ms == 1000 + 50000 && d.t2_ms == 1000 + 100000);
    bound(200, 0, 300, 0);                              /* T2 past the lease: 7/8 of it */
    CHECK(d.t1_ms == 1000 + 100000 && d.t2_ms == 1000 + 175000);
    bound(0xFFFFFFFFu, 0, 0, 0);                        /* forever: never renewed */
    CHECK_EQ(at_known(400ull * DAY_S * 1000), 0);
    CHECK_EQ(d.state, DHCP_BOUND);
}

TEST(the_testers_t1_comes_first_when_it_is_before_t2)
{
    bound(DAY_S, 0, 0, 2);
    CHECK_EQ(at_known(1999), 0);
    CHECK_EQ(at_known(2000), 1);
    check_renewal(0, true);
    send_reply(5, OFFERED, PEER_IP, DAY_S, 0, 0);
    CHECK(d.stats.renewals == 1 && d.t1_ms == 1000 + 2000 + 2000);
    bound(DAY_S, 0, 0, DAY_S);                          /* past T2: the lease's own T1 */
    CHECK_EQ(d.t1_ms, 1000 + T1_MS);
}

TEST(a_renewal_waits_for_arp_when_the_servers_mac_is_unknown)
{
    bound(DAY_S, 0, 0, 0);
    arp_learn(&n, PEER_IP, peer_mac);                   /* learnt at the ACK, gone by T1 */
    at(T1_MS);
    CHECK_EQ(wire.n, 1);
    CHECK(wire_asks_for_peer(wire.frame[0]));
    net_input(&n, f, wire_arp_reply(f));
    CHECK_EQ(wire.n, 2);
    check_renewal(1, true);
}

int main(void)
{
    RUN_GUARDED(it_renews_at_t1_with_the_server_alone_and_the_ack_extends_the_lease);
    RUN_GUARDED(unanswered_it_resends_then_rebinds_at_t2_then_drops_the_address_at_the_end);
    RUN_GUARDED(rebinding_takes_any_servers_ack);
    RUN_GUARDED(a_nak_to_a_renewal_drops_the_address_and_starts_over);
    RUN_GUARDED(hostile_replies_while_renewing_change_nothing);
    RUN_GUARDED(the_servers_t1_and_t2_are_used_when_they_make_sense);
    RUN_GUARDED(the_testers_t1_comes_first_when_it_is_before_t2);
    RUN_GUARDED(a_renewal_waits_for_arp_when_the_servers_mac_is_unknown);
    return host_summary("lab10 dhcp renew");
}
