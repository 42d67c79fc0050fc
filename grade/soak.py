"""soak.py - `make soak`: many full grades with fresh seeds, to find flaky tests.

    python3 -m grade.soak [--grades N] [--jobs 1,2,4] [--hogs 0,2] [--boot PATH]... [--lab N]...

Runs N grades of every lab, or of the --lab ones only (stages already built: a
grade of all labs is slow on a small machine, and a soak of a lab's new tests
needs only the labs they touch), spread round-robin over each --jobs value,
each without and with CPU hogs (busy processes, one per --hogs count), so every
setting meets the same outside load. Every non-OK verdict is
printed as it happens with its seed and the command that replays that grade;
at the end a table per setting. A correct kit shows no non-OK verdict at all: a
test that fails a correct kernel now and then is a bug. It stops by itself
after N grades (or at Ctrl-C, with the table so far), and stops its hogs.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grade.core import ROOT, BUILD

HOG = "while True: pass"
# Longer runs of the host fuzzers under soak than under make test (tests/test_lab7_fuzz.c).
SOAK_ENV = {**os.environ, "CAIRN_LAB7_FUZZ_ROUNDS": os.environ.get("CAIRN_LAB7_FUZZ_ROUNDS", "5000")}


@dataclass
class Setting:
    jobs: int
    hogs: int
    grades: int = 0
    tests: int = 0
    bad: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    labs: tuple[int, ...] = ()          # () = every lab

    @property
    def name(self) -> str:
        hogs = f"--jobs {self.jobs}, {self.hogs} hog{'s' if self.hogs != 1 else ''}"
        return hogs + (f", labs {','.join(map(str, self.labs))}" if self.labs else "")


def parse_list(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected numbers separated by commas")
    if not values or min(values) < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected numbers of at least 0")
    return values


def start_hogs(n: int) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([sys.executable, "-c", HOG], stdin=subprocess.DEVNULL)
            for _ in range(n)]


def stop_hogs(hogs: list[subprocess.Popen[bytes]]) -> None:
    for h in hogs:
        h.kill()
        h.wait()


def grade_command(s: Setting, seed: int, boots: list[str], json_out: str) -> list[str]:
    """The grader's command line for one grade of setting s (its labs only, if any)."""
    cmd = [sys.executable, "-m", "grade", "--no-build", "--jobs", str(s.jobs),
           "--seed", str(seed), "--json", json_out]
    for b in boots:
        cmd += ["--boot", b]
    for n in s.labs:
        cmd += ["--lab", str(n)]
    return cmd


def one_grade(s: Setting, seed: int, boots: list[str], timeout: float) -> None:
    """One full grade; its non-OK verdicts are printed and kept."""
    with tempfile.NamedTemporaryFile(prefix="cairn-soak-", suffix=".json") as out:
        cmd = grade_command(s, seed, boots, out.name)
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, env=SOAK_ENV,
                                stderr=subprocess.STDOUT, text=True)
        try:
            text, rc = proc.communicate(timeout=timeout)[0], proc.returncode
        except (subprocess.TimeoutExpired, KeyboardInterrupt) as e:
            # SIGTERM: the grader stops its emulators itself (a SIGKILL would leave them).
            proc.terminate()
            proc.communicate()
            if isinstance(e, KeyboardInterrupt):
                raise
            text, rc = f"the grade took over {timeout:.0f} s", -1
        s.seconds.append(time.monotonic() - start)
        s.grades += 1
        replay = next((l.split("(replay: ", 1)[1].rstrip(")") for l in text.splitlines()
                       if l.startswith("seed ") and "(replay: " in l), " ".join(cmd[1:]))
        try:
            tests = json.loads(Path(out.name).read_text())["tests"]
        except (OSError, ValueError, KeyError):
            tests = []
    s.tests += len(tests)
    bad = [t for t in tests if t["verdict"] != "OK"]
    if not tests:
        bad = [{"lab": "?", "name": "whole grade", "path": "-",
                "verdict": f"exit {rc}: {text.strip().splitlines()[-1:] or ['no output']}"}]
    for t in bad:
        line = (f"NOT OK  lab{t['lab']} {t['name']} [{t['path']}]: {t['verdict']}  seed {seed}, "
                f"{s.name}\n        replay: {replay}")
        s.bad.append(line)
        print(line, flush=True)


