"""bochs.py - booting a Cairn GRUB legacy floppy in Bochs 2.7 (handouts/hardware-notes.md §3).

The one place that writes a bochsrc (from boot/bochsrc.in): the grader calls
run_bochs(), and tools/bochs.py (`make labN-bochs`) imports the rest.

Headless display. Debian's Bochs has no `nogui` plugin, `rfb` listens on
0.0.0.0:5900 and `term` ignores SIGTERM and needs a TERM. Two choices listen
on no network port at all:
  * sdl2 with SDL_VIDEODRIVER=dummy (package bochs-sdl): SDL draws into
    memory; no socket but the kernel's udev netlink one SDL opens to watch
    for input devices.
  * x under a private Xvfb (bochs-x, xvfb) with -nolisten tcp -nolisten unix
    on a display number it picks itself (-displayfd): clients reach it only
    through Linux's abstract local socket, never the network.
Measured on the stage 0 floppy, boot to "Shutdown", n=9 each, 2-core host:
  quiet, megs 32:   sdl2/dummy 0.556 s median (0.550-0.575), x/Xvfb 0.867 s
                    (0.797-1.077), rfb 0.702 s (0.545-0.832)
  load ~2, megs 64: sdl2/dummy 0.773 s (0.669-0.979), x/Xvfb 0.914 s (0.851-1.009)
All runs correct; 40/40 correct with 4 runs in parallel. Xvfb's start-up is
the difference. So sdl2/dummy is used: faster, steadier, no second process to
clean up, nothing listening; x/Xvfb is the fallback without the sdl2 plugin.

Bochs exits with status 1 both through the 0x8900 "Shutdown" port and on a
panic or triple fault, so the verdict comes from the serial log; what Bochs
said when it stopped is in WORKDIR/bochs.out (see bochs_message()).
"""
from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional, Union

from grade.drives import HEADS, SECTOR, SECTORS_PER_TRACK   # the disks' geometry
from grade.runner import CHECK_EVERY, LOG_CAP, Deadline   # LOG_CAP: the grader's one cap

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "boot" / "bochsrc.in"
PLUGIN_DIR = Path("/usr/lib/x86_64-linux-gnu/bochs/plugins")

MEGS = 64                       # as the QEMU runs (-m 64)
MAX_CYLINDERS = 65535          # the 16-bit cylinder count of ATA IDENTIFY word 1

# (channel, unit, image, IDENTIFY model, is_cdrom[, snapshot]): what the grader
# passes. A CD-ROM drive with image None is empty (QEMU's `-device ide-cd` with
# no drive). snapshot=True (default False) discards the guest's writes, like
# QEMU's snapshot=on: Bochs' "volatile" mode keeps them in a redolog it deletes.
DiskSpec = Union[tuple[int, int, Optional[Path], str, bool],
                 tuple[int, int, Optional[Path], str, bool, bool]]


class BochsError(Exception):
    """A run could not be set up (Bochs missing, a bad disk image, ...)."""


@dataclass(frozen=True)
class AtaDrive:
    channel: int                # 0 = primary (0x1F0, IRQ 14), 1 = secondary (0x170, IRQ 15)
    unit: int                   # 0 = master, 1 = slave
    path: Path | None           # None: an empty CD-ROM drive
    model: str = ""
    cdrom: bool = False
    volatile: bool = False      # writes go to a temporary redolog, not the image

    def geometry(self) -> tuple[int, int, int]:
        """Bochs wants a flat disk of exactly C*H*S sectors (harddrv.cc), or
        the guest sees a different size. The grader's disks are whole
        cylinders of 16 heads x 63 sectors (grade/drives.py), tried first;
        an image of another size gets the largest H <= 16, S <= 63 that
        divide it (a 100 MiB image is 256 x 16 x 50), so LBA counts stay exact."""
        assert self.path is not None
        size = self.path.stat().st_size
        sectors, rest = divmod(size, SECTOR)
        if sectors == 0 or rest:
            raise BochsError(f"{self.path}: {size} bytes is not a whole number of "
                             f"{SECTOR}-byte sectors")
        for heads, spt in [(HEADS, SECTORS_PER_TRACK)] + [
                (h, s) for h in range(HEADS, 0, -1) for s in range(SECTORS_PER_TRACK, 0, -1)]:
            cylinders, rest = divmod(sectors, heads * spt)
            if rest == 0 and cylinders <= MAX_CYLINDERS:
                return cylinders, heads, spt
        cylinder = HEADS * SECTORS_PER_TRACK * SECTOR
        raise BochsError(
            f"{self.path}: {sectors} sectors can't be written as cylinders x heads (<= {HEADS}) "
            f"x sectors per track (<= {SECTORS_PER_TRACK}) for Bochs: make the image a "
            f"multiple of {cylinder} bytes ({HEADS} x {SECTORS_PER_TRACK} x {SECTOR})")

    def rc_line(self) -> str:
        name = f"ata{self.channel}-{'master' if self.unit == 0 else 'slave'}"
        model = f', model="{self.model}"' if self.model else ""
        if self.cdrom and self.path is None:
            return f"{name}: type=cdrom, status=ejected{model}"
        if self.cdrom:
            return f'{name}: type=cdrom, path="{self.path}", status=inserted{model}'
        c, h, s = self.geometry()
        mode = "volatile" if self.volatile else "flat"
        return (f'{name}: type=disk, mode={mode}, path="{self.path}", '
                f"cylinders={c}, heads={h}, spt={s}{model}")


