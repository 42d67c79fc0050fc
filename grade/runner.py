"""runner.py - boot a stage headless and capture COM1, with a bound on time and size.

QEMU runs on the pinned machine of boot/qemu-machine.args (the file `make
labN-qemu` reads too), so a newer QEMU's defaults cannot change a verdict. COM1 is QEMU's
stdout; we read it as it comes, so a run ends the moment the kernel exits, the
awaited text arrives, or the bound passes: no fixed sleeps anywhere.
"""
from __future__ import annotations

import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from grade.core import BUILD, Ctx, Disk, Result
from grade.keyboard import KeyFeed
from grade import sandbox, vgarom
from grade.qmp import QMP, QMPError

ROOT = Path(__file__).resolve().parent.parent
QEMU = os.environ.get("QEMU", "qemu-system-i386")
MACHINE_FILE = ROOT / "boot" / "qemu-machine.args"


def machine_args(path: Path = MACHINE_FILE) -> list[str]:
    """The pinned machine's options: the file's words, less its # comment lines."""
    return [word for line in path.read_text().splitlines()
            if not line.lstrip().startswith("#") for word in line.split()]


def stub_vga_rom(directory: Path) -> list[str]:
    """The options that give the VGA the grader's stub ROM (grade/vgarom.py: the kernel
    sees the same PCI bus, and each boot skips SeaVGABIOS's ~10-20 ms), kept in
    `directory`; none when it cannot hold the file (the boot then runs SeaVGABIOS)."""
    try:
        return ["-global", f"VGA.romfile={vgarom.stub_path(directory)}"]
    except OSError:
        return []


ROM_DIR = (BUILD / "grade" / "rom").absolute()
# The machine as `make labN-qemu` runs it, headless: for the bench's figures that are set
# beside other systems' boots (stage 9's boot to its prompt against xv6's, in the same QEMU).
STUDENT_MACHINE = [*machine_args(), "-display", "none"]
MACHINE = [*STUDENT_MACHINE, *stub_vga_rom(ROM_DIR)]  # every grader boot outside the sandbox
LOG_CAP = 256 * 1024            # a flooding kernel is stopped here (COM1 moves ~130 KB/s)
# How long send-key holds each key (hardware-notes.md §4). On virtual time (-icount)
# QEMU paces keys by instructions run, so 1 ms (2 ms a key) loses nothing however
# loaded the host is. On host time it paces them by the wall clock while the vCPU
# may wait for a host CPU: 8 keys in 16 ms could fill the 16-byte PS/2 queue during
# one scheduling delay. 20 ms a hold needs a 320 ms delay to lose a key.
KEY_HOLD_MS = 1
KEY_HOLD_MS_HOST_TIME = 20


def key_hold_ms(cmd: Sequence[str]) -> int:
    """The hold time that loses no key for a boot with this QEMU command line."""
    return KEY_HOLD_MS if "-icount" in cmd else KEY_HOLD_MS_HOST_TIME

# isa-debug-exit: status = (value << 1) | 1 and the kernel writes 0x10 | code.
STATUS_EXITS = {33: "success", 35: "failure", 37: "panic", 39: "exception"}
LOG_EXITS = {f"cairn: exit {code} ({name})": name for code, name in
             enumerate(("success", "failure", "panic", "exception"))}

_live: set[subprocess.Popen[bytes]] = set()
_live_lock = threading.Lock()
# Set when the grader is interrupted: no emulator starts after it, and the
# boots it cut short end as "interrupted", not as whatever the kill looked like.
STOPPING = threading.Event()


class ToolMissing(Exception):
    """A program the grader runs is not installed: one line, no traceback."""

    def __init__(self, tool: str) -> None:
        super().__init__(f"`{tool}` is not installed (or not on PATH): run `make deps`")
        self.tool = tool


def stop_all() -> None:
    """Ctrl-C or SIGTERM: start nothing more and stop what runs."""
    STOPPING.set()
    kill_all()


def track(proc: subprocess.Popen[bytes]) -> None:
    """A process that Ctrl-C or SIGTERM must stop, as it does the emulators (a host
    test's binary: one that spins would otherwise keep the grader waiting)."""
    with _live_lock:
        if STOPPING.is_set():
            proc.kill()
        _live.add(proc)


def untrack(proc: subprocess.Popen[bytes]) -> None:
    with _live_lock:
        _live.discard(proc)


