/*
 * tcpooo.c - TCP's out-of-order receive queue (given code): a segment that
 * starts past rcv_nxt inside the receive window (RFC 9293 3.10.7.4 "first,
 * check sequence number", 3.4's note that such segments should be held) has
 * its bytes written into the receive ring at their offset from rcv_nxt, and
 * its range [seq, seq + len) merged into a sorted list of at most
 * TCP_OOO_RANGES ranges; a segment that would need one more range is dropped
 * and counted (the peer sends it again). The segment is still answered with a
 * duplicate ACK (RFC 5681 4.2): the peer's fast retransmit needs it. When
 * in-order data reaches a range, rcv_nxt jumps over every range now contiguous
 * and the application sees their bytes; a FIN past the hole is remembered and
 * taken when rcv_nxt reaches it.
 *
 * Why it is sound: the window's right edge (rcv_nxt + TCP_RXBUF - rx_len)
 * never moves left (data taken in order moves rcv_nxt and rx_len together; the
 * application's reads only open it), so a range kept inside it stays inside,
 * and its bytes' place in the ring (rx_head + rx_len + offset) stays theirs.
 * Every comparison is modulo 2^32 (seq_lt and friends).
 */
#include "tcpseg.h"

/* [start, end) merged into c's ranges: false (nothing changed) if that needs one too many. */
static bool merge_range(struct tcp_conn *c, uint32_t start, uint32_t end)
{
    uint32_t s[TCP_OOO_RANGES + 1], e[TCP_OOO_RANGES + 1];
    int n = 0;
    bool placed = false;

    for (int i = 0; i < c->ooo_count; i++) {
        uint32_t a = c->ooo[i].start, b = c->ooo[i].end;
        if (seq_le(a, end) && seq_le(start, b)) {   /* overlaps or touches: one range */
            start = seq_lt(a, start) ? a : start;
            end = seq_gt(b, end) ? b : end;
            continue;
        }
        if (!placed && seq_lt(end, a)) {
            s[n] = start, e[n++] = end;
            placed = true;
        }
        s[n] = a, e[n++] = b;
    }
    if (!placed)
        s[n] = start, e[n++] = end;
    if (n > TCP_OOO_RANGES)
        return false;
    for (int i = 0; i < n; i++)
        c->ooo[i].start = s[i], c->ooo[i].end = e[i];
    c->ooo_count = (uint8_t)n;
    return true;
}

bool tcp_ooo_keep(struct tcp *t, struct tcp_conn *c, const struct segment *s)
{
    uint32_t wnd = TCP_RXBUF - c->rx_len, off = s->seq - c->rcv_nxt;

    if (!seq_gt(s->seq, c->rcv_nxt) || off >= wnd)
        return false;                   /* acceptable() lets none of these through */
    uint32_t len = s->len < wnd - off ? s->len : wnd - off;    /* cut at the window's edge */
    bool fin = (s->flags & TCP_FIN) && len == s->len;  /* all its data fit: its FIN too */
    if (len && !merge_range(c, s->seq, s->seq + len)) {
        t->stats.ooo_dropped++;
        return false;
    }
    uint32_t at = c->rx_head + c->rx_len + off;
    for (uint32_t i = 0; i < len; i++)
        c->rx[(at + i) % TCP_RXBUF] = s->data[i];
    if (fin && !c->ooo_fin) {
        c->ooo_fin = true;
        c->ooo_fin_seq = s->seq + len;
    }
    return len || fin;
}

bool tcp_ooo_advance(struct tcp_conn *c)
{
    uint32_t was = c->rcv_nxt;
    int gone = 0;

    while (gone < c->ooo_count && seq_le(c->ooo[gone].start, c->rcv_nxt)) {
        uint32_t end = c->ooo[gone++].end;
        if (seq_gt(end, c->rcv_nxt)) {  /* its bytes are in the ring already */
            c->rx_len += end - c->rcv_nxt;
            c->rcv_nxt = end;
        }
    }
    for (int i = gone; i < c->ooo_count; i++)
        c->ooo[i - gone] = c->ooo[i];
    c->ooo_count = (uint8_t)(c->ooo_count - gone);
    return c->rcv_nxt != was;
}

bool tcp_ooo_fin_due(const struct tcp_conn *c)
{
    return c->ooo_fin && !c->fin_rcvd && c->ooo_fin_seq == c->rcv_nxt;
}
