"""benchnet.py - `make bench`'s rows for stage 10's network (handouts/lab10.md): the
demo server booted as the grade boots it, on QEMU's user network, and talked to from
this host over 127.0.0.1. Numbers, never pass/fail.

  GET 8 MiB      one `GET` of an 8 MiB file, request to last byte, in MB/s (three on
                 one boot; lab 7's cache holds 64 sectors, so each reads the disk)
  TX floor       its floor: txflood=64 (user/lab10_floor.c) pushes 64 MiB of payload
                 through the e1000's transmit ring in full-size frames with no stack and
                 no disk, on the same wiring (a pcap too), timed from its start line to
                 its done line (8 MiB takes some 70 ms: too short to time under load)
  requests/s     8 clients at once, each GETs 4 KiB 12 times on one kept-alive connection
  UDP echo       round trip of one 64-byte datagram to port 7, one at a time
  UDP floor      its floor: the same with `reflect` (user/lab10_floor.c): each datagram
                 sent back by swapping its addresses in the receive path, no stack
  idle CPU       host CPU of QEMU over 2 s while the server waits with the NIC up
                 (the null kernel's `cli; hlt`, make bench-full's floor row, is its floor)
"""
from __future__ import annotations

import http.client
import os
import select
import socket
import statistics
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable

from grade import runner
from grade.core import BUILD, Ctx, Disk, Test
from grade.labs.fatvol import tool
from grade.labs.lab10 import Session, net_args, serve
from grade.labs.lab10web import VOLUME_BYTES
from grade.netrelay import free_port
from grade.runner import Machine

KERNEL = BUILD / "lab10" / "kernel.elf"
BIG = 8 << 20
SMALL = 4 << 10
CLIENTS = 8
REQUESTS_EACH = 12
ECHOES = 50
GETS = 3
FLOODS = 3
FLOOD_MIB = 64                  # 8 MiB takes some 70 ms: too short for the host clock under load
FLOOD_START = "lab10: txflood: start"
FLOOD_DONE = b"lab10: txflood: done"
IDLE_WINDOW = 2.0
Rower = Callable[..., object]


