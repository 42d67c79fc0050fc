"""pristine.py - grade a submission on a fresh copy of the instructor's tree.

    python3 -m grade --submission PATH [--lab N]... [--reference-missing] [--out DIR]

The tree is built from the instructor's build inputs (Makefile, boot/, kernel/,
labs/, user/, tools/) with every lab's solutions stripped as in the handout;
the student's checked lab sources (grade/submission.py) are laid over it, and
nothing else they sent is used. The grader that runs is the instructor's, on
the kernels built there. Stages are built one by one, 1 to N, each under a
time limit and a limit on the size of every file it writes; a lab that was
not submitted, was refused, or does not build is taken from the reference
objects with --reference-missing (and the report says so). The core objects
come from the instructor's build, so a submission compiles only its labs.
"""
from __future__ import annotations

import fcntl
import importlib.util
import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from grade.cli import BUILD, ROOT
from grade.submission import Submission

TREE_INPUTS = ("Makefile", "GNUmakefile.labs", "boot", "kernel", "labs", "user", "tools", "grade", "tests")
# From the instructor's build: the core's objects and generated sources, which
# no student file feeds (their .d files say what would make them stale).
SEEDED_BUILD = (".deps-ok", "obj/boot", "obj/kernel", "obj/build", "gen")
BUILD_SECONDS = 180.0           # every stage of one submission together
BUILD_FILE_BYTES = 64 << 20     # any one file the build writes (RLIMIT_FSIZE)
BUILD_TREE_BYTES = 256 << 20    # everything the build wrote
BUILD_LOG_BYTES = 64 << 10      # compiler output kept for the report
UNPRIVILEGED = "nobody"         # runs the submission's build and tests when we are root
REFERENCE_FILE = ".use-reference"   # GNUmakefile.labs: the labs linked from reference objects
CHILD_ENV = {k: v for k, v in os.environ.items()
             if k not in ("BUILD", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "USE_REFERENCE")}


def handout_module() -> ModuleType:
    """tools/handout.py, the one home of the solution-marker syntax."""
    if "cairn_handout" not in sys.modules:
        spec = importlib.util.spec_from_file_location("cairn_handout", ROOT / "tools" / "handout.py")
        assert spec and spec.loader
        sys.modules["cairn_handout"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["cairn_handout"])
    return sys.modules["cairn_handout"]


def lab_dirs() -> dict[int, str]:
    out = {}
    for d in sorted((ROOT / "labs").glob("lab*-*")):
        out[int(d.name.split("-")[0][3:])] = d.name
    return out


def copy_tree(dest: Path) -> None:
    """The build inputs, lab solutions stripped; the core keeps its timestamps."""
    handout = handout_module()
    for name in TREE_INPUTS:
        src = ROOT / name
        if src.is_file():
            shutil.copy2(src, dest / name)
        elif src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "submissions"))
    for f in (dest / "labs").rglob("*"):
        if f.suffix in (".c", ".h", ".S"):
            f.write_text(handout.strip_text(f.read_text(), str(f), None)[0])
    for part in SEEDED_BUILD:
        src = BUILD / part
        if src.is_file():
            (dest / "build").mkdir(exist_ok=True)
            shutil.copy2(src, dest / "build" / part)
        elif src.is_dir():
            shutil.copytree(src, dest / "build" / part, symlinks=False)
    for stage in BUILD.glob("lab*/stage.[od]"):
        (dest / "build" / stage.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy2(stage, dest / "build" / stage.parent.name / stage.name)


Refs = dict[int, list[tuple[Path, bool]]]      # lab -> (object, built for the host tests)


def prepare(upto: int, reference: bool) -> Refs:
    """Build the instructor's stages 1..upto (the core objects every tree starts
    from), once before any submission; with `reference`, also the labs' objects
    built for the host tests. Returns each lab's reference objects."""
    listing = BUILD / "reference-objects.txt"
    build = os.path.relpath(BUILD, ROOT)
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / ".prepare.lock", "w") as lock:      # two graders at once: one make
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.run(["make", "-s", "-C", str(ROOT), f"BUILD={build}",
                               f"{build}/lab{upto}/kernel.elf", f"{build}/reference-objects.txt"],
                              capture_output=True, text=True)
        listing_text = listing.read_text() if listing.exists() else ""
        lines = [l.split() for l in listing_text.splitlines() if l.strip()]
        host = [l[1] for l in lines if len(l) > 2]
        if proc.returncode == 0 and reference and host:
            proc = subprocess.run(["make", "-s", "-C", str(ROOT), f"BUILD={build}", *host],
                                  capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"the instructor's tree does not build:\n{proc.stdout}{proc.stderr}")
    out: Refs = {}
    for lab, obj, *is_host in lines:
        out.setdefault(int(lab), []).append((ROOT / obj, bool(is_host)))
    return out


