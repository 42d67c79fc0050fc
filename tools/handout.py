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
    handout.py ... --reference-objects LIST --upto N only labs 1..N-1's objects: the handout of
                                                     the week lab N is due (make handout UPTO=N)
    handout.py --write-rooms handouts/README.student.md   its table of labs, from labs/ and handouts/

DIR becomes a git repository with one commit (a fixed author, the kit's
HEAD date) holding the whole tree: the student README says "commit".

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
import functools
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
# GIT_DIR and the like would point git at this tree's repository, not the handout's.
CHILD_ENV = {k: v for k, v in os.environ.items()
             if k not in ("BUILD", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "USE_REFERENCE")
             and not k.startswith("GIT_")}
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


class HandoutError(MarkerError):
    """A handout that cannot be made as asked (not a marker's fault): main() reports it the same way."""


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


@functools.lru_cache(maxsize=None)
def hidden_tests() -> tuple[str, ...]:
    """Each hidden test's label, "labN NAME" (grade/hidden/labN.py registers them)."""
    out = []
    for f in sorted((ROOT / "grade" / "hidden").glob("lab*.py")):
        lab = f.stem[3:]
        out += [f"lab{lab} {name}" for name in re.findall(r'\bname="([^"]+)"', f.read_text())]
    return tuple(out)


def without_hidden_names(text: str) -> str:
    """A shipped document less its lines that name a hidden test (benchmarks.md
    times every test): a student must not learn the hidden tests' names."""
    labels = hidden_tests()
    return "".join(l for l in text.splitlines(keepends=True) if not any(x in l for x in labels))


def hidden_name_leaks(tree: Path) -> list[str]:
    """Where a file of the student's tree names a hidden test, as its label or as
    its name in backquotes."""
    words = [w for label in hidden_tests() for w in (label, f"`{label.split(' ', 1)[1]}`")]
    out = []
    for f in sorted(tree.rglob("*")):
        if f.is_file() and ".git" not in f.parts and f.suffix in (".md", ".c", ".h", ".py", ".S"):
            text = f.read_text(errors="replace")
            out += [f"{f.relative_to(tree)}: {w}" for w in words if w in text]
    return out


def excluded(path: str) -> bool:
    return any(path == e or (e.endswith("/") and path.startswith(e)) for e in EXCLUDED)


def write_handout(out: Path, labs: set[int] | None, upto: int | None = None) -> dict[int, int]:
    """Writes the tree (upto: the lab its workflow grades up to); returns how
    many solution blocks each lab lost."""
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
        elif src.suffix == ".md":
            dst.write_text(without_hidden_names(src.read_text()))
            shutil.copymode(src, dst)
        else:
            shutil.copy2(src, dst)
    leaks = hidden_name_leaks(out)
    if leaks:
        raise MarkerError("a hidden test is named in the student's tree: " + "; ".join(leaks[:5]))
    for src_rel, dst_rel in SHIPPED_AS.items():
        if (ROOT / src_rel).is_file():
            (out / dst_rel).parent.mkdir(parents=True, exist_ok=True)
            text = (ROOT / src_rel).read_text()
            (out / dst_rel).write_text(workflow_for(text, upto) if dst_rel == WORKFLOW else text)
    if (ROOT / STUDENT_README).exists():
        (out / "README.md").write_text(student_readme())
    return counts


WORKFLOW = ".github/workflows/grade.yml"
GRADE_LABS = '      GRADE_LABS: ""'


def workflow_for(text: str, upto: int | None) -> str:
    """The shipped workflow. A week-N handout's grades labs 0..N only: later
    labs are stubs not yet due, and would keep every student's job red."""
    if upto is None:
        return text
    if GRADE_LABS not in text.splitlines():
        raise HandoutError(f"tools/autograder/github-grade.yml has no line '{GRADE_LABS.strip()}' "
                           "for make handout UPTO=N to fill in")
    labs = " ".join(f"--lab {n}" for n in range(0, upto + 1))
    return text.replace(GRADE_LABS, f'      GRADE_LABS: "{labs}"', 1)


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