def volume(where: Path) -> Path:
    """A FAT16 volume with big.bin (8 MiB) and small.bin (4 KiB) of seeded bytes."""
    vol = where / "bench.img"
    with open(vol, "wb") as f:
        f.truncate(VOLUME_BYTES)
    tool("mformat", "-i", str(vol), "-T", str(VOLUME_BYTES // 512), "-h", "16", "-s", "63",
         "-v", "BENCH", "::")
    for name, size in (("big.bin", BIG), ("small.bin", SMALL)):
        src = where / name
        src.write_bytes(bytes((i * 131 + 7) & 0xFF for i in range(size)))
        tool("mcopy", "-i", str(vol), str(src), f"::/{name}")
    return vol


def get(port: int, name: str, size: int) -> float:
    """Seconds for one GET of the file, checked for its length."""
    start = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{name}", timeout=60) as reply:
        body = reply.read()
    if len(body) != size:
        raise RuntimeError(f"GET /{name}: {len(body)} bytes, expected {size}")
    return time.monotonic() - start


def requests_per_second(port: int) -> float:
    """CLIENTS threads, each REQUESTS_EACH GETs of small.bin on one kept-alive
    connection (new connections would measure TIME_WAIT's table: the server closes
    first under Connection: close, and each closed one holds its slot 2 MSL)."""
    errors: list[str] = []

    def client() -> None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for _ in range(REQUESTS_EACH):
                conn.request("GET", "/small.bin")
                body = conn.getresponse().read()
                if len(body) != SMALL:
                    raise RuntimeError(f"GET /small.bin: {len(body)} bytes, expected {SMALL}")
            conn.close()
        except Exception as e:          # said in the row's note
            errors.append(f"{type(e).__name__}: {e}")
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(errors[0])
    return CLIENTS * REQUESTS_EACH / (time.monotonic() - start)


def echo_rtts(port: int) -> list[float]:
    """Round trips of ECHOES 64-byte datagrams, one at a time (a lost one is left out)."""
    rtts = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        for i in range(ECHOES):
            data = i.to_bytes(4, "little") * 16
            start = time.monotonic()
            s.sendto(data, ("127.0.0.1", port))
            try:
                if s.recv(2048) == data:
                    rtts.append(time.monotonic() - start)
            except socket.timeout:
                pass
    return rtts


def measure(figures: dict[str, list[float]]) -> Callable[[Machine, int, int, Session], None]:
    def work(m: Machine, tcp_port: int, udp_port: int, session: Session) -> None:
        for _ in range(GETS):
            figures["get"].append(BIG / 1e6 / get(tcp_port, "big.bin", BIG))
        figures["rps"].append(requests_per_second(tcp_port))
        figures["echo"] += [1000 * t for t in echo_rtts(udp_port)]
        time.sleep(0.5)                 # the last replies' ACKs, then nothing to do
        figures["idle"].append(runner.cpu_percent(m.pid, IDLE_WINDOW))
    return work


def flood_seconds(m: Machine, budget: float = 60.0) -> float:
    """From the start line (on_ready runs when it is read) to the done line, read here
    straight from COM1's pipe: the runner reads no more of it until on_ready returns."""
    start = time.monotonic()
    assert m.proc.stdout is not None
    fd, seen = m.proc.stdout.fileno(), b""
    while FLOOD_DONE not in seen:
        if time.monotonic() - start > budget or m.proc.poll() is not None:
            raise RuntimeError(f"no {FLOOD_DONE.decode()!r} line; COM1 said {seen[-200:]!r}")
        if select.select([fd], [], [], 1.0)[0]:
            seen += os.read(fd, 65536)
    return time.monotonic() - start


def udp_floor(ctx: Ctx) -> list[float]:
    """Round trips, in ms, of the echo datagrams with `reflect`: the card and QEMU alone."""
    rtts: list[float] = []

    def work(m: Machine, tcp_port: int, udp_port: int, session: Session) -> None:
        rtts.extend(1000 * t for t in echo_rtts(udp_port))
    serve(ctx, work, args=("reflect",), budget=30.0)
    return rtts


def tx_floor(ctx: Ctx) -> list[float]:
    """MB/s of frame payload through the transmit ring alone (txflood=FLOOD_MIB), FLOODS boots."""
    rates: list[float] = []
    for i in range(FLOODS):
        took: list[float] = []
        ctx.boot(args=[f"txflood={FLOOD_MIB}"], ready=FLOOD_START,
                 qemu_args=net_args(ctx.workdir / f"flood{i}.pcap", free_port(socket.SOCK_STREAM),
                                    free_port(socket.SOCK_DGRAM)),
                 on_ready=lambda m: took.append(flood_seconds(m)), timeout=90.0)
        rates += [(FLOOD_MIB << 20) / 1e6 / t for t in took]
    return rates


def net_rows(row: Rower) -> None:
    """The rows, or one row that says why there are none."""
    if not KERNEL.exists():
        row("net", "stage 10 not built (make lab10)", [])
        return
    figures: dict[str, list[float]] = {"get": [], "rps": [], "echo": [], "idle": []}
    test = Test(10, "bench", 0, lambda ctx: None, ("kernel",), 120.0)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Ctx(test, 0, Path(tmp), KERNEL, "kernel", runner.boot)
        try:
            serve(ctx, measure(figures), disks=(Disk(volume(Path(tmp)), 0, 0, model="bench"),),
                  budget=100.0)
        except Exception as e:          # the rows measured so far still count
            row("net", f"stage 10 bench stopped: {str(e).splitlines()[0][:60]}", [])
        floor, echo_floor = floors(ctx, row)
    row("net", "GET of an 8 MiB file", figures["get"], unit="MB/s",
        note="the disk and the stack; lab 7's cache holds 64 sectors" + share(figures["get"], floor, "; {} of the TX floor"))
    row("net", f"TX floor: {FLOOD_MIB} MiB through the ring, no stack", floor, unit="MB/s",
        note=f"txflood={FLOOD_MIB}: frames nobody takes, 1500 payload bytes each")
    row("net", f"GETs of 4 KiB, {CLIENTS} kept-alive clients at once", figures["rps"], unit="/s")
    row("net", "UDP echo round trip, 64 bytes", figures["echo"], unit="ms",
        note=f"median of {len(figures['echo'])} of {ECHOES}" + share(echo_floor, figures["echo"], "; the floor is {} of it"))
    row("net", "UDP floor: reflected in the RX path, no stack", echo_floor, unit="ms",
        note=f"reflect: median of {len(echo_floor)} of {ECHOES}")
    row("net", "host CPU while the server waits, NIC up", figures["idle"], unit="%",
        note="floor: the null kernel's cli;hlt (make bench-full)")


def floors(ctx: Ctx, row: Rower) -> tuple[list[float], list[float]]:
    """The TX floor's MB/s and the UDP floor's ms; a floor that fails says why in a row."""
    found: list[list[float]] = []
    for name, measure_floor in (("TX", tx_floor), ("UDP", udp_floor)):
        try:
            found.append(measure_floor(ctx))
        except Exception as e:
            found.append([])
            row("net", f"{name} floor stopped: {str(e).splitlines()[0][:60]}", [])
    return found[0], found[1]


def share(part: list[float], whole: list[float], say: str) -> str:
    """say with {} as the medians' ratio in percent, or nothing without both."""
    if not part or not whole:
        return ""
    return say.format(f"{100 * statistics.median(part) / statistics.median(whole):.0f}%")


if __name__ == "__main__":
    def show(group: str, name: str, samples: list[float], unit: str = "s", note: str = "") -> None:
        med = f"{statistics.median(samples):.3g} {unit}" if samples else "-"
        print(f"{group:<5} {name:<50} {med:>12}  {note}")
    net_rows(show)
