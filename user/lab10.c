/*
 * lab10.c - stage 10's program: the network. With an e1000 bound by lab 10,
 * it asks DHCP for an address (QEMU's user network gives 10.0.2.15/24, router
 * 10.0.2.2) and says what it got, or why it got none and that it uses QEMU's
 * addresses instead; mounts the FAT volumes lab 7 finds, and serves until the
 * machine is powered off: ARP, ping replies, UDP echo on port 7 and HTTP/1.1
 * on port 80 (lab10_http.c). "lab10: ready" says the stack is up: the grader
 * starts talking then.
 *
 *     ip=A.B.C.D     a static address, no DHCP (netmask 255.255.255.0, gateway 10.0.2.2)
 *     ping=A.B.C.D   first ping it three times and say how many replies came
 *     fetch=PORT/PATH first GET PATH from the gateway's PORT (the host's 127.0.0.1:PORT)
 *                    over lab 10's active open, and say the status, length and CRC-32
 *     txflood=MiB    no stack: push MiB of frames through the ring, then stop (lab10_floor.c)
 *     reflect        no stack: UDP datagrams to port 7 go back as they came (lab10_floor.c)
 *     trace=MS       lab 6's trace from just before the ready line for MS ms, then printed
 *                    (make lab10-trace: one request's timeline, handouts/lab10.md)
 *     dhcp_t1=S      for tests: renew the lease S seconds after the ACK, not at T1 (QEMU's
 *                    lease is a day: its T1 is 12 hours)
 *     head_ms=N      the web server's bound on a request head, in ms (lab10_http.h)
 */
#include "cmdline.h"
#include "format.h"
#include "panic.h"
#include "kprintf.h"
#include "lab10_fetch.h"
#include "lab10_http.h"
#include "lab10_ping.h"
#include "lab10_floor.h"
#include "netif.h"
#include "process.h"
#include "thread.h"

CMDLINE_OPTION(ip, "ip", "ip=A.B.C.D: a static address, no DHCP (default: DHCP; 10.0.2.15 if it fails)");
CMDLINE_OPTION(dhcp_t1, "dhcp_t1", "dhcp_t1=SECONDS: for tests, renew the DHCP lease that long "
               "after the ACK (1-86400; default its T1, half the lease)");
CMDLINE_OPTION(trace, "trace", "trace=MS: record lab 6's trace from the ready line for MS ms "
               "(1-10000), then print it (make lab10-trace)");
CMDLINE_OPTION(ping, "ping", "ping=A.B.C.D: ping it 3 times before serving (10.0.2.2 answers)");
CMDLINE_OPTION(fetch, "fetch", "fetch=PORT/PATH: GET PATH from 10.0.2.2:PORT (the host's 127.0.0.1:PORT) "
               "before serving; one line: status, length, CRC-32");
CMDLINE_OPTION(head_ms, "head_ms", "head_ms=N: ms a connection has for a whole request head "
               "before it is reset (default 30000)");

#define QEMU_GUEST   NET_IP(10, 0, 2, 15)
#define QEMU_GATEWAY NET_IP(10, 0, 2, 2)
#define QEMU_NETMASK NET_IP(255, 255, 255, 0)

/* "A.B.C.D" as a number; the option `name` is refused if it is anything else. */
static uint32_t parse_ip(const char *name, const char *s)
{
    uint32_t ip = 0;

    for (int part = 0; part < 4; part++) {
        uint32_t v = 0;
        int digits = 0;
        for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
            v = v * 10 + (uint32_t)(*s - '0');
        if (!digits || v > 255 || *s != (part == 3 ? '\0' : '.'))
            cmdline_refuse(name, "not an IPv4 address", "four numbers 0-255 like 10.0.2.15");
        ip = ip << 8 | v;
        s += part < 3;
    }
    return ip;
}

static const char *ip_text(uint32_t ip, char text[16])
{
    ksnprintf(text, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF, ip & 0xFF);
    return text;
}

