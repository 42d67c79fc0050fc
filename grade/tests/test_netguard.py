"""The guard between a submission's lab 10 kernel and QEMU's user network: what a
server answering the grader sends passes, every way out to the host is dropped."""
from __future__ import annotations

import struct
import tempfile
import unittest
import zlib
from pathlib import Path

from grade import runner
from grade.core import BUILD, Ctx, Test
from grade.netguard import Guard
from grade.netrelay import FrameRelay

GUEST, GATEWAY, DNS = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2]), bytes([10, 0, 2, 3])
MACS = bytes(12)


def ipv4(proto: int, src: bytes, dst: bytes, body: bytes, flags_frag: int = 0,
         options: bytes = b"") -> bytes:
    ihl = (20 + len(options)) // 4
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(options) + len(body), 1,
                         flags_frag, 64, proto, 0, src, dst) + options
    return MACS + b"\x08\x00" + header + body


def tcp(src: int, dst: int, flags: int) -> bytes:
    return struct.pack("!HHIIBBHHH", src, dst, 1, 0, 5 << 4, flags, 8192, 0, 0)


def udp(src: int, dst: int, data: bytes = b"hi") -> bytes:
    return struct.pack("!HHHH", src, dst, 8 + len(data), 0) + data


class GuardTest(unittest.TestCase):
    def setUp(self) -> None:
        self.guard = Guard()

    def passes(self, frame: bytes) -> bool:
        return self.guard.outbound(frame)

    def test_a_servers_answers_pass(self) -> None:
        self.assertTrue(self.passes(MACS + b"\x08\x06" + bytes(28)))                  # ARP
        self.assertTrue(self.passes(ipv4(6, GUEST, GATEWAY, tcp(80, 40000, 0x12))))   # SYN-ACK
        self.assertTrue(self.passes(ipv4(6, GUEST, GATEWAY, tcp(80, 40000, 0x18))))   # data
        self.assertTrue(self.passes(ipv4(17, bytes(4), bytes([255] * 4), udp(68, 67))))
        self.assertTrue(self.passes(ipv4(1, GUEST, GATEWAY, bytes([8, 0]) + bytes(6))))

    def test_connections_out_are_dropped(self) -> None:
        self.assertFalse(self.passes(ipv4(6, GUEST, GATEWAY, tcp(80, 22, 0x02))))    # SYN from 80
        self.assertFalse(self.passes(ipv4(6, GUEST, GATEWAY, tcp(1234, 80, 0x10))))  # not from 80
        self.assertFalse(self.passes(ipv4(17, GUEST, DNS, udp(7, 53))))              # DNS
        self.assertFalse(self.passes(ipv4(17, GUEST, GATEWAY, udp(5000, 9))))
        self.assertFalse(self.passes(ipv4(1, GUEST, bytes([8, 8, 8, 8]), bytes([8, 0]) + bytes(6))))
        self.assertEqual(self.guard.dropped["TCP SYN (a connection out)"], 1)

    def test_a_client_reaches_only_the_port_allowed(self) -> None:
        self.guard = Guard(allow_tcp_to=8123)
        self.assertTrue(self.passes(ipv4(6, GUEST, GATEWAY, tcp(49152, 8123, 0x02))))   # SYN
        self.assertTrue(self.passes(ipv4(6, GUEST, GATEWAY, tcp(49152, 8123, 0x10))))   # ACK
        self.assertFalse(self.passes(ipv4(6, GUEST, GATEWAY, tcp(49152, 8124, 0x02))))
        self.assertFalse(self.passes(ipv4(6, GUEST, DNS, tcp(49152, 8123, 0x02))))      # not 10.0.2.2
        self.assertFalse(self.passes(ipv4(6, GUEST, GATEWAY, tcp(80, 22, 0x02))))
        self.assertEqual(self.guard.dropped["TCP not from port 80"], 2, self.guard.dropped)
        self.assertEqual(self.guard.dropped["TCP SYN (a connection out)"], 1, self.guard.dropped)

    def test_udp_answers_only_to_who_asked(self) -> None:
        asked = ipv4(17, GATEWAY, GUEST, udp(40001, 7))
        self.assertFalse(self.passes(ipv4(17, GUEST, GATEWAY, udp(7, 40001))))
        self.guard.inbound(asked)
        self.assertTrue(self.passes(ipv4(17, GUEST, GATEWAY, udp(7, 40001))))
        self.assertFalse(self.passes(ipv4(17, GUEST, GATEWAY, udp(7, 40002))))
        self.assertFalse(self.passes(ipv4(17, GUEST, DNS, udp(7, 40001))))

    def test_tricks_are_dropped(self) -> None:
        ipv6 = MACS + b"\x86\xdd" + bytes(60)
        fragment = ipv4(6, GUEST, GATEWAY, tcp(80, 40000, 0x10), flags_frag=0x2000)
        later = ipv4(6, GUEST, GATEWAY, tcp(80, 40000, 0x10), flags_frag=5)
        # Options move the TCP header: a guard that assumed 20 bytes would read port 80
        # from the options while the real segment is a SYN from port 1234.
        options = struct.pack("!HH", 80, 80) + bytes(4)
        hidden = ipv4(6, GUEST, GATEWAY, tcp(1234, 22, 0x02), options=options)
        lying = bytearray(ipv4(6, GUEST, GATEWAY, tcp(80, 40000, 0x10)))
        lying[16:18] = struct.pack("!H", 4000)           # total length past the frame
        for frame in (ipv6, fragment, later, hidden, bytes(lying), b"\x00" * 10):
            self.assertFalse(self.passes(frame), frame.hex())