def kill_all() -> None:
    """Stop every emulator (and host-test binary) still running (Ctrl-C, or the grader exiting)."""
    with _live_lock:
        for proc in list(_live):
            if proc.poll() is None:
                proc.kill()
    bochs = sys.modules.get("grade.bochs")
    if bochs is not None:
        bochs.kill_all()


def qemu_escape(value: str) -> str:
    return value.replace(",", ",,")


def disk_args(disks: Sequence[Disk]) -> list[str]:
    args: list[str] = []
    for i, d in enumerate(disks):
        drive = f"if=none,id=disk{i},file={qemu_escape(str(d.path))},format=raw"
        if d.cdrom:
            drive += ",media=cdrom,readonly=on"
        elif d.snapshot:
            drive += ",snapshot=on"
        kind = "ide-cd" if d.cdrom else "ide-hd"
        dev = (f"{kind},drive=disk{i},bus=ide.{d.channel},unit={d.unit},"
               f"model={qemu_escape(d.model)},serial={qemu_escape(d.serial)},"
               f"ver={qemu_escape(d.firmware)}")
        args += ["-drive", drive, "-device", dev]
    return args


class Machine:
    """A running QEMU, as on_ready callbacks see it."""

    def __init__(self, proc: subprocess.Popen[bytes], qmp: QMP | None) -> None:
        self.proc = proc
        self.pid = proc.pid
        self._qmp = qmp
        self._serial: list[tuple[str, bytes]] = []     # steps still to send (serial_steps)
        self._serial_from = 0                          # where the next step's text may start

    def qmp(self, command: str, **arguments: Any) -> Any:
        if self._qmp is None:
            raise QMPError("this boot has no QMP connection")
        return self._qmp.command(command, **arguments)

    def send_keys(self, keys: Sequence[str], hold_ms: int = KEY_HOLD_MS) -> None:
        """Type keys: each is a qcode or a chord like "shift-a". QEMU queues the
        events and paces them by the hold time, so the guest's 16-byte PS/2
        buffer never overflows (handouts/hardware-notes.md §4)."""
        for key in keys:
            chord = [{"type": "qcode", "data": k} for k in key.split("-")]
            self.qmp("send-key", keys=chord, **{"hold-time": hold_ms})

    def send_serial(self, data: bytes) -> None:
        """Bytes into COM1's receiver now: QEMU's -serial stdio reads them from its stdin."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def serial_steps(self, steps: Sequence[tuple[str, bytes]]) -> None:
        """Send each step's bytes once its text has appeared on COM1 after the previous
        step's text: input paced by what the guest prints, so echo and output interleave
        the same way in every run."""
        self._serial = list(steps)

    def pump_serial(self, log: bytearray) -> None:
        """The runner calls this after each read of COM1: the steps now due go out."""
        while self._serial:
            text, data = self._serial[0]
            at = log.find(text.encode(), self._serial_from)
            if at < 0:
                return
            self._serial_from = at + len(text)
            self._serial.pop(0)
            self.send_serial(data)


def _listen(workdir: Path) -> tuple[socket.socket, str]:
    # Unix socket paths are limited to 108 bytes: keep them in a short temp dir.
    sockdir = tempfile.mkdtemp(prefix="cairn-qmp-")
    path = os.path.join(sockdir, "qmp.sock")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    return srv, path


def _unlisten(srv: socket.socket, path: str | None) -> None:
    srv.close()
    if path:
        os.unlink(path)
        os.rmdir(os.path.dirname(path))


MAX_STRETCH = 6.0               # a starved emulator's bound grows to at most 6x
CHECK_EVERY = 0.25              # seconds between two looks at the emulator's waiting time


def descendants(pid: int) -> list[int]:
    """pid and every process below it (a sandboxed QEMU is bubblewrap's grandchild)."""
    out, todo = [], [pid]
    while todo and len(out) < 64:
        p = todo.pop()
        out.append(p)
        try:
            with os.scandir(f"/proc/{p}/task") as tasks:
                for task in tasks:
                    with open(f"{task.path}/children") as f:
                        todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            pass
    return out


def cpu_seconds(pid: int) -> float:
    """Host CPU a process has used so far, user and system (/proc/PID/stat fields 14
    and 15, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_percent(pid: int, window: float) -> float:
    """The share of one host CPU (in %) a process uses over the next `window`
    seconds (the bench's idle figures)."""
    t0, c0 = time.monotonic(), cpu_seconds(pid)
    time.sleep(window)                  # the measurement window itself
    return 100.0 * (cpu_seconds(pid) - c0) / (time.monotonic() - t0)


def run_delay(pid: int) -> float:
    """Seconds the longest-waiting thread of a process (or of one below it) spent
    runnable but not running (Linux /proc/PID/task/TID/schedstat, second field:
    run-queue wait)."""
    longest = 0
    for p in descendants(pid):
        try:
            with os.scandir(f"/proc/{p}/task") as tasks:
                for task in tasks:
                    try:
                        with open(f"{task.path}/schedstat") as f:
                            longest = max(longest, int(f.read().split()[1]))
                    except (OSError, IndexError, ValueError):
                        pass
        except OSError:
            pass
    return longest / 1e9


class Deadline:
    """A boot's time bound, counted in the time the emulator could run: while the
    host keeps it waiting for a CPU (other graders, CPU hogs), the bound moves
    out by as much, up to MAX_STRETCH times. A hung kernel still ends: a guest
    in cli;hlt leaves QEMU idle, not waiting, and a spinning one only stretches
    the bound while the host is busy."""

    def __init__(self, pid: int, timeout: float, cpu_bound: float | None = None) -> None:
        self.pid = pid
        self.timeout = timeout
        self.start = time.monotonic()
        self.starved = 0.0
        self.cpu_bound = cpu_bound      # also ends when the emulator has used this much CPU
        self.cpu_spent = False
        self.looked = float("-inf")     # when /proc was last read for the two figures

    def left(self) -> float:
        """Seconds until the bound. The /proc figures (CPU waited for, CPU used) are read
        at most every CHECK_EVERY, not at each of the hundreds of reads of COM1 a boot
        makes, and always before the bound is said to have passed: the waiting time only
        grows, so a bound from an older figure is never later than the true one."""
        now = time.monotonic()
        if now - self.looked >= CHECK_EVERY or self.start + self.timeout + self.starved <= now:
            self.looked = now
            if self.cpu_bound is not None and self.cpu_used() > self.cpu_bound:
                self.cpu_spent = True
            self.starved = min(run_delay(self.pid), self.timeout * (MAX_STRETCH - 1))
        if self.cpu_spent:
            return 0.0
        return self.start + self.timeout + self.starved - now

    def cpu_used(self) -> float:
        """Seconds of host CPU the emulator (and what runs it: bubblewrap) has used. A
        guest on virtual time that spins, or races through its timers, uses it as fast as
        the host gives it; a loaded host only slows that, never changes the amount."""
        used = 0.0
        for p in descendants(self.pid):
            try:
                used += cpu_seconds(p)
            except (OSError, IndexError, ValueError):
                pass
        return used


def _accept(srv: socket.socket, proc: subprocess.Popen[bytes], deadline: Deadline) -> socket.socket:
    """QEMU's QMP connection; gives up as soon as QEMU has died (a bad option)."""
    srv.settimeout(0.05)
    while True:
        try:
            return srv.accept()[0]
        except socket.timeout:
            if proc.poll() is not None or deadline.left() <= 0:
                raise


def classify(status: int | None, log: str, timed_out: bool, flooded: bool,
             until_seen: bool, bochs_message: str | None = None) -> str:
    """How a run ended. QEMU's exit status says it all; Bochs exits with
    status 1 however it stops, so there the kernel's last line counts, but
    only when Bochs stopped through its shutdown port (its triple faults are
    recognised by boot_bochs)."""
    if until_seen:
        return "until"
    if flooded:
        return "flood"
    if timed_out:
        return "hang"
    if bochs_message is None:
        if status in STATUS_EXITS:
            return STATUS_EXITS[status]
        if status == 0:
            return "triple-fault"   # -no-reboot turns a reset into a clean exit
        return "qemu-error"
    last = next((l.strip() for l in reversed(log.splitlines()) if l.strip()), "")
    if last in LOG_EXITS and "Shutdown" in bochs_message:
        return LOG_EXITS[last]
    return "qemu-error"


def start_qemu(cmd: list[str], workdir: Path, sock_path: str | None,
               readable: Sequence[Path]) -> subprocess.Popen[bytes]:
    """QEMU, in the sandbox when the kernel is a submission's (grade/sandbox.py):
    it sees the kernel, and writes only its test's directory and QMP socket."""
    # stdin: COM1's input (Machine.send_serial); kept open, so QEMU never reads an end of file.
    pipes: dict[str, Any] = dict(stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    box = sandbox.CURRENT
    if box is None:
        return subprocess.Popen(cmd, start_new_session=True, **pipes)
    writable = [workdir] + ([Path(sock_path).parent] if sock_path else [])
    for path in writable:
        box.grant(path)
    for path in readable:
        box.show(path)
    network = "-netdev" in cmd          # lab 10: the grader's clients reach its forwarded ports
    return box.popen(cmd, workdir, writable=writable, readable=readable, file_bytes=None,
                     network=network, **pipes)


@dataclass
class Watch:
    """What one boot waits for in the serial log, and what it has seen so far."""
    ready: str | None                           # the text that fires keys and on_ready
    keys: KeyFeed | None
    on_ready: Callable[[Machine], None] | None
    until: str | None                           # the text that ends the boot early
    hold_ms: int                                # send-key's hold (key_hold_ms)
    log: bytearray = field(default_factory=bytearray)       # COM1
    errors: bytearray = field(default_factory=bytearray)    # QEMU's stderr, QMP trouble
    timed_out: bool = False
    flooded: bool = False
    until_seen: bool = False
    machine: Machine | None = None              # once `ready` has been seen

    def printed_since_ready(self) -> int:
        """Bytes of COM1 after the line that holds `ready` (less any \\r)."""
        assert self.ready is not None
        at = self.log.find(self.ready.encode())
        end = self.log.find(b"\n", at)
        return 0 if at < 0 or end < 0 else len(self.log) - end - 1 - self.log.count(b"\r", end)


def run_qemu(cmd: list[str], ready: str | None, keys: KeyFeed | None,
             on_ready: Callable[[Machine], None] | None, until: str | None,
             timeout: float, want_qmp: bool, workdir: Path, readable: Sequence[Path] = (),
             serial: bytes = b"", cpu_bound: float | None = None) -> Result:
    """One QEMU run from start to verdict: launch it, read its log until it ends,
    the awaited text comes or the bound passes, then reap it and classify. `serial`
    is COM1's input from the start, as `printf ... | qemu` gives it (a pipe buffer's
    worth at most: 64 KiB)."""
    srv = sock_path = None
    if want_qmp:
        srv, sock_path = _listen(workdir)
        cmd = cmd + ["-chardev", f"socket,id=qmp,path={sock_path}",
                     "-mon", "chardev=qmp,mode=control"]
    start = time.monotonic()
    proc: subprocess.Popen[bytes] | Result | None = None
    try:
        proc = launch(cmd, workdir, sock_path, readable)
    finally:
        if srv is not None and not isinstance(proc, subprocess.Popen):
            _unlisten(srv, sock_path)           # it never ran (or QEMU is not installed)
    if isinstance(proc, Result):
        return proc
    assert proc is not None and proc.stdin is not None
    if serial:
        proc.stdin.write(serial[:65536])
        proc.stdin.flush()
    bound = Deadline(proc.pid, timeout, cpu_bound)
    watch = Watch(ready, keys, on_ready, until, key_hold_ms(cmd))
    qmp: QMP | None = None
    try:
        if srv is not None:
            qmp = QMP(_accept(srv, proc, bound))
        read_log(proc, qmp, bound, watch)
    except (QMPError, OSError, socket.timeout) as e:
        watch.errors.extend(f"\ngrader: QMP: {e}".encode())
    finally:
        status = reap(proc, qmp, srv, sock_path)
    result = finish(cmd, watch, status, time.monotonic() - start, bound.starved)
    if bound.cpu_spent and result.exit == "hang":
        result.cpu_bound = bound.cpu_bound or 0.0
    return result


def launch(cmd: list[str], workdir: Path, sock_path: str | None,
           readable: Sequence[Path]) -> subprocess.Popen[bytes] | Result:
    """QEMU started and counted as live (under the lock, so stop_all sees it), or the
    Result of a run that could not start: interrupted, or the emulator refused."""
    with _live_lock:
        try:
            if STOPPING.is_set():
                raise InterruptedError
            # Its own session: a Ctrl-C at the terminal reaches the grader, which
            # stops QEMU itself and says so, instead of QEMU dying of it first.
            proc = start_qemu(cmd, workdir, sock_path, readable)
        except InterruptedError:
            return Result("", "interrupted", None, 0.0, "", cmd, "")
        except FileNotFoundError:
            raise ToolMissing(cmd[0]) from None
        except OSError as e:
            return Result("", "qemu-error", None, 0.0, "", cmd, f"{cmd[0]}: {e}")
        _live.add(proc)
    return proc


def read_log(proc: subprocess.Popen[bytes], qmp: QMP | None, bound: Deadline,
             watch: Watch) -> None:
    """Read COM1 and stderr as they come until both close, the bound passes, the
    log floods or the awaited text arrives; type keys and call on_ready from `ready`."""
    assert proc.stdout and proc.stderr
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ, watch.log)
        sel.register(proc.stderr, selectors.EVENT_READ, watch.errors)
        open_streams = 2
        while open_streams:
            left = bound.left()
            if left <= 0:
                watch.timed_out = True
                return
            for key, _ in sel.select(min(left, CHECK_EVERY)):
                chunk = os.read(key.fileobj.fileno(), 65536)  # type: ignore[union-attr]
                if not chunk:
                    sel.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                key.data.extend(chunk)
            if seen_enough(proc, qmp, watch):
                return


def seen_enough(proc: subprocess.Popen[bytes], qmp: QMP | None, watch: Watch) -> bool:
    """After each read: True when the run should end (a flood, the `until` text).
    From the first sight of `ready` it types the keys, a step at a time as the guest
    prints (KeyFeed), once on_ready has been called. The texts are looked for in the raw
    bytes (UTF-8 finds a text's bytes exactly where the decoded log has the text), not in
    a decoding of the whole log after each read, which cost a long log O(n^2)."""
    if len(watch.log) > LOG_CAP:
        watch.flooded = True
        return True
    if watch.ready and watch.machine is None and watch.ready.encode() in watch.log:
        watch.machine = Machine(proc, qmp)
        call(watch, watch.on_ready)
    if watch.machine and watch.keys and not watch.keys.done:
        keys = watch.keys.due(watch.printed_since_ready())
        call(watch, lambda m: m.send_keys(keys, watch.hold_ms))
    call(watch, lambda m: m.pump_serial(watch.log))
    if watch.until and watch.until.encode() in watch.log:
        watch.until_seen = True
        return True
    return False


def call(watch: Watch, action: Callable[[Machine], None] | None) -> None:
    """An action on the machine; QMP trouble is kept for the report."""
    if action is None or watch.machine is None:
        return
    try:
        action(watch.machine)
    except (QMPError, OSError) as e:
        # The kernel may end (a panic) while keys are typed: its
        # last lines are still in the pipe, so keep reading them.
        watch.errors.extend(f"\ngrader: QMP: {e}".encode())
        watch.keys = None                       # and type no more


def reap(proc: subprocess.Popen[bytes], qmp: QMP | None, srv: socket.socket | None,
         sock_path: str | None) -> int | None:
    """End QEMU if it still runs, and close everything the run opened: its exit status."""
    if proc.poll() is None:
        proc.kill()
    status = proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream:
            stream.close()
    with _live_lock:
        _live.discard(proc)
    if qmp:
        qmp.close()
    if srv is not None:
        _unlisten(srv, sock_path)
    return status


def stopped_from_outside(status: int | None) -> bool:
    """The emulator died of SIGINT or SIGTERM: Ctrl-C at the terminal reaches the
    whole process group, and may end QEMU before the grader's own handler has run
    (the grader itself stops emulators with SIGKILL)."""
    return status in (-signal.SIGINT, -signal.SIGTERM)


def finish(cmd: list[str], watch: Watch, status: int | None, seconds: float,
           starved: float) -> Result:
    """The run's Result: its log (capped, without \\r) and how it ended."""
    text = watch.log[:LOG_CAP].decode("utf-8", "replace").replace("\r", "")
    killed = status is not None and status < 0
    exit_ = classify(None if killed else status, text, watch.timed_out, watch.flooded,
                     watch.until_seen)
    if (STOPPING.is_set() or stopped_from_outside(status)) and exit_ not in STATUS_EXITS.values():
        exit_ = "interrupted"
    return Result(text, exit_, status, seconds, "", cmd, watch.errors.decode("utf-8", "replace"),
                  starved=starved)


# What tools/grubimg.py runs for each kind of image.
GRUB_TOOLS = {"iso": ("genisoimage",), "floppy": ("mformat", "mmd", "mcopy", "mshowfat")}


def tools_for(path: str) -> list[str]:
    """The programs a boot path needs (for the grader's check before it starts)."""
    if path == "kernel":
        return [QEMU]
    if path == "bochs":
        return ["bochs", *GRUB_TOOLS["floppy"]]
    return [QEMU, *GRUB_TOOLS[path]]


def missing_tools(paths: Sequence[str], building: bool) -> list[str]:
    """The programs this run needs that are not installed, each named once."""
    need = (["make"] if building else []) + [t for p in paths for t in tools_for(p)]
    return [t for t in dict.fromkeys(need) if shutil.which(t) is None]


def grub_image(kernel: Path, path: str, args: Sequence[str], workdir: Path) -> Path:
    kind = "iso" if path == "iso" else "floppy"
    out = workdir / ("cairn.iso" if kind == "iso" else "cairn.img")
    for tool in GRUB_TOOLS[kind]:
        if shutil.which(tool) is None:
            raise ToolMissing(tool)
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "grubimg.py"), kind,
                           str(kernel), str(out), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"building the GRUB image failed: {proc.stderr.strip()}")
    return out


