#!/usr/bin/env python3
"""testall.py - `make test`: every check CI runs, in order, each counted.

Steps run even after one fails, so a report shows everything that is wrong;
the last line is the total, "N passed, N failed", and the exit status is 0
only when nothing failed.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JOBS = str(os.cpu_count() or 2)
SUMMARY = re.compile(r"(\d+) passed, (\d+) failed")
UNITTEST_RAN = re.compile(r"^Ran (\d+) tests?", re.M)
UNITTEST_COUNTS = re.compile(r"(failures|errors|skipped)=(\d+)")


@dataclass
class Step:
    name: str
    cmd: list[str]
    kind: str = "summary"       # summary: a "N passed, N failed" line; unittest; single
    needs: str = ""             # a file the step needs (skipped, and said so, until it exists)


STEPS = [
    Step("host unit tests (ASan/UBSan)", ["make", "-s", "host-tests"]),
    # Generated, not hand-written: make test rewrites it when a lab's size changed (commit it).
    Step("lab-size table in handouts/instructors.md (make handout-stats)",
         ["make", "-s", "handout-stats"], "single"),
    Step("handout markers; cited documents exist; handouts name real functions; lab sizes current",
         [sys.executable, "-m", "unittest", "tests/test_handout.py"], "unittest"),
    Step("build rules: public headers only, sizes", [sys.executable, "-m", "unittest", "tests/test_build_rules.py"],
         "unittest"),
    Step("lab 6's trace drawn as an SVG (tools/tracesvg.py); malformed traces refused",
         [sys.executable, "-m", "unittest", "tests/test_tracesvg.py"], "unittest"),
    Step("every stage builds with -Werror", ["make", "-s", "-j", JOBS, "all"], "single"),
    Step("user programs on the host (user/progs, tests/test_progs.py)", ["make", "-s", "progs-test"],
         "unittest"),
    Step("grader self-tests (bad kernels)", ["make", "-s", "grader-tests"], "unittest"),
    Step("malformed options stop the boot (tests/test_cmdline_boot.py)",
         [sys.executable, "-m", "unittest", "tests/test_cmdline_boot.py"], "unittest"),
    Step("grade every lab (qemu -kernel)", [sys.executable, "-m", "grade", "--no-build", "--jobs", JOBS]),
    Step("graded submissions: pristine tree, Gradescope, --class, GitHub workflow",
         [sys.executable, "tests/submissions/check.py"], needs="tests/submissions/check.py"),
    Step("GRUB ISO and floppy boots (QEMU)",
         [sys.executable, "-m", "grade", "--no-build", "--jobs", JOBS, "--boot", "iso", "--boot", "floppy"]),
    Step("GRUB floppy boots in Bochs", [sys.executable, "-m", "grade", "--no-build", "--jobs", JOBS,
                                        "--boot", "bochs"], needs="grade/bochs.py"),
    Step("Bochs configuration unit tests", [sys.executable, "-m", "unittest", "tests/bochs/test_bochsrc.py"],
         "unittest", needs="tests/bochs/test_bochsrc.py"),
    Step("Bochs debugger script", [sys.executable, "tests/bochs/check_debugger.py"],
         needs="tests/bochs/check_debugger.py"),
    Step("student handout: compiles, fails exactly what was stripped", ["make", "-s", "handout-check"]),
]


def count(step: Step, output: str, rc: int) -> tuple[int, int]:
    if step.kind == "summary":
        found = SUMMARY.findall(output)
        if found:
            passed, failed = map(int, found[-1])
            return passed, failed + (1 if rc and not failed else 0)
    if step.kind == "unittest":
        ran = UNITTEST_RAN.findall(output)
        if ran:
            total = int(ran[-1])
            # "FAILED (failures=1, errors=2, skipped=1)" or "OK (skipped=1)":
            # a skipped test has neither passed nor failed.
            counts = dict((k, int(v)) for k, v in UNITTEST_COUNTS.findall(output.split("\nRan ")[-1]))
            failed = counts.get("failures", 0) + counts.get("errors", 0)
            passed = total - failed - counts.get("skipped", 0)
            return passed, failed + (1 if rc and not failed else 0)
    return (1, 0) if rc == 0 else (0, 1)


# What names a failure in a step's output: a grader test's report line whose
# verdict is not OK or SKIP, a "FAIL ..." line, unittest's FAIL:/ERROR: headers.
FAILURE_LINE = re.compile(r"^(lab\d+ .* \.{2,} (?!OK |SKIP)\S|\s*FAIL\b|(FAIL|ERROR): )")
FAILURES_SHOWN = 8              # per step, each with its first detail lines
DETAIL_LINES = 4


def failures(lines: list[str]) -> list[str]:
    """The lines that say which test failed and why, for the end of the run: a CI
    log shown only in part still names them."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if FAILURE_LINE.match(line) and len(out) < FAILURES_SHOWN * (DETAIL_LINES + 1):
            out.append(line.rstrip("\n"))
            for detail in lines[i + 1:i + 1 + DETAIL_LINES]:
                if not detail.startswith((" ", "\t")):
                    break
                out.append(detail.rstrip("\n")[:300])
    return out


def main() -> int:
    os.chdir(ROOT)
    only = set(sys.argv[1:])
    total_passed = total_failed = 0
    broken: list[str] = []
    why: list[str] = []
    for i, step in enumerate(STEPS, 1):
        if only and str(i) not in only:
            continue
        if step.needs and not (ROOT / step.needs).exists():
            print(f"\n=== {i}. {step.name}: SKIPPED ({step.needs} does not exist)")
            continue
        print(f"\n=== {i}. {step.name}", flush=True)
        start = time.monotonic()
        proc = subprocess.Popen(step.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = []
        assert proc.stdout
        for line in proc.stdout:
            lines.append(line)
            sys.stdout.write(line)
            sys.stdout.flush()
        rc = proc.wait()
        passed, failed = count(step, "".join(lines), rc)
        total_passed += passed
        total_failed += failed
        if failed:
            broken.append(step.name)
            why += [f"{i}. {step.name}:"] + ["  " + l for l in failures(lines)]
        print(f"--- {step.name}: {passed} passed, {failed} failed ({time.monotonic() - start:.1f}s)")
    print()
    if broken:
        print("what failed:\n" + "\n".join(why))
        print("failed steps: " + "; ".join(broken))
    print(f"{total_passed} passed, {total_failed} failed")
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
