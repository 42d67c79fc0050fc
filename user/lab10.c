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
 *     head_ms=N      the web server's bound on a request head, in ms (lab10_http.h)
 */
#include "cmdline.h"
#include "format.h"
#include "panic.h"
#include "kprintf.h"
#include "lab10_http.h"
#include "lab10_ping.h"
#include "netif.h"
#include "process.h"
#include "thread.h"

CMDLINE_OPTION(ip, "ip", "ip=A.B.C.D: a static address, no DHCP (default: DHCP; 10.0.2.15 if it fails)");
CMDLINE_OPTION(ping, "ping", "ping=A.B.C.D: ping it 3 times before serving (10.0.2.2 answers)");
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
static uint32_t ask_dhcp(void)
{
    struct netif_dhcp_future f;
    char ip[16], router[16], server[16];

    netif_dhcp(&f, QEMU_GUEST, QEMU_NETMASK, QEMU_GATEWAY);
    thread_await(&f.base);
    const struct dhcp *d = f.client;
    if (d->state == DHCP_BOUND) {
        const struct dhcp_lease *l = &d->lease;
        kprintf("lab10: dhcp: %s/%d router %s from %s, lease %u s\n", ip_text(l->ip, ip),
                __builtin_popcount(l->netmask), l->router ? ip_text(l->router, router) : "none",
                ip_text(l->server, server), l->lease_s);
        return l->ip;
    }
    kprintf("lab10: dhcp: failed: %s (%u sent, %u replies dropped); "
            "static %s/24 router %s instead\n", d->why, d->stats.sent, dhcp_dropped(d),
            ip_text(QEMU_GUEST, ip), ip_text(QEMU_GATEWAY, router));
    return QEMU_GUEST;
}

void program_main(void)
{
    const char *ip_word = cmdline_str("ip", 0), *ping_word = cmdline_str("ping", 0);
    uint32_t ip = ip_word ? parse_ip("ip", ip_word) : 0;   /* 0: ask DHCP */
    if (ip_word && (ip >> 24 == 0 || ip >> 24 == 127 || ip >> 24 >= 224))
        cmdline_refuse("ip", "not a host's address", "a unicast address like 10.0.2.15");
    uint32_t ping_to = ping_word ? parse_ip("ping", ping_word) : 0;
    uint32_t head_ms = (uint32_t)cmdline_uint("head_ms", HTTP_HEAD_MS, HTTP_HEAD_MS_MIN, HTTP_HEAD_MS_MAX);

    if (!netdev_present()) {
        kprintf("lab10: no network card (add -device e1000)\n");
        return;
    }
    if (!volumes_mount())
        kprintf("lab10: no FAT volume on any disk: every path is 404\n");
    struct future *serve = ip ? netif_start(ip, QEMU_NETMASK, QEMU_GATEWAY) : netif_start(0, 0, 0);
    if (thread_spawn(serve) < 0)
        panic("lab10: no task slot for the network");
    if (!ip)
        ip = ask_dhcp();
    if (thread_spawn(http_start(head_ms)) < 0)
        panic("lab10: no task slot for the web server");
    if (ping_to)
        thread_await(ping_start(ping_to));
    char text[16];
    kprintf("lab10: ready: %s, http on port %u, udp echo on port %u\n", ip_text(ip, text),
            HTTP_PORT, UDP_PORT_ECHO);
    for (;;)
        thread_sleep_ms(60000);         /* the tasks serve until the machine is powered off */
}