ROOMS_BEGIN = "<!-- handout.py --write-rooms: begin (generated from labs/ and handouts/; make handout-stats) -->"
ROOMS_END = "<!-- handout.py --write-rooms: end -->"
LAB_TITLE = re.compile(r"^# Lab (\d+) — (.+)$")


def lab_dirs(tree: Path = ROOT) -> dict[int, Path]:
    """Every lab of the tree by number: labs/labN-NAME/ with a lab.mk, as GNUmakefile.labs finds them."""
    found: dict[int, Path] = {}
    for mk in tree.glob("labs/lab*-*/lab.mk"):
        m = re.fullmatch(r"lab(\d+)-.+", mk.parent.name)
        if m:
            found[int(m.group(1))] = mk.parent
    return dict(sorted(found.items()))


def lab_title(tree: Path, lab: int, folder: Path) -> str:
    """The handout's title up to its first colon ("Interrupts", "ATA PIO"), else the directory's name."""
    doc = tree / "handouts" / f"lab{lab}.md"
    lines = doc.read_text().splitlines() if doc.is_file() else []
    m = LAB_TITLE.match(lines[0]) if lines else None
    return m.group(2).split(":")[0].strip() if m else folder.name.split("-", 1)[1]


def rooms_table(tree: Path = ROOT) -> str:
    """The student README's table of labs, from the labs that exist: it cannot go stale."""
    rows = ["| lab | your directory | handout |", "|---|---|---|"]
    for lab, folder in lab_dirs(tree).items():
        doc = f"handouts/lab{lab}.md"
        shown = f"`{doc}`" if (tree / doc).is_file() else "(none yet)"
        rows.append(f"| {lab} {lab_title(tree, lab, folder)} | `labs/{folder.name}/` | {shown} |")
    return "\n".join(rows) + "\n"


def replace_block(doc: Path, text: str, begin: str, end: str, body: str) -> str:
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise MarkerError(f"{doc}: no '{begin}' ... '{end}' block for the table")
    return text[:start] + begin + "\n" + body + text[stop:]


def write_block(doc: Path, begin: str, end: str, body: str) -> bool:
    """Puts body between the markers in doc; True if it changed."""
    text = doc.read_text()
    new = replace_block(doc, text, begin, end, body)
    if new != text:
        doc.write_text(new)
    return new != text


def write_stats(doc: Path) -> bool:
    return write_block(doc, STATS_BEGIN, STATS_END, stats_table())


def write_rooms(doc: Path) -> bool:
    return write_block(doc, ROOMS_BEGIN, ROOMS_END, rooms_table())


def student_readme() -> str:
    """README.student.md as shipped: its table of labs made afresh, without the
    markers (they name a make target of the kit, not of the handout)."""
    doc = ROOT / STUDENT_README
    text = replace_block(doc, doc.read_text(), ROOMS_BEGIN, ROOMS_END, rooms_table())
    return "".join(l for l in text.splitlines(keepends=True) if l.strip() not in (ROOMS_BEGIN, ROOMS_END))


def copy_reference_objects(manifest: Path, out: Path, upto: int | None = None) -> list[int]:
    """The reference build's objects of every lab, listed by the Makefile as
    "N path" lines, into out/reference/labN/; "N path host" lines (built for
    the host tests) into out/reference/labN/host/. With upto, labs 1..upto-1
    only: a student in the week of lab N must not take lab N (or a later one)
    from the reference. Returns the labs shipped."""
    shipped: set[int] = set()
    for line in manifest.read_text().splitlines():
        if not line.strip():
            continue
        lab, obj, *host = line.split()
        if upto is not None and int(lab) >= upto:
            continue
        dest = out / "reference" / f"lab{lab}" / ("host" if host else "")
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / obj, dest / Path(obj).name)
        shipped.add(int(lab))
    return sorted(shipped)