def untrusted() -> None:
    """In the child that builds or runs a submission's code (the host tests run
    it natively): bounded files, no core dumps, and, when the grader runs as root
    (Gradescope's container), the unprivileged user, so that the student's code
    can change neither the grader nor /autograder/results."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (BUILD_FILE_BYTES, BUILD_FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if os.geteuid() == 0:
        who = pwd.getpwnam(UNPRIVILEGED)
        os.setgroups([])
        os.setgid(who.pw_gid)
        os.setuid(who.pw_uid)


def python() -> str:
    """The Python the untrusted child can run: ours may live in root's home."""
    if os.geteuid() != 0:
        return sys.executable
    return shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin") or sys.executable


def hand_over(path: Path) -> None:
    """Give the tree to the user untrusted() runs as (nothing to do unless root)."""
    if os.geteuid() != 0:
        return
    who = pwd.getpwnam(UNPRIVILEGED)
    for p in [path, *path.rglob("*")]:
        os.lchown(p, who.pw_uid, who.pw_gid)


def tree_bytes(path: Path) -> int:
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file())


def run_make(tree: Path, target: str, seconds: float, jobs: int) -> tuple[bool, str]:
    """(built, what went wrong) for one make in the tree, bounded."""
    log = tree / "build" / "make.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["make", "-s", "-j", str(jobs), "-C", str(tree), target]
    hand_over(tree)
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                env={**CHILD_ENV, "HOME": str(tree)}, start_new_session=True,
                                preexec_fn=untrusted)
        try:
            status = proc.wait(timeout=max(1.0, seconds))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return False, f"the build took longer than its limit ({BUILD_SECONDS:.0f}s for all stages)"
    with open(log, "rb") as f:
        text = f.read(BUILD_LOG_BYTES).decode("utf-8", "replace")
    if tree_bytes(tree / "build") > BUILD_TREE_BYTES:
        return False, f"the build wrote more than {BUILD_TREE_BYTES >> 20} MiB"
    if status == -signal.SIGXFSZ or status == 128 + signal.SIGXFSZ or "File size limit" in text:
        return False, f"the build wrote a file larger than {BUILD_FILE_BYTES >> 20} MiB"
    if status != 0:
        lines = text.splitlines()
        first = next((l for l in lines if "error" in l.lower()), lines[-1] if lines else "make failed")
        return False, first + "\n" + "\n".join("    " + l for l in lines[:20])
    return True, ""


@dataclass
class Built:
    """What the build of a submission gave: per stage, the kernel or why not."""
    tree: Path
    errors: dict[int, str] = field(default_factory=dict)        # stage -> why it did not build
    reference: set[int] = field(default_factory=set)            # labs taken from the reference
    notes: list[str] = field(default_factory=list)


def build(sub: Submission, tree: Path, upto: int, refs: Refs | None, jobs: int) -> Built:
    """Stages 1..upto of the submission in a fresh tree at `tree`; with `refs`
    (prepare()'s), a lab missing or not building is taken from the reference."""
    tree.mkdir(parents=True)
    copy_tree(tree)
    dirs = lab_dirs()
    b = Built(tree)
    reference_missing = refs is not None
    deadline = time.monotonic() + BUILD_SECONDS

    def use_reference(lab: int, why: str) -> None:
        for obj, host in (refs or {}).get(lab, []):
            dest = tree / "reference" / f"lab{lab}" / ("host" if host else "")
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy(obj, dest / obj.name)
        b.reference.add(lab)
        (tree / REFERENCE_FILE).write_text(",".join(f"lab{n}" for n in sorted(b.reference)) + "\n")
        b.notes.append(f"lab {lab}: {why}: graded with the reference objects (--reference-missing)")

    for lab in range(1, upto + 1):
        refused = sub.refused.get(lab)
        if lab not in sub.labs:
            if reference_missing:
                use_reference(lab, "not submitted")
            else:
                b.notes.append(f"lab {lab}: not submitted: the handout's stubs are built")
        elif refused and reference_missing:
            use_reference(lab, "refused (" + "; ".join(refused) + ")")
        elif refused:
            b.errors[lab] = "REFUSED: " + "\n".join(refused)
            break
        else:
            for name, data in sub.labs[lab].items():
                (tree / "labs" / dirs[lab] / name).write_bytes(data)
        ok, why = run_make(tree, f"build/lab{lab}/kernel.elf", deadline - time.monotonic(), jobs)
        if not ok and reference_missing and lab not in b.reference and "longer than" not in why:
            use_reference(lab, "does not build (" + why.splitlines()[0] + ")")
            ok, why = run_make(tree, f"build/lab{lab}/kernel.elf", deadline - time.monotonic(), jobs)
        if not ok:
            b.errors[lab] = why
            break
    for later in range(1, upto + 1):        # a stage needs every lab below it
        if later not in b.errors and any(n < later for n in b.errors):
            first = min(b.errors)
            b.errors[later] = f"stage {first} did not build:\n" + b.errors[first]
    return b

