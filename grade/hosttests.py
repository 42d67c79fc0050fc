"""hosttests.py - each lab's host unit tests as graded tests of that lab.

tests/test_labN_NAME.c (test_core_NAME.c: lab 0) becomes the test
"labN host-NAME": the grader builds it with `make` (so the reference labs of
.use-reference link as the kernel's do) and runs it under ASan/UBSan. The
host tests see what no boot shows, e.g. the executor's hlt race on the fake
machine of tests/lab3_fake.h, so a failing check costs the lab points, with
the check's own message. The binary's last line is "SUITE: N passed, N failed"
(tests/host.h); no summary, or a bad exit status, is a failure too.

Grading a submission (grade/classroom.py), the binaries were built in the
sandbox with the stages (grade/pristine.py), and each runs in the sandbox too,
with the tree read-only: it links the student's code.
"""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
import threading
from pathlib import Path

from grade import runner, sandbox
from grade.core import QEMU_ONLY, Ctx, TestFailure, make_failure, test
from grade.rundir import tree_lock
from grade.runner import CHECK_EVERY, Deadline

ROOT = Path(__file__).resolve().parent.parent
BUILD = os.environ.get("BUILD", "build")
POINTS = 5
# A host test whose source says this checks only code the lab gives: it passes on
# the handout's stubs, so it runs (a broken kit fails it) but earns no points.
GIVEN_CODE_ONLY = "grade: given code only, no points"
TIMEOUT = 120.0                 # a bound on a hung binary only: the fuzzers take seconds
# A binary that spins (a student's loop that never ends) ends sooner: the longest correct
# one uses ~6 s of CPU under ASan on a slow host (lab 7's tool-judged tests), and the
# CPU it uses does not grow with the host's load, as its wall time does.
CPU_BOUND = 60.0
SUMMARY = re.compile(r"^(.*): (\d+) passed, (\d+) failed$")
NAME = re.compile(r"^test_(core|lab(\d+))_(\w+)\.c$")
# One make at a time in this tree: parallel makes would race on shared prerequisites.
MAKE_LOCK = threading.Lock()
# The binaries this grade's prebuild() made with no error: their tests run them
# without asking make again (a make that finds nothing to do still costs ~0.15 s,
# and they queue on MAKE_LOCK).
PREBUILT: set[str] = set()


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
            if re.search(r"FAIL|failed|expected|crash after|panic|ERROR|runtime error|asleep|SUMMARY", l)]
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


def build_failure(lines: list[str]) -> TestFailure:
    return TestFailure("BUILD FAILED", make_failure("\n".join(lines)))


def build_here(binary: str) -> Path:
    """Build the binary in this tree (the student's own grade); its path."""
    target = f"{BUILD}/tests/{binary}"
    if binary in PREBUILT:
        return Path(target) if Path(target).is_absolute() else ROOT / target
    with MAKE_LOCK, tree_lock(ROOT / BUILD / "grade"):  # and other graders' makes
        build = subprocess.run(["make", "-s", "-C", str(ROOT), target],
                               capture_output=True, text=True)
    if build.returncode != 0:
        raise build_failure((build.stdout + build.stderr).splitlines())
    return Path(target) if Path(target).is_absolute() else ROOT / target


def built_in_sandbox(binary: str) -> Path:
    """A submission's binary, built with its stages (grade/pristine.py); its path."""
    path = Path(BUILD) / "tests" / binary
    if not path.exists():
        log = Path(BUILD) / "host-tests.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        raise build_failure([l for l in text.splitlines() if binary in l or "error" in l][:20]
                            or [f"{binary} was not built (the stages before it did not build?)"])
    return path


# UBSan's report with its stack, whose frames name the test that died (tests/host.h
# names it after an abort, a panic or an ASan report; UBSan takes no callback).
SANITIZER_ENV = {"UBSAN_OPTIONS": "print_stacktrace=1"}


