"""cli.py - the grader's command line: build, run every selected test, report.

    python3 -m grade [--lab N]... [--seed S] [--jobs J] [--boot PATH]... [--kernel ELF]
                     [--keep] [--gradescope FILE] [-v] [--list]
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grade import core, runner
from grade.core import Ctx, Test, TestFailure

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("BUILD", ROOT / "build"))
DOTS = 44


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
    def label(self) -> str:
        suffix = "" if self.path == "kernel" else f" [{self.path}]"
        return f"lab{self.test.lab} {self.test.name}{suffix}"


def load_labs() -> None:
    for f in sorted((ROOT / "grade" / "labs").glob("lab*.py")):
        importlib.import_module(f"grade.labs.{f.stem}")


def build_stage(lab: int) -> str:
    """'' when `make labN` succeeds, else the compiler's first error."""
    proc = subprocess.run(["make", "-s", "-C", str(ROOT), f"lab{lab}"],
                          capture_output=True, text=True)
    if proc.returncode == 0:
        return ""
    out = (proc.stdout + proc.stderr).splitlines()
    first = next((l for l in out if "error" in l.lower()), out[-1] if out else "make failed")
    return first + "\n" + "\n".join("    " + l for l in out[:20])


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


def run_one(t: Test, path: str, seed: int, kernel: Path, build_error: str,
            keep: bool, outdir: Path) -> Outcome:
    start = time.monotonic()
    if build_error:
        return Outcome(t, path, "BUILD FAILED", build_error, 0.0)
    if not kernel.exists():
        return Outcome(t, path, "BUILD FAILED", f"{kernel} does not exist", 0.0)
    name = f"lab{t.lab}-{t.name}" + ("" if path == "kernel" else f"-{path}")
    workdir = outdir / name
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    ctx = Ctx(t, seed, workdir, kernel, path, runner.boot)
    try:
        t.fn(ctx)
        o = Outcome(t, path, "OK", "", time.monotonic() - start)
    except TestFailure as f:
        o = Outcome(t, path, f.verdict, f.details, time.monotonic() - start)
    except Exception:                       # a broken test is reported, not fatal
        o = Outcome(t, path, "GRADER ERROR", traceback.format_exc(), time.monotonic() - start)
    if not o.passed:
        o.artifacts = save_artifacts(o, ctx, workdir)
    elif not keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return o


def report_line(o: Outcome, verbose: bool) -> str:
    dots = "." * max(2, DOTS - len(o.label))
    line = f"{o.label} {dots} {o.verdict:<4} {o.seconds:5.2f}s"
    if not o.passed or verbose and o.details:
        body = "\n".join("    " + l for l in o.details.splitlines())
        line += "\n" + body
        if o.artifacts:
            line += f"\n    (serial log, command line and versions in {o.artifacts.relative_to(ROOT) if o.artifacts.is_relative_to(ROOT) else o.artifacts})"
    return line


def gradescope(outcomes: list[Outcome], seconds: float, dest: Path) -> None:
    """Gradescope autograder results.json (its documented top-level and per-test fields)."""
    tests = [{
        "name": o.label,
        "score": o.test.points if o.passed else 0,
        "max_score": o.test.points,
        "status": "passed" if o.passed else "failed",
        "output": o.verdict if o.passed else f"{o.verdict}\n{o.details}",
        "visibility": "visible",
    } for o in outcomes]
    doc = {
        "score": sum(t["score"] for t in tests),
        "execution_time": round(seconds, 2),
        "output": f"{sum(o.passed for o in outcomes)} of {len(outcomes)} tests passed",
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
    p.add_argument("--keep", action="store_true", help="keep every test's files in build/grade/")
    p.add_argument("--gradescope", type=Path, metavar="FILE", help="also write Gradescope's results.json")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write every outcome with its time")
    p.add_argument("--no-build", action="store_true", help="do not run make labN first")
    p.add_argument("--list", action="store_true", help="list the tests and exit")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    if args.kernel and (not args.lab or len(args.lab) != 1):
        p.error("--kernel needs exactly one --lab")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
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
            print(f"lab{t.lab} {t.name} [{p}] ({t.points} points)")
        return 0

    seed = args.seed if args.seed is not None else random.randrange(1, 1 << 31)
    print(f"seed {seed} (replay: make grade GRADEFLAGS='--seed {seed}')")
    build_errors = {n: "" if args.kernel or args.no_build else build_stage(n) for n in labs}
    outdir = BUILD / "grade"
    outdir.mkdir(parents=True, exist_ok=True)
    runner.install_signal_handlers()

    start = time.monotonic()
    outcomes: list[Outcome] = []
    pool = ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        futures: list[Future[Outcome]] = [
            pool.submit(run_one, t, p, seed, args.kernel or BUILD / f"lab{t.lab}" / "kernel.elf",
                        build_errors[t.lab], args.keep, outdir)
            for t, p in plan]
        for f in futures:               # report in plan order, each as soon as it is done
            o = f.result()
            outcomes.append(o)
            print(report_line(o, args.verbose), flush=True)
    except KeyboardInterrupt:
        # Start nothing more, and stop what runs: the tests then end at once.
        pool.shutdown(wait=False, cancel_futures=True)
        runner.kill_all()
        print("\ngrade: interrupted", file=sys.stderr)
        return 130
    pool.shutdown()
    seconds = time.monotonic() - start

    print()
    total = earned = 0
    for n in labs:
        mine = [o for o in outcomes if o.test.lab == n]
        got = sum(o.test.points for o in mine if o.passed)
        most = sum(o.test.points for o in mine)
        total, earned = total + most, earned + got
        print(f"lab{n}: {got}/{most} points")
    print(f"score: {earned}/{total} points in {seconds:.1f}s")
    if args.gradescope:
        gradescope(outcomes, seconds, args.gradescope)
    if args.json:
        args.json.write_text(json.dumps({"seed": seed, "seconds": round(seconds, 3), "tests": [
            {"lab": o.test.lab, "name": o.test.name, "path": o.path, "verdict": o.verdict,
             "seconds": round(o.seconds, 3)} for o in outcomes]}, indent=1) + "\n")
    passed = sum(o.passed for o in outcomes)
    print(f"{passed} passed, {len(outcomes) - passed} failed")
    return 0 if passed == len(outcomes) else 1