# ATA channel resources, as on a PC (and as Bochs' own sample bochsrc).
ATA_CHANNELS = {0: "ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14",
                1: "ioaddr1=0x170, ioaddr2=0x370, irq=15"}


@dataclass
class BochsConfig:
    floppy: Path
    com1: Path                  # where the guest's COM1 goes (a file, or /dev/stdout)
    log: Path                   # Bochs' own log
    display: str                # display_library line: "x", "sdl2", ...
    drives: list[AtaDrive] = field(default_factory=list)
    symbols: Path | None = None  # kernel.sym, loaded into the debugger
    magic_break: bool = True    # BOCHS_BREAK() stops in the debugger
    megs: int = MEGS


def _rc_string(what: str, value: str) -> str:
    # A bochsrc value is written in double quotes; Bochs has no escapes and
    # expands $NAME even inside them ("A$HOME" became "A/root"), so refuse
    # what it would change rather than mangle it. Commas, '#', '=' are fine.
    bad = [c for c in value if c in '"$' or not c.isprintable()]
    if bad:
        raise BochsError(f"{what} {value!r}: Bochs can't take the character {bad[0]!r} here")
    return value


def render_bochsrc(cfg: BochsConfig) -> str:
    seen: set[tuple[int, int]] = set()
    ata: list[str] = []
    for ch in sorted({d.channel for d in cfg.drives}):
        if ch not in ATA_CHANNELS:
            raise BochsError(f"ATA channel {ch}: Cairn's machine has channels 0 and 1")
        ata.append(f"ata{ch}: enabled=1, {ATA_CHANNELS[ch]}")
    for d in cfg.drives:
        if d.unit not in (0, 1):
            raise BochsError(f"ATA unit {d.unit}: 0 (master) or 1 (slave)")
        if (d.channel, d.unit) in seen:
            raise BochsError(f"two drives on ata{d.channel} unit {d.unit}")
        seen.add((d.channel, d.unit))
        if d.path is None:
            if not d.cdrom:
                raise BochsError(f"ata{d.channel} unit {d.unit}: a hard disk needs an image")
        elif not d.path.exists():
            raise BochsError(f"{d.path}: no such disk image")
        else:
            _rc_string("disk image path", str(d.path))
        _rc_string("disk model", d.model)
        ata.append(d.rc_line())
    symbols = ""
    if cfg.symbols is not None:
        symbols = f'debug_symbols: file="{_rc_string("symbol file", str(cfg.symbols))}"'
    values = {
        "MEGS": str(cfg.megs),
        "FLOPPY": _rc_string("floppy image", str(cfg.floppy)),
        "ATA": "\n".join(ata),
        "COM1": _rc_string("serial file", str(cfg.com1)),
        "DISPLAY": cfg.display,
        "MAGIC_BREAK": "1" if cfg.magic_break else "0",
        "SYMBOLS": symbols,
        "LOG": _rc_string("log file", str(cfg.log)),
    }
    text = TEMPLATE.read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = re.search(r"@[A-Z_0-9]+@", text)
    if left:
        raise BochsError(f"{TEMPLATE}: unknown placeholder {left.group(0)}")
    return text


def bochs_disk_serial(channel: int, unit: int, cdrom: bool) -> str:
    """The IDENTIFY serial Bochs reports; it can't be configured (handouts/hardware-notes.md §5,
    iodev/harddrv.cc): BXHD000 + channel+1 + unit+1 for a disk. The CD's was
    seen as BXCD00001 at ata1-master."""
    return "BXCD00001" if cdrom else f"BXHD000{channel + 1}{unit + 1}"


