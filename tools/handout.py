#!/usr/bin/env python3
"""handout.py - the student tree, made from the reference tree.

    handout.py --out DIR [--tar FILE] [--labs 1,3]   write the handout (default: every lab stripped)
    handout.py --check DIR [--labs ...]              build it and grade it: stage 0 passes, every
                                                     test of a stripped lab says NOT IMPLEMENTED
    handout.py --strip FILE                          print one file as a student would get it
    handout.py --stats                               each lab's size: lines stripped, stubs, exercises
    handout.py --write-stats handouts/instructors.md the same table, into the document
    handout.py --out DIR --reference-objects LIST    also ship the reference labs' objects (LIST:
                                                     "N object" lines) in DIR/reference/labN/,
                                                     for make labN USE_REFERENCE=labK

The one syntax, in C, assembly (.S goes through cpp) and headers:

    /* LAB 2: BEGIN SOLUTION */
    ...reference code: removed...
    /* LAB 2: STUB
    panic("lab2: scancode ring not implemented");     <- kept, as code
    LAB 2: END SOLUTION */

The STUB part is optional (`/* LAB 2: END SOLUTION */` then ends the block).
Where a block was, the handout says `/* LAB 2: your code here */` (generated,
indented like the BEGIN marker; `# LAB 2: your code here` in Python).
In Python the markers are comments (`# LAB 2: BEGIN SOLUTION`, `# LAB 2: STUB`,
`# LAB 2: END SOLUTION`) and each stub line is written commented out: `# ` is
removed from it. Stages of later labs include the earlier labs' code, so a
stripped lab fails its own tests and every later lab's.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The handout builds and grades itself in its own build/: a BUILD or make flags
# meant for this tree must not leak into it (they would overwrite our objects).
CHILD_ENV = {k: v for k, v in os.environ.items()
             if k not in ("BUILD", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "USE_REFERENCE")}
STRIPPED_SUFFIXES = {".c", ".h", ".S", ".py"}

# Instructor-only: never shipped to students.
EXCLUDED = [
    ".ci/",
    "tools/handout.py",
    "tests/test_handout.py",
    ".use-reference",               # a choice of this checkout, not of the handout
    "handouts/instructors.md",
    "grade/tests/",
    "grade/hidden/",            # hidden tests: graded, never shown (grade/hidden/__init__.py)
    "tools/autograder/",
    "tests/submissions/",
]
# Instructor files shipped under another name.
SHIPPED_AS = {"tools/autograder/github-grade.yml": ".github/workflows/grade.yml"}
HIDDEN_FLAG = re.compile(r"\bhidden\s*=\s*True\b")
STUDENT_README = "handouts/README.student.md"

BEGIN = re.compile(r"^\s*(?:/\*|#)\s*LAB (\d+): BEGIN SOLUTION\s*(?:\*/)?\s*$")
STUB = re.compile(r"^\s*(?:/\*|#)\s*LAB (\d+): STUB\s*$")
END = re.compile(r"^\s*(?:/\*|#)?\s*LAB (\d+): END SOLUTION\s*(?:\*/)?\s*$")


class MarkerError(Exception):
    pass


@dataclass
class Block:
    lab: int
    begin: int                  # line numbers, 1-based, for messages


def uncomment_python(line: str) -> str:
    return re.sub(r"^(\s*)# ?", r"\1", line, count=1)


def your_code_here(marker_line: str, lab: int, python: bool) -> str:
    """The comment that stands where a solution was, indented like its marker:
    students look for it (README), so it is generated here and cannot drift."""
    indent = marker_line[:len(marker_line) - len(marker_line.lstrip())]
    text = f"LAB {lab}: your code here"
    return f"{indent}# {text}\n" if python else f"{indent}/* {text} */\n"


def strip_text(text: str, name: str, labs: set[int] | None) -> tuple[str, set[int]]:
    """The text with the chosen labs' solutions replaced by their stubs, and
    the labs whose markers it contains."""
    out: list[str] = []
    seen: set[int] = set()
    block: Block | None = None
    in_stub = False
    python = name.endswith(".py")
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        if block is None:
            m = BEGIN.match(line)
            if m:
                block = Block(int(m.group(1)), n)
                seen.add(block.lab)
                in_stub = False
                if labs is not None and block.lab not in labs:
                    out.append(line)
                else:
                    out.append(your_code_here(line, block.lab, python))
                continue
            if STUB.match(line) or END.match(line):
                raise MarkerError(f"{name}:{n}: marker outside a BEGIN SOLUTION block")
            out.append(line)
            continue
        stripping = labs is None or block.lab in labs
        m_stub, m_end, m_begin = STUB.match(line), END.match(line), BEGIN.match(line)
        if m_begin:
            raise MarkerError(f"{name}:{n}: BEGIN inside the block opened at line {block.begin}")
        for m in (m_stub, m_end):
            if m and int(m.group(1)) != block.lab:
                raise MarkerError(f"{name}:{n}: LAB {m.group(1)} marker closes LAB {block.lab}'s block")
        if m_stub:
            in_stub = True
            if not stripping:
                out.append(line)
        elif m_end:
            block = None
            if not stripping:
                out.append(line)
        elif not stripping:
            out.append(line)
        elif in_stub:
            out.append(uncomment_python(line) if python else line)
    if block is not None:
        raise MarkerError(f"{name}:{block.begin}: LAB {block.lab} block is never closed")
    return "".join(out), seen


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--cached", "--others",
                          "--exclude-standard"], check=True, capture_output=True, text=True)
    return sorted(set(out.stdout.split()))


def excluded(path: str) -> bool:
    return any(path == e or (e.endswith("/") and path.startswith(e)) for e in EXCLUDED)


def write_handout(out: Path, labs: set[int] | None) -> dict[int, int]:
    """Writes the tree; returns how many solution blocks each lab lost."""
    if out.exists():
        shutil.rmtree(out)
    counts: dict[int, int] = {}
    for rel in tracked_files():
        src = ROOT / rel
        if excluded(rel) or not src.is_file():
            continue
        dst = out / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix in STRIPPED_SUFFIXES:
            text = src.read_text()
            stripped, seen = strip_text(text, rel, labs)
            for lab in seen:
                if labs is None or lab in labs:
                    counts[lab] = counts.get(lab, 0) + text.count(f"LAB {lab}: BEGIN SOLUTION")
            if rel.startswith("grade/labs/") and HIDDEN_FLAG.search(stripped):
                raise MarkerError(f"{rel}: a hidden=True test would ship to students; "
                                  "move it to grade/hidden/")
            dst.write_text(stripped)
            shutil.copymode(src, dst)
        else:
            shutil.copy2(src, dst)
    for src_rel, dst_rel in SHIPPED_AS.items():
        if (ROOT / src_rel).is_file():
            (out / dst_rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / src_rel, out / dst_rel)
    readme = ROOT / STUDENT_README
    if readme.exists():
        shutil.copy(readme, out / "README.md")
    return counts


@dataclass
class LabSize:
    lines: int = 0              # solution lines a student writes (markers and stubs not counted)
    stubs: int = 0              # solution blocks, each replaced by a "your code here" stub
    exercises: int = 0          # numbered items of the handout's "Your work" section


WORK_HEADING = re.compile(r"^## \d+\. (Your work|Exercises)")
STATS_BEGIN = "<!-- handout.py --stats: begin (generated; make handout-stats) -->"
STATS_END = "<!-- handout.py --stats: end -->"


def lab_sizes() -> dict[int, LabSize]:
    """What each lab asks of a student, counted from the markers and the handouts."""
    sizes: dict[int, LabSize] = {}
    for rel in tracked_files():
        src = ROOT / rel
        if excluded(rel) or src.suffix not in STRIPPED_SUFFIXES or not src.is_file():
            continue
        lab, in_stub = None, False
        for line in src.read_text().splitlines():
            if lab is None:
                m = BEGIN.match(line)
                if m:
                    lab, in_stub = int(m.group(1)), False
                    sizes.setdefault(lab, LabSize()).stubs += 1
            elif STUB.match(line):
                in_stub = True
            elif END.match(line):
                lab = None
            elif not in_stub and line.strip():
                sizes[lab].lines += 1
    for lab, size in sizes.items():
        doc = ROOT / "handouts" / f"lab{lab}.md"
        in_work = False
        for line in doc.read_text().splitlines() if doc.exists() else []:
            if line.startswith("## "):
                in_work = bool(WORK_HEADING.match(line))
            elif in_work and re.match(r"^\d+\. ", line):
                size.exercises += 1
    return dict(sorted(sizes.items()))


def stats_table() -> str:
    rows = ["| lab | lines stripped | stubs | exercises |", "|---:|---:|---:|---:|"]
    rows += [f"| {lab} | {s.lines} | {s.stubs} | {s.exercises} |" for lab, s in lab_sizes().items()]
    return "\n".join(rows) + "\n"


def write_stats(doc: Path) -> bool:
    """Puts the table between the markers in doc; True if it changed."""
    text = doc.read_text()
    start, end = text.find(STATS_BEGIN), text.find(STATS_END)
    if start < 0 or end < start:
        raise MarkerError(f"{doc}: no '{STATS_BEGIN}' ... '{STATS_END}' block for the table")
    new = text[:start] + STATS_BEGIN + "\n" + stats_table() + text[end:]
    if new != text:
        doc.write_text(new)
    return new != text


def copy_reference_objects(manifest: Path, out: Path) -> int:
    """The reference build's objects of every lab, listed by the Makefile as
    "N path" lines, into out/reference/labN/; "N path host" lines (built for
    the host tests) into out/reference/labN/host/."""
    copied = 0
    for line in manifest.read_text().splitlines():
        if not line.strip():
            continue
        lab, obj, *host = line.split()
        dest = out / "reference" / f"lab{lab}" / ("host" if host else "")
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / obj, dest / Path(obj).name)
        copied += 1
    return copied


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=CHILD_ENV)


def graded(results: Path) -> list[dict]:
    return json.loads(results.read_text())["tests"] if results.exists() else []


def check_reference_objects(tree: Path) -> list[tuple[bool, str]]:
    """With every lab taken from the reference objects, the handout passes everything."""
    labs = sorted(p.name for p in (tree / "reference").iterdir())
    use = "USE_REFERENCE=" + ",".join(labs)
    build = run(["make", "-s", "all", use], tree)
    if build.returncode != 0:
        return [(False, f"the handout builds with {use}:\n{build.stderr[-2000:]}")]
    results = tree / "build" / "reference-results.json"
    # USE_REFERENCE in the environment: the grader's makes (host tests) take it too.
    env = {**CHILD_ENV, "USE_REFERENCE": ",".join(labs)}
    subprocess.run([sys.executable, "-m", "grade", "--no-build", "--gradescope", str(results)],
                   cwd=tree, capture_output=True, text=True, env=env)
    tests = graded(results)
    if not tests:
        return [(False, f"the handout's grader ran with {use}")]
    return [(t["status"] == "passed", f"{t['name']}: passes with {use}") for t in tests]


def is_host_test(t: dict) -> bool:
    return t["name"].split()[1].startswith("host-")


def stub_verdicts(tests: list[dict], lab: int, where: str) -> list[tuple[bool, str]]:
    """Every test of the lab fails with NOT IMPLEMENTED, at one of the lab's own
    stubs; a host test of code the lab gives (no stub in it) may pass instead."""
    checks = []
    for t in tests:
        lines = t["output"].splitlines()
        verdict = lines[0] if lines else t["status"]
        own = any(f"lab{lab}:" in l for l in lines[1:3])
        ok = (t["status"] == "failed" and verdict == "NOT IMPLEMENTED" and own) \
            or (is_host_test(t) and t["status"] == "passed")
        checks.append((ok, f"{where}: {t['name']}: NOT IMPLEMENTED at a lab{lab} stub "
                           f"(got: {' / '.join(lines[:2]) or t['status']})"))
    return checks


def copy_tree(tree: Path, dest: Path) -> None:
    """The handout with its build/ (the stubs already compiled), mtimes kept so
    that make rebuilds only what the copy changes."""
    shutil.rmtree(dest, ignore_errors=True)
    def skip(folder: str, names: list[str]) -> set[str]:
        if Path(folder) == tree / "build":
            return {"grade"} | {n for n in names if n.endswith("-results.json")}
        return {".use-reference"} if Path(folder) == tree else set()
    shutil.copytree(tree, dest, symlinks=True, ignore=skip)


def check_lab_on_reference(copy: Path, lab: int) -> list[tuple[bool, str]]:
    """A student starting lab N with labs 1..N-1 from reference objects, as
    README.md says: `make use-reference`, then `make grade-labN` and the Bochs grade."""
    names = [f"lab{n}" for n in range(1, lab)]
    banner = "reference objects: " + ", ".join(names)
    where = f"lab {lab} on {', '.join(names)}"
    use = run(["make", "use-reference", "LABS=" + ",".join(names)], copy)
    if use.returncode != 0:
        return [(False, f"{where}: make use-reference:\n{use.stderr[-1000:]}")]
    checks = []
    for what, cmd in (
            (f"make grade-lab{lab}", ["make", "-s", f"grade-lab{lab}",
                                      f"GRADEFLAGS=--jobs 1 --gradescope {copy}/build/kernel.json"]),
            (f"python3 -m grade --lab {lab} --boot bochs",
             [sys.executable, "-m", "grade", "--lab", str(lab), "--boot", "bochs", "--jobs", "1",
              "--gradescope", f"{copy}/build/bochs.json"])):
        out = run(cmd, copy)
        checks.append((banner in out.stdout, f"{where}: `{what}` prints '{banner}'"))
        result = copy / "build" / ("kernel.json" if "make" in what else "bochs.json")
        checks.append((result.exists(), f"{where}: `{what}` ran and wrote its results"))
        checks += stub_verdicts(graded(result), lab, f"{where}, {what}")
    shutil.rmtree(copy, ignore_errors=True)
    return checks


# Known-bad changes to the reference solution that the grade must catch: (lab,
# file, what, the correct text, the bad text). The hlt race of handouts/lab3.md:
# the executor looks at its queue with interrupts still on, then sleeps.
MUTATIONS = [
    (3, "labs/lab3-executor/executor.c", "the ready queue checked before cli (the hlt race)",
     "    plat_irq_disable();\n    if (ready_head) {\n        plat_irq_enable();\n        return;\n    }\n",
     "    if (ready_head)\n        return;\n    plat_irq_disable();\n"),
    # Lab 8: every segment mapped writable, read-only text too; rotext must then not be killed.
    (8, "labs/lab8-user/load.c", "every segment mapped writable (text too)",
     "    uint32_t flags = PTE_U | (s->writable ? PTE_W : 0);\n",
     "    uint32_t flags = PTE_U | PTE_W;\n"),
]


def check_mutation(copy: Path, mutation: tuple[int, str, str, str, str]) -> list[tuple[bool, str]]:
    """The handout with lab N's reference source put back and broken on purpose,
    labs 1..N-1 from reference objects: `make grade-labN` must lose points."""
    lab, rel, what, good, bad = mutation
    lab_dir = (ROOT / rel).parent.relative_to(ROOT)
    for src in (ROOT / lab_dir).iterdir():
        if src.is_file():
            shutil.copy(src, copy / lab_dir / src.name)
    text = (ROOT / rel).read_text()
    if good not in text:
        return [(False, f"mutation '{what}': {rel} no longer has the text it changes "
                        f"(update MUTATIONS in tools/handout.py)")]
    (copy / rel).write_text(text.replace(good, bad, 1))
    names = ",".join(f"lab{n}" for n in range(1, lab))
    run(["make", "use-reference", "LABS=" + names], copy)
    out = run(["make", "-s", f"grade-lab{lab}", "GRADEFLAGS=--jobs 1"], copy)
    score = re.search(rf"^lab{lab}: (\d+)/(\d+) points$", out.stdout, re.M)
    lost = bool(score) and int(score.group(1)) < int(score.group(2))
    shutil.rmtree(copy, ignore_errors=True)
    return [(lost and out.returncode != 0,
             f"mutation '{what}': make grade-lab{lab} loses points "
             f"(got: {score.group(0) if score else out.stdout[-500:] + out.stderr[-500:]})")]


def all_labs(tree: Path) -> list[int]:
    return sorted(int(p.stem[3:]) for p in (tree / "grade" / "labs").glob("lab*.py"))


def labs_on_reference(tree: Path, stripped: set[int] | None) -> list[int]:
    """The stripped labs N >= 2 whose labs 1..N-1 the handout has reference objects of."""
    ref = tree / "reference"
    have = {int(p.name[3:]) for p in ref.iterdir()} if ref.is_dir() else set()
    return [n for n in all_labs(tree)
            if n >= 2 and set(range(1, n)) <= have and (stripped is None or n in stripped)]


def check_on_reference(tree: Path, stripped: set[int] | None) -> list[tuple[bool, str]]:
    """Every lab N >= 2 on reference labs 1..N-1, the mutations, and every lab
    from reference objects; in parallel. The copies are taken first (with the
    stubs' build), since the last check relinks the tree itself."""
    work = tree.parent / (tree.name + "-check")
    have = {int(p.name[3:]) for p in (tree / "reference").iterdir()}
    labs = labs_on_reference(tree, stripped)
    mutations = [m for m in MUTATIONS if set(range(1, m[0])) <= have]
    copies = {n: work / f"lab{n}" for n in labs} | {-m[0]: work / f"mutant-lab{m[0]}" for m in mutations}
    for copy in copies.values():
        copy_tree(tree, copy)
    checks: list[tuple[bool, str]] = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        jobs = [pool.submit(check_reference_objects, tree)]
        jobs += [pool.submit(check_lab_on_reference, copies[n], n) for n in labs]
        jobs += [pool.submit(check_mutation, copies[-m[0]], m) for m in mutations]
        for job in jobs:
            checks += job.result()
    shutil.rmtree(work, ignore_errors=True)
    return checks


def check_handout(tree: Path, stripped: set[int] | None) -> int:
    """Build every stage of the handout and grade it. Returns failed checks."""
    checks: list[tuple[bool, str]] = []
    start = time.monotonic()
    build = run(["make", "-s", "all"], tree)
    checks.append((build.returncode == 0,
                   "every stage of the handout compiles with -Werror"
                   + ("" if build.returncode == 0 else ":\n" + build.stderr[-2000:])))
    results = tree / "build" / "handout-results.json"
    # A lab graded below on reference labs 1..N-1 (which checks its NOT
    # IMPLEMENTED more closely) is not graded here.
    later = labs_on_reference(tree, stripped)
    only = [w for n in all_labs(tree) if n not in later for w in ("--lab", str(n))]
    run([sys.executable, "-m", "grade", "--no-build", "--gradescope", str(results)] + only, tree)
    tests = graded(results)
    if not tests:
        checks.append((False, "the handout's grader ran and wrote its results"))
    first_stripped = min(stripped) if stripped else 1
    for t in tests:
        lab = int(t["name"].split()[0][3:])
        if lab < first_stripped:
            checks.append((t["status"] == "passed", f"{t['name']}: passes (not stripped)"))
        else:
            lines = t["output"].splitlines()
            verdict = lines[0] if lines else ""
            ok = (t["status"] == "failed" and verdict == "NOT IMPLEMENTED") \
                or (is_host_test(t) and t["status"] == "passed")
            checks.append((ok, f"{t['name']}: fails with NOT IMPLEMENTED (got: {verdict or t['status']})"))
    print(f"handout: built and graded as handed out ({time.monotonic() - start:.0f}s)", flush=True)
    if (tree / "reference").is_dir():
        checks += check_on_reference(tree, stripped)
        print(f"handout: on reference objects ({time.monotonic() - start:.0f}s)", flush=True)
    failed = 0
    for ok, what in checks:
        if not ok:
            failed += 1
            print(f"  FAIL {what}")
    print(f"handout: {len(checks) - failed} passed, {failed} failed")
    return failed


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path)
    p.add_argument("--tar", type=Path)
    p.add_argument("--check", type=Path)
    p.add_argument("--strip", type=Path)
    p.add_argument("--labs", help="comma-separated labs to strip (default: all)")
    p.add_argument("--reference-objects", type=Path, metavar="LIST",
                   help="copy the reference build's lab objects into the handout")
    p.add_argument("--stats", action="store_true",
                   help="print each lab's size: solution lines stripped, stubs, exercises")
    p.add_argument("--write-stats", type=Path, metavar="DOC",
                   help="put the --stats table into DOC between its stats markers")
    a = p.parse_args(argv)
    labs = {int(x) for x in a.labs.split(",")} if a.labs else None
    try:
        if a.stats:
            sys.stdout.write(stats_table())
            return 0
        if a.write_stats:
            changed = write_stats(a.write_stats)
            print(f"handout: {a.write_stats} {'updated' if changed else 'already current'}")
            return 0
        if a.strip:
            sys.stdout.write(strip_text(a.strip.read_text(), str(a.strip), labs)[0])
            return 0
        if a.out:
            counts = write_handout(a.out, labs)
            summary = ", ".join(f"lab{k}: {v}" for k, v in sorted(counts.items()))
            print(f"handout: wrote {a.out} (solution blocks removed: {summary or 'none'})")
            if a.reference_objects:
                n = copy_reference_objects(a.reference_objects, a.out)
                print(f"handout: {n} reference objects in {a.out / 'reference'}")
            if a.tar:
                with tarfile.open(a.tar, "w:gz") as tar:
                    tar.add(a.out, arcname="cairn")
                print(f"handout: wrote {a.tar}")
        if a.check:
            return 1 if check_handout(a.check.resolve(), labs) else 0
    except MarkerError as e:
        print(f"handout: {e}", file=sys.stderr)
        return 1
    if not (a.strip or a.out or a.check):
        p.print_help()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
