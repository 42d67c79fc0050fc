/*
 * lab10.c - stage 10's program: the network. With an e1000 bound by lab 10,
 * it configures the stack with QEMU's user-network addresses (10.0.2.15/24,
 * gateway 10.0.2.2), mounts the FAT volumes lab 7 finds, and serves until
 * the machine is powered off: ARP, ping replies, UDP echo on port 7 and
 * HTTP/1.1 on port 80 (lab10_http.c). "lab10: ready" says the stack is up:
 * the grader starts talking then.
 *
 *     ip=A.B.C.D     our address instead of 10.0.2.15 (the gateway stays 10.0.2.2)
 *     ping=A.B.C.D   first ping it three times and say how many replies came
 */
#include "cmdline.h"
#include "panic.h"
#include "kprintf.h"
#include "lab10_http.h"
#include "lab10_ping.h"
#include "netif.h"
#include "process.h"
#include "thread.h"

CMDLINE_OPTION(ip, "ip", "ip=A.B.C.D: the guest's address (default 10.0.2.15, QEMU's user network)");
CMDLINE_OPTION(ping, "ping", "ping=A.B.C.D: ping it 3 times before serving (10.0.2.2 answers)");

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

void program_main(void)
{
    const char *ip_word = cmdline_str("ip", 0), *ping_word = cmdline_str("ping", 0);
    uint32_t ip = ip_word ? parse_ip("ip", ip_word) : QEMU_GUEST;
    uint32_t ping_to = ping_word ? parse_ip("ping", ping_word) : 0;

    if (!netdev_present()) {
        kprintf("lab10: no network card (add -device e1000)\n");
        return;
    }
    if (!volumes_mount())
        kprintf("lab10: no FAT volume on any disk: every path is 404\n");
    struct future *serve = netif_start(ip, QEMU_NETMASK, QEMU_GATEWAY);
    if (thread_spawn(serve) < 0 || thread_spawn(http_start()) < 0)
        panic("lab10: no task slot for the network");
    if (ping_to)
        thread_await(ping_start(ping_to));
    kprintf("lab10: ready: %u.%u.%u.%u, http on port %u, udp echo on port %u\n", ip >> 24,
            (ip >> 16) & 0xFF, (ip >> 8) & 0xFF, ip & 0xFF, HTTP_PORT, UDP_PORT_ECHO);
    for (;;)
        thread_sleep_ms(60000);         /* the tasks serve until the machine is powered off */
}