def drives_from_specs(disks: list[DiskSpec]) -> list[AtaDrive]:
    drives = []
    for spec in disks:
        ch, unit, path, model, cdrom = spec[:5]
        snapshot = bool(spec[5]) if len(spec) > 5 else False
        drives.append(AtaDrive(ch, unit, Path(path).resolve() if path is not None else None,
                               model, cdrom, volatile=snapshot and not cdrom))
    return drives


def bochs_binary() -> str:
    exe = shutil.which("bochs")
    if exe is None:
        raise BochsError("bochs is not installed: run `make deps` (Debian packages bochs, "
                         "bochsbios, vgabios, bochs-sdl)")
    return exe


def plugin_available(name: str) -> bool:
    """Display plugins are separate Debian packages (bochs-x, bochs-sdl)."""
    return (PLUGIN_DIR / f"libbx_{name}_gui.so").exists()


def read_symbols(path: Path) -> dict[str, int]:
    """kernel.sym: `ADDR NAME` lines, as ldsym and debug_symbols read them."""
    symbols: dict[str, int] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2:
            symbols.setdefault(parts[1], int(parts[0], 16))
    return symbols


def floppy_kernel(image: Path) -> bytes | None:
    """The /kernel.elf inside a GRUB floppy (via mtools), None if unreadable:
    an image older than kernel.sym breaks at the wrong places."""
    try:
        return subprocess.run(["mcopy", "-n", "-i", str(image), "::/kernel.elf", "-"],
                              capture_output=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None


# --- headless display --------------------------------------------------------

@dataclass
class Display:
    library: str                # the display_library value
    env: dict[str, str]         # the environment Bochs runs with


def _start_xvfb(stack: list[subprocess.Popen[bytes]], timeout: float) -> str:
    """A private Xvfb, no TCP; it writes its display number to -displayfd
    once it accepts clients, so there is nothing to poll or sleep for."""
    if shutil.which("Xvfb") is None:
        raise BochsError("headless Bochs needs the sdl2 plugin (package bochs-sdl) "
                         "or Xvfb (package xvfb): run `make deps`")
    rfd, wfd = os.pipe()
    try:
        proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(wfd), "-nolisten", "tcp", "-nolisten", "unix",
             "-screen", "0", "1024x768x24"],
            pass_fds=(wfd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        stack.append(proc)
        os.close(wfd)
        wfd = -1
        data = b""
        deadline = time.monotonic() + timeout
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([rfd], [], [], left)[0]:
                raise BochsError(f"Xvfb did not start within {timeout:.0f} s")
            chunk = os.read(rfd, 32)
            if not chunk:
                raise BochsError(f"Xvfb failed to start (status {proc.wait()})")
            data += chunk
        return ":" + data.decode().strip()
    finally:
        os.close(rfd)
        if wfd >= 0:
            os.close(wfd)


@contextmanager
def headless_display(timeout: float = 10.0) -> Iterator[Display]:
    """A display Bochs can draw on with no window and no listening port."""
    env = dict(os.environ)
    if plugin_available("sdl2"):
        env["SDL_VIDEODRIVER"] = "dummy"
        env["SDL_AUDIODRIVER"] = "dummy"
        yield Display("sdl2", env)
        return
    if not plugin_available("x"):
        raise BochsError("Bochs has no usable display plugin: install bochs-sdl (`make deps`)")
    stack: list[subprocess.Popen[bytes]] = []
    try:
        env["DISPLAY"] = _start_xvfb(stack, timeout)
        env.pop("XAUTHORITY", None)
        yield Display("x", env)
    finally:
        for proc in stack:
            _kill(proc)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
    proc.wait()


# --- a graded run -------------------------------------------------------------

CONTINUE_SCRIPT = "# run to the end: the kernel leaves through the Shutdown port\nc\n"


# Bochs processes running now, so that an interrupted grader can stop them.
LIVE: set[subprocess.Popen[bytes]] = set()


def kill_all() -> None:
    for proc in list(LIVE):
        if proc.poll() is None:
            _kill(proc)


def bochs_message(workdir: Path) -> str | None:
    """What Bochs said as it stopped ("Shutdown port: shutdown requested",
    "exception(): 3rd (13) exception with no resolution" = triple fault,
    a bochsrc error, ...), from WORKDIR/bochs.out."""
    try:
        text = (workdir / "bochs.out").read_text(errors="replace")
    except OSError:
        return None
    m = re.search(r"Bochs is exiting with the following message:\n(.*?)\n=====", text, re.S)
    return m.group(1).strip() if m else None


def is_triple_fault(message: str | None) -> bool:
    return message is not None and "exception with no resolution" in message


def run_bochs(image: Path, workdir: Path, disks: list[DiskSpec],
              timeout: float) -> tuple[str, int | None, bool, list[str]]:
    """Boot a GRUB floppy headless in Bochs and return (serial log, Bochs' exit
    status or None if it was killed, timed out?, the command line).

    Writes WORKDIR/bochsrc, debugger.rc, serial.log (COM1), bochs.log and
    bochs.out (Bochs' stdout+stderr: bochs_message() reads it). The serial
    log keeps its \\r; at most LOG_CAP + 1 bytes are returned (more than
    LOG_CAP: the kernel flooded).
    BOCHS_BREAK() is a no-op here, as in QEMU: a graded run never stops in
    the debugger. Bochs and any Xvfb are killed on timeout or on any error.
    """
    return run_session(image, workdir, disks, timeout, CONTINUE_SCRIPT)


def run_session(image: Path, workdir: Path, disks: list[DiskSpec], timeout: float,
                script: str, symbols: Path | None = None,
                magic_break: bool = False) -> tuple[str, int | None, bool, list[str]]:
    """run_bochs() with a debugger script of your own (the text of a `-rc`
    file) and the kernel's symbols; the debugger's output is in
    WORKDIR/bochs.out. Used by tests/bochs/check_debugger.py."""
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    exe = bochs_binary()
    serial = workdir / "serial.log"
    serial.unlink(missing_ok=True)
    rc_file, script_file = workdir / "bochsrc", workdir / "debugger.rc"
    script_file.write_text(script)
    cmd = [exe, "-f", str(rc_file), "-rc", str(script_file)]
    timed_out = False
    status: int | None = None
    start = time.monotonic()
    with headless_display(timeout) as display:
        cfg = BochsConfig(floppy=Path(image).resolve(), com1=serial, log=workdir / "bochs.log",
                          display=display.library, drives=drives_from_specs(disks),
                          symbols=symbols.resolve() if symbols else None,
                          magic_break=magic_break)
        rc_file.write_text(render_bochsrc(cfg))
        with open(workdir / "bochs.out", "wb") as out:
            # Its own session, so that a kill reaches Bochs and nothing else,
            # and a Ctrl-C meant for the grader does not stop Bochs first.
            proc = subprocess.Popen(cmd, cwd=workdir, env=display.env,
                                    stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            LIVE.add(proc)
            # The bound counts only the time Bochs could run (runner.Deadline).
            bound = Deadline(proc.pid, max(0.1, timeout - (time.monotonic() - start)))
            try:
                while status is None:
                    left = bound.left()
                    if left <= 0:
                        timed_out = True
                        break
                    try:
                        status = proc.wait(timeout=min(left, CHECK_EVERY))
                    except subprocess.TimeoutExpired:
                        pass
            finally:
                if proc.poll() is None:
                    _kill(proc)
                    status = None
                LIVE.discard(proc)
    try:
        with open(serial, "rb") as f:
            log = f.read(LOG_CAP + 1).decode("utf-8", errors="replace")
    except FileNotFoundError:
        log = ""
    return log, status, timed_out, cmd


def bochs_version() -> str:
    """For failure reports: Debian's package version."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "bochs"],
                             capture_output=True, text=True, timeout=5).stdout
        return f"bochs {out.strip()}" if out.strip() else "bochs (unknown version)"
    except (OSError, subprocess.SubprocessError):
        return "bochs (unknown version)"


if __name__ == "__main__":      # python3 -m grade.bochs IMAGE: one headless run
    import sys
    if len(sys.argv) != 2:
        sys.exit("usage: python3 -m grade.bochs build/labN/cairn.img")
    with tempfile.TemporaryDirectory(prefix="cairn-bochs-") as tmp:
        t0 = time.monotonic()
        text, st, to, argv = run_bochs(Path(sys.argv[1]), Path(tmp), [], 10.0)
        sys.stdout.write(text)
        print(f"\n[bochs status {st}, timed out {to}, {time.monotonic() - t0:.3f} s: "
              f"{bochs_message(Path(tmp))}]")
