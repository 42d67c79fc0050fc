"""serialclock.py - when each byte of a boot's COM1 reached the host: the clock of
make bench's wall-time rows (grade/bench.py's lab 9 rows, grade/benchlinux.py's), which
time a guest's loops by the arrival of the marker lines it prints around them."""
from __future__ import annotations

import os
import selectors
import subprocess
import time
from pathlib import Path

from grade import runner
from grade.core import Disk

CHECK_EVERY = 0.25             # seconds between two looks at a silent COM1


def serial_times(kernel: Path, image: Path, args: list[str], until: bytes | None = None,
                 timeout: float = 60.0) -> tuple[bytes, list[tuple[int, float]]]:
    """One boot of `kernel` with the volume `image` on qemu -kernel, on host time (no
    -icount): COM1's bytes and, for each read of them, (bytes so far, seconds since QEMU
    was started): when each byte reached the host. Ends when QEMU exits or `until` appears.
    On the machine a student runs (SeaVGABIOS, not the grader's stub ROM): the boot's
    figures stand beside xv6's, booted so."""
    cmd = [runner.QEMU, *runner.STUDENT_MACHINE, "-serial", "stdio",
           *runner.disk_args([Disk(image, 0, 0)]), "-kernel", str(kernel),
           "-append", " ".join(args)]
    log = bytearray()
    times: list[tuple[int, float]] = []
    start = time.monotonic()
    # stdin a pipe kept open: COM1's input never reads an end of file.
    with subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL) as proc:
        assert proc.stdout
        try:
            with selectors.DefaultSelector() as sel:
                sel.register(proc.stdout, selectors.EVENT_READ)
                while time.monotonic() - start < timeout:
                    if not sel.select(CHECK_EVERY):
                        continue
                    chunk = os.read(proc.stdout.fileno(), 65536)
                    if not chunk:
                        break
                    log += chunk
                    times.append((len(log), time.monotonic() - start))
                    if until and until in log:
                        break
        finally:
            proc.kill()
    return bytes(log), times


def arrival(log: bytes, times: list[tuple[int, float]], text: bytes) -> float | None:
    """Seconds from QEMU's start until `text` had reached the host in full."""
    at = log.find(text)
    if at < 0:
        return None
    return next(t for n, t in times if n >= at + len(text))


def line_arrival(log: bytes, times: list[tuple[int, float]], text: bytes) -> float | None:
    """Seconds from QEMU's start until the line holding `text` had reached the host,
    its newline included."""
    at = log.find(text)
    eol = log.find(b"\n", at)
    return None if at < 0 or eol < 0 else arrival(log, times, log[at:eol + 1])
