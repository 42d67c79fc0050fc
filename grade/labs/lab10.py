"""Stage 10: the network. Each test boots stage 10 with an e1000 on QEMU's user
network, its ports forwarded to 127.0.0.1 only, at free ports the grader picks, and
every frame written to a pcap in the test's directory (QEMU's filter-dump). Once the
guest prints its ready line the grader talks to it with Python's socket (UDP echo of
seeded random datagrams, each retried a bounded number of times: the network may lose
a frame, a correct kernel never loses them all), then powers the machine off through
QEMU's monitor (an `o` to the isa-debug-exit port: the kernel serves until powered off).
The pcap is read back: every IPv4 header, ICMP, UDP and TCP checksum in it must be valid.
With ping=10.0.2.2 the kernel pings QEMU's gateway before it is ready. Without ip= the
kernel asks DHCP for its address (QEMU's user network gives 10.0.2.15) and says what it got;
with ip= it asks nothing; with no server on the wire it says DHCP failed and uses 10.0.2.15.

A submission's kernel (grade/sandbox.py) reaches the user network only through the
grader's guard (grade/netguard.py, grade/netrelay.py): its answers to the grader's
clients pass, and nothing else it sends reaches the host or beyond.
"""
from __future__ import annotations

import contextlib
import socket
import struct
import time
from pathlib import Path
from typing import Callable

from grade import sandbox
from grade.core import QEMU_ONLY, Ctx, Disk, Result, test
from grade.netguard import Guard
from grade.netrelay import FrameRelay, free_port
from grade.runner import Machine

READY = "lab10: ready:"
TIMEOUT = 30.0
GUEST_MAC = "52:54:00:12:34:56"         # QEMU's default for the first NIC
UDP_MAX = 1472                          # 1500 - IPv4 20 - UDP 8: no fragments
TRIES = 5                               # sends of one datagram before it counts as lost
REPLY_WAIT = 1.0                        # seconds for each try's reply
WORK_BUDGET = 15.0                      # seconds the talking may take (on_ready holds the log)
GIVE_UP_AFTER = 3                       # datagrams lost in a row: the guest stopped answering
POWER_OFF = "o /b 0xf4 0x10"            # isa-debug-exit: QEMU status 33, "success"


def net_args(pcap: Path, tcp_port: int, udp_port: int) -> list[str]:
    fwd = f"hostfwd=tcp:127.0.0.1:{tcp_port}-:80,hostfwd=udp:127.0.0.1:{udp_port}-:7"
    return ["-netdev", f"user,id=n0,{fwd}", "-device", "e1000,netdev=n0",
            "-object", f"filter-dump,id=f0,netdev=n0,file={pcap}"]


class Session:
    """What on_ready did, for the test to judge after the boot."""

    def __init__(self, budget: float = WORK_BUDGET) -> None:
        self.error: str | None = None
        self.rtts: list[float] = []
        self.lost = 0
        self.deadline = time.monotonic() + budget
        self.notes: list[str] = []              # what a test measured, for its directory

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline


def serve(ctx: Ctx, work: Callable[[Machine, int, int, Session], None],
          disks: tuple[Disk, ...] = (), budget: float = WORK_BUDGET,
          args: tuple[str, ...] = (),
          wiring: Callable[[Path, int, int], list[str]] | None = None,
          allow_tcp_to: int | None = None) -> tuple[Result, Session, Path]:
    """Boot with the network, run `work` once ready, power off; the result, what work saw.
    allow_tcp_to: the one host port the guard lets a submission's kernel connect to."""
    pcap = ctx.workdir / "net.pcap"
    session = Session(budget)
    tcp_port, udp_port = free_port(socket.SOCK_STREAM), free_port(socket.SOCK_DGRAM)

    def on_ready(m: Machine) -> None:
        try:
            work(m, tcp_port, udp_port, session)
        except Exception as e:          # reported as the test's failure, not the grader's
            session.error = f"{type(e).__name__}: {e}"
        m.qmp("human-monitor-command", **{"command-line": POWER_OFF})

    # A submission's kernel talks through the guard; a test's own wiring brings its own.
    guard = Guard(allow_tcp_to) if sandbox.CURRENT is not None and wiring is None else None
    guarded = FrameRelay(guard) if guard is not None else None
    with guarded or contextlib.nullcontext():
        wires = wiring or (guarded.wiring if guarded else net_args)
        r = ctx.boot(args=list(args), disks=list(disks), qemu_args=wires(pcap, tcp_port, udp_port),
                     ready=READY, on_ready=on_ready, timeout=TIMEOUT + budget)
    if guard is not None and guard.dropped:
        ctx.note(f"the guard dropped frames the kernel sent: {dict(guard.dropped)}")
    (ctx.workdir / "measured.txt").write_text("".join(f"{note}\n" for note in session.notes))
    ctx.check(session.error is None, f"talking to the guest: {session.error}")
    ctx.check(r.exit == "success", f"the kernel should serve until powered off; it ended: {r.exit}")
    return r, session, pcap


def echo_once(s: socket.socket, port: int, data: bytes, session: Session) -> bool:
    """Send data to the echo port until it comes back (TRIES at most): True if it did."""
    for _ in range(TRIES):
        if session.out_of_time():
            return False
        start = time.monotonic()
        s.sendto(data, ("127.0.0.1", port))
        s.settimeout(REPLY_WAIT)
        try:
            while True:
                got = s.recv(65536)
                if got == data:
                    session.rtts.append(time.monotonic() - start)
                    return True
        except socket.timeout:
            continue
    return False


def udp_echoes(datagrams: list[bytes]) -> Callable[[Machine, int, int, Session], None]:
    def work(m: Machine, tcp_port: int, udp_port: int, session: Session) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            in_a_row = 0
            for i, d in enumerate(datagrams):
                in_a_row = 0 if echo_once(s, udp_port, d, session) else in_a_row + 1
                session.lost += in_a_row > 0
                if in_a_row == GIVE_UP_AFTER or session.out_of_time():
                    session.lost += len(datagrams) - i - 1      # never sent: lost too
                    return
    return work


def random_datagrams(ctx: Ctx, n: int) -> list[bytes]:
    sizes = [1, UDP_MAX] + [ctx.rng.randint(1, UDP_MAX) for _ in range(n - 2)]
    return [ctx.rng.randbytes(k) for k in sizes]


@test(lab=10, name="e1000-bound", points=5, paths=QEMU_ONLY, timeout=TIMEOUT)
def e1000_bound(ctx: Ctx) -> None:
    """The driver line names the card where QEMU put it, its MAC from the EEPROM and the
    interrupt line the firmware routed (QEMU's query-pci says which)."""
    seen: dict[str, str] = {}

    def look(m: Machine, tcp_port: int, udp_port: int, session: Session) -> None:
        for bus in m.qmp("query-pci"):
            for d in bus["devices"]:
                if d["id"]["vendor"] == 0x8086 and d["id"]["device"] == 0x100E:
                    seen["line"] = (f"e1000: {bus['bus']:02x}:{d['slot']:02x}.{d['function']:x} "
                                    f"mac {GUEST_MAC} irq {d['irq']}")
    r, _, _ = serve(ctx, look)
    ctx.check("line" in seen, "QEMU's query-pci shows no 82540EM")
    ctx.check(seen["line"] in r.lines, f"expected the line {seen['line']!r} in the log:\n{r.log}")