HANDOUT_AUTHOR = ("Cairn handout", "handout@cairn.invalid")


def git_env() -> dict[str, str]:
    """git for the handout's repository. None of the instructor's configuration:
    a global ignore file that names *.o would leave reference/ out, a hook or
    commit signing would change or stop the commit. A fixed author, and the
    kit's HEAD date: the same tree always makes the same commit."""
    head = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%cI"],
                          capture_output=True, text=True, env=CHILD_ENV)
    date = head.stdout.strip() or "2026-01-01T00:00:00+00:00"
    name, email = HANDOUT_AUTHOR
    return {**CHILD_ENV, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": date}


def git(tree: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """git in tree; its output, or a HandoutError that says what failed."""
    try:
        proc = subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True,
                              env=env or git_env())
    except FileNotFoundError:
        raise HandoutError("git is not installed (apt-get install git): "
                           "the handout is a git repository") from None
    if proc.returncode != 0:
        raise HandoutError(f"git {' '.join(args)} in {tree}: {proc.stderr.strip()}")
    return proc.stdout


def make_repository(out: Path, message: str) -> str:
    """out as a git repository whose one commit is the whole tree, reference/
    and .github/ included; returns the commit's id."""
    env = git_env()
    git(out, "init", "-q", "-b", "main", env=env)
    git(out, "add", "-A", env=env)
    git(out, "commit", "-q", "--no-verify", "-m", message, env=env)
    # Nothing left out: the handout's own .gitignore must not hide a shipped file.
    left = git(out, "status", "--porcelain", "--ignored", env=env)
    if left:
        raise HandoutError(f"{out}: the first commit leaves files out:\n{left}")
    return git(out, "rev-parse", "HEAD", env=env).strip()


def commit_message(labs: set[int] | None, reference: list[int] | None) -> str:
    stripped = "every lab" if labs is None else ", ".join(f"lab{n}" for n in sorted(labs))
    ref = ("; reference objects of " + (", ".join(f"lab{n}" for n in reference) or "no lab")
           if reference is not None else "")
    return (f"Cairn handout: {stripped} stripped{ref}\n\n"
            "Made by `make handout`. Your work goes in the commits after this one.\n")


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


def given_code_pass(t: dict) -> bool:
    """A host test that passes on the stubs tests only given code: it must say so
    (grade/hosttests.py's GIVEN_CODE_ONLY) and so earn no points, or a student
    would score for work not done."""
    return is_host_test(t) and t["status"] == "passed" and t.get("max_score") == 0


def stub_verdicts(tests: list[dict], lab: int, where: str) -> list[tuple[bool, str]]:
    """Every test of the lab fails with NOT IMPLEMENTED, at one of the lab's own
    stubs; a host test of code the lab gives (no stub in it) may pass instead,
    if it earns no points (given_code_pass)."""
    checks = []
    for t in tests:
        lines = t["output"].splitlines()
        verdict = lines[0] if lines else t["status"]
        own = any(f"lab{lab}:" in l for l in lines[1:3])
        ok = (t["status"] == "failed" and verdict == "NOT IMPLEMENTED" and own) \
            or given_code_pass(t)
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
    grades = [(f"make grade-lab{lab}", ["make", "-s", f"grade-lab{lab}",
                                        f"GRADEFLAGS=--jobs 1 --gradescope {copy}/build/kernel.json"])]
    bochs = [sys.executable, "-m", "grade", "--lab", str(lab), "--boot", "bochs", "--jobs", "1"]
    if "\n0 tests," in "\n" + run([*bochs, "--list"], copy).stdout:
        # No test of this lab boots in Bochs (lab 2's keys and lab 10's network need QEMU):
        # the grade must say so and fail, not print 0/0 and pass.
        out = run(bochs, copy)
        said = out.returncode == 2 and "nothing to grade" in out.stderr
        checks.append((said, f"{where}: `python3 -m grade --lab {lab} --boot bochs` says there is "
                             "nothing to grade (exit 2)"
                             + ("" if said else f": exit {out.returncode}, {out.stderr.strip()!r}")))
    else:
        grades.append((f"python3 -m grade --lab {lab} --boot bochs",
                       [*bochs, "--gradescope", f"{copy}/build/bochs.json"]))
    for what, cmd in grades:
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
     "    intr_disable();\n    if (ready_head) {\n        intr_enable();\n        return;\n    }\n",
     "    if (ready_head)\n        return;\n    intr_disable();\n"),
    # Lab 8: every segment mapped writable, read-only text too; rotext must then not be killed.
    (8, "labs/lab8-user/load.c", "every segment mapped writable (text too)",
     "    uint32_t flags = PTE_U | (s->writable ? PTE_W : 0);\n",
     "    uint32_t flags = PTE_U | PTE_W;\n"),
    # Lab 9: fork shares every page as it is, writable ones writable in both: no copy-on-write.
    (9, "labs/lab9-proc/cow.c", "fork's pages shared writable (no copy-on-write)",
     "            if (table[i] & (PTE_W | PTE_COW)) {         /* the parent too: see above */\n"
     "                table[i] = (table[i] & ~PTE_W) | PTE_COW;\n"
     "                tlb_invalidate(va);\n"
     "            }\n",
     ""),
    # Lab 10: acceptable() compares sequence numbers as plain numbers, not modulo 2^32.
    (10, "labs/lab10-net/tcprecv.c", "a sequence compare in acceptable() that does not wrap",
     "    if (seq_gt(s->seq, c->rcv_nxt)) {\n",
     "    if (s->seq > c->rcv_nxt) {\n"),
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
    """The labs with tests: grade/labs/labN.py (labNlinux.py and the like add to lab N)."""
    found = (re.fullmatch(r"lab(\d+)", p.stem) for p in (tree / "grade" / "labs").glob("lab*.py"))
    return sorted(int(m.group(1)) for m in found if m)