def run_binary(path: Path, timeout: float) -> tuple[str, int]:
    """Its output and exit status; in the sandbox, with the tree read-only, when
    it links a submission's code. The bound is a boot's (runner.Deadline): it
    moves out while the host keeps the binary waiting for a CPU, so a loaded
    machine (a soak's hogs, --jobs 4) never passes for a hang."""
    box = sandbox.CURRENT
    with tempfile.TemporaryFile() as out:
        if box is None:
            child = subprocess.Popen([str(path)], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     env={**os.environ, **SANITIZER_ENV})
        else:
            tree = Path(BUILD).parent
            child = box.popen([str(path)], tree, readable=[tree], stdin=subprocess.DEVNULL,
                              stdout=out, stderr=subprocess.STDOUT, extra_env=SANITIZER_ENV)
        runner.track(child)             # Ctrl-C and SIGTERM stop it with the emulators
        try:
            hung = wait_bounded(child, timeout)
        finally:
            runner.untrack(child)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if hung:
        raise subprocess.TimeoutExpired([str(path)], timeout, output=text)
    return text, child.returncode


def wait_bounded(child: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait for the binary to end, at most its bound (a boot's: runner.Deadline, with
    CPU_BOUND of CPU); whether it hung and was killed."""
    bound = Deadline(child.pid, timeout, CPU_BOUND)
    while bound.left() > 0:
        try:                            # returns the moment it ends: most take milliseconds
            child.wait(timeout=min(CHECK_EVERY, max(bound.left(), 0.01)))
            break
        except subprocess.TimeoutExpired:
            pass
    hung = child.poll() is None
    if hung:
        os.killpg(child.pid, 9)
    child.wait()
    return hung


def run_host_test(ctx: Ctx, binary: str) -> None:
    path = built_in_sandbox(binary) if sandbox.CURRENT else build_here(binary)
    try:
        out, status = run_binary(path, ctx.test.timeout)
    except subprocess.TimeoutExpired as e:
        out = e.output.decode(errors="replace") if isinstance(e.output, bytes) else (e.output or "")
        raise TestFailure("HANG", f"{binary} did not end within its bound ({ctx.test.timeout:.0f}s, "
                          f"or {CPU_BOUND:.0f}s of CPU); the last lines were:\n"
                          + "\n".join("    " + l for l in out.splitlines()[-15:]))
    (ctx.workdir / "host-test.log").write_text(out)
    failure = verdict(binary, out, status)
    if failure:
        raise failure


def binary_of(lab: int, name: str) -> str:
    """The binary of the test "labN host-NAME" (lab 0: the core's)."""
    return f"test_{'core' if lab == 0 else f'lab{lab}'}_{name[len('host-'):]}"


def binaries(tests: list[tuple[int, str]]) -> list[str]:
    """The host tests' binaries among these (lab, name) tests."""
    return [binary_of(lab, name) for lab, name in tests if name.startswith("host-")]


def goals(names: list[str]) -> list[str]:
    """make's targets for these binaries: none for a submission's tree (grade/pristine.py
    builds it in the sandbox)."""
    return [] if sandbox.CURRENT is not None else [f"{BUILD}/tests/{b}" for b in names]


def prebuild(names: list[str], jobs: int, built: bool = False) -> None:
    """Build the host tests' binaries a grade will run in one parallel make before they
    run (each then finds its binary made), unless the make of the stages has just built
    them (`built`); a binary that does not build is left for its own test to report
    (with make's own words: each then runs make again)."""
    PREBUILT.clear()                    # a grade before this one in the process made others
    if not names or sandbox.CURRENT is not None:
        return
    if not built:
        with MAKE_LOCK, tree_lock(ROOT / BUILD / "grade"):
            made = subprocess.run(["make", "-s", "-k", f"-j{max(1, jobs)}", "-C", str(ROOT),
                                   *goals(names)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if made.returncode != 0:
            return
    PREBUILT.update(names)


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
        points = 0 if GIVEN_CODE_ONLY in src.read_text(errors="replace") else POINTS
        test(lab=lab, name=f"host-{m.group(3)}", points=points, paths=QEMU_ONLY, timeout=TIMEOUT)(fn)