@test(lab=10, name="udp-echo", points=15, paths=QEMU_ONLY, timeout=TIMEOUT)
def udp_echo(ctx: Ctx) -> None:
    """Seeded random datagrams of 1 to 1472 bytes to UDP port 7 come back byte for byte."""
    datagrams = random_datagrams(ctx, 40)
    r, session, _ = serve(ctx, udp_echoes(datagrams))
    ctx.check(session.lost == 0, f"{session.lost} of {len(datagrams)} datagrams never came back "
                                 f"in {TRIES} tries each")
    rtts = sorted(session.rtts)
    (ctx.workdir / "udp-rtt.txt").write_text(
        f"median round trip {1000 * rtts[len(rtts) // 2]:.3f} ms over {len(rtts)} datagrams\n")


@test(lab=10, name="ping-gateway", points=5, paths=QEMU_ONLY, timeout=TIMEOUT)
def ping_gateway(ctx: Ctx) -> None:
    """ping=10.0.2.2: the kernel's echo requests to QEMU's gateway all come back (it needs
    ARP for the gateway, an ICMP request with a right checksum, and the reply taken in)."""
    r, _, pcap = serve(ctx, lambda m, tcp_port, udp_port, session: None, args=("ping=10.0.2.2",))
    ctx.check("lab10: ping 10.0.2.2: 3 of 3 replies" in r.lines,
              f"expected 'lab10: ping 10.0.2.2: 3 of 3 replies' before the ready line:\n{r.log}")
    bad, kinds = check_pcap(pcap.read_bytes())
    ctx.check(not bad, "bad checksums in the pcap:\n" + "\n".join(bad[:10]))


@test(lab=10, name="pcap-checksums", points=10, paths=QEMU_ONLY, timeout=TIMEOUT)
def pcap_checksums(ctx: Ctx) -> None:
    """Every frame both ways, as QEMU's filter-dump saw it: IPv4 header, UDP and TCP
    checksums valid; the guest sent ARP and UDP."""
    r, session, pcap = serve(ctx, udp_echoes(random_datagrams(ctx, 12)))
    bad, kinds = check_pcap(pcap.read_bytes())
    ctx.check(not bad, "bad checksums in the pcap:\n" + "\n".join(bad[:10]))
    for kind in ("arp from guest", "udp from guest"):
        ctx.check(kind in kinds, f"the pcap has no {kind} frame (it has: {sorted(kinds)})")


QEMU_LEASE = "lab10: dhcp: 10.0.2.15/24 router 10.0.2.2 from 10.0.2.2, lease 86400 s"
DHCP_TYPES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 5: "ACK", 6: "NAK"}


@test(lab=10, name="dhcp-lease", points=5, paths=QEMU_ONLY, timeout=TIMEOUT)
def dhcp_lease(ctx: Ctx) -> None:
    """By default the kernel asks DHCP (RFC 2131): DISCOVER and REQUEST broadcast from
    0.0.0.0:68, QEMU's OFFER and ACK back, and the line names the lease QEMU gave."""
    r, session, pcap = serve(ctx, udp_echoes(random_datagrams(ctx, 3)))
    ctx.check(QEMU_LEASE in r.lines, f"expected the line {QEMU_LEASE!r} before the ready line:\n{r.log}")
    seen = dhcp_messages(pcap.read_bytes())
    ctx.check(seen[:4] == ["DISCOVER from guest", "OFFER to guest", "REQUEST from guest", "ACK to guest"],
              f"expected DISCOVER, OFFER, REQUEST, ACK on the wire; the pcap has: {seen}")
    ctx.check(session.lost == 0, f"{session.lost} datagrams to the leased address never came back")


RENEW_T1 = 2                            # dhcp_t1=: seconds from the ACK to the renewal
RENEWED = "lab10: dhcp: renewed 10.0.2.15, lease 86400 s (renewals 1, rebinds 0, naks 0, lost 0,"


