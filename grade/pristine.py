"""pristine.py - build a submission on a fresh copy of the instructor's tree, in a sandbox.

    python3 -m grade --submission PATH [--lab N]... [--reference-labs allowed|none]
                     [--reference-missing] [--out DIR]

The tree is made from the instructor's build inputs (Makefile, boot/, kernel/,
labs/, user/, tools/, tests/'s host-test sources and the one grader file the
build reads, grade/drives.py) with every lab's solutions stripped as in the
handout; the student's checked lab sources (grade/submission.py) are laid over
it. The grader, its hidden tests and expected logs are not in it. Every step
that runs the submission's code runs in grade/sandbox.py's sandbox, with the
tree as its only writable directory, under one time limit and a limit on the
size of every file: the stages 1..N, the graded labs' host-test binaries, and
what a stage's tests boot (lab 8's program volume).

Where each lab comes from (plan()): a graded lab is always the student's own
sources (the handout's stubs when not submitted, or identical to the handout);
a lab below it that its stage needs may come from the instructor's reference
objects when the instructor allows it (--reference-labs, default: every lab
not graded), because the submission's committed .use-reference asks for it, or
because it is missing or does not build and --reference-missing is given.
Every report names those labs.
"""
from __future__ import annotations

import fcntl
import functools
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from grade.cli import BUILD, ROOT
from grade.core import make_failure
from grade.sandbox import FILE_BYTES, Sandbox
from grade.submission import Submission

TREE_INPUTS = ("Makefile", "GNUmakefile.labs", "boot", "kernel", "labs", "user", "tools", "tests",
               "handouts")       # public: a host test may quote a handout (lab 7's messages)
# The grader's only files the build reads (progs.mk takes the disk geometry from drives.py,
# which imports core.py, and it expect.py and keyboard.py): none holds a test or an
# expected log.
GRADER_BUILD_FILES = ("grade/__init__.py", "grade/drives.py", "grade/core.py", "grade/expect.py",
                      "grade/keyboard.py")
# tests/ gives only the host tests' sources (its Python checks and test submissions stay out).
NOT_COPIED = {"tests": ("__pycache__", "submissions", "bochs", "*.py")}
# From the instructor's build: the core's objects and generated sources, which
# no student file feeds (their .d files say what would make them stale).
SEEDED_BUILD = (".deps-ok", "obj/boot", "obj/kernel", "obj/build", "gen")
# What a stage's tests need besides its kernel: make targets (grade/labs/lab8.py boots progs.img,
# grade/labs/lab9.py lab9.img).
STAGE_ARTEFACTS = {8: ("progs-img",), 9: ("lab9-img",)}
BUILD_SECONDS = 240.0           # every step of one submission together
BUILD_TREE_BYTES = 512 << 20    # everything the build wrote
BUILD_LOG_BYTES = 64 << 10      # compiler output kept for the report
HOST_TESTS_LOG = "host-tests.log"   # under build/: why a host test did not build
REFERENCE_FILE = ".use-reference"   # GNUmakefile.labs: the labs linked from reference objects
# The grader's environment less what would change what a make builds.
CHILD_ENV = {k: v for k, v in os.environ.items()
             if k not in ("BUILD", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "USE_REFERENCE", "CAIRN_SANDBOX")}


_HANDOUT_LOCK = threading.Lock()


def handout_module() -> ModuleType:
    """tools/handout.py, the one home of the solution-marker syntax. --class grades
    students on threads: the lock keeps a second thread from taking the module
    half-loaded."""
    with _HANDOUT_LOCK:
        if "cairn_handout" not in sys.modules:
            spec = importlib.util.spec_from_file_location("cairn_handout", ROOT / "tools" / "handout.py")
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            sys.modules["cairn_handout"] = module     # as import does: dataclasses look here
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules["cairn_handout"]
                raise
        return sys.modules["cairn_handout"]


def lab_dirs() -> dict[int, str]:
    out = {}
    for d in sorted((ROOT / "labs").glob("lab*-*")):
        out[int(d.name.split("-")[0][3:])] = d.name
    return out


@functools.lru_cache(maxsize=None)
def stripped_lab(lab: int) -> dict[str, bytes]:
    """Lab `lab`'s sources as the handout has them (relative name -> text), made
    once per grader (copy_tree and every plan_lab read them; never changed)."""
    handout = handout_module()
    base = ROOT / "labs" / lab_dirs()[lab]
    out = {}
    for f in sorted(base.rglob("*")):
        if f.suffix in (".c", ".h", ".S") and f.is_file():
            out[str(f.relative_to(base))] = handout.strip_text(f.read_text(), str(f), None)[0].encode()
    return out


