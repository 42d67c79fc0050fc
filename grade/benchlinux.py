"""benchlinux.py - `make bench`'s rows for stage 9's Linux personality (handouts/linux.md):
Debian's busybox on Cairn, each figure beside the same binary under qemu-i386 on this
host (a reference, not a floor: qemu-i386 runs the program's instructions on the host's
kernel, Cairn runs a whole machine in TCG). Numbers, never pass/fail.

  sh -c true   start to exit of `/bin/busybox sh -c true`: on Cairn a loop of the shell
               forks and execs it (execve reads the 2 MB binary from the FAT volume),
               it starts its shell and exits, the loop's wait4 reaps it; on the host, one
               `qemu-i386 busybox sh -c true` from its start to its exit
  sort 1 MB    `busybox sort` of a 1 MB file of seeded words to /dev/null
"""
from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable

from grade.core import BUILD, ROOT
from grade.serialclock import arrival, line_arrival, serial_times

KERNEL = BUILD / "lab9" / "kernel.elf"
LX = BUILD / "linux"
IMG = LX / "linux.img"                  # make linux-img
BUSYBOX = LX / "busybox"
QEMU_USER = "qemu-i386"
BOOTS = 3
TRUE_LOOPS = 10                         # sh -c true per boot
HOST_RUNS = 10
SORT_BYTES = 1 << 20
WORDS = ["cairn", "stone", "trail", "summit", "ridge", "moss", "fern", "slate", "peak"]
# On Cairn: the loops between marker lines whose arrival on COM1 the host times.
SCRIPT = f"""echo bench: start true
i=0; while [ $i -lt {TRUE_LOOPS} ]; do /bin/busybox sh -c true; i=$((i + 1)); done
echo bench: end true
echo bench: start sort
sort /big.txt > /dev/null
echo bench: end sort
"""


def sort_input() -> bytes:
    """1 MB of lines of seeded words and numbers: the same file every run and machine."""
    rng = random.Random(1)
    out = bytearray()
    while len(out) < SORT_BYTES:
        out += f"{rng.choice(WORDS)}{rng.randrange(100000)} {rng.choice(WORDS)}\n".encode()
    return bytes(out[:SORT_BYTES - 1] + b"\n")


def volume(tmp: Path, big: Path) -> Path:
    """A copy of the busybox volume with /b.sh and /big.txt."""
    vol = tmp / "linux.img"
    shutil.copyfile(IMG, vol)
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    script = tmp / "b.sh"
    script.write_text(SCRIPT)
    for src, dst in ((script, "::/b.sh"), (big, "::/big.txt")):
        subprocess.run(["mcopy", "-i", str(vol), str(src), dst], check=True, env=env,
                       capture_output=True)
    return vol


def serial_arrivals(vol: Path, timeout: float = 180.0) -> dict[str, float]:
    """One boot of stage 9 running /b.sh on host time: when each `bench: ` line reached
    the host (seconds since QEMU started), by the line's text."""
    log, times = serial_times(KERNEL, vol, ['grade', 'run="/bin/busybox sh /b.sh"'],
                              until=b"bench: end sort", timeout=timeout)
    seen: dict[str, float] = {}
    for raw in log.split(b"\n"):
        text = raw.decode(errors="replace").strip()
        if text.startswith("bench: ") and text not in seen:
            at = line_arrival(log, times, raw) or arrival(log, times, raw)
            if at is not None:
                seen[text] = at
    return seen


def span(seen: dict[str, float], name: str) -> float | None:
    t0, t1 = seen.get(f"bench: start {name}"), seen.get(f"bench: end {name}")
    return None if t0 is None or t1 is None else t1 - t0


def host_times(argv: list[str], runs: int, stdin: Path | None = None) -> list[float]:
    """Seconds from start to exit of argv under qemu-i386 (runs times), in a fresh dir."""
    times = []
    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as tmp:
        for _ in range(runs):
            t0 = time.monotonic()
            with open(stdin or os.devnull, "rb") as inp:
                p = subprocess.run([QEMU_USER, str(BUSYBOX), *argv], stdin=inp, cwd=tmp,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if p.returncode == 0:
                times.append(time.monotonic() - t0)
    return times


def linux_rows(row: Callable[..., object]) -> None:
    """The rows, through bench.py's row(group, name, samples, unit, note)."""
    made = subprocess.run(["make", "-s", "-C", str(ROOT), "linux-img"], capture_output=True,
                          text=True)              # fetches busybox once (the network)
    if made.returncode or not (KERNEL.exists() and IMG.exists() and BUSYBOX.exists()):
        why = (made.stdout + made.stderr).strip().splitlines()[-1:] or ["make lab9"]
        row("linux", "stage 9 or busybox's volume not built", [], note=why[0][-80:])
        return
    cairn_true: list[float] = []
    cairn_sort: list[float] = []
    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as tmp:
        big = Path(tmp) / "big.txt"
        big.write_bytes(sort_input())
        vol = volume(Path(tmp), big)
        for _ in range(BOOTS):
            seen = serial_arrivals(vol)
            if (t := span(seen, "true")) is not None:
                cairn_true.append(t / TRUE_LOOPS * 1e3)
            if (t := span(seen, "sort")) is not None:
                cairn_sort.append(t * 1e3)
        host_true = [t * 1e3 for t in host_times(["sh", "-c", "true"], HOST_RUNS)]
        host_sort = [t * 1e3 for t in host_times(["sort", str(big)], BOOTS)]
    versus(row, "busybox sh -c true, stage 9 (fork+exec+exit+wait)", cairn_true,
           "busybox sh -c true, qemu-i386 on the host", host_true)
    versus(row, "busybox sort of 1 MB, stage 9", cairn_sort,
           "busybox sort of 1 MB, qemu-i386 on the host", host_sort)


def versus(row: Callable[..., object], name: str, cairn: list[float], host_name: str,
           host: list[float]) -> None:
    """Cairn's row, noting how many times the host's median it is, then the host's."""
    note = ""
    if cairn and host:
        note = f"x{statistics.median(cairn) / statistics.median(host):.1f} qemu-i386's time"
    row("linux", name, cairn, "ms", note)
    row("linux", host_name, host, "ms", "a reference, not a floor")
