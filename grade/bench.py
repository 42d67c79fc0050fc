"""bench.py - `make bench`: how fast the kit and its kernel are, against floors.

Prints one table (median and min-max of several runs) and writes it to
build/bench.json. Never pass/fail: these machines are noisy.

`make bench` (a few minutes) measures what a student and an instructor wait for:
  floor      a null kernel booted by qemu -kernel
  grade      the grade of labs 1-8 in a fresh build directory (the first run: it
             builds every stage and host test), then labs 1-5 and labs 1-8 warm
             (built), each at --jobs 2
  boot       boot-to-verdict of every test, from the warm run of labs 1-8
  lab9       stage 9's processes in wall time, each beside xv6-public's figure in the
             same QEMU (the goal: 2x better): getpid, fork + exit + wait4, fork +
             execve of /true + wait4, 8 MiB through a pipe, a 1-byte pipe ping-pong,
             boot to /sh's prompt; and a floor, a 4 KiB copy in ring 3 (lab9_wall)
  linux      busybox on stage 9 beside the same binary under qemu-i386 on the host:
             `sh -c true` start to exit, and a `sort` of 1 MB (grade/benchlinux.py)
  net        stage 10's server from this host over 127.0.0.1: an 8 MiB GET in MB/s,
             kept-alive GETs per second from 8 clients, UDP echo round trip, host CPU
             while it waits with the NIC up, and the floors of the GET and the echo: the
             same stage with no stack, txflood= and reflect (grade/benchnet.py)
`make bench-full` (BENCH_FULL=1, about ten minutes) adds:
  floors     the null kernel on the GRUB ISO, GRUB floppy and Bochs paths; host CPU
             of an idle `cli; hlt` kernel
  build      clean build of every stage; rebuild after touching one lab file
  boot       boot-to-verdict of every grader test, per boot path
  grade      wall time of the whole grade with --jobs 1 and --jobs 2
  idle       host CPU of QEMU while stage 3 waits for keys and while stage 6's
             main thread sleeps alone (its idle thread halts), each tickless and
             with tick=periodic, alternated with the cli;hlt floor in one loop so
             a change in the host's load hits all five alike
  guest      the `bench:` lines each stage prints when booted with `bench`
  course     a class of reference submissions graded with --class (per minute),
             and the Gradescope zip (make autograder): its size and build time
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from grade.core import BUILD, ROOT, VIRTUAL_TIME, Ctx, Disk, key_feed, Test
from grade.benchlinux import linux_rows
from grade.benchnet import net_rows
from grade.serialclock import arrival, line_arrival, serial_times
from grade import runner
from grade.keyboard import Typing
from grade.drives import CYLINDER_BYTES

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
# The warm grades vary by +-0.5 s run to run on a 2-core machine (which test pairs with
# which): a median of three, its range beside it, instead of one run.
WARM_RUNS = 3
FULL = os.environ.get("BENCH_FULL", "") not in ("", "0")
LABS_1_5 = list(range(1, 6))
LABS_1_8 = list(range(1, 9))
IDLE_READY_MARKER = "ready"     # stage 3 prints it when its tasks wait for keys
LAB6_IDLE_MARKER = "alone"      # stage 6 with idle=MS prints it as main starts its sleep
LAB6_IDLE_ARGS = "idle=10000"   # longer than any window: the idle thread halts throughout


@dataclass
class Row:
    group: str
    name: str
    samples: list[float] = field(default_factory=list)
    unit: str = "s"
    note: str = ""

    def cells(self) -> tuple[str, str]:
        if not self.samples:
            return "-", ""
        med = statistics.median(self.samples)
        spread = f"{min(self.samples):.3g}-{max(self.samples):.3g}" if len(self.samples) > 1 else ""
        return f"{med:.3g} {self.unit}", spread


ROWS: list[Row] = []


def row(group: str, name: str, samples: list[float], unit: str = "s", note: str = "") -> Row:
    r = Row(group, name, samples, unit, note)
    ROWS.append(r)
    print(f"  {group:<7} {name:<48} {r.cells()[0]:>12} {note}", flush=True)
    return r


def boot_once(kernel: Path, path: str, args: list[str], timeout: float = 20.0,
              until: str | None = None, disks: list[Disk] | None = None) -> runner.Result:
    t = Test(0, "bench", 0, lambda ctx: None, (path,), timeout)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Ctx(t, 0, Path(tmp), kernel, path, runner.boot)
        return runner.boot(ctx, ["grade", *args], disks or [], [], None, None, None, until,
                           timeout)


def floors(paths: tuple[str, ...]) -> dict[str, float]:
    """The null kernel's boot-to-exit on each path: what every ratio is against."""
    null = BUILD / "selftest" / "null.elf"
    base: dict[str, float] = {}
    boot_once(null, "kernel", [])               # warm the page cache: not measured
    for path in paths:
        if path == "bochs" and not (ROOT / "grade" / "bochs.py").exists():
            continue
        times = []
        for _ in range(RUNS if path != "bochs" else 3):
            r = boot_once(null, path, [])
            if r.exit == "success":
                times.append(r.seconds)
        row("floor", f"null kernel to exit, {path}", times)
        if times:
            base[path] = statistics.median(times)
    return base


