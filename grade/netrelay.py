"""netrelay.py - the guest's Ethernet frames through the grader on their way to QEMU's
user network. The e1000 and the user network are each a QEMU socket netdev (UDP on
127.0.0.1), and a thread here passes the frames between them:

    e1000 <-> socket s0 <-> relay <-> socket s1 <-> hub 1 <-> user network (hostfwd)

With a Guard (grade/netguard.py), frames from the guest pass only if the guard allows
them: every lab 10 boot of a submission goes this way. lab10hostile.py's relay spoils
frames on top (send()). Every frame the e1000 sent is in the pcap, the dropped ones too.
"""
from __future__ import annotations

import select
import socket
import threading
from pathlib import Path

from grade.netguard import Guard


def free_port(kind: int) -> int:
    """A port nobody on 127.0.0.1 uses now (QEMU binds it a moment later)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FrameRelay:
    def __init__(self, guard: Guard | None = None) -> None:
        self.guard = guard
        self.guest = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.user = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.guest.bind(("127.0.0.1", 0))
        self.user.bind(("127.0.0.1", 0))
        self.guest_netdev = free_port(socket.SOCK_DGRAM)       # where s0 listens
        self.user_netdev = free_port(socket.SOCK_DGRAM)        # where s1 listens
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def wiring(self, pcap: Path, tcp_port: int, udp_port: int) -> list[str]:
        fwd = f"hostfwd=tcp:127.0.0.1:{tcp_port}-:80,hostfwd=udp:127.0.0.1:{udp_port}-:7"
        g, u = self.guest.getsockname()[1], self.user.getsockname()[1]
        return ["-netdev", f"user,id=u0,{fwd}", "-netdev", "hubport,id=hu,hubid=1,netdev=u0",
                "-netdev", f"socket,id=s1,udp=127.0.0.1:{u},localaddr=127.0.0.1:{self.user_netdev}",
                "-netdev", "hubport,id=hs,hubid=1,netdev=s1",
                "-netdev", f"socket,id=s0,udp=127.0.0.1:{g},localaddr=127.0.0.1:{self.guest_netdev}",
                "-device", "e1000,netdev=s0",
                "-object", f"filter-dump,id=f0,netdev=s0,file={pcap}"]

    def forward(self, frame: bytes, to_user: bool) -> None:
        if self.guard is not None:
            if to_user and not self.guard.outbound(frame):
                return
            if not to_user:
                self.guard.inbound(frame)
        self.send(frame, to_user)

    def send(self, frame: bytes, to_user: bool) -> None:
        """Put the frame on its way (a lossy relay overrides this)."""
        out, port = (self.user, self.user_netdev) if to_user else (self.guest, self.guest_netdev)
        out.sendto(frame, ("127.0.0.1", port))

    def run(self) -> None:
        while not self.stop.is_set():
            ready, _, _ = select.select([self.guest, self.user], [], [], 0.1)
            for s in ready:
                self.forward(s.recv(65536), to_user=s is self.guest)

    def __enter__(self) -> "FrameRelay":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.guest.close()
        self.user.close()
