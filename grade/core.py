"""core.py - what a lab's tests are written with (see grade/API.md).

A test is a function registered with @test; the grader calls it with a Ctx,
which boots the lab's stage (Ctx.boot), compares logs (Ctx.expect) and raises
TestFailure with a verdict when something is wrong.
"""
from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, NoReturn, Sequence

from grade import expect
from grade.keyboard import KeyFeed, Typing

ROOT = Path(__file__).resolve().parent.parent             # the kit's tree
BUILD = Path(os.environ.get("BUILD", ROOT / "build"))     # make's BUILD, as a path

ALL_PATHS = ("kernel", "iso", "floppy", "bochs")
QEMU_ONLY = ("kernel",)
GRUB_LOADER = "GNU GRUB 0.97"
# QEMU options for a boot whose outcome may depend on time (tick counts, rates,
# key pacing): the guest's clocks (PIT, RTC, typed keys' hold time) run on
# instruction counts, not the host's, so host load cannot change what the
# kernel sees; idle time (hlt) is skipped. Not for boots with disks: QEMU
# serves their requests in host time while the guest's clock would race ahead.
# shift=5: an instruction is 32 ns of guest time, so waits of many ticks cost
# few instructions, and a loop reading the PIT still sees every second count
# (838 ns each). Bochs ignores it (its clock counts instructions already:
# boot/bochsrc.in).
VIRTUAL_TIME = ["-icount", "shift=5,sleep=off", "-rtc", "clock=vm"]


@dataclass
class Disk:
    """An IDE drive for the stage: an image file at a channel/unit position."""
    path: Path
    channel: int                # 0 primary, 1 secondary
    unit: int                   # 0 master, 1 slave
    model: str = "Cairn disk"
    serial: str = "CAIRN0001"
    firmware: str = "1.0"
    cdrom: bool = False
    snapshot: bool = True       # False: writes reach the file, for checks afterwards

    def bochs_serial(self) -> str:
        # Bochs can't set the serial: it reports BXHD000<channel+1><unit+1>.
        return "BXCD00001" if self.cdrom else f"BXHD000{self.channel + 1}{self.unit + 1}"


@dataclass
class Result:
    """How a boot ended, and what the kernel printed."""
    log: str
    exit: str                   # success failure panic exception triple-fault hang flood until
                                # qemu-error interrupted
    status: int | None
    seconds: float
    path: str
    command: list[str] = field(default_factory=list)
    stderr: str = ""
    starved: float = 0.0        # seconds the emulator waited for a host CPU (added to its bound)
    cpu_bound: float = 0.0      # a hang found by the CPU bound (Ctx.boot's cpu_bound): that bound

    @property
    def lines(self) -> list[str]:
        return self.log.splitlines()

    def disk_serial(self, disk: Disk) -> str:
        return disk.bochs_serial() if self.path == "bochs" else disk.serial

    @property
    def loader(self) -> str:
        return "qemu" if self.path == "kernel" else GRUB_LOADER


class TestSkipped(Exception):
    """A test that cannot run on this machine (what it needs is missing, e.g. a package
    that could not be fetched): reported as SKIP with the reason; neither passed nor
    failed, and its points count on neither side."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TestFailure(Exception):
    """A test's verdict other than OK: a name and the details a student needs."""

    def __init__(self, verdict: str, details: str = "", result: Result | None = None) -> None:
        super().__init__(verdict)
        self.verdict = verdict
        self.details = details
        self.result = result


ExitVerdicts = {
    "failure": "FAILURE",
    "panic": "PANIC",
    "exception": "EXCEPTION",
    "triple-fault": "TRIPLE FAULT",
    "hang": "HANG",
    "flood": "FLOOD",
    "qemu-error": "QEMU ERROR",
    "interrupted": "INTERRUPTED",
}
INTERRUPTED_DETAILS = "the grader was interrupted (Ctrl-C or SIGTERM) while this test ran"


# A compiler's error line, "path:line[:col]: error: ...", and the kit's own directories:
# a file there is never the student's, whatever broke it.
ERROR_AT = re.compile(r"^(?:In file included from )?([\w./+-]+\.[chS]):\d+(?::\d+)?: (?:fatal )?error")
KIT_DIRS = ("kernel/", "boot/", "user/", "tests/")


def kit_path(path: str) -> str:
    """The path from the tree's top when it is one of the kit's files, else ''
    (a lab's file, or a path outside the tree)."""
    parts = Path(path).parts
    for i, part in enumerate(parts):
        if part == "labs":
            return ""
        if f"{part}/" in KIT_DIRS:
            return "/".join(parts[i:])
    return ""