/* DHCP's address, or QEMU's if it fails; either way one line says which and why. */
static uint32_t ask_dhcp(uint32_t t1_s)
{
    struct netif_dhcp_future f;
    char ip[16], router[16], server[16];

    netif_dhcp(&f, QEMU_GUEST, QEMU_NETMASK, QEMU_GATEWAY);
    f.t1_override_s = t1_s;
    thread_await(&f.base);
    const struct dhcp *d = f.client;
    if (d->state == DHCP_BOUND) {
        const struct dhcp_lease *l = &d->lease;
        kprintf("lab10: dhcp: %s/%d router %s from %s, lease %u s\n", ip_text(l->ip, ip),
                __builtin_popcount(l->netmask), l->router ? ip_text(l->router, router) : "none",
                ip_text(l->server, server), l->lease_s);
        if (thread_spawn(netif_dhcp_keep()) < 0)
            panic("lab10: no task slot to keep the lease");
        return l->ip;
    }
    kprintf("lab10: dhcp: failed: %s (%u sent, %u replies dropped); "
            "static %s/24 router %s instead\n", d->why, d->stats.sent, dhcp_dropped(d),
            ip_text(QEMU_GUEST, ip), ip_text(QEMU_GATEWAY, router));
    return QEMU_GUEST;
}

/* Every option, read and checked before anything runs (a malformed one stops the boot). */
struct options {
    uint32_t ip;                        /* 0: ask DHCP */
    uint32_t ping_to, flood_mib, t1_s, trace_ms, head_ms;
    bool reflecting, fetching;
    struct fetch fetch;
};

static void read_options(struct options *o)
{
    const char *ip_word = cmdline_str("ip", 0), *ping_word = cmdline_str("ping", 0);
    const char *fetch_word = cmdline_str("fetch", 0);

    o->ip = ip_word ? parse_ip("ip", ip_word) : 0;
    if (ip_word && (o->ip >> 24 == 0 || o->ip >> 24 == 127 || o->ip >> 24 >= 224))
        cmdline_refuse("ip", "not a host's address", "a unicast address like 10.0.2.15");
    o->ping_to = ping_word ? parse_ip("ping", ping_word) : 0;
    o->fetching = fetch_word != 0;
    if (fetch_word)
        fetch_parse(fetch_word, &o->fetch);
    o->flood_mib = txflood_option();
    o->reflecting = reflect_option();
    o->t1_s = (uint32_t)cmdline_uint("dhcp_t1", 0, 1, 86400);
    o->trace_ms = (uint32_t)cmdline_uint("trace", 0, 1, 10000);
    o->head_ms = (uint32_t)cmdline_uint("head_ms", HTTP_HEAD_MS, HTTP_HEAD_MS_MIN, HTTP_HEAD_MS_MAX);
}

void program_main(void)
{
    static struct options o;
    char text[16];

    read_options(&o);
    if (!netdev_present()) {
        kprintf("lab10: no network card (add -device e1000)\n");
        return;
    }
    if (o.flood_mib) {
        txflood(o.flood_mib);           /* the bench's floor: the card alone, then the end */
        return;
    }
    if (o.reflecting)
        reflect();                      /* the bench's floor: the card alone, until powered off */
    if (!volumes_mount())
        kprintf("lab10: no FAT volume on any disk: every path is 404\n");
    uint32_t ip = o.ip;
    struct future *serve = ip ? netif_start(ip, QEMU_NETMASK, QEMU_GATEWAY) : netif_start(0, 0, 0);
    if (thread_spawn(serve) < 0)
        panic("lab10: no task slot for the network");
    if (!ip)
        ip = ask_dhcp(o.t1_s);
    if (thread_spawn(http_start(o.head_ms)) < 0)
        panic("lab10: no task slot for the web server");
    if (o.ping_to)
        thread_await(ping_start(o.ping_to));
    if (o.fetching)
        fetch_run(&o.fetch, QEMU_GATEWAY);
    if (o.trace_ms)
        thread_trace_start();           /* the clients start at the ready line */
    kprintf("lab10: ready: %s, http on port %u, udp echo on port %u\n", ip_text(ip, text),
            HTTP_PORT, UDP_PORT_ECHO);
    if (o.trace_ms) {
        thread_sleep_ms(o.trace_ms);
        thread_trace_print();
    }
    for (;;)
        thread_sleep_ms(60000);         /* the tasks serve until the machine is powered off */
}