def cpu_share(kernel: Path, ready: str, window: float = 2.0, append: str = "") -> float:
    """Host CPU of a QEMU running `kernel` with options `append`, over `window`
    seconds from the moment it prints `ready` (the kernel is then waiting: what
    we measure)."""
    cmd = [runner.QEMU, *runner.MACHINE, "-serial", "stdio", "-kernel", str(kernel),
           "-append", append]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        seen = b""
        deadline = time.monotonic() + 10
        assert proc.stdout
        while ready.encode() not in seen and time.monotonic() < deadline:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                return float("nan")
            seen += chunk

        return runner.cpu_percent(proc.pid, window)
    finally:
        proc.kill()
        proc.wait()


def build_times() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BUILD": tmp}
        clean = []
        for _ in range(2):
            subprocess.run(["make", "-s", "clean"], cwd=ROOT, env=env, capture_output=True)
            subprocess.run(["make", "-s", "deps"], cwd=ROOT, env=env, capture_output=True)
            t0 = time.monotonic()
            subprocess.run(["make", "-s", "-j2", "all"], cwd=ROOT, env=env, capture_output=True)
            clean.append(time.monotonic() - t0)
        row("build", "clean build of every stage (make -j2 all)", clean)
        labs = sorted((ROOT / "labs").glob("lab*/*.c"))
        if labs:
            inc = []
            for _ in range(2):
                os.utime(labs[0])
                t0 = time.monotonic()
                subprocess.run(["make", "-s", "-j2", "all"], cwd=ROOT, env=env, capture_output=True)
                inc.append(time.monotonic() - t0)
            row("build", f"rebuild after touching {labs[0].relative_to(ROOT)}", inc)


def grade_runs(jobs: int, paths: list[str], runs: int, labs: list[int] | None = None,
               build: Path | None = None) -> list[dict]:
    """`runs` grades (all labs, or `labs`) with their --json outcomes. Without `build`,
    of the tree's build, not rebuilt (--no-build); with it, in that build directory,
    building what it lacks, as a student's `make grade` does."""
    outs = []
    env = {**os.environ, "BUILD": str(build)} if build else None
    for _ in range(runs):
        with tempfile.NamedTemporaryFile(suffix=".json") as f:
            cmd = [sys.executable, "-m", "grade", "--seed", "1", "--jobs", str(jobs), "--json", f.name]
            cmd += [] if build else ["--no-build"]
            cmd += [a for lab in labs or [] for a in ("--lab", str(lab))]
            cmd += [a for p in paths for a in ("--boot", p)]
            start = time.monotonic()
            subprocess.run(cmd, cwd=ROOT, capture_output=True, env=env)
            wall = time.monotonic() - start
            try:
                outs.append({**json.loads(Path(f.name).read_text()), "wall": wall})
            except (OSError, json.JSONDecodeError):
                pass
    return outs