def table(settings: list[Setting]) -> str:
    rows = ["| setting | grades | tests | not OK | median s | max s |",
            "|---|---|---|---|---|---|"]
    for s in settings:
        med = f"{statistics.median(s.seconds):.1f}" if s.seconds else "-"
        top = f"{max(s.seconds):.1f}" if s.seconds else "-"
        rows.append(f"| {s.name} | {s.grades} | {s.tests} | {len(s.bad)} | {med} | {top} |")
    total = Setting(0, 0, sum(s.grades for s in settings), sum(s.tests for s in settings),
                    [b for s in settings for b in s.bad])
    rows.append(f"| all | {total.grades} | {total.tests} | {len(total.bad)} | | |")
    return "\n".join(rows)


def save(settings: list[Setting], path: Path) -> None:
    # "labs": the labs each grade ran (null: every lab), so a soak of a few labs is told apart.
    path.write_text(json.dumps([{"jobs": s.jobs, "hogs": s.hogs, "labs": list(s.labs) or None,
                                 "grades": s.grades,
                                 "tests": s.tests, "not_ok": s.bad,
                                 "seconds": [round(x, 2) for x in s.seconds]}
                                for s in settings], indent=1) + "\n")


def print_saved(files: list[Path]) -> int:
    """The table of soaks run apart (two at once, say), added up setting by setting."""
    merged: dict[tuple[int, int, tuple[int, ...]], Setting] = {}
    for f in files:
        for d in json.loads(f.read_text()):
            # A soak of other labs is another setting: its grades are not the same work.
            labs = tuple(d.get("labs") or ())
            s = merged.setdefault((d["jobs"], d["hogs"], labs),
                                  Setting(d["jobs"], d["hogs"], labs=labs))
            s.grades += d["grades"]
            s.tests += d["tests"]
            s.bad += d["not_ok"]
            s.seconds += d["seconds"]
    settings = sorted(merged.values(), key=lambda s: (s.labs, s.hogs, s.jobs))
    for s in settings:
        for line in s.bad:
            print(line)
    print(table(settings))
    return 1 if any(s.bad for s in settings) else 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python3 -m grade.soak", description=__doc__.split("\n")[0])
    p.add_argument("--grades", type=int, default=102, help="full grades in all (default 102)")
    p.add_argument("--jobs", type=parse_list, default=[1, 2, 4], help="grader --jobs values")
    p.add_argument("--hogs", type=parse_list, default=[0, 2], help="CPU hog counts")
    p.add_argument("--boot", action="append", default=[], help="boot path(s), as the grader's")
    p.add_argument("--lab", type=int, action="append", default=[],
                   help="grade only this lab (repeatable), as the grader's; default every lab")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds one grade may take")
    p.add_argument("--json", type=Path, default=BUILD / "soak.json", help="where the results go")
    p.add_argument("--table", type=Path, nargs="+", metavar="JSON",
                   help="only print the table of earlier soaks' results, added together")
    args = p.parse_args(argv)
    if args.grades < 1:
        p.error("--grades must be at least 1")
    # Checked here: the grader would refuse each grade, and the soak count them all as not OK.
    unknown = [n for n in args.lab if not (ROOT / "grade" / "labs" / f"lab{n}.py").exists()]
    if unknown:
        p.error(f"--lab {unknown[0]}: no such lab (grade/labs/lab{unknown[0]}.py)")
    args.lab = sorted(set(args.lab))
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.table:
        return print_saved(args.table)
    settings = [Setting(j, h, labs=tuple(args.lab)) for h in args.hogs for j in args.jobs]
    rng = random.Random()
    # SIGTERM, and SIGINT even for a soak started in the background (which
    # inherits it ignored), end the soak with its table so far.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print(f"soak: {args.grades} grades over {len(settings)} settings, "
          f"{'labs ' + ', '.join(map(str, args.lab)) if args.lab else 'every lab'}", flush=True)
    hogs: list[subprocess.Popen[bytes]] = []
    current = -1
    try:
        for i in range(args.grades):
            s = settings[i % len(settings)]
            if s.hogs != current:
                stop_hogs(hogs)
                hogs, current = start_hogs(s.hogs), s.hogs
            one_grade(s, rng.randrange(1, 1 << 31), args.boot, args.timeout)
            save(settings, args.json)   # after every grade: a stopped soak loses nothing
            if (i + 1) % len(settings) == 0:
                print(f"soak: {i + 1} grades, "
                      f"{sum(len(x.bad) for x in settings)} not OK", flush=True)
    except KeyboardInterrupt:
        print("soak: interrupted", file=sys.stderr)
    finally:
        stop_hogs(hogs)
    print()
    print(table(settings))
    save(settings, args.json)
    bad = sum(len(s.bad) for s in settings)
    grades = sum(s.grades for s in settings)
    print(f"soak: {bad} not-OK verdicts in {grades} grades")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
