"""rundir.py - one directory per grader run, so graders in one tree never collide.

    build/grade/run-<date>-<time>-<pid>/<test>/   serial logs, command lines, verdicts
    build/grade/latest -> run-...                 the newest run, for people
    build/grade/run-.../summary.txt               seed, replay command, every verdict
    build/grade/durations.json                    each test's last time: the next run
                                                  starts the longest first

A run boots its kernels from copies in a short temporary directory: another
grader rebuilding the stage meanwhile cannot change what this one boots, and
the path QEMU hands the kernel (the first word of its command line) is the
same short length however deep the checkout is. The build itself (`make
labN`) is serialised between graders with a lock on build/grade/.build.lock.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Iterator, Sequence

if TYPE_CHECKING:
    from grade.cli import Outcome

DURATIONS = "durations.json"
KEEP_RUNS = 10                  # older runs are removed, unless their grader still runs
RUN_RE = re.compile(r"^run-\d{8}-\d{6}-(\d+)$")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def tree_lock(parent: Path) -> Iterator[None]:
    """Only one `make` at a time in this tree, across graders (a file lock on
    build/grade/.build.lock) and across one grader's threads (each takes its
    own open file, and flock locks exclude each other then too)."""
    parent.mkdir(parents=True, exist_ok=True)
    with open(parent / ".build.lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("grade: another grader is building this tree; waiting for it",
                  file=sys.stderr, flush=True)
            fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


class RunDir:
    def __init__(self, parent: Path) -> None:
        self.parent = parent
        parent.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.path = parent / f"run-{stamp}-{os.getpid()}"
        self.path.mkdir()
        self.kernel_dir = Path(tempfile.mkdtemp(prefix="cairn-"))
        self._link_latest()
        self._prune()

    def __enter__(self) -> "RunDir":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        shutil.rmtree(self.kernel_dir, ignore_errors=True)

    def _link_latest(self) -> None:
        """Point build/grade/latest at this run; a rename replaces it atomically."""
        tmp = self.parent / f".latest-{os.getpid()}"
        tmp.unlink(missing_ok=True)
        os.symlink(self.path.name, tmp)
        os.replace(tmp, self.parent / "latest")

    def _prune(self) -> None:
        runs = sorted(p for p in self.parent.iterdir() if RUN_RE.match(p.name))
        for old in runs[:-KEEP_RUNS]:
            m = RUN_RE.match(old.name)
            if old != self.path and m and not pid_alive(int(m.group(1))):
                shutil.rmtree(old, ignore_errors=True)

    def build_lock(self) -> "contextlib.AbstractContextManager[None]":
        return tree_lock(self.parent)

    def stage_kernel(self, lab: int, built: Path) -> Path:
        """This run's copy of a stage's kernel, at a short path (or the built path
        itself when there is none yet: the test then reports BUILD FAILED)."""
        if not built.exists():
            return built
        copy = self.kernel_dir / f"lab{lab}.elf"
        shutil.copyfile(built, copy)
        return copy

    def write_summary(self, seed: int, replay: str, outcomes: Sequence["Outcome"],
                      interrupted: bool = False) -> None:
        lines = [f"seed {seed}", f"replay: {replay}"]
        if interrupted:
            lines.append("interrupted: the tests not listed did not run")
        lines += [f"{o.label}: {o.verdict}" for o in outcomes]
        (self.path / "summary.txt").write_text("\n".join(lines) + "\n")

    def durations(self) -> dict[str, float]:
        """Each test's time in the runs before (label -> seconds); only the order
        tests start in reads it, never a verdict. A missing or broken file is none."""
        try:
            known = json.loads((self.parent / DURATIONS).read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(known, dict):
            return {}
        return {k: float(v) for k, v in known.items() if isinstance(v, (int, float))}

    def save_durations(self, outcomes: Sequence["Outcome"]) -> None:
        """This run's times over the old ones (a rename: another grader reads
        either file whole)."""
        known = self.durations()
        known.update({o.label: round(o.seconds, 3) for o in outcomes})
        tmp = self.parent / f".{DURATIONS}-{os.getpid()}"
        tmp.write_text(json.dumps(known, indent=0, sort_keys=True) + "\n")
        os.replace(tmp, self.parent / DURATIONS)