def make_failure(output: str) -> str:
    """A failed make's output as a verdict's details: its first error line, then
    its first 20 lines (make -j's "Waiting for unfinished jobs" left out). When the
    error is in one of the kit's files, it says so: a lab header the student
    changed no longer fits what the kit's code uses."""
    lines = [l for l in output.splitlines() if "Waiting for unfinished jobs" not in l]
    first = next((l for l in lines if "error" in l.lower() or "***" in l), lines[-1] if lines else "make failed")
    at = ERROR_AT.match(first.strip())
    path = kit_path(at.group(1)) if at else ""
    if path:
        first += (f"\n    ({path} is the kit's file, not a lab's: a lab header it includes no"
                  " longer fits it; change the header back to the handout's interface)")
    return first + "\n" + "\n".join("    " + l for l in lines[:20])


def tail(log: str, n: int = 15) -> str:
    lines = log.splitlines()
    shown = "\n".join("    " + l for l in lines[-n:])
    return shown if lines else "    (no output)"


def verdict_for(result: Result) -> TestFailure:
    """The failure that an unexpected ending of a boot stands for."""
    panic = next((l for l in result.lines if l.startswith("panic: ")), None)
    if result.exit == "panic" and panic and "not implemented" in panic:
        return TestFailure("NOT IMPLEMENTED", panic, result)
    verdict = ExitVerdicts.get(result.exit, result.exit.upper())
    what = {
        "hang": (f"no exit after {result.cpu_bound:.0f}s of the emulator's CPU (a correct run "
                 f"needs a fraction of it), {result.seconds:.1f}s in all" if result.cpu_bound else
                 f"no exit within {result.seconds:.1f}s"
                 + (f" ({result.starved:.1f}s of it waiting for a host CPU)" if result.starved >= 0.1
                    else "")) + "; the last lines were:",
        "triple-fault": "the machine reset (a triple fault); the last lines were:",
        "flood": "the kernel printed more than the log may hold; it was stopped:",
        "qemu-error": f"the emulator failed (status {result.status}): {result.stderr.strip()[:500]}",
        "interrupted": INTERRUPTED_DETAILS + "; the last lines were:",
    }.get(result.exit, f"the kernel ended with '{result.exit}'; the last lines were:")
    return TestFailure(verdict, what + "\n" + tail(result.log), result)


@dataclass
class Test:
    lab: int
    name: str
    points: int
    fn: Callable[["Ctx"], None]
    paths: Sequence[str] = ALL_PATHS
    timeout: float = 10.0
    hidden: bool = False        # run, but shown to students only once grades are published
    # Its wall time is mostly waiting on host time (a throttled disk, held keys, an idle
    # guest), not the host's CPU: with --jobs 2 or more the grader runs such tests one at
    # a time beside the --jobs others (grade/cli.py: Lanes).
    waits: bool = False


REGISTRY: list[Test] = []


def test(lab: int, name: str, points: int = 1, paths: Sequence[str] = ALL_PATHS,
         timeout: float = 10.0, hidden: bool = False, waits: bool = False
         ) -> Callable[[Callable[["Ctx"], None]], Callable[["Ctx"], None]]:
    """Register a grader test (see grade/API.md)."""
    def register(fn: Callable[["Ctx"], None]) -> Callable[["Ctx"], None]:
        REGISTRY.append(Test(lab, name, points, fn, tuple(paths), timeout, hidden, waits))
        return fn
    return register


def key_feed(keys: Sequence[str] | Typing | None) -> KeyFeed | None:
    """Keys to type, in steps QEMU can queue: a Typing knows what the guest prints
    for each key, so it may be as long as it likes; a plain list must be short."""
    if not keys:
        return None
    if isinstance(keys, Typing):
        return KeyFeed(keys.keys, keys.printed)
    return KeyFeed(list(keys))


