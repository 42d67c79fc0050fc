"""cli.py - the grader's command line: build, run every selected test, report.

    python3 -m grade [--lab N]... [--seed S] [--jobs J] [--boot PATH]... [--kernel ELF]
                     [--keep] [--gradescope FILE] [-v] [--list]

Each run keeps its files in a directory of its own (grade/rundir.py), so two
graders in one tree never touch each other's files.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from grade.core import BUILD, ROOT, Ctx, Test, TestFailure, TestSkipped
from grade import core, hosttests, rundir, runner, sandbox

DOTS = 44
# What marks the instructor's kit: the handout tool, which the pristine tree of a
# graded submission is made with (a student's tree never has it).
INSTRUCTOR_KIT = ROOT / "tools" / "handout.py"


@dataclass
class Outcome:
    test: Test
    path: str
    verdict: str                # "OK" or a failure verdict
    details: str
    seconds: float
    artifacts: Path | None = None

    @property
    def passed(self) -> bool:
        return self.verdict == "OK"

    @property
    def skipped(self) -> bool:
        return self.verdict == "SKIP"

    @property
    def label(self) -> str:
        return label_of(self.test, self.path)


def label_of(t: Test, path: str) -> str:
    """How a test on a boot path is named in reports and in durations.json."""
    return f"lab{t.lab} {t.name}" + ("" if path == "kernel" else f" [{path}]")


def load_labs() -> None:
    for f in sorted((ROOT / "grade" / "labs").glob("lab*.py")):
        importlib.import_module(f"grade.labs.{f.stem}")
    hosttests.register()
    # Hidden tests (not in the student handout): every test registered there is hidden.
    for f in sorted((ROOT / "grade" / "hidden").glob("lab*.py")):
        before = len(core.REGISTRY)
        importlib.import_module(f"grade.hidden.{f.stem}")
        for t in core.REGISTRY[before:]:
            t.hidden = True


def build_stage(lab: int) -> str:
    """'' when `make labN` succeeds, else the compiler's first error."""
    try:
        proc = subprocess.run(["make", "-s", "-C", str(ROOT), f"lab{lab}"],
                              capture_output=True, text=True)
    except FileNotFoundError:
        raise runner.ToolMissing("make") from None
    if proc.returncode == 0:
        return ""
    return core.make_failure(proc.stdout + proc.stderr)


def build_stages(labs: list[int], also: Sequence[str] = (), jobs: int = 1
                 ) -> tuple[dict[int, str], bool]:
    """Each lab's build error ('' when it built), and whether `also` (the host tests'
    binaries) built too. One make for all of them first, `jobs` at a time (a make that
    finds nothing to do costs ~0.15 s a call); only when that fails, one make per lab, so
    that each error is said against its own lab (and the host tests are left to
    hosttests.prebuild, which says theirs)."""
    try:
        together = subprocess.run(["make", "-s", f"-j{max(1, jobs)}", "-C", str(ROOT),
                                   *(f"lab{n}" for n in labs), *also],
                                  capture_output=True, text=True)
    except FileNotFoundError:
        raise runner.ToolMissing("make") from None
    if together.returncode == 0:
        return {n: "" for n in labs}, True
    return {n: build_stage(n) for n in labs}, False


