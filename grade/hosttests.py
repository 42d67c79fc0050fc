"""hosttests.py - each lab's host unit tests as graded tests of that lab.

tests/test_labN_NAME.c (test_core_NAME.c: lab 0) becomes the test
"labN host-NAME": the grader builds it with `make` (so the reference labs of
.use-reference link as the kernel's do) and runs it under ASan/UBSan. The
host tests see what no boot shows, e.g. the executor's hlt race on the fake
machine of tests/lab3_fake.h, so a failing check costs the lab points, with
the check's own message. The binary's last line is "SUITE: N passed, N failed"
(tests/host.h); no summary, or a bad exit status, is a failure too.
"""
from __future__ import annotations

import os
import re
import subprocess
import threading
from pathlib import Path

from grade.core import QEMU_ONLY, Ctx, TestFailure, test
from grade.rundir import tree_lock

ROOT = Path(__file__).resolve().parent.parent
BUILD = os.environ.get("BUILD", "build")
POINTS = 5
TIMEOUT = 120.0                 # a bound on a hung binary only: the fuzzers take seconds
SUMMARY = re.compile(r"^(.*): (\d+) passed, (\d+) failed$")
NAME = re.compile(r"^test_(core|lab(\d+))_(\w+)\.c$")
# One make at a time in this tree: parallel makes would race on shared prerequisites.
MAKE_LOCK = threading.Lock()


def reference_labs() -> list[str]:
    """The labs the build takes from reference objects (.use-reference, or USE_REFERENCE)."""
    proc = subprocess.run(["make", "-s", "-C", str(ROOT), "print-reference"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError((proc.stderr or proc.stdout).strip())
    return proc.stdout.split()


def failure_lines(out: str) -> str:
    """The lines that say what went wrong: failed checks, panics, sanitizer reports."""
    keep = [l for l in out.splitlines()
            if re.search(r"FAIL|failed|panic|ERROR|runtime error|asleep|SUMMARY", l)]
    return "\n".join("    " + l.strip() for l in keep[:30])


def verdict(binary: str, out: str, status: int) -> TestFailure | None:
    """None when the binary passed, else its failure."""
    not_impl = next((l.strip() for l in out.splitlines()
                     if "panic" in l and "not implemented" in l), None)
    if not_impl:
        return TestFailure("NOT IMPLEMENTED", not_impl)
    last = out.rstrip().splitlines()[-1] if out.strip() else ""
    m = SUMMARY.match(last.strip())
    if m and int(m.group(3)) == 0 and status == 0:
        return None
    if m:
        return TestFailure("HOST TEST FAILED",
                           f"{binary}: {m.group(2)} passed, {m.group(3)} failed (status {status}):\n"
                           + failure_lines(out))
    tail = "\n".join("    " + l for l in out.splitlines()[-15:]) or "    (no output)"
    what = f"killed by signal {-status}" if status < 0 else f"exited with status {status}"
    return TestFailure("HOST TEST FAILED",
                       f"{binary} {what} without its summary line; the last lines were:\n{tail}")


def run_host_test(ctx: Ctx, binary: str) -> None:
    target = f"{BUILD}/tests/{binary}"
    with MAKE_LOCK, tree_lock(ROOT / BUILD / "grade"):  # and other graders' makes
        build = subprocess.run(["make", "-s", "-C", str(ROOT), target],
                               capture_output=True, text=True)
    if build.returncode != 0:
        lines = (build.stdout + build.stderr).splitlines()
        first = next((l for l in lines if "error" in l.lower()), lines[-1] if lines else "make failed")
        raise TestFailure("BUILD FAILED", first + "\n" + "\n".join("    " + l for l in lines[:20]))
    path = Path(target) if Path(target).is_absolute() else ROOT / target
    try:
        proc = subprocess.run([str(path)], cwd=ROOT, capture_output=True, text=True,
                              timeout=ctx.test.timeout)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        raise TestFailure("HANG", f"{binary} still ran after {ctx.test.timeout:.0f}s; the last lines were:\n"
                          + "\n".join("    " + l for l in out.splitlines()[-15:]))
    (ctx.workdir / "host-test.log").write_text(proc.stdout + proc.stderr)
    failure = verdict(binary, proc.stdout + proc.stderr, proc.returncode)
    if failure:
        raise failure


def register() -> None:
    """Called by the grader once the labs' own tests are registered (they come first)."""
    for src in sorted((ROOT / "tests").glob("test_*.c")):
        m = NAME.match(src.name)
        if not m:
            continue
        lab = int(m.group(2)) if m.group(2) else 0
        binary = src.stem

        def fn(ctx: Ctx, binary: str = binary) -> None:
            run_host_test(ctx, binary)
        test(lab=lab, name=f"host-{m.group(3)}", points=POINTS, paths=QEMU_ONLY, timeout=TIMEOUT)(fn)