@test(lab=10, name="dhcp-renew", points=3, paths=QEMU_ONLY, timeout=TIMEOUT)
def dhcp_renew(ctx: Ctx) -> None:
    """dhcp_t1=2 (a testing option: QEMU's T1 is 12 hours away): 2 s after the ACK the
    kernel renews (RFC 2131 4.4.5), a REQUEST with ciaddr 10.0.2.15 to QEMU's server
    10.0.2.2 alone; QEMU ACKs it, the stats line counts one renewal, and the address
    still answers after it."""
    datagrams = random_datagrams(ctx, 3)

    def work(m: Machine, tcp_port: int, udp_port: int, session: Session) -> None:
        time.sleep(RENEW_T1 + 1.5)      # the renewal and its ACK, with time to spare
        udp_echoes(datagrams)(m, tcp_port, udp_port, session)
    r, session, pcap = serve(ctx, work, args=(f"dhcp_t1={RENEW_T1}",))
    said = [l for l in r.lines if l.startswith("lab10: dhcp: renewed")]
    ctx.check(len(said) == 1 and said[0].startswith(RENEWED),
              f"expected one line starting {RENEWED!r}; the kernel said: {said}\n{r.log}")
    renewal = dhcp_addresses(pcap.read_bytes())[4:]
    ctx.check(renewal[:1] == [("REQUEST from guest", "10.0.2.2", "10.0.2.15")] and
              [kind for kind, _, _ in renewal[1:2]] == ["ACK to guest"],
              f"after the lease, expected a REQUEST from the guest to 10.0.2.2 with ciaddr "
              f"10.0.2.15, then QEMU's ACK; the pcap has (type, to, ciaddr): {renewal}")
    ctx.check(session.lost == 0, f"{session.lost} datagrams to the renewed address never came back")


@test(lab=10, name="dhcp-static", points=3, paths=QEMU_ONLY, timeout=TIMEOUT)
def dhcp_static(ctx: Ctx) -> None:
    """ip=10.0.2.15 is a static address: no DHCP message on the wire, no DHCP line."""
    r, session, pcap = serve(ctx, udp_echoes(random_datagrams(ctx, 3)), args=("ip=10.0.2.15",))
    said = [l for l in r.lines if l.startswith("lab10: dhcp")]
    ctx.check(not said, f"ip= should skip DHCP; the kernel said: {said}")
    seen = dhcp_messages(pcap.read_bytes())
    ctx.check(not seen, f"ip= should skip DHCP; the pcap has: {seen}")
    ctx.check(session.lost == 0, f"{session.lost} datagrams to 10.0.2.15 never came back")


def nobody(pcap: Path, tcp_port: int, udp_port: int) -> list[str]:
    """An e1000 on a socket netdev that nobody listens to: no DHCP server answers."""
    return ["-netdev", f"socket,id=s0,udp=127.0.0.1:{free_port(socket.SOCK_DGRAM)},"
            f"localaddr=127.0.0.1:{free_port(socket.SOCK_DGRAM)}", "-device", "e1000,netdev=s0"]


@test(lab=10, name="dhcp-fallback", points=2, paths=QEMU_ONLY, timeout=TIMEOUT)
def dhcp_fallback(ctx: Ctx) -> None:
    """No DHCP server: the kernel gives up after its bounded retries (15 s), says so, and
    is ready at QEMU's address 10.0.2.15 all the same."""
    r, _, _ = serve(ctx, lambda m, tcp_port, udp_port, session: None, wiring=nobody)
    failed = [l for l in r.lines if l.startswith("lab10: dhcp: failed: ")]
    ctx.check(len(failed) == 1 and failed[0].endswith("static 10.0.2.15/24 router 10.0.2.2 instead"),
              f"expected one 'lab10: dhcp: failed: ... static 10.0.2.15/24 router 10.0.2.2 "
              f"instead' line:\n{r.log}")
    ctx.check(any(l.startswith("lab10: ready: 10.0.2.15,") for l in r.lines),
              f"expected the ready line at 10.0.2.15:\n{r.log}")


def dhcp_messages(data: bytes) -> list[str]:
    """The DHCP messages in a pcap, in order, as 'TYPE from guest' or 'TYPE to guest'."""
    return [kind for kind, _, _ in dhcp_addresses(data)]