def fresh_grades(base: dict[str, float], boot: bool = True) -> None:
    """What a student waits for at --jobs 2: the first grade of labs 1-8 in a build
    directory of its own (every stage, host test and lab 8's volume built first), then
    labs 1-5 and labs 1-8 again with everything built (WARM_RUNS each, the median); with `boot`, the warm run's
    tests' times are the boot rows (bench-full has its own, from more runs)."""
    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as tmp:
        build = Path(tmp)
        subprocess.run(["make", "-s", "deps"], cwd=ROOT, env={**os.environ, "BUILD": tmp},
                       capture_output=True)
        first = grade_runs(2, [], 1, LABS_1_8, build)
        row("grade", "labs 1-8, first run (builds), --jobs 2", seconds_of(first),
            note=verdicts(first))
        warm5 = grade_runs(2, [], WARM_RUNS, LABS_1_5, build)
        row("grade", "labs 1-5, warm, --jobs 2", seconds_of(warm5), note=verdicts(warm5))
        warm8 = grade_runs(2, [], WARM_RUNS, LABS_1_8, build)
        row("grade", "labs 1-8, warm, --jobs 2", seconds_of(warm8), note=verdicts(warm8))
    if boot:
        boot_rows(warm8, base)


def seconds_of(runs: list[dict]) -> list[float]:
    """What the student waits for: the whole grader, its builds (or its check that
    nothing needs building) too; the grader's own --json clock starts after them."""
    return [r["wall"] for r in runs]


def verdicts(runs: list[dict]) -> str:
    """The note of a grade row: how many tests did not pass (a broken tree is slow or fast
    for reasons of its own)."""
    bad = sum(t["verdict"] != "OK" for r in runs for t in r["tests"])
    return f"{bad} tests not OK" if bad else ""


def boot_rows(runs: list[dict], base: dict[str, float]) -> None:
    """A row per test and boot path: its times over the runs that passed it."""
    per_test: dict[tuple[int, str, str], list[float]] = {}
    for run in runs:
        for t in run["tests"]:
            if t["verdict"] == "OK":
                per_test.setdefault((t["lab"], t["name"], t["path"]), []).append(t["seconds"])
    for (lab, name, path), times in sorted(per_test.items()):
        note = f"x{statistics.median(times) / base[path]:.1f} floor" if path in base else ""
        row("boot", f"lab{lab} {name} [{path}]", times, note=note)


def grading(base: dict[str, float]) -> None:
    serial = grade_runs(1, ["kernel"], 3)      # also the per-test times: one test at a time
    row("grade", "whole grade (qemu -kernel), --jobs 1", [r["seconds"] for r in serial])
    row("grade", "whole grade (qemu -kernel), --jobs 2",
        [r["seconds"] for r in grade_runs(2, ["kernel"], 2)])
    boot_rows(serial + grade_runs(2, ["iso", "floppy", "bochs"], 1), base)


def guest_figures() -> None:
    """Every stage booted with `bench`: the lines it prints as `bench: NAME VALUE UNIT`."""
    with tempfile.TemporaryDirectory() as tmp:
        disk = Path(tmp) / "bench.img"           # 8 MiB, sparse: for the ATA figures
        disk.write_bytes(b"")
        os.truncate(disk, 16 * CYLINDER_BYTES)
        programs = BUILD / "progs" / "progs.img"    # stage 8 runs user/progs' programs
        for elf in sorted(BUILD.glob("lab[0-9]*/kernel.elf")):
            stage8 = elf.parent.name == "lab8" and programs.exists()
            guest_lines(elf, [Disk(programs if stage8 else disk, 0, 0)])


def guest_lines(elf: Path, disks: list[Disk]) -> None:
    """One stage booted with `bench`: a row per `bench: NAME VALUE UNIT` line."""
    stage = elf.parent.name
    r = boot_once(elf, "kernel", ["bench"], timeout=60.0, disks=disks)
    for line in r.lines:
        if not line.startswith("bench: "):
            continue
        words = line[7:].split()
        try:
            row("guest", f"{stage} {' '.join(words[:-2])}", [float(words[-2])], words[-1])
        except (ValueError, IndexError):
            row("guest", f"{stage} {line[7:]}", [], "")