def copy_tree(dest: Path) -> None:
    """The build inputs, lab solutions stripped; the core keeps its timestamps."""
    for name in TREE_INPUTS:
        src = ROOT / name
        if src.is_file():
            shutil.copy2(src, dest / name)
        elif src.is_dir():
            skip = NOT_COPIED.get(name, ("__pycache__",))
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(*skip))
    for name in GRADER_BUILD_FILES:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    for lab, name in lab_dirs().items():
        for rel, text in stripped_lab(lab).items():
            (dest / "labs" / name / rel).write_bytes(text)
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


def tree_bytes(path: Path) -> int:
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file())


def run_make(box: Sandbox, tree: Path, targets: list[str], seconds: float, jobs: int,
             keep_going: bool = False) -> tuple[bool, str]:
    """(built, what went wrong) for one make in the tree, in the sandbox, bounded."""
    log = tree / "build" / "make.log"
    cmd = ["make", "-s", *(["-k"] if keep_going else []), "-j", str(jobs), "-C", str(tree), *targets]
    with open(log, "wb") as out:
        proc = box.popen(cmd, tree, writable=[tree], stdin=subprocess.DEVNULL, stdout=out,
                         stderr=subprocess.STDOUT)
        try:
            status = proc.wait(timeout=max(1.0, seconds))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return False, f"the build took longer than its limit ({BUILD_SECONDS:.0f}s for every step)"
    with open(log, "rb") as f:
        text = f.read(BUILD_LOG_BYTES).decode("utf-8", "replace")
    if tree_bytes(tree / "build") > BUILD_TREE_BYTES:
        return False, f"the build wrote more than {BUILD_TREE_BYTES >> 20} MiB"
    if status in (-signal.SIGXFSZ, 128 + signal.SIGXFSZ) or "File size limit" in text:
        return False, f"the build wrote a file larger than {FILE_BYTES >> 20} MiB"
    return status == 0, "" if status == 0 else make_failure(text)


@dataclass
class Built:
    """What the build of a submission gave: per stage, the kernel or why not."""
    tree: Path
    errors: dict[int, str] = field(default_factory=dict)        # stage -> why it did not build
    reference: set[int] = field(default_factory=set)            # labs taken from the reference
    notes: list[str] = field(default_factory=list)


@dataclass
class Policy:
    """What the instructor allows: which labs may come from reference objects."""
    graded: list[int]
    allowed: set[int]                   # never a graded lab
    reference_missing: bool = False
    reference_labs: str = "allowed"     # as given: allowed or none

    @staticmethod
    def of(graded: list[int], reference_labs: str, reference_missing: bool) -> "Policy":
        below = set(range(1, max(graded) + 1)) - set(graded)
        return Policy(sorted(graded), below if reference_labs == "allowed" else set(), reference_missing,
                      reference_labs)


def submitted(sub: Submission, lab: int) -> bool:
    """The lab is in the submission and is not the handout's own stubs, byte for byte."""
    handout = stripped_lab(lab)
    return any(handout.get(name) != data for name, data in sub.labs.get(lab, {}).items())


def plan_lab(sub: Submission, lab: int, policy: Policy) -> tuple[str, str]:
    """Where lab `lab` comes from first: ("student" | "stubs" | "reference", why)."""
    asked = lab in sub.use_reference
    mine = submitted(sub, lab)
    missing = "not submitted" if lab not in sub.labs else "identical to the handout"
    if lab in policy.graded:
        why = f"lab {lab}: .use-reference names it, but it is graded here: its own sources are graded; " \
            if asked else f"lab {lab}: "
        return ("student", why) if mine else ("stubs", why + f"{missing}: the handout's stubs are built")
    if asked and lab in policy.allowed:
        return "reference", "the submission's .use-reference asks for it"
    why = f"lab {lab}: .use-reference names it, but this grade allows no reference objects for it; " \
        if asked else f"lab {lab}: "
    if not mine and policy.reference_missing and lab in policy.allowed:
        return "reference", f"{missing} (--reference-missing)"
    if lab in sub.refused and policy.reference_missing and lab in policy.allowed:
        return "reference", "refused (" + "; ".join(sub.refused[lab]) + ") (--reference-missing)"
    return ("student", why) if mine else ("stubs", why + f"{missing}: the handout's stubs are built")


