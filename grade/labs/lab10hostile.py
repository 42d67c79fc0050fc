"""Stage 10 on a hostile network. The e1000's frames do not reach QEMU's user network
directly: each side is a QEMU socket netdev, and a relay in the grader (a thread, UDP on
127.0.0.1) passes the frames between them, dropping, duplicating, holding back
(reordering) and corrupting a seeded share of them each way. The web server must still
deliver every file byte-identical, and the kernel must never panic: every spoiled frame
is dropped and counted, and TCP's retransmission brings the lost ones again.

Corruption models damage the link's CRC did not catch, so only IPv4 frames get it: their
every byte is under a checksum the stack checks. ARP has none: a flipped bit in an ARP
request would teach QEMU's user network a wrong MAC for the guest for good (one seed did
exactly that), which no kernel can repair.

    e1000 <-> socket s0 <-> relay <-> socket s1 <-> hub 1 <-> user network (hostfwd)
"""
from __future__ import annotations

import random

from grade import sandbox
from grade.core import QEMU_ONLY, Ctx, Disk, test
from grade.labs.lab10 import TIMEOUT, serve
from grade.labs.lab10web import make_volume, web_work, WEB_BUDGET
from grade.netguard import Guard
from grade.netrelay import FrameRelay

DROP, DUPLICATE, HOLD, CORRUPT = 0.03, 0.03, 0.03, 0.01    # each frame's chances, each way
ETH_HEADER = 14
IPV4 = b"\x08\x00"                     # only IPv4 is corrupted: see the module's note


class Relay(FrameRelay):
    """Frames between the guest's netdev and the user network's, spoiled at a seeded rate
    (behind the sandbox's guard when the kernel is a submission's: grade/netrelay.py)."""

    def __init__(self, seed: int, guard: Guard | None = None) -> None:
        super().__init__(guard)
        self.rng = random.Random(seed)
        self.held: dict[bool, bytes | None] = {True: None, False: None}
        self.counts = {"passed": 0, "dropped": 0, "duplicated": 0, "held": 0, "corrupted": 0}

    def send(self, frame: bytes, to_user: bool) -> None:
        r = self.rng.random()
        if r < DROP:
            self.counts["dropped"] += 1
            return
        if r < DROP + CORRUPT and frame[12:14] == IPV4 and len(frame) > ETH_HEADER:
            at = self.rng.randrange(ETH_HEADER, len(frame))
            frame = frame[:at] + bytes([frame[at] ^ (1 << self.rng.randrange(8))]) + frame[at + 1:]
            self.counts["corrupted"] += 1
        elif r < DROP + CORRUPT + HOLD and self.held[to_user] is None:
            self.held[to_user] = frame          # sent after the next frame this way
            self.counts["held"] += 1
            return
        copies = 2 if r > 1 - DUPLICATE else 1
        self.counts["duplicated"] += copies - 1
        for _ in range(copies):
            super().send(frame, to_user)
        held, self.held[to_user] = self.held[to_user], None
        if held is not None:
            super().send(held, to_user)
        self.counts["passed"] += 1


@test(lab=10, name="hostile-http", points=10, paths=QEMU_ONLY, timeout=TIMEOUT)
def hostile_http(ctx: Ctx) -> None:
    """Every file of a seeded volume, 2 fetches each at once, through a wire that drops,
    duplicates, reorders and corrupts frames both ways: byte-identical, no panic."""
    vol, files = make_volume(ctx)
    paths = sorted(files) * 2
    guard = Guard() if sandbox.CURRENT is not None else None
    with Relay(ctx.rng.randrange(1 << 32), guard) as relay:
        missing = "Some Dir/no such file.bin"
        r, session, _ = serve(ctx, web_work(ctx, files, paths, missing, retries=1),
                              disks=(Disk(vol, 0, 0, model="Cairn lab 10 web"),),
                              budget=WEB_BUDGET, wiring=relay.wiring)
    (ctx.workdir / "relay.txt").write_text(f"{relay.counts}\n")
    problems = [n for n in session.notes if "bytes in" not in n]
    ctx.check(session.lost == 0, "fetches that went wrong:\n" + "\n".join(problems[:10]))
    ctx.check(relay.counts["dropped"] > 0, f"the relay spoiled nothing: {relay.counts}")