def keyboard(keys: int = 300) -> None:
    """Keys per second through QMP into stage 2's echo, with nothing dropped
    (virtual-time pacing, as the keyboard tests use)."""
    lab2 = BUILD / "lab2" / "kernel.elf"
    if not lab2.exists():
        return
    rates = []
    for _ in range(3):
        sent: list[float] = []

        typing = Typing()
        for key in ["a"] * keys + ["esc"]:
            typing.press(key)
        with tempfile.TemporaryDirectory() as tmp:
            t = Test(2, "bench-keys", 0, lambda ctx: None, ("kernel",), 30.0)
            ctx = Ctx(t, 0, Path(tmp), lab2, "kernel", runner.boot)
            start = time.monotonic()
            r = runner.boot(ctx, ["grade"], [], VIRTUAL_TIME, "lab2: ready", key_feed(typing),
                            lambda m: sent.append(time.monotonic()), None, 30.0)
        dropped = next((l for l in r.lines if "keys: received" in l), "")
        if sent and dropped.endswith("dropped 0"):
            rates.append(keys / (start + r.seconds - sent[0]))
    row("keys", f"keys per second, {keys}-key burst, none dropped", rates, "keys/s")


def idle() -> None:
    """The idle kernel's host CPU: the floor, stages 3 and 6 tickless (their
    default) and with tick=periodic, one of each per round."""
    hang = BUILD / "selftest" / "hang.elf"
    lab3 = BUILD / "lab3" / "kernel.elf"
    lab6 = BUILD / "lab6" / "kernel.elf"
    floor: list[float] = []
    tickless: list[float] = []
    periodic: list[float] = []
    tickless6: list[float] = []
    periodic6: list[float] = []
    for _ in range(RUNS):
        floor.append(cpu_share(hang, "about to hang"))
        if lab3.exists():
            tickless.append(cpu_share(lab3, IDLE_READY_MARKER))
            periodic.append(cpu_share(lab3, IDLE_READY_MARKER, append="tick=periodic"))
        if lab6.exists():
            tickless6.append(cpu_share(lab6, LAB6_IDLE_MARKER, append=LAB6_IDLE_ARGS))
            periodic6.append(cpu_share(lab6, LAB6_IDLE_MARKER,
                                       append=f"{LAB6_IDLE_ARGS} tick=periodic"))
    row("floor", "idle host CPU, cli;hlt kernel (% of a core)", floor, "%")
    base = statistics.median(floor)

    def ratio(samples: list[float]) -> str:
        return f"x{statistics.median(samples) / base:.2f} floor" if samples and base > 0 else ""
    if lab3.exists():
        row("idle", "host CPU, stage 3 waiting for keys (% of a core)", tickless, "%",
            ratio(tickless))
        row("idle", "... the same with tick=periodic", periodic, "%", ratio(periodic))
    if lab6.exists():
        row("idle", "host CPU, stage 6 idle thread halted (% of a core)", tickless6, "%",
            ratio(tickless6))
        row("idle", "... the same with tick=periodic", periodic6, "%", ratio(periodic6))