class Ctx:
    """What a running test sees: its seed, its directory, its stage."""

    def __init__(self, t: Test, seed: int, workdir: Path, kernel: Path, path: str,
                 booter: Callable[..., Result]) -> None:
        self.test = t
        self.rng = random.Random(f"{seed}:{t.lab}:{t.name}")
        self.workdir = workdir
        self.kernel = kernel
        self.path = path
        self._booter = booter
        self.notes: list[str] = []          # shown beside the verdict, even an OK one
        self.results: list[Result] = []
        # A boot that hung, held until the test says what it expected, so the
        # verdict can name the first expected line that never came.
        self.pending: TestFailure | None = None

    @property
    def lab_file(self) -> str:
        return f"lab{self.test.lab}"

    def note(self, text: str) -> None:
        """A line the report shows under this test's verdict, passed or not (a count
        worth seeing in every run, such as how many lines matched the host's)."""
        self.notes.append(text)

    def boot(self, args: Sequence[str] = (), disks: Sequence[Disk] = (),
             qemu_args: Sequence[str] = (), ready: str | None = None,
             keys: Sequence[str] | Typing | None = None, on_ready: Callable[[Any], None] | None = None,
             until: str | None = None, expect_exit: str | None = "success",
             timeout: float | None = None, serial: bytes = b"",
             cpu_bound: float | None = None) -> Result:
        """One boot of the test's kernel: `serial` is COM1's input from the start (as
        piped into QEMU), `keys` are typed and `on_ready` called once `ready` shows."""
        self.raise_pending()
        extra: dict[str, Any] = {"serial": serial} if serial else {}
        if cpu_bound is not None:
            extra["cpu_bound"] = cpu_bound
        result = self._booter(self, ["grade", *args], list(disks), list(qemu_args), ready,
                              key_feed(keys), on_ready, until,
                              timeout or self.test.timeout, **extra)
        self.results.append(result)
        if expect_exit is not None and result.exit != expect_exit and result.exit != "until":
            failure = verdict_for(result)
            if result.exit == "hang":
                self.pending = failure      # ctx.expect adds what the log was waiting for
                return result
            failure.details = f"expected the kernel to end with '{expect_exit}'.\n" + failure.details
            raise failure
        return result

    def raise_pending(self, pattern: expect.Pattern | None = None) -> None:
        """Raise the held HANG, naming the first line of `pattern` the log never reached."""
        failure, self.pending = self.pending, None
        if failure is None:
            return
        if pattern is not None and failure.result is not None:
            waiting = pattern.waiting_for(failure.result.lines)
            if waiting is not None:
                failure.details = f"waiting for: {waiting!r}\n" + failure.details
        raise failure

    def values(self, result: Result, values: dict[str, Any]) -> dict[str, Any]:
        stage_name = "core" if self.test.lab == 0 else self.stage_dir_name()
        return {"stage": self.test.lab, "stage_name": stage_name, "loader": result.loader,
                **values}

    def stage_dir_name(self) -> str:
        labs = Path(__file__).resolve().parent.parent / "labs"
        found = sorted(labs.glob(f"lab{self.test.lab}-*"))
        return found[0].name if found else f"lab{self.test.lab}"

    def pattern(self, result: Result, section: str, values: dict[str, Any]) -> expect.Pattern:
        return expect.Pattern(expect.render(self.lab_file, section, self.values(result, values)))

    def expect(self, result: Result, section: str, **values: Any) -> None:
        """The whole log must match the section."""
        self.expect_pattern(result, self.pattern(result, section, values))

    def expect_pattern(self, result: Result, pattern: expect.Pattern) -> None:
        """The whole log must match a rendered pattern (for tests that build their own)."""
        self.raise_pending(pattern)
        if not pattern.match(result.lines):
            raise TestFailure("WRONG OUTPUT", expect.diff(pattern, result.lines), result)

    def expect_lines(self, result: Result, section: str, **values: Any) -> None:
        """The section's lines must appear in the log in order."""
        pattern = self.pattern(result, section, values)
        self.raise_pending(pattern)
        missing = pattern.match_in_order(result.lines)
        if missing >= 0:
            raise TestFailure("WRONG OUTPUT",
                              f"expected, in this order, a line matching:\n    {pattern.lines[missing]}\n"
                              f"the log was:\n{tail(result.log, 40)}", result)

    def expect_same(self, got: list[str], want: list[str] | expect.Pattern, what: str) -> None:
        """Lines the test picked out of a log (filtered by prefix, cut between two
        lines, split into one program's stream) must be exactly `want`, or match it
        when it is a Pattern; else WRONG OUTPUT naming `what`, with a diff."""
        if isinstance(want, expect.Pattern):
            if not want.match(got):
                self.fail(f"{what} differ:\n{expect.diff(want, got)}{self.why_short(got, want.lines)}")
        elif got != want:
            self.fail(f"{what} differ:\n{expect.lines_diff(want, got)}{self.why_short(got, want)}")

    def why_short(self, got: list[str], want: Sequence[object]) -> str:
        """When lines are missing, what the log said last: a kill report, a panic,
        the reason they never came is there, not in the lines picked out."""
        if len(got) >= len(want) or not self.results:
            return ""
        return f"\nthe log's last lines:\n{tail(self.results[-1].log, 15)}"

    def expect_filtered(self, result: Result, prefix: str, want: list[str]) -> None:
        """The log's lines that start with `prefix` must be exactly `want`, in order."""
        self.expect_same([l for l in result.lines if l.startswith(prefix)], want,
                         f"the lines starting with {prefix!r}")

    def check(self, cond: bool, message: str) -> None:
        if not cond:
            self.fail(message)

    def fail(self, message: str) -> NoReturn:
        self.raise_pending()
        last = self.results[-1] if self.results else None
        raise TestFailure("WRONG OUTPUT", message, last)