def boot(ctx: Ctx, args: list[str], disks: list[Disk], qemu_args: list[str],
         ready: str | None, keys: KeyFeed | None,
         on_ready: Callable[[Machine], None] | None, until: str | None,
         timeout: float, serial: bytes = b"", cpu_bound: float | None = None) -> Result:
    """Ctx.boot's engine: one boot of ctx.kernel on ctx.path. `cpu_bound` (QEMU only:
    Bochs is slower by far) ends a run that has used that much host CPU as a hang."""
    if ctx.path == "bochs":
        return boot_bochs(ctx, args, disks, timeout)
    # A sandboxed QEMU runs as another user that may not reach into the grader's tree
    # (kept private on Gradescope): its stub ROM sits beside the kernel it is shown.
    machine = MACHINE if sandbox.CURRENT is None else \
        [*STUDENT_MACHINE, *stub_vga_rom(ctx.kernel.parent)]
    cmd = [QEMU, *machine, "-serial", "stdio", *disk_args(disks), *qemu_args]
    if ctx.path == "kernel":
        cmd += ["-kernel", str(ctx.kernel), "-append", " ".join(args)]
    elif ctx.path == "iso":
        cmd += ["-drive", f"file={grub_image(ctx.kernel, 'iso', args, ctx.workdir)},"
                "format=raw,if=none,id=cd,media=cdrom,readonly=on",
                "-device", "ide-cd,drive=cd,bus=ide.1,unit=1", "-boot", "d"]
    else:
        cmd += ["-drive", f"if=floppy,index=0,format=raw,snapshot=on,"
                f"file={grub_image(ctx.kernel, 'floppy', args, ctx.workdir)}", "-boot", "a"]
    want_qmp = bool(keys or on_ready)
    # What the sandbox shows QEMU besides its test's directory: the kernel, shared disk images.
    shown = [ctx.kernel.parent] + [d.path.parent for d in disks if not d.path.is_relative_to(ctx.workdir)]
    result = run_qemu(cmd, ready, keys, on_ready, until, timeout, want_qmp, ctx.workdir,
                      list(dict.fromkeys(shown)), serial, cpu_bound)
    result.path = ctx.path
    return result