def course(students: int = 4, lab: int = 1) -> None:
    """Submissions per minute of `grade --class --jobs 2` on one lab, each
    submission the reference's labs/ (built and graded on a pristine tree);
    then the autograder zip. The image's build is a clean build of every stage."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        for i in range(students):
            shutil.copytree(ROOT / "labs", folder / f"student{i}" / "labs")
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "grade", "--class", str(folder), "--lab", str(lab),
                               "--jobs", "2", "--out", str(Path(tmp) / "out")], capture_output=True, text=True)
        minutes = (time.monotonic() - t0) / 60
        note = "" if proc.returncode == 0 else f"(--class failed: {proc.stderr.strip()[-80:]})"
        row("course", f"--class --lab {lab} --jobs 2 ({students} submissions)", [students / minutes],
            "/min", note)
        t0 = time.monotonic()
        subprocess.run(["make", "-s", "-C", str(ROOT), "autograder", f"BUILD={tmp}"], capture_output=True)
        zipped = Path(tmp) / "autograder.zip"
        size = f"{zipped.stat().st_size // 1024} KiB" if zipped.exists() else "not built"
        row("course", "make autograder (build/autograder.zip)", [time.monotonic() - t0], "s", size)


LAB9_KERNEL = BUILD / "lab9" / "kernel.elf"
LAB9_IMG = BUILD / "lab9progs" / "lab9.img"
LAB9_WALL_RUNS = 3
LAB9_WALL_ARGS = ["grade", 'run="/lab9t bench wall"']     # user/lab9progs/lab9t_bench.c
LAB9_SH_ARGS = ["grade", "run=/sh"]
SH_PROMPT = b"$ "
LAB9_FIRST_LINE = b"Cairn stage 9 "   # the kernel's first line on COM1


@dataclass(frozen=True)
class WallFigure:
    """A row of lab9_wall: the guest's loop `name` of n runs took s seconds on the host's
    clock; value(s, n) in `unit`; xv6-public's figure (None: a floor, no xv6 column)."""
    name: str
    label: str
    unit: str
    value: Callable[[float, int], float]
    xv6: float | None = None
    higher_is_better: bool = False
    floor_note: Callable[[float], str] | None = None     # what a floor's median bounds


# xv6-public in the same QEMU 7.2 (TCG), on a 2-core host, wall time, median of 3 boots.
LAB9_FIGURES = (
    WallFigure("getpid", "getpid", "us", lambda s, n: s / n * 1e6, 3.7),
    WallFigure("fork-exit-wait", "fork + exit + wait4", "us", lambda s, n: s / n * 1e6, 1077),
    WallFigure("fork-exec-wait", "fork + execve /true + wait4", "ms", lambda s, n: s / n * 1e3, 2.52),
    WallFigure("pipe-kib", "pipe, 8 MiB in 4 KiB writes", "MB/s", lambda s, n: n * 1024 / s / 1e6,
               10.0, True),
    WallFigure("ping-pong", "1-byte pipe ping-pong (round trips)", "k/s", lambda s, n: n / s / 1e3,
               12.5, True),
    WallFigure("page-copy", "floor: 4 KiB copy in ring 3 (the kit's memcpy)", "us",
               lambda s, n: s / n * 1e6,
               floor_note=lambda us: f"a pipe copies each byte twice: at most {4096 / us / 2:.3g} MB/s"),
    WallFigure("read-true", "floor: open, read 20 KiB, close /true", "ms", lambda s, n: s / n * 1e3,
               floor_note=lambda ms: "about what execve reads (its segments: the first 18 KiB)"),
)
XV6_BOOT_TO_PROMPT = 0.245      # seconds from QEMU's start to the shell's prompt


def wall_loops(log: bytes, times: list[tuple[int, float]]) -> dict[str, tuple[float, int]]:
    """(seconds, runs) of each loop of `lab9t bench wall`: from the arrival of its start
    line to that of its end line."""
    loops: dict[str, tuple[float, int]] = {}
    for fig in LAB9_FIGURES:
        head = f"lab9t: wall: start {fig.name} ".encode()
        t0 = line_arrival(log, times, head)
        t1 = line_arrival(log, times, f"lab9t: wall: end {fig.name}".encode())
        n = (log[log.find(head) + len(head):].split() or [b""])[0]
        if t0 is not None and t1 is not None and n.isdigit():
            loops[fig.name] = (t1 - t0, int(n))
    return loops