def labs_on_reference(tree: Path, stripped: set[int] | None) -> list[int]:
    """The stripped labs N >= 2 whose labs 1..N-1 the handout has reference objects of."""
    ref = tree / "reference"
    have = {int(p.name[3:]) for p in ref.iterdir()} if ref.is_dir() else set()
    return [n for n in all_labs(tree)
            if n >= 2 and set(range(1, n)) <= have and (stripped is None or n in stripped)]


def workflow_steps(tree: Path) -> tuple[dict[str, str], list[dict]]:
    """The shipped workflow's job environment and steps (PyYAML: tools/deps.sh installs it)."""
    import yaml
    doc = yaml.safe_load((tree / WORKFLOW).read_text())
    job = next(iter(doc["jobs"].values()))
    return {k: str(v) for k, v in (job.get("env") or {}).items()}, job["steps"]


def run_workflow(tree: Path, summary: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every run: step of tree's workflow, as GitHub runs it, by step name; the
    package install is only its stamp, and --jobs 1 joins GRADE_LABS (the
    machine that runs this check is shared)."""
    job_env, steps = workflow_steps(tree)
    env = {**CHILD_ENV, **job_env, "GITHUB_STEP_SUMMARY": str(summary)}
    env["GRADE_LABS"] = (env.get("GRADE_LABS", "") + " --jobs 1").strip()
    done: dict[str, subprocess.CompletedProcess[str]] = {}
    for step in steps:
        if "run" not in step:
            continue
        if "apt-get" in step["run"]:
            (tree / "build").mkdir(exist_ok=True)
            (tree / "build" / ".deps-ok").touch()   # what the install step ends with
            continue
        done[step.get("name", step["run"])] = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=tree, env=env,
            capture_output=True, text=True)
    return done


def student_commits_lab(week: Path, work: Path, lab: int) -> list[tuple[bool, str]]:
    """A student clones the week's handout, asks for lab N from the reference
    (refused), takes labs 1..N-1 from it, writes lab N (the kit's solution) and
    commits; the CI's fresh clone of that commit is work/ci."""
    names = [f"lab{n}" for n in range(1, lab)]
    student = work / "student"
    me = {**CHILD_ENV, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
          "GIT_AUTHOR_NAME": "Student", "GIT_AUTHOR_EMAIL": "student@cairn.invalid",
          "GIT_COMMITTER_NAME": "Student", "GIT_COMMITTER_EMAIL": "student@cairn.invalid"}
    git(work, "clone", "-q", str(week), "student", env=me)
    refused = run(["make", "use-reference", f"LABS=lab{lab}"], student)
    checks = [(refused.returncode != 0 and f"has none for lab{lab}" in refused.stderr,
               f"week {lab}: make use-reference LABS=lab{lab} is refused and says why "
               f"(got: {refused.stderr.strip()[-300:]})")]
    use = run(["make", "use-reference", "LABS=" + ",".join(names)], student)
    checks.append((use.returncode == 0, f"week {lab}: make use-reference LABS={','.join(names)}"
                                        + ("" if use.returncode == 0 else ": " + use.stderr[-500:])))
    solution = lab_dirs()[lab]
    shutil.copytree(solution, student / "labs" / solution.name, dirs_exist_ok=True)
    git(student, "add", "-A", env=me)
    git(student, "commit", "-q", "-m", f"lab {lab}", env=me)
    tracked = git(student, "ls-files", ".use-reference", env=me).strip()
    checks.append((tracked == ".use-reference", f"week {lab}: .use-reference is committed"))
    git(work, "clone", "-q", str(student), "ci", env=me)
    return checks


def check_week(week: Path) -> list[tuple[bool, str]]:
    """The week-N handout (UPTO=N): the objects of labs 1..N-1 only, its
    repository, and README.student.md's promise, for real: the workflow, in a
    fresh clone of the student's commit, grades what the student tested."""
    have = sorted(int(p.name[3:]) for p in (week / "reference").glob("lab*"))
    lab = max(have, default=0) + 1
    names = ", ".join(f"lab{n}" for n in range(1, lab))
    checks = check_repository(week)
    checks.append((have == list(range(1, lab)) and lab in lab_dirs(),
                   f"week handout: reference objects of labs 1..N-1 only (got: {have})"))
    wanted = " ".join(f"--lab {n}" for n in range(0, lab + 1))
    checks.append((workflow_steps(week)[0].get("GRADE_LABS") == wanted,
                   f"week {lab}: the workflow grades {wanted}"))
    work = week.parent / (week.name + "-check")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        checks += student_commits_lab(week, work, lab)
    except HandoutError as e:
        return checks + [(False, f"week {lab}: the student's clone and commit: {e}")]
    steps = run_workflow(work / "ci", work / "step-summary")
    out = steps.get("grade")
    stdout = out.stdout if out else ""
    score = re.search(rf"^lab{lab}: (\d+)/(\d+) points$", stdout, re.M)
    checks += [
        (out is not None and out.returncode == 0 and bool(score) and score.group(1) == score.group(2),
         f"week {lab}: the workflow's grade of the CI clone passes, lab {lab} in full "
         f"(got: {score.group(0) if score else stdout[-800:] + (out.stderr[-800:] if out else '')})"),
        (f"reference objects: {names}" in stdout,
         f"week {lab}: the workflow's grade says 'reference objects: {names}'"),
        (all(p.returncode == 0 for p in steps.values()), f"week {lab}: every workflow step succeeds"),
    ]
    summary = (work / "step-summary").read_text() if (work / "step-summary").exists() else ""
    checks.append((f"Reference objects: {names.replace(' ', '')}" in summary,
                   f"week {lab}: the job summary names the reference labs"))
    shutil.rmtree(work, ignore_errors=True)
    return checks


def check_repository(tree: Path) -> list[tuple[bool, str]]:
    """The handout is a git repository: one commit by the handout's author,
    holding every file of the tree, and nothing changed or left out."""
    env = {**CHILD_ENV, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    try:
        log = git(tree, "log", "--format=%an <%ae>", env=env).splitlines()
        status = git(tree, "status", "--porcelain", "--ignored", env=env)
        tracked = set(git(tree, "ls-files", env=env).splitlines())
    except HandoutError as e:
        return [(False, f"{tree.name} is a git repository: {e}")]
    # build/ is the one thing the handout ignores: a check run again finds its last build there.
    status = "".join(l for l in status.splitlines(keepends=True) if l != "!! build/\n")
    on_disk = {str(f.relative_to(tree)) for f in tree.rglob("*")
               if f.is_file() and f.relative_to(tree).parts[0] not in (".git", "build")}
    author = f"{HANDOUT_AUTHOR[0]} <{HANDOUT_AUTHOR[1]}>"
    ships_reference = (tree / "reference").is_dir()
    return [(log == [author], f"{tree.name}: one commit, by {author} (got: {log})"),
            (status == "", f"{tree.name}: git status is clean, nothing ignored (got: {status[:500]!r})"),
            (tracked == on_disk, f"{tree.name}: the commit holds every file of the tree "
                                 f"(not committed: {sorted(on_disk - tracked)[:5]})"),
            (WORKFLOW in tracked and any(f.startswith("reference/") for f in tracked) == ships_reference,
             f"{tree.name}: the commit holds {WORKFLOW}, and reference/ when it ships")]


def check_on_reference(tree: Path, stripped: set[int] | None,
                       week: Path | None = None) -> list[tuple[bool, str]]:
    """Every lab N >= 2 on reference labs 1..N-1, the mutations, and every lab
    from reference objects; in parallel, with the week handout's check. The
    copies are taken first (with the stubs' build), since the last check
    relinks the tree itself."""
    work = tree.parent / (tree.name + "-check")
    have = {int(p.name[3:]) for p in (tree / "reference").iterdir()}
    labs = labs_on_reference(tree, stripped)
    mutations = [m for m in MUTATIONS if set(range(1, m[0])) <= have]
    copies = {n: work / f"lab{n}" for n in labs} | {-m[0]: work / f"mutant-lab{m[0]}" for m in mutations}
    for copy in copies.values():
        copy_tree(tree, copy)
    checks: list[tuple[bool, str]] = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        jobs = [pool.submit(check_week, week)] if week else []   # the longest: it goes first
        jobs += [pool.submit(check_reference_objects, tree)]
        jobs += [pool.submit(check_lab_on_reference, copies[n], n) for n in labs]
        jobs += [pool.submit(check_mutation, copies[-m[0]], m) for m in mutations]
        for job in jobs:
            checks += job.result()
    shutil.rmtree(work, ignore_errors=True)
    return checks


def check_handout(tree: Path, stripped: set[int] | None, week: Path | None = None) -> int:
    """Build every stage of the handout and grade it; check week (a handout
    made with --upto) as a student uses it. Returns failed checks."""
    checks = check_repository(tree)             # before the checks build in it
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
            ok = (t["status"] == "failed" and verdict == "NOT IMPLEMENTED") or given_code_pass(t)
            checks.append((ok, f"{t['name']}: fails with NOT IMPLEMENTED (got: {verdict or t['status']})"))
    print(f"handout: built and graded as handed out ({time.monotonic() - start:.0f}s)", flush=True)
    if (tree / "reference").is_dir():
        checks += check_on_reference(tree, stripped, week)
        print(f"handout: on reference objects{' and the week handout' if week else ''} "
              f"({time.monotonic() - start:.0f}s)", flush=True)
    elif week:
        checks += check_week(week)
    failed = 0
    for ok, what in checks:
        if not ok:
            failed += 1
            print(f"  FAIL {what}")
    print(f"handout: {len(checks) - failed} passed, {failed} failed")
    return failed


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path)
    p.add_argument("--tar", type=Path)
    p.add_argument("--check", type=Path)
    p.add_argument("--check-week", type=Path, metavar="DIR",
                   help="with --check: also check DIR, a handout made with --upto")
    p.add_argument("--strip", type=Path)
    p.add_argument("--labs", help="comma-separated labs to strip (default: all)")
    p.add_argument("--reference-objects", type=Path, metavar="LIST",
                   help="copy the reference build's lab objects into the handout")
    p.add_argument("--upto", type=int, metavar="N",
                   help="with --reference-objects: only labs 1..N-1's (the week lab N is due)")
    p.add_argument("--stats", action="store_true",
                   help="print each lab's size: solution lines stripped, stubs, exercises")
    p.add_argument("--write-stats", type=Path, metavar="DOC",
                   help="put the --stats table into DOC between its stats markers")
    p.add_argument("--write-rooms", type=Path, metavar="DOC",
                   help="put the table of labs into DOC (the student README) between its markers")
    a = p.parse_args(argv)
    if a.upto is not None and a.upto not in lab_dirs():
        p.error(f"--upto {a.upto}: not a lab; labs: {', '.join(map(str, lab_dirs()))}")
    if a.upto is not None and not a.reference_objects:
        # Without reference objects every handout strips every lab: UPTO would change nothing.
        p.error("--upto N (make handout UPTO=N) chooses which reference objects ship: "
                "it needs --reference-objects (make handout REFERENCE_OBJECTS=1 UPTO=N)")
    return a


def make_handout(a: argparse.Namespace, labs: set[int] | None) -> None:
    """--out: the tree, its reference objects, its repository, its tarball."""
    counts = write_handout(a.out, labs, a.upto)
    summary = ", ".join(f"lab{k}: {v}" for k, v in sorted(counts.items()))
    print(f"handout: wrote {a.out} (solution blocks removed: {summary or 'none'})")
    shipped = None
    if a.reference_objects:
        shipped = copy_reference_objects(a.reference_objects, a.out, a.upto)
        names = ", ".join(f"lab{n}" for n in shipped) or "none"
        print(f"handout: reference objects of {names} in {a.out / 'reference'}")
    commit = make_repository(a.out, commit_message(labs, shipped))
    print(f"handout: {a.out} is a git repository: one commit, {commit[:12]} "
          f"({HANDOUT_AUTHOR[0]} <{HANDOUT_AUTHOR[1]}>)")
    if a.tar:
        with tarfile.open(a.tar, "w:gz") as tar:
            tar.add(a.out, arcname="cairn")         # .git too: students unpack a repository
        print(f"handout: wrote {a.tar}")


def main(argv: list[str]) -> int:
    a = parse_args(argv)
    labs = {int(x) for x in a.labs.split(",")} if a.labs else None
    try:
        if a.stats:
            sys.stdout.write(stats_table())
            return 0
        for doc, write in ((a.write_stats, write_stats), (a.write_rooms, write_rooms)):
            if doc:
                print(f"handout: {doc} {'updated' if write(doc) else 'already current'}")
        if a.write_stats or a.write_rooms:
            return 0
        if a.strip:
            sys.stdout.write(strip_text(a.strip.read_text(), str(a.strip), labs)[0])
            return 0
        if a.out:
            make_handout(a, labs)
        if a.check:
            week = a.check_week.resolve() if a.check_week else None
            return 1 if check_handout(a.check.resolve(), labs, week) else 0
    except MarkerError as e:
        print(f"handout: {e}", file=sys.stderr)
        return 1
    if not (a.strip or a.out or a.check):
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
