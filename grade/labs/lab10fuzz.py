"""Stage 10 fed malformed frames over the wire. A relay in the grader (grade/netrelay.py)
passes every frame, and ahead of a seeded share of the IPv4 frames toward the guest it
sends a spoiled copy that a correct stack must drop (RFC 791 3.1, RFC 793 3.1, RFC 768):

  short        cut inside the IPv4 or the TCP/UDP header
  ip-checksum  a header checksum that does not add up
  ihl          a header length under 5 words, or past the packet's total length
  total        a total length past the frame's end
  tcp-offset   a TCP data offset under 5 words or past the segment (options past the header)
  checksum     bytes under a TCP or UDP checksum changed (a payload bit, or RST set on a
               bare ACK), the checksum kept
  udp-length   a UDP length past the datagram
  junk         random bytes under an unknown EtherType
A copy that slipped through would be taken as the real frame's twin with wrong bytes:
the files would come back different, or the kernel would panic. Every file must still
come back byte-identical, and the kernel keep serving. (The host test host-fuzz holds the
same parsers to every cut and flip under ASan; this is the real kernel on a real wire.)
ARP is never spoiled: a valid-looking wrong ARP reply would rightly be believed.
"""
from __future__ import annotations

import random
import struct
from collections import Counter
from typing import Callable

from grade import sandbox
from grade.core import QEMU_ONLY, Ctx, Disk, test
from grade.labs.lab10 import TIMEOUT, serve
from grade.labs.lab10web import WEB_BUDGET, make_volume, web_work
from grade.netguard import ETH, Guard, ipv4
from grade.netrelay import FrameRelay

SPOIL = 0.3                             # the share of IPv4 frames toward the guest given a twin


# Each spoiler: (rng, frame, ihl, total) -> the spoiled copy, or None when it is not
# for this frame. `frame` is the relay's own copy, changed in place.
Spoiler = Callable[[random.Random, bytearray, int, int], "bytes | None"]


def put(frame: bytearray, offset: int, value: bytes) -> bytes:
    frame[offset:offset + len(value)] = value
    return bytes(frame)


def cut_short(rng: random.Random, f: bytearray, ihl: int, total: int) -> bytes | None:
    return bytes(f[:rng.randrange(ETH + 1, ETH + ihl + 8)])


def bad_ip_checksum(rng: random.Random, f: bytearray, ihl: int, total: int) -> bytes | None:
    return put(f, ETH + 10, bytes([f[ETH + 10] ^ 0x5A, f[ETH + 11]]))


def bad_ihl(rng: random.Random, f: bytearray, ihl: int, total: int) -> bytes | None:
    return put(f, ETH, bytes([0x40 | rng.choice([0, 4, 15])]))


def total_past_frame(rng: random.Random, f: bytearray, ihl: int, total: int) -> bytes | None:
    return put(f, ETH + 2, struct.pack("!H", len(f) - ETH + rng.randint(1, 900)))


def bad_tcp_offset(rng: random.Random, f: bytearray, ihl: int, total: int) -> bytes | None:
    if f[ETH + 9] != 6:
        return None
    return put(f, ETH + ihl + 12, bytes([rng.choice([0x00, 0x40, 0xF0])]))


def udp_length_past(rng: random.Random, f: bytearray, ihl: int, total: int) -> bytes | None:
    if f[ETH + 9] != 17:
        return None
    return put(f, ETH + ihl + 4, struct.pack("!H", total - ihl + rng.randint(1, 500)))


def junk_ethertype(rng: random.Random, f: bytearray, ihl: int, total: int) -> bytes | None:
    return bytes(f[:12]) + b"\x88\xb5" + rng.randbytes(rng.randrange(0, 200))


def under_checksum(rng: random.Random, f: bytearray, ihl: int, total: int) -> bytes | None:
    """A TCP or UDP datagram with bytes changed under its checksum, the checksum kept: a
    payload byte flipped, or (a TCP segment without data) its RST flag set. A stack that
    skips the check takes bad bytes into a file, or a reset that ends the fetch."""
    start, tcp = ETH + ihl, f[ETH + 9] == 6
    if not tcp and (f[ETH + 9] != 17 or f[start + 6:start + 8] == b"\0\0"):
        return None                     # not TCP or UDP, or UDP without a checksum
    head = (f[start + 12] >> 4) * 4 if tcp else 8
    if ETH + total > start + head:
        at = rng.randrange(start + head, ETH + total)
        f[at] ^= 1 << rng.randrange(8)
    elif tcp:
        f[start + 13] |= 0x04
    else:
        return None
    return bytes(f)


SPOILERS: dict[str, Spoiler] = {
    "short": cut_short, "ip-checksum": bad_ip_checksum, "ihl": bad_ihl,
    "total": total_past_frame, "tcp-offset": bad_tcp_offset, "checksum": under_checksum,
    "udp-length": udp_length_past, "junk": junk_ethertype,
}


class FuzzRelay(FrameRelay):
    """Every frame passes; ahead of some toward the guest goes a spoiled twin."""

    def __init__(self, seed: int, guard: Guard | None) -> None:
        super().__init__(guard)
        self.rng = random.Random(seed)
        self.sent: Counter[str] = Counter()

    def send(self, frame: bytes, to_user: bool) -> None:
        ip = None if to_user else ipv4(frame)
        if ip is not None and self.rng.random() < SPOIL:
            name = self.rng.choice(sorted(SPOILERS))
            twin = SPOILERS[name](self.rng, bytearray(frame), (ip[0] & 0xF) * 4, len(ip))
            if twin is not None:
                self.sent[name] += 1
                super().send(twin, to_user)
        super().send(frame, to_user)


@test(lab=10, name="malformed-frames", points=10, paths=QEMU_ONLY, timeout=TIMEOUT)
def malformed_frames(ctx: Ctx) -> None:
    """Every file of a seeded volume fetched at once while a third of the frames toward
    the guest come with a malformed twin ahead of them: byte-identical, no panic."""
    vol, files = make_volume(ctx)
    guard = Guard() if sandbox.CURRENT is not None else None
    with FuzzRelay(ctx.rng.randrange(1 << 32), guard) as relay:
        missing = "Some Dir/no such file.bin"
        _, session, _ = serve(ctx, web_work(ctx, files, sorted(files), missing),
                              disks=(Disk(vol, 0, 0, model="Cairn lab 10 web"),),
                              budget=WEB_BUDGET, wiring=relay.wiring)
    (ctx.workdir / "relay.txt").write_text(f"{dict(relay.sent)}\n")
    problems = [n for n in session.notes if "bytes in" not in n]
    ctx.check(session.lost == 0, "fetches that went wrong:\n" + "\n".join(problems[:10]))
    ctx.check(len(relay.sent) >= 5, f"the relay sent too few kinds of malformed frame: {dict(relay.sent)}")
    ctx.note(f"malformed twins sent: {sum(relay.sent.values())} of {len(relay.sent)} kinds")
