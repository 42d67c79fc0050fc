"""Stage 10's web server: the host's curl against the guest's port 80, forwarded from a
free port on 127.0.0.1. Each test makes a FAT16 volume in its own directory (mtools) of
seeded random files, some under a directory and with names that hold spaces, boots
stage 10 with it at the primary master, and once the guest is ready fetches them with
curl, comparing every byte; 16 fetches run at once, each on its own connection; a
missing path must give 404. The run's throughput goes to the test's measured.txt.
"""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path
from typing import Callable

from grade.core import QEMU_ONLY, Ctx, Disk, test
from grade.labs.fatvol import tool
from grade.labs.lab10 import TIMEOUT, Session, serve
from grade.runner import Machine

VOLUME_BYTES = 64 * 16 * 63 * 512       # lab 7's FAT16 disk: whole cylinders
FILES = 8
FILE_MAX = 1 << 20
PARALLEL = 16
CURL_BOUND = 30                         # seconds one curl may take (--max-time)
WEB_BUDGET = 60.0
DIRS = ("", "Some Dir/", "web/a long directory name/")


def make_volume(ctx: Ctx) -> tuple[Path, dict[str, bytes]]:
    """A FAT16 volume of FILES seeded files; their paths (without the leading /) and bytes."""
    vol = ctx.workdir / "web.img"
    with open(vol, "wb") as f:
        f.truncate(VOLUME_BYTES)
    tool("mformat", "-i", str(vol), "-T", str(VOLUME_BYTES // 512), "-h", "16", "-s", "63",
         "-v", "WEB", "::")
    tool("mmd", "-i", str(vol), "::/Some Dir", "::/web", "::/web/a long directory name")
    files: dict[str, bytes] = {}
    sizes = [0, 1, FILE_MAX] + [ctx.rng.randint(1, FILE_MAX) for _ in range(FILES - 3)]
    for i, size in enumerate(sizes):
        name = f"{ctx.rng.choice(DIRS)}file {i} {ctx.rng.randrange(1 << 20):05x}.bin"
        src = ctx.workdir / f"src{i}.bin"
        src.write_bytes(ctx.rng.randbytes(size))
        tool("mcopy", "-i", str(vol), str(src), f"::/{name}")
        files[name] = src.read_bytes()
    return vol, files


def url(port: int, path: str) -> str:
    return f"http://127.0.0.1:{port}/{urllib.parse.quote(path)}"


def fetch_all(port: int, paths: list[str], dest: Path) -> list[tuple[str, Path, str]]:
    """Fetch each path with its own curl, all at once: (path, where it went, status). A
    status of 000 (no answer) is followed by curl's own words on why (reset, empty, timed out)."""
    procs = []
    for i, p in enumerate(paths):
        out = dest / f"got{i}.bin"
        cmd = ["curl", "-sS", "--max-time", str(CURL_BOUND), "-o", str(out), "-w", "%{http_code}",
               url(port, p)]
        procs.append((p, out, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    done = []
    for p, out, proc in procs:
        stdout, stderr = proc.communicate()
        status, why = stdout.decode(), stderr.decode().strip()
        done.append((p, out, f"{status} ({why})" if status == "000" and why else status or why))
    return done


def came_to_nothing(status: str, out: Path | None) -> bool:
    """curl's status 000 and no byte: the connection ended before any answer."""
    return status.startswith("000") and not (out and out.exists() and out.stat().st_size)


def fetch_again(ctx: Ctx, port: int, results: list[tuple[str, Path, str]], session: Session,
                retries: int) -> None:
    """Each fetch that came to nothing made again, up to `retries` times, and said."""
    for attempt in range(retries):
        for i, (p, out, status) in enumerate(results):
            if came_to_nothing(status, out):
                session.notes.append(f"/{p}: the connection came to nothing ({status}); fetched again")
                again = ctx.workdir / f"retry{attempt}-{i}"
                again.mkdir(exist_ok=True)
                results[i] = fetch_all(port, [p], again)[0]


def web_work(ctx: Ctx, files: dict[str, bytes], paths: list[str], missing: str,
             retries: int = 0) -> Callable[[Machine, int, int, Session], None]:
    """The fetches, all at once, then the 404. With `retries` (the lossy wire only), a fetch
    whose connection came to nothing (no status, no byte) is made again, as a user would,
    and said; a wrong answer never is. The server's bound on a request head outlasts QEMU's
    resends of a lost request (lab10_http.h), which was the common cause; what is left is
    rarer: QEMU's user network once dropped a request it had sent and never resent it (its
    FIN came at the request's own sequence number, with no data)."""
    def work(m: Machine, tcp_port: int, udp_port: int, session: Session) -> None:
        start = time.monotonic()
        results = fetch_all(tcp_port, paths, ctx.workdir)
        fetch_again(ctx, tcp_port, results, session, retries)
        seconds = time.monotonic() - start
        total = 0
        for p, out, status in results:
            got = out.read_bytes() if out.exists() else b""
            total += len(got)
            if status != "200" or got != files[p]:
                session.lost += 1
                session.notes.append(f"/{p}: status {status}, {len(got)} of {len(files[p])} bytes, "
                                     f"{'identical' if got == files[p] else 'different'}")
        session.notes.append(f"{len(paths)} fetches, {total} bytes in {seconds:.2f} s: "
                             f"{total / seconds / 1e6:.2f} MB/s")
        for attempt in range(retries + 1):     # the same allowance as the fetches above
            r = subprocess.run(["curl", "-sS", "--max-time", str(CURL_BOUND), "-o", "/dev/null",
                                "-w", "%{http_code}", url(tcp_port, missing)],
                               capture_output=True, text=True)
            if not came_to_nothing(r.stdout, None) or attempt == retries:
                break
            session.notes.append(f"/{missing}: the connection came to nothing; asked again")
        if r.stdout != "404":
            session.notes.append(f"/{missing}: status {r.stdout or r.stderr.strip()}, not 404")
            session.lost += 1
    return work


def web_test(ctx: Ctx, paths: list[str], files: dict[str, bytes], vol: Path) -> None:
    if shutil.which("curl") is None:
        ctx.fail("curl is not installed on this host (Debian: apt-get install curl)")
    missing = f"Some Dir/no such file {ctx.rng.randrange(1 << 20):05x}.bin"
    _, session, _ = serve(ctx, web_work(ctx, files, paths, missing),
                          disks=(Disk(vol, 0, 0, model="Cairn lab 10 web"),), budget=WEB_BUDGET)
    problems = [n for n in session.notes if "bytes in" not in n]
    ctx.check(session.lost == 0, "fetches that went wrong:\n" + "\n".join(problems[:10]))


@test(lab=10, name="http-files", points=15, paths=QEMU_ONLY, timeout=TIMEOUT)
def http_files(ctx: Ctx) -> None:
    """Every file of the volume (empty, 1 byte, 1 MiB and seeded sizes), each fetched once, all at once."""
    vol, files = make_volume(ctx)
    web_test(ctx, sorted(files), files, vol)


@test(lab=10, name="http-parallel", points=15, paths=QEMU_ONLY, timeout=TIMEOUT)
def http_parallel(ctx: Ctx) -> None:
    """16 fetches at once of files drawn from the volume (some twice), each byte-identical."""
    vol, files = make_volume(ctx)
    names = sorted(files)
    web_test(ctx, [ctx.rng.choice(names) for _ in range(PARALLEL)], files, vol)


def pipelined(path: str, body: bytes, missing: str) -> Callable[[Machine, int, int, Session], None]:
    """Two requests in one write on one connection, the second asking to close: both
    answered in order (200 with the file, then 404), then the server closes."""
    def work(m: Machine, tcp_port: int, udp_port: int, session: Session) -> None:
        head = "GET /{} HTTP/1.1\r\nHost: cairn\r\n{}\r\n"
        ask = head.format(urllib.parse.quote(path), "") + head.format(urllib.parse.quote(missing),
                                                                     "Connection: close\r\n")
        with socket.create_connection(("127.0.0.1", tcp_port), timeout=CURL_BOUND) as s:
            s.sendall(ask.encode())
            got = b""
            while chunk := s.recv(65536):
                got += chunk
        want_start = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n".encode()
        first_end = got.find(b"\r\n\r\n") + 4
        second = got[first_end + len(body):]
        if not got.startswith(want_start) or got[first_end:first_end + len(body)] != body \
                or not second.startswith(b"HTTP/1.1 404 "):
            session.lost += 1
            session.notes.append(f"pipelined answers: {got[:120]!r} ... {second[:60]!r}")
    return work


@test(lab=10, name="http-pipelined", points=5, paths=QEMU_ONLY, timeout=TIMEOUT)
def http_pipelined(ctx: Ctx) -> None:
    """Keep-alive then close on one connection, the two requests sent at once."""
    vol, files = make_volume(ctx)
    path = ctx.rng.choice(sorted(p for p in files if files[p]))
    _, session, _ = serve(ctx, pipelined(path, files[path], "Some Dir/missing.bin"),
                          disks=(Disk(vol, 0, 0, model="Cairn lab 10 web"),), budget=WEB_BUDGET)
    ctx.check(session.lost == 0, "\n".join(session.notes))


# ---- idle and half-sent requests must not hold the workers (the server's stated bound) ----

IDLE = 14                               # idle connections: past the 12 workers, within TCP's 24
IDLE_HEAD_MS = 12000                    # the guest's bound on a request head here (head_ms=): its
                                        # default outlasts a lossy wire's resends, not needed here
IDLE_BOUND = 100.0                      # seconds for all of it: the connects (QEMU's listen backlog
                                        # of 1 paces them ~1 s apart), two rounds of the guest's 12 s,
                                        # the stalled reader's fill of the buffers and 10 s, a fetch
TIMEOUTS = "lab10: http: timeouts: "    # the server's stats line, once per connection it cuts off
HALF_HEAD = b"GET /stalled HTTP/1.1\r\nHost: cairn\r\n"    # a request that never ends
SYN_ACK, RST = 0x12, 0x04                # TCP flags
STALL_REQUESTS_MAX = 40                 # fetches of FILE_MAX the stalled reader asks for, at most


def guest_segments(pcap: Path) -> list[tuple[int, int]]:
    """(client port, TCP flags) of every segment the guest sent from port 80, in the live pcap."""
    data = pcap.read_bytes() if pcap.exists() else b""
    segments: list[tuple[int, int]] = []
    at = 24
    while at + 16 <= len(data):
        incl = int.from_bytes(data[at + 8:at + 12], "little")
        frame = data[at + 16:at + 16 + incl]
        at += 16 + incl
        if len(frame) < incl or len(frame) < 34:
            continue                    # an ARP, or a frame QEMU is still writing
        tcp = frame[14 + (frame[14] & 0xF) * 4:]
        if frame[12:14] == b"\x08\x00" and frame[23] == 6 and len(tcp) >= 14 and tcp[:2] == b"\x00\x50":
            segments.append((int.from_bytes(tcp[2:4], "big"), tcp[13]))
    return segments


def wait_in_pcap(pcap: Path, done: Callable[[list[tuple[int, int]]], bool], deadline: float) -> bool:
    """Poll the capture until done(the guest's segments) or the deadline: whether it came."""
    while not done(guest_segments(pcap)):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def closed_by_server(s: socket.socket, deadline: float, drain: bool = False) -> bool:
    """True once the server has closed s (FIN or RST) before the deadline; it sends
    nothing unless drain (then what it sent first is read and dropped)."""
    try:
        while True:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            got = s.recv(65536)
            if not got or not drain:
                return got == b""
    except ConnectionError:
        return True
    except socket.timeout:
        return False


def stall_requests() -> int:
    """How many fetches of a FILE_MAX file fill every buffer between the guest and a client
    that does not read: more than the host's largest TCP send buffer (QEMU's socket to the
    client autotunes up to it); 0 when that is more than one connection should fetch."""
    try:
        wmem_max = int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])
    except (OSError, IndexError, ValueError):
        wmem_max = 4 << 20              # Linux's default
    n = wmem_max // FILE_MAX + 4
    return n if n <= STALL_REQUESTS_MAX else 0


def stalled_reader(port: int, path: str, requests: int) -> socket.socket:
    """A client that asks for a big file `requests` times in one write and never reads,
    its receive buffer small: the server's sends stop making progress once every buffer
    on the way is full."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(IDLE_BOUND)
    s.connect(("127.0.0.1", port))
    s.sendall(f"GET /{urllib.parse.quote(path)} HTTP/1.1\r\nHost: cairn\r\n\r\n".encode() * requests)
    return s


def after_idle(port: int, path: str, body: bytes, session: Session, dest: Path) -> None:
    """PARALLEL fetches at once while the idle peers still hold their ends open: the
    server must have freed their TCP slots (an RST does; a FIN would leave each one in
    FIN_WAIT_2 for a peer that never answers it, and only 24 - IDLE slots for these)."""
    for p, out, status in fetch_all(port, [path] * PARALLEL, dest):
        got = out.read_bytes() if out.exists() else b""
        if status != "200" or got != body:
            session.lost += 1
            session.notes.append(f"a fetch after the idle ones were closed: status {status}, "
                                 f"{len(got)} of {len(body)} bytes")


def idle_work(ctx: Ctx, path: str, body: bytes, big: str) -> Callable[[Machine, int, int, Session], None]:
    """A stalled reader of `big` and IDLE connections, half of them a request head cut
    off, take every worker; then a curl of `path`."""
    def work(m: Machine, tcp_port: int, udp_port: int, session: Session) -> None:
        deadline = time.monotonic() + IDLE_BOUND
        pcap = ctx.workdir / "net.pcap"
        stalled = [stalled_reader(tcp_port, big, n) for n in [stall_requests()] if n]
        idle = [socket.create_connection(("127.0.0.1", tcp_port), timeout=IDLE_BOUND)
                for _ in range(IDLE)]
        try:
            for s in idle[1::2]:
                s.sendall(HALF_HEAD)
            began = time.monotonic()
            conns = IDLE + len(stalled)
            wait_in_pcap(pcap, lambda segs: len({p for p, f in segs if f & SYN_ACK == SYN_ACK}) >= conns,
                         deadline)
            session.notes.append(f"the guest took {conns} connections in {time.monotonic() - began:.2f} s")
            out = ctx.workdir / "got.bin"
            start = time.monotonic()
            r = subprocess.run(["curl", "-sS", "--max-time", str(int(IDLE_BOUND)), "-o", str(out),
                                "-w", "%{http_code}", url(tcp_port, path)], capture_output=True, text=True)
            got = out.read_bytes() if out.exists() else b""
            session.notes.append(f"curl behind {IDLE} idle connections: status {r.stdout or r.stderr.strip()}, "
                                 f"{len(got)} of {len(body)} bytes in {time.monotonic() - start:.2f} s")
            if r.stdout != "200" or got != body:
                session.lost += 1
            still = sum(not closed_by_server(s, deadline) for s in idle)
            if still:
                session.lost += 1
                session.notes.append(f"{still} of {IDLE} idle connections still open after {IDLE_BOUND:.0f} s")
            for s in stalled:
                port = s.getsockname()[1]
                if not wait_in_pcap(pcap, lambda segs: (port, RST) in segs, deadline) \
                        or not closed_by_server(s, deadline, drain=True):
                    session.lost += 1
                    session.notes.append(f"the reader that stopped reading was not reset in {IDLE_BOUND:.0f} s")
                else:
                    session.notes.append(f"the reader that stopped reading was reset after "
                                         f"{time.monotonic() - deadline + IDLE_BOUND:.2f} s")
            after_idle(tcp_port, path, body, session, ctx.workdir)
        finally:
            for s in idle + stalled:
                s.close()
    return work


@test(lab=10, name="http-idle", points=5, paths=QEMU_ONLY, timeout=TIMEOUT)
def http_idle(ctx: Ctx) -> None:
    """14 connections that send nothing or half a request and one that stops reading, more
    than the 12 workers: a curl still gets its file byte-identical, the server resets
    every one of them and counts them, and then 16 curls at once still find room (the
    idle peers' slots were freed)."""
    if shutil.which("curl") is None:
        ctx.fail("curl is not installed on this host (Debian: apt-get install curl)")
    vol, files = make_volume(ctx)
    path = ctx.rng.choice(sorted(p for p in files if files[p]))
    big = next(p for p in sorted(files) if len(files[p]) == FILE_MAX)
    r, session, _ = serve(ctx, idle_work(ctx, path, files[path], big),
                          disks=(Disk(vol, 0, 0, model="Cairn lab 10 web"),), budget=IDLE_BOUND + 20,
                          args=(f"head_ms={IDLE_HEAD_MS}",))
    ctx.check(session.lost == 0, "\n".join(session.notes))
    counts = [line for line in r.lines if line.startswith(TIMEOUTS)]
    last = re.match(TIMEOUTS + r"(\d+) idle .*, (\d+) stalled", counts[-1]) if counts else None
    stalls = "1" if stall_requests() else "0"
    ctx.check(last is not None and last.groups() == (str(IDLE), stalls),
              f"expected the server's last timeout line to count {IDLE} idle and {stalls} stalled; it was "
              f"{counts[-1] if counts else 'never printed'!r}")