def lab9_wall() -> None:
    """Stage 9's processes in wall time (median of LAB9_WALL_RUNS boots), each beside
    xv6-public's figure and the ratio of the two (>1: faster than xv6; the goal is 2);
    then boot to /sh's first prompt, and its floor: QEMU's start to the kernel's first line."""
    if not (LAB9_KERNEL.exists() and LAB9_IMG.exists()):
        row("lab9", "stage 9 or its volume not built (make lab9 lab9-img)", [])
        return
    samples: dict[str, list[float]] = {fig.name: [] for fig in LAB9_FIGURES}
    prompt: list[float] = []
    first: list[float] = []
    load: list[float] = []
    for _ in range(LAB9_WALL_RUNS):
        log, times = serial_times(LAB9_KERNEL, LAB9_IMG, LAB9_WALL_ARGS)
        for name, (seconds, n) in wall_loops(log, times).items():
            fig = next(f for f in LAB9_FIGURES if f.name == name)
            samples[name].append(fig.value(seconds, n))
        log, times = serial_times(LAB9_KERNEL, LAB9_IMG, LAB9_SH_ARGS, until=SH_PROMPT, timeout=20.0)
        seen = arrival(log, times, SH_PROMPT)
        if seen is not None:
            prompt.append(seen)
            first.append(line_arrival(log, times, LAB9_FIRST_LINE) or seen)
        load.append(os.getloadavg()[0])
    for fig in LAB9_FIGURES:
        row("lab9", fig.label, samples[fig.name], fig.unit, versus_xv6(fig, samples[fig.name]))
    row("lab9", "boot to /sh's prompt ($ on COM1)", prompt, "s",
        versus_xv6(WallFigure("", "", "s", lambda s, n: s, XV6_BOOT_TO_PROMPT), prompt))
    row("lab9", "floor: QEMU's start to the kernel's first line", first, "s",
        "QEMU's own start and -kernel's load: any boot's")
    row("lab9", "host load average (1 min) after each boot pair", load, "",
        f"on {os.cpu_count()} CPUs: wall time slows as it passes them")


def versus_xv6(fig: WallFigure, samples: list[float]) -> str:
    """The note of a lab9 row: xv6's figure and how many times better the median is
    (xv6's time over ours, or our rate over xv6's); a floor's row says what it bounds."""
    if fig.xv6 is None:
        return fig.floor_note(statistics.median(samples)) if samples and fig.floor_note else ""
    if not samples:
        return f"xv6 {fig.xv6:g} {fig.unit}"
    med = statistics.median(samples)
    ratio = med / fig.xv6 if fig.higher_is_better else fig.xv6 / med
    return f"xv6 {fig.xv6:g} {fig.unit}: x{ratio:.2f} of xv6 (goal x2)"


def main() -> int:
    # -k: a stage that does not build is left out of the table, not the end of it.
    subprocess.run(["make", "-s", "-k", "-C", str(ROOT), "all", "selftest-kernels"])
    print(f"make bench{'-full' if FULL else ''}: median of {RUNS} runs unless noted "
          f"(BENCH_RUNS=N to change)")
    started = time.monotonic()
    if FULL:
        base = floors(("kernel", "iso", "floppy", "bochs"))
        idle()
        keyboard()
        grading(base)
        fresh_grades(base, boot=False)
        guest_figures()
        build_times()
        course()
    else:
        fresh_grades(floors(("kernel",)))
    lab9_wall()
    linux_rows(row)
    net_rows(row)
    row("bench", "this bench's own wall time", [time.monotonic() - started])
    write_table(BUILD / "bench.json")
    return 0


def write_table(out: Path) -> None:
    """build/bench.json, and the table on the terminal."""
    out.write_text(json.dumps([{"group": r.group, "name": r.name, "unit": r.unit, "samples": r.samples,
                                "median": statistics.median(r.samples) if r.samples else None,
                                "note": r.note} for r in ROWS], indent=1) + "\n")
    print(f"\n{'group':<7} {'figure':<48} {'median':>12}  {'min-max':<14} note")
    for r in ROWS:
        med, spread = r.cells()
        print(f"{r.group:<7} {r.name:<48} {med:>12}  {spread:<14} {r.note}")
    print(f"\nwritten to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")

if __name__ == "__main__":
    sys.exit(main())
