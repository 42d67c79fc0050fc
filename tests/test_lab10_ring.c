/*
 * test_lab10_ring.c - lab 10's descriptor rings (labs/lab10-net/e1000ring.c)
 * against a fake 82540EM that keeps the card's side of 8254x SDM 3.2.6 and
 * 3.3.4: it fills receive descriptors from head up to (not including) the
 * tail, and at every transmit tail write checks that each descriptor it is
 * given is already complete (a tail written before its descriptor is caught
 * there), then sends them at its own pace. Thousands of frames wrap both
 * rings many times; full rings, errors and oversized frames are counted.
 */
#include "host.h"
#include <stdbool.h>
#include "e1000_ring.h"

#define N 8

static struct e1000_rx_desc rxd[N];
static struct e1000_tx_desc txd[N];
static uint8_t rxb[N][E1000_BUF_SIZE], txb[N][E1000_BUF_SIZE];
static struct {
    uint32_t rdh, rdt, tdh, tdt;
    int bad_tail_writes, no_buffer;
    uint32_t sent_seq;                  /* the first byte of each frame sent, in order */
    int sent;
} card;
static struct e1000_ring r;

static void fake_tail(void *c, uint32_t reg, uint32_t v)
{
    (void)c;
    if (reg == E1000_RDT) {
        card.rdt = v;
        return;
    }
    for (uint32_t i = card.tdt; i != v; i = (i + 1) % N)
        if (!(txd[i].cmd & TXD_CMD_EOP) || !(txd[i].cmd & TXD_CMD_RS) || txd[i].status != 0 ||
            txd[i].length == 0)
            card.bad_tail_writes++;
    card.tdt = v;
}

static void setup(void)
{
    memset(&card, 0, sizeof card);
    memset(&r, 0, sizeof r);
    memset(rxd, 0xAA, sizeof rxd);      /* stale status bits: ring_reset must clear them */
    memset(txd, 0, sizeof txd);
    r.rx = rxd;
    r.rx_buf = rxb;
    r.nrx = N;
    r.tx = txd;
    r.tx_buf = txb;
    r.ntx = N;
    r.write_tail = fake_tail;
    ring_reset(&r);
}

/* The card receives one frame of len bytes starting with byte b (false: no descriptor). */
static bool card_receive(size_t len, uint8_t b, uint8_t errors)
{
    if (card.rdh == card.rdt) {
        card.no_buffer++;
        return false;
    }
    memset(rxb[card.rdh], b, len);
    rxd[card.rdh].length = (uint16_t)len;
    rxd[card.rdh].errors = errors;
    rxd[card.rdh].status = RXD_STAT_DD | RXD_STAT_EOP;
    card.rdh = (card.rdh + 1) % N;
    return true;
}

/* The card sends up to k queued frames, writing DD back. */
static void card_send(int k)
{
    for (; k > 0 && card.tdh != card.tdt; k--) {
        CHECK_EQ(txb[card.tdh][0], (uint8_t)card.sent_seq);
        card.sent_seq++;
        card.sent++;
        txd[card.tdh].status |= TXD_STAT_DD;
        card.tdh = (card.tdh + 1) % N;
    }
}

TEST(index_math_wraps)
{
    CHECK_EQ(ring_next(N - 1, N), 0);
    CHECK_EQ(ring_next(3, N), 4);
    CHECK_EQ(ring_used(6, 2, N), 4);
    CHECK_EQ(ring_used(2, 2, N), 0);
    CHECK_EQ(ring_used(2, 1, N), N - 1);
}

TEST(the_card_starts_owning_all_receive_slots_but_one)
{
    setup();
    CHECK_EQ(card.rdt, N - 1);
    CHECK_EQ(card.tdt, 0);
    CHECK(!rx_ready(&r));
    CHECK_EQ(tx_ring_free(&r), N - 1);
    for (int i = 0; i < N - 1; i++)
        CHECK(card_receive(60, (uint8_t)i, 0));
    CHECK(!card_receive(60, 0, 0));                     /* head met tail: full */
}

TEST(receive_wraps_in_order_for_thousands_of_frames)
{
    uint8_t out[E1000_BUF_SIZE];
    uint8_t next = 0;
    uint32_t want = 0;
    setup();
    srand(7);
    for (int round = 0; round < 5000; round++) {
        for (int k = rand() % N; k > 0; k--)
            if (card_receive(60 + (size_t)(next % 100), next, 0))
                next++;
        for (int k = rand() % N; k > 0; k--) {
            int len = rx_take(&r, out, sizeof out);
            if (len < 0)
                break;
            CHECK_EQ(len, 60 + (uint8_t)want % 100);
            CHECK_EQ(out[0], (uint8_t)want);
            want++;
        }
    }
    CHECK(r.stats.rx_frames > 10000);
    CHECK_EQ(r.stats.rx_frames, want);
}

TEST(bad_frames_are_counted_and_their_slots_returned)
{
    uint8_t out[100];
    setup();
    card_receive(60, 1, RXD_ERR_CE);
    card_receive(200, 2, 0);                            /* longer than out */
    card_receive(60, 3, 0);
    CHECK_EQ(rx_take(&r, out, sizeof out), 0);
    CHECK_EQ(rx_take(&r, out, sizeof out), 0);
    CHECK_EQ(rx_take(&r, out, sizeof out), 60);
    CHECK_EQ(out[0], 3);
    CHECK_EQ(r.stats.rx_errors, 1);
    CHECK_EQ(r.stats.rx_split, 1);
    CHECK_EQ(card.rdt, 2);                              /* all three given back */
    CHECK_EQ(rx_take(&r, out, sizeof out), -1);
}

TEST(transmit_fills_descriptors_before_the_tail)
{
    uint8_t frame[64];
    uint32_t seq = 0;
    setup();
    srand(8);
    for (int round = 0; round < 5000; round++) {
        for (int k = rand() % N; k > 0; k--) {
            memset(frame, (uint8_t)seq, sizeof frame);
            if (tx_put(&r, frame, sizeof frame) < 0)
                break;
            seq++;
        }
        card_send(rand() % N);
    }
    card_send(N);
    CHECK_EQ(card.bad_tail_writes, 0);
    CHECK_EQ((uint32_t)card.sent, seq);
    CHECK(r.stats.tx_full > 0);                         /* the ring did fill up */
}

TEST(a_full_ring_refuses_until_the_card_is_done)
{
    uint8_t frame[60] = { 0 };
    setup();
    for (int i = 0; i < N - 1; i++) {
        frame[0] = (uint8_t)i;
        CHECK_EQ(tx_put(&r, frame, sizeof frame), 0);
    }
    CHECK_EQ(tx_ring_free(&r), 0);
    CHECK_EQ(tx_put(&r, frame, sizeof frame), -1);
    card_send(2);
    frame[0] = N - 1;
    CHECK_EQ(tx_put(&r, frame, sizeof frame), 0);       /* reclaimed two, used one */
    CHECK_EQ(tx_ring_free(&r), 1);
}

int main(void)
{
    RUN(index_math_wraps);
    RUN(the_card_starts_owning_all_receive_slots_but_one);
    RUN(receive_wraps_in_order_for_thousands_of_frames);
    RUN(bad_frames_are_counted_and_their_slots_returned);
    RUN(transmit_fills_descriptors_before_the_tail);
    RUN(a_full_ring_refuses_until_the_card_is_done);
    return host_summary("lab10 ring");
}