def versions(path: str) -> str:
    def first_line(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return f"{cmd[0]}: not found"
    lines = [first_line([runner.QEMU, "--version"]), first_line(["gcc", "--version"]),
             f"python {sys.version.split()[0]}"]
    if path == "bochs":
        from grade.bochs import bochs_version
        lines.append(bochs_version())
    return "\n".join(lines) + "\n"


def save_artifacts(o: Outcome, ctx: Ctx, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for i, r in enumerate(ctx.results):
        suffix = "" if i == 0 else f"-{i}"
        (dest / f"serial{suffix}.log").write_text(r.log)
        (dest / f"command{suffix}.txt").write_text(" ".join(f"'{a}'" if " " in a else a
                                                            for a in r.command) + "\n")
        if r.stderr:
            (dest / f"stderr{suffix}.txt").write_text(r.stderr)
    (dest / "verdict.txt").write_text(f"{o.verdict}\n{o.details}\n")
    (dest / "versions.txt").write_text(versions(o.path))
    return dest


def setup_error(e: Exception) -> str:
    """A failure that is the grader's or the machine's, not the kernel's: one line."""
    bochs = sys.modules.get("grade.bochs")     # only loaded when Bochs ran
    if isinstance(e, runner.ToolMissing):
        return str(e)
    if bochs is not None and isinstance(e, bochs.BochsError):
        return f"Bochs: {e}"
    return f"{type(e).__name__}: {e}"


def outcome_of(t: Test, path: str, ctx: Ctx, start: float) -> Outcome:
    """Run the test; every way it can end becomes an Outcome."""
    def done(verdict: str, details: str) -> Outcome:
        if runner.STOPPING.is_set() and verdict != "OK":
            verdict, details = "INTERRUPTED", core.INTERRUPTED_DETAILS
        return Outcome(t, path, verdict, details, time.monotonic() - start)
    try:
        try:
            t.fn(ctx)
        except TestFailure:
            raise
        except Exception:
            ctx.raise_pending()              # a hang explains what the test tripped on
            raise
        ctx.raise_pending()
        return done("OK", "\n".join(ctx.notes))
    except TestFailure as f:
        return done(f.verdict, f.details)
    except TestSkipped as s:
        return done("SKIP", s.reason)
    except Exception as e:                   # a broken test is reported, not fatal
        bochs = sys.modules.get("grade.bochs")
        if isinstance(e, runner.ToolMissing) or (bochs and isinstance(e, bochs.BochsError)):
            return done("GRADER ERROR", setup_error(e))
        return done("GRADER ERROR", traceback.format_exc())


def run_one(t: Test, path: str, seed: int, kernel: Path, build_error: str,
            keep: bool, outdir: Path) -> Outcome:
    start = time.monotonic()
    if build_error:
        return Outcome(t, path, "BUILD FAILED", build_error, 0.0)
    if not kernel.exists():
        return Outcome(t, path, "BUILD FAILED", f"{kernel} does not exist", 0.0)
    if runner.STOPPING.is_set():
        return Outcome(t, path, "INTERRUPTED", core.INTERRUPTED_DETAILS, 0.0)
    name = f"lab{t.lab}-{t.name}" + ("" if path == "kernel" else f"-{path}")
    workdir = outdir / name
    try:
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
    except OSError as e:
        return Outcome(t, path, "GRADER ERROR", f"can't make {workdir}: {e}", 0.0)
    ctx = Ctx(t, seed, workdir, kernel, path, runner.boot)
    o = outcome_of(t, path, ctx, start)
    try:
        if keep or not (o.passed or o.skipped):
            o.artifacts = save_artifacts(o, ctx, workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    except OSError as e:
        o = Outcome(t, path, "GRADER ERROR",
                    f"the test ended {o.verdict}, but saving its files in {workdir} failed: {e}",
                    o.seconds)
    return o


def shown_path(p: Path) -> Path:
    return p.relative_to(ROOT) if p.is_relative_to(ROOT) else p


def report_line(o: Outcome, verbose: bool) -> str:
    dots = "." * max(2, DOTS - len(o.label))
    line = f"{o.label} {dots} {o.verdict:<4} {o.seconds:5.2f}s"
    if o.details:                       # why it failed, or an OK test's notes (ctx.note)
        line += "\n" + "\n".join("    " + l for l in o.details.splitlines())
    if o.artifacts and (not o.passed or verbose):
        line += f"\n    (serial log, command line and versions in {shown_path(o.artifacts)})"
    return line


def gradescope(outcomes: list[Outcome], seconds: float, dest: Path, reference: str = "") -> None:
    """Gradescope autograder results.json (its documented top-level and per-test fields)."""
    tests = [{
        "name": o.label,
        "score": o.test.points if o.passed else 0,
        "max_score": o.test.points,
        "status": "passed" if o.passed else "failed",
        "output": o.verdict if o.passed else f"{o.verdict}\n{o.details}",
        "visibility": "after_published" if o.test.hidden else "visible",
    } for o in outcomes]
    doc = {
        "score": sum(t["score"] for t in tests),
        "execution_time": round(seconds, 2),
        "output": f"{sum(o.passed for o in outcomes)} of {len(outcomes)} tests passed"
                  + (f" (reference objects: {reference})" if reference else ""),
        "visibility": "visible",
        "stdout_visibility": "visible",
        "tests": tests,
    }
    dest.write_text(json.dumps(doc, indent=2) + "\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python3 -m grade", description="Grade Cairn's labs.")
    p.add_argument("--lab", type=int, action="append", help="grade this lab (repeatable); default all")
    p.add_argument("--seed", type=int, help="replay a run: its seed is printed at the top")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, help="emulators in parallel")
    p.add_argument("--boot", action="append", choices=core.ALL_PATHS,
                   help="boot path (repeatable): kernel (default), iso, floppy, bochs")
    p.add_argument("--kernel", type=Path, help="grade this kernel.elf instead of build/labN (one --lab)")
    p.add_argument("--keep", action="store_true",
                   help="keep every test's files (serial log, command line) in build/grade/latest/")
    p.add_argument("--gradescope", type=Path, metavar="FILE", help="also write Gradescope's results.json")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write every outcome with its time")
    p.add_argument("--no-build", action="store_true", help="do not run make labN first")
    p.add_argument("--list", action="store_true", help="list the tests and exit")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print every test's details and where its files are")
    course = p.add_argument_group("the instructor's kit only: grading submissions on a pristine "
                                  "tree (handouts/instructors.md in the kit)")
    course.add_argument("--submission", type=Path, metavar="PATH",
                        help="grade a student's repository, tarball or labs/ folder")
    course.add_argument("--class", dest="klass", type=Path, metavar="DIR",
                        help="grade every submission in DIR into build/class/grades.csv")
    course.add_argument("--reference-labs", choices=("allowed", "none"), default="allowed",
                        help="allowed (default): a lab below the graded ones may come from the "
                             "reference objects (as the submission's .use-reference asks); none: never")
    course.add_argument("--reference-missing", action="store_true",
                        help="an ungraded lab below, not submitted or not building, is linked from the reference")
    # Internal: the grader grading a submission's tree built in the sandbox (grade/classroom.py).
    course.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    course.add_argument("--replay-as", help=argparse.SUPPRESS)
    course.add_argument("--out", type=Path, metavar="DIR", help="where --submission/--class write")
    args = p.parse_args(argv)
    if args.kernel and (not args.lab or len(args.lab) != 1):
        p.error("--kernel needs exactly one --lab")
    return args


def grade_submissions(args: argparse.Namespace) -> int:
    """--submission and --class: the instructor's kit grades on a pristine tree."""
    if not INSTRUCTOR_KIT.exists():
        print("grade: --submission and --class are the instructor's: they need the course "
              f"kit's {INSTRUCTOR_KIT.relative_to(ROOT)}, which a student's tree does not "
              "have. In your tree, `make grade` runs the tests you have on your code.",
              file=sys.stderr)
        return 2
    from grade import classroom
    return classroom.main(args)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.submission or args.klass:
        return grade_submissions(args)
    if args.tree:                       # its code runs only in the sandbox
        try:
            sandbox.CURRENT = sandbox.choose()
        except sandbox.SandboxUnavailable as e:
            print(f"grade: {e}", file=sys.stderr)
            return 2
    load_labs()
    labs = sorted(set(args.lab)) if args.lab else sorted({t.lab for t in core.REGISTRY})
    unknown = [n for n in labs if not any(t.lab == n for t in core.REGISTRY)]
    if unknown:
        print(f"grade: no tests for lab {unknown[0]} (grade/labs/lab{unknown[0]}.py)", file=sys.stderr)
        return 2
    paths = args.boot or ["kernel"]
    plan = [(t, p) for t in core.REGISTRY if t.lab in labs for p in paths if p in t.paths]
    if args.list:
        for t, p in plan:
            print(f"lab{t.lab} {t.name} [{p}] ({t.points} points)" + (" hidden" if t.hidden else ""))
        print(f"{len(plan)} tests, {sum(t.points for t, _ in plan)} points")
        return 0
    if not plan:                        # e.g. lab 10 on Bochs: a 0/0 must not read as a pass
        print(f"grade: no test of lab{'s' if len(labs) > 1 else ''} {', '.join(map(str, labs))} "
              f"runs on --boot {', '.join(paths)}: nothing to grade", file=sys.stderr)
        return 2

    seed = args.seed if args.seed is not None else random.randrange(1, 1 << 31)
    building = not (args.kernel or args.no_build)
    missing = runner.missing_tools(paths, building)
    if missing:
        for tool in missing:
            print(f"grade: {runner.ToolMissing(tool)}", file=sys.stderr)
        return 2
    replay = replay_command(args, seed)
    print(f"seed {seed} (replay: {replay})", flush=True)
    try:
        # A submission's reference labs: its grader's choice (grade/classroom.py), not the tree's file.
        args.reference = os.environ.get("CAIRN_REFERENCE_LABS", "") if args.tree \
            else ", ".join(hosttests.reference_labs())
    except RuntimeError as e:
        print(f"grade: {e}", file=sys.stderr)
        return 2
    if args.reference:                  # a score must never pass for the student's own
        print(f"reference objects: {args.reference}", flush=True)
    runner.install_signal_handlers()
    try:
        with rundir.RunDir(BUILD / "grade") as run:
            return grade(args, plan, labs, seed, replay, run)
    except KeyboardInterrupt:
        # The grade() above marks the tests it cut short; this is for a Ctrl-C
        # while the stages build or the run is set up.
        runner.stop_all()
        print("\ngrade: interrupted", file=sys.stderr)
        return 130
    except (runner.ToolMissing, OSError) as e:
        print(f"grade: {setup_error(e)}", file=sys.stderr)
        return 2


def replay_command(args: argparse.Namespace, seed: int) -> str:
    """The command that runs exactly this grade again: the same labs, boot paths,
    kernel, jobs and seed, and the reference-labs setting this run was given."""
    if args.replay_as:                  # a submission's grade: replayed by --submission
        return args.replay_as
    words = ["python3", "-m", "grade"]
    for n in sorted(set(args.lab or [])):
        words += ["--lab", str(n)]
    for path in args.boot or []:
        words += ["--boot", path]
    if args.kernel:
        words += ["--kernel", str(args.kernel)]
    if args.no_build:
        words.append("--no-build")
    words += ["--jobs", str(args.jobs), "--seed", str(seed)]
    env = [f"{name}={os.environ[name]}" for name in REPLAY_ENV if name in os.environ]
    return " ".join(shlex.quote(w) for w in env + words)


# Environment variables that change what a grade builds or boots (the build's
# reference labs, the emulator): a replay must set them as this run had them.
REPLAY_ENV = ("USE_REFERENCE", "QEMU", "BUILD")


def skipped_note(lab: int, paths: list[str]) -> str:
    """What a boot path leaves out of a lab's score, said beside it (a Bochs run
    that scores 75/75 has not run the tests that boot only with qemu -kernel)."""
    out = []
    for path in paths:
        left = [t for t in core.REGISTRY if t.lab == lab and path not in t.paths]
        if left:
            out.append(f"{len(left)} tests ({sum(t.points for t in left)} points) do not run on "
                       f"--boot {path}: {', '.join(t.name for t in left)}")
    return f" ({'; '.join(out)})" if out else ""


def print_scores(args: argparse.Namespace, labs: list[int], outcomes: list[Outcome],
                 seconds: float) -> None:
    print()
    total = earned = 0
    for n in labs:
        mine = [o for o in outcomes if o.test.lab == n and not o.skipped]
        got = sum(o.test.points for o in mine if o.passed)
        most = sum(o.test.points for o in mine)
        total, earned = total + most, earned + got
        print(f"lab{n}: {got}/{most} points" + skipped_note(n, args.boot or ["kernel"]))
    failed = [o for o in outcomes if not o.passed and not o.skipped]
    if failed:                          # the lines came as tests ended: here in one place
        print("not OK: " + ", ".join(f"{o.label} ({o.verdict})" for o in failed))
    print(f"score: {earned}/{total} points in {seconds:.1f}s"
          + (f" (reference objects: {args.reference})" if args.reference else ""))


def longest_first(plan: list[tuple[Test, str]], known: dict[str, float]) -> list[int]:
    """The plan's indices, the longest tests first (their times in the runs before;
    a test never timed counts as a tenth of its timeout): with --jobs 2, a 4 s test
    started last would leave one emulator idle while it ends. Only the order tests
    start in changes; each result is reported as it ends, and the summary keeps plan order."""
    def estimate(i: int) -> float:
        t, p = plan[i]
        return known.get(label_of(t, p), t.timeout / 10)
    return sorted(range(len(plan)), key=lambda i: -estimate(i))


class Lanes:
    """Where each test runs: --jobs workers for the tests that keep a host CPU busy and,
    with --jobs 2 or more, one more for the tests marked `waits` (core.Test), one at a
    time. Those spend most of their wall time waiting on host time (a throttled disk, keys
    held 20 ms each, an idle guest): among the others, two of them would hold both
    workers while the host's CPUs idle. Their verdicts do not depend on the CPU they get."""

    def __init__(self, jobs: int, plan: list[tuple[Test, str]]) -> None:
        self.busy = ThreadPoolExecutor(max_workers=max(1, jobs))
        waiting = jobs >= 2 and any(t.waits for t, _ in plan)
        self.waiting = ThreadPoolExecutor(max_workers=1) if waiting else None

    def pool_for(self, t: Test) -> ThreadPoolExecutor:
        return self.waiting if t.waits and self.waiting else self.busy

    def shutdown(self, wait: bool) -> None:
        """All of them; without `wait`, the tests not started yet are cancelled."""
        for pool in (self.busy, self.waiting):
            if pool is not None:
                pool.shutdown(wait=wait, cancel_futures=not wait)


def write_json(path: Path, seed: int, seconds: float, outcomes: list[Outcome]) -> None:
    path.write_text(json.dumps({"seed": seed, "seconds": round(seconds, 3), "tests": [
        {"lab": o.test.lab, "name": o.test.name, "path": o.path, "verdict": o.verdict,
         "seconds": round(o.seconds, 3)} for o in outcomes]}, indent=1) + "\n")


def build_for_grade(args: argparse.Namespace, plan: list[tuple[Test, str]], labs: list[int],
                    run: rundir.RunDir) -> tuple[dict[int, str], dict[int, Path]]:
    """Each lab's build error ('' when it built) and the kernel copy its tests boot; the
    host tests the plan runs built too (one make with the stages when it works)."""
    host = [] if args.kernel else hosttests.binaries(sorted({(t.lab, t.name) for t, _ in plan}))
    hosts_built = False
    with run.build_lock():              # one grader builds at a time; each boots its own copy
        build_errors = {n: "" for n in labs}
        if not (args.kernel or args.no_build):      # the stages and the host tests in one make
            build_errors, hosts_built = build_stages(labs, hosttests.goals(host), args.jobs)
        kernels = {n: run.stage_kernel(n, args.kernel or BUILD / f"lab{n}" / "kernel.elf")
                   for n in labs}
    hosttests.prebuild(host, args.jobs, hosts_built)    # it takes the lock
    return build_errors, kernels


def grade(args: argparse.Namespace, plan: list[tuple[Test, str]], labs: list[int],
          seed: int, replay: str, run: rundir.RunDir) -> int:
    build_errors, kernels = build_for_grade(args, plan, labs, run)
    start = time.monotonic()
    done: dict[int, Outcome] = {}       # by plan index
    lanes = Lanes(args.jobs, plan)
    futures: dict[Future[Outcome], int] = {}
    try:
        # Submitting is inside the try: the first test starts while the rest are
        # still being submitted, and a Ctrl-C then must stop it too.
        for i in longest_first(plan, run.durations()):
            t, p = plan[i]
            futures[lanes.pool_for(t).submit(run_one, t, p, seed, kernels[t.lab],
                                             build_errors[t.lab], args.keep, run.path)] = i
        # Each line as its test ends: in plan order, the longest tests (started
        # first, plan order last) would hold every line back to the end.
        for f in as_completed(futures):
            done[futures[f]] = f.result()
            print(report_line(done[futures[f]], args.verbose), flush=True)
        outcomes = [done[i] for i in sorted(done)]
    except KeyboardInterrupt:
        outcomes = [done[i] for i in sorted(done)]
        # Start nothing more, stop what runs, and let the tests that were cut
        # short record that they were (verdict INTERRUPTED): they end at once.
        runner.stop_all()
        lanes.shutdown(wait=False)
        cut = 0
        for f in futures:
            try:
                if not f.cancelled():
                    cut += f.result().verdict == "INTERRUPTED"
            except KeyboardInterrupt:
                break
        run.write_summary(seed, replay, outcomes, interrupted=True)
        print(f"\ngrade: interrupted; {cut} test{'s' if cut != 1 else ''} cut short "
              f"(INTERRUPTED in {shown_path(run.path)})", file=sys.stderr)
        return 130
    lanes.shutdown(wait=True)
    seconds = time.monotonic() - start

    print_scores(args, labs, outcomes, seconds)
    if args.gradescope:
        gradescope(outcomes, seconds, args.gradescope, args.reference)
    if args.json:
        write_json(args.json, seed, seconds, outcomes)
    run.write_summary(seed, replay, outcomes)
    run.save_durations(outcomes)
    passed = sum(o.passed for o in outcomes)
    skipped = sum(o.skipped for o in outcomes)
    failed = len(outcomes) - passed - skipped
    if failed:
        print(f"replay this run: {replay}")
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 0 if not failed else 1