def dhcp_addresses(data: bytes) -> list[tuple[str, str, str]]:
    """The DHCP messages in a pcap, in order, each as ('TYPE from guest' or 'TYPE to guest',
    the IPv4 destination, ciaddr): UDP between ports 67 and 68, the type from option 53
    after the magic cookie."""
    seen: list[tuple[str, str, str]] = []
    for frame in pcap_frames(data):
        ip = frame[14:]
        if frame[12:14] != b"\x08\x00" or len(ip) < 20 or ip[9] != 17:
            continue
        udp = ip[(ip[0] & 0xF) * 4:]
        if len(udp) < 8 + 240 or struct.unpack("!HH", udp[:4]) not in ((68, 67), (67, 68)):
            continue
        who = "from guest" if udp[:2] == b"\x00\x44" else "to guest"
        opts, kind = udp[8 + 240:], "?"
        at = 0
        while at + 2 < len(opts) and opts[at] != 255:
            if opts[at] == 53:
                kind = DHCP_TYPES.get(opts[at + 2], str(opts[at + 2]))
            at += 1 if opts[at] == 0 else 2 + opts[at + 1]
        seen.append((f"{kind} {who}", ".".join(map(str, ip[16:20])), ".".join(map(str, udp[8 + 12:8 + 16]))))
    return seen


# ---- the pcap (libpcap's file format: a 24-byte header, then a 16-byte header per frame) ----

def ones_sum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def frame_problems(n: int, frame: bytes, kinds: set[str]) -> list[str]:
    """What is wrong with frame number n (0-based), and what kind of frame it is."""
    from_guest = frame[6:12] == bytes.fromhex(GUEST_MAC.replace(":", ""))
    who = "from guest" if from_guest else "to guest"
    ethertype = struct.unpack("!H", frame[12:14])[0] if len(frame) >= 14 else 0
    if ethertype == 0x0806:
        kinds.add(f"arp {who}")
    if ethertype != 0x0800 or len(frame) < 34:
        return []
    ip = frame[14:]
    ihl = (ip[0] & 0xF) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    if ihl < 20 or total > len(ip) or ones_sum(ip[:ihl]) != 0xFFFF:
        return [f"frame {n} ({who}): IPv4 header checksum or length wrong"]
    proto, body = ip[9], ip[ihl:total]
    names = {1: "icmp", 6: "tcp", 17: "udp"}
    if proto not in names or struct.unpack("!H", ip[6:8])[0] & 0x3FFF:
        return []
    kinds.add(f"{names[proto]} {who}")
    if proto == 1:
        return [] if ones_sum(body) == 0xFFFF else [f"frame {n} ({who}): ICMP checksum wrong"]
    if proto == 17 and len(body) >= 8 and body[6:8] == b"\0\0":
        return []                       # UDP's "no checksum"
    pseudo = ip[12:20] + struct.pack("!BBH", 0, proto, len(body))
    if ones_sum(pseudo + body) != 0xFFFF:
        return [f"frame {n} ({who}): {names[proto].upper()} checksum wrong"]
    return []


def pcap_frames(data: bytes) -> list[bytes]:
    """Every frame of a pcap in order; [] if it is not one."""
    if len(data) < 24 or data[:4] not in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4"):
        return []
    order = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    frames: list[bytes] = []
    at = 24
    while at + 16 <= len(data):
        incl = struct.unpack(order + "I", data[at + 8:at + 12])[0]
        frames.append(data[at + 16:at + 16 + incl])
        at += 16 + incl
    return frames


def check_pcap(data: bytes) -> tuple[list[str], set[str]]:
    if len(data) < 24 or data[:4] not in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4"):
        return ["not a pcap file"], set()
    bad: list[str] = []
    kinds: set[str] = set()
    for n, frame in enumerate(pcap_frames(data)):
        bad += frame_problems(n, frame, kinds)
    return bad, kinds
