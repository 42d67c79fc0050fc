#!/usr/bin/env python3
"""lab10trace.py - one HTTP request's timeline on stage 10, drawn with lab 6's trace
(handouts/lab10.md, "One request, end to end"; handouts/lab6.md section 10). Boots
stage 10 as the grader does (its pinned machine, QEMU's user network, ports forwarded
to 127.0.0.1), with a FAT16 volume holding one 1000-byte file and `trace=MS`: the
kernel starts the trace just before its ready line, and once it has printed it this
tool sends one `GET /hello.txt` (after a short pause, so the picture starts idle);
after MS ms the kernel prints the trace and the boot ends. The serial log goes to
--log, for tools/tracesvg.py to draw. `make lab10-trace` runs both.

    python3 tools/lab10trace.py --kernel build/lab10/kernel.elf --log trace.log
"""
from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from grade import runner                            # noqa: E402  (after the path)
from grade.core import Ctx, Disk, Test              # noqa: E402
from grade.labs.fatvol import tool                  # noqa: E402
from grade.labs.lab10 import READY, net_args        # noqa: E402
from grade.labs.lab10web import VOLUME_BYTES        # noqa: E402
from grade.netrelay import free_port                # noqa: E402

TRACE_MS = 2000                 # the window: the request takes ~25 ms of it, but under load
                                # the client's connection reaches the guest up to a second late
PAUSE = 0.05                    # seconds from the ready line to the request
BODY = bytes((i * 131 + 7) & 0xFF for i in range(1000))


def volume(where: Path) -> Path:
    """A FAT16 volume with hello.txt (BODY)."""
    vol, src = where / "trace.img", where / "hello.txt"
    with open(vol, "wb") as f:
        f.truncate(VOLUME_BYTES)
    tool("mformat", "-i", str(vol), "-T", str(VOLUME_BYTES // 512), "-h", "16", "-s", "63",
         "-v", "TRACE", "::")
    src.write_bytes(BODY)
    tool("mcopy", "-i", str(vol), str(src), "::/hello.txt")
    return vol


def request(port: int, said: list[str]) -> None:
    """One GET, from a thread of its own: the runner must keep reading COM1 meanwhile."""
    time.sleep(PAUSE)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello.txt", timeout=10) as reply:
            body = reply.read()
        said.append("" if body == BODY else f"GET /hello.txt: {len(body)} bytes, not the file")
    except OSError as e:
        said.append(f"GET /hello.txt: {e}")


def main() -> int:
    ap = argparse.ArgumentParser(description="Boot stage 10 with trace=MS, send one GET, save the log.")
    ap.add_argument("--kernel", type=Path, required=True, help="build/lab10/kernel.elf")
    ap.add_argument("--log", type=Path, required=True, help="where the serial log goes")
    ap.add_argument("--ms", type=int, default=TRACE_MS, help=f"the trace's window (default {TRACE_MS})")
    opts = ap.parse_args()
    if not opts.kernel.is_file():
        print(f"lab10trace: {opts.kernel}: no such kernel (make lab10)", file=sys.stderr)
        return 2
    runner.install_signal_handlers()    # Ctrl-C: QEMU is stopped, not left behind
    said: list[str] = []
    tcp_port, udp_port = free_port(socket.SOCK_STREAM), free_port(socket.SOCK_DGRAM)
    clients: list[threading.Thread] = []

    def on_ready(m: runner.Machine) -> None:
        clients.append(threading.Thread(target=request, args=(tcp_port, said)))
        clients[0].start()
    with tempfile.TemporaryDirectory(prefix="cairn-trace-") as work:
        test = Test(10, "trace", 0, lambda ctx: None, ("kernel",), 60.0)
        ctx = Ctx(test, 0, Path(work), opts.kernel, "kernel", runner.boot)
        r = ctx.boot(args=[f"trace={opts.ms}", "ip=10.0.2.15"],
                     disks=[Disk(volume(Path(work)), 0, 0, model="trace")],
                     qemu_args=net_args(Path(work) / "net.pcap", tcp_port, udp_port),
                     ready=READY, on_ready=on_ready, until="trace: end", expect_exit=None)
    for c in clients:
        c.join()
    opts.log.parent.mkdir(parents=True, exist_ok=True)
    opts.log.write_text(r.log, encoding="utf-8")
    if "trace: end" not in r.log or said != [""]:
        tail = "\n".join(r.log.splitlines()[-15:])
        print(f"lab10trace: ended with {r.exit}; the request: {said} (log: {opts.log}):\n{tail}",
              file=sys.stderr)
        return 1
    print(f"lab10trace: trace={opts.ms}, one GET -> {opts.log}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