def boot_bochs(ctx: Ctx, args: list[str], disks: list[Disk], timeout: float) -> Result:
    from grade.bochs import bochs_message, is_triple_fault, run_bochs   # Bochs path only
    image = grub_image(ctx.kernel, "floppy", args, ctx.workdir)
    if STOPPING.is_set():
        return Result("", "interrupted", None, 0.0, "bochs", [], "")
    start = time.monotonic()
    spec = [(d.channel, d.unit, d.path, d.model, d.cdrom, d.snapshot) for d in disks]
    log, status, timed_out, cmd = run_bochs(image, ctx.workdir, spec, timeout)
    seconds = time.monotonic() - start
    log = log.replace("\r", "")
    message = bochs_message(ctx.workdir) or ""    # why Bochs stopped, e.g. a bochsrc error
    if is_triple_fault(message) and not timed_out:
        exit_ = "triple-fault"
    else:
        exit_ = classify(status, log, timed_out, len(log) > LOG_CAP, False, message)
    if (STOPPING.is_set() or stopped_from_outside(status)) and exit_ not in LOG_EXITS.values():
        exit_ = "interrupted"
    return Result(log, exit_, status, seconds, "bochs", cmd, stderr=message)


def install_signal_handlers() -> None:
    def stop(signum: int, _frame: Any) -> None:
        stop_all()
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