def take_reference(tree: Path, lab: int, refs: Refs, b: Built, why: str) -> None:
    for obj, host in refs.get(lab, []):
        dest = tree / "reference" / f"lab{lab}" / ("host" if host else "")
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(obj, dest / obj.name)
    b.reference.add(lab)
    (tree / REFERENCE_FILE).write_text(",".join(f"lab{n}" for n in sorted(b.reference)) + "\n")
    b.notes.append(f"lab {lab}: reference objects: {why}")


def lay_sources(sub: Submission, tree: Path, lab: int) -> None:
    base = tree / "labs" / lab_dirs()[lab]
    for name, data in sub.labs[lab].items():
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_bytes(data)


def build(sub: Submission, tree: Path, policy: Policy, refs: Refs, box: Sandbox, jobs: int) -> Built:
    """Stages 1..max(graded) of the submission in a fresh tree at `tree`, each
    lab from where plan_lab() says, then the graded labs' host tests."""
    tree.mkdir(parents=True)
    copy_tree(tree)
    # Once: what the grader lays in later (sources, reference objects) the build only reads.
    box.grant(tree)
    b = Built(tree)
    deadline = time.monotonic() + BUILD_SECONDS
    upto = max(policy.graded)
    for lab in range(1, upto + 1):
        source, why = plan_lab(sub, lab, policy)
        if source == "reference":
            take_reference(tree, lab, refs, b, why)
        else:
            if why.strip() != f"lab {lab}:":
                b.notes.append(why.rstrip("; "))
            if lab in sub.refused:
                b.errors[lab] = "REFUSED: " + "\n".join(sub.refused[lab])
                break
            if source == "student":
                lay_sources(sub, tree, lab)
        targets = [f"build/lab{lab}/kernel.elf", *STAGE_ARTEFACTS.get(lab, ())]
        ok, err = run_make(box, tree, targets, deadline - time.monotonic(), jobs)
        fallback = policy.reference_missing and lab in policy.allowed and lab not in b.reference
        if not ok and fallback and "longer than" not in err:
            take_reference(tree, lab, refs, b, "does not build (" + err.splitlines()[0] + ") "
                           "(--reference-missing)")
            ok, err = run_make(box, tree, targets, deadline - time.monotonic(), jobs)
        if ok and source == "student":
            read = outside_reads(tree, lab)
            if read:
                b.errors[lab] = "REFUSED: " + read
                break
        if not ok:
            b.errors[lab] = err
            break
    for later in range(1, upto + 1):        # a stage needs every lab below it
        if later not in b.errors and any(n < later for n in b.errors):
            first = min(b.errors)
            b.errors[later] = f"stage {first} did not build:\n" + b.errors[first]
    build_host_tests(box, tree, [n for n in policy.graded if n not in b.errors], deadline, jobs)
    return b


def outside_reads(tree: Path, lab: int) -> str:
    """What the compiler read for lab `lab` that is neither in the tree nor the
    compiler's own (its dependency files, written in the sandbox); '' if nothing."""
    bad = []
    for dep in sorted((tree / "build" / "obj" / "labs" / lab_dirs()[lab]).glob("*.d")):
        text = dep.read_text(errors="replace").replace("\\\n", " ")
        for word in text.split():
            path = word.rstrip(":")
            if not path or path.endswith(".o"):
                continue
            full = Path(os.path.normpath(tree / path))
            if not (full.is_relative_to(tree) or full.is_relative_to("/usr/lib/gcc")):
                bad.append(f"{dep.stem}: {path}")
    return "" if not bad else "the compiler read files outside the tree: " + ", ".join(bad[:5])


def build_host_tests(box: Sandbox, tree: Path, labs: list[int], deadline: float, jobs: int) -> None:
    """The graded labs' host-test binaries (grade/hosttests.py runs them); make -k:
    one that does not build fails alone, and build/host-tests.log says why."""
    bins = [f"build/tests/{src.stem}" for n in labs for src in sorted((tree / "tests").glob(f"test_lab{n}_*.c"))]
    if not bins:
        return
    ok, err = run_make(box, tree, bins, deadline - time.monotonic(), jobs, keep_going=True)
    log = tree / "build" / "make.log"
    (tree / "build" / HOST_TESTS_LOG).write_bytes(log.read_bytes()[:BUILD_LOG_BYTES] if log.exists() else b"")