class GuardedBootTest(unittest.TestCase):
    """Stage 10 wired through the guard, as a submission's is: a ping to the gateway is
    answered; one to another address never leaves the grader. A fetch= reaches the host
    server whose port the guard allows, and no other."""
    def ping(self, address: str) -> tuple[str, Guard]:
        from grade.labs.lab10 import serve
        kernel = BUILD / "lab10" / "kernel.elf"
        if not kernel.exists():
            self.skipTest(f"{kernel} is not built (make lab10)")
        guard = Guard()
        t = Test(10, "guard", 0, lambda ctx: None, ("kernel",), 60.0)
        with tempfile.TemporaryDirectory() as tmp, FrameRelay(guard) as relay:
            ctx = Ctx(t, 1, Path(tmp), kernel, "kernel", runner.boot)
            r, _, _ = serve(ctx, lambda m, tcp_port, udp_port, session: None,
                            args=(f"ping={address}",), wiring=relay.wiring)
        return next((l for l in r.lines if l.startswith("lab10: ping")), r.log), guard

    def test_the_gateway_answers_through_the_guard(self) -> None:
        line, guard = self.ping("10.0.2.2")
        self.assertEqual(line, "lab10: ping 10.0.2.2: 3 of 3 replies")
        self.assertEqual(sum(guard.dropped.values()), 0, guard.dropped)

    def test_a_ping_out_is_dropped(self) -> None:
        line, guard = self.ping("192.0.2.1")
        self.assertEqual(line, "lab10: ping 192.0.2.1: 0 of 3 replies")
        self.assertGreaterEqual(guard.dropped["ICMP echo not to the gateway"], 3, guard.dropped)
        self.assertEqual(set(guard.dropped), {"ICMP echo not to the gateway"}, guard.dropped)


    def fetch(self, allow_other_port: bool) -> tuple[str, Guard]:
        """fetch= from a host server through a guard that allows its port (or another)."""
        from grade.labs.lab10 import serve
        from grade.labs.lab10client import Server, fetch_line
        kernel = BUILD / "lab10" / "kernel.elf"
        if not kernel.exists():
            self.skipTest(f"{kernel} is not built (make lab10)")
        t = Test(10, "guard", 0, lambda ctx: None, ("kernel",), 60.0)
        with tempfile.TemporaryDirectory() as tmp, Server("f", b"x" * 5000) as server:
            guard = Guard(allow_tcp_to=server.port + 1 if allow_other_port else server.port)
            with FrameRelay(guard) as relay:
                ctx = Ctx(t, 1, Path(tmp), kernel, "kernel", runner.boot)
                r, _, _ = serve(ctx, lambda m, tcp_port, udp_port, session: None, budget=40.0,
                                args=(f"fetch={server.port}/f",), wiring=relay.wiring)
        return fetch_line(r.lines, server.port, "/f") or r.log, guard

    def test_a_fetch_from_the_allowed_port_passes(self) -> None:
        line, guard = self.fetch(allow_other_port=False)
        self.assertEqual(line, "status 200, 5000 bytes, crc32 %08x" % zlib.crc32(b"x" * 5000))
        self.assertEqual(sum(guard.dropped.values()), 0, guard.dropped)

    def test_a_fetch_from_another_port_is_dropped(self) -> None:
        line, guard = self.fetch(allow_other_port=True)
        self.assertEqual(line, "timed out (connecting)")      # every SYN dropped: 31 s
        self.assertEqual(dict(guard.dropped), {"TCP not from port 80": 5}, guard.dropped)


if __name__ == "__main__":
    unittest.main()
