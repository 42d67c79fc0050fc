"""classroom.py - grade submissions: one (--submission), or a class (--class).

    python3 -m grade --submission PATH [--lab N]... [--reference-missing] [--out DIR]
    python3 -m grade --class DIR [--lab N]... [--jobs J] [--reference-missing]
    python3 -m grade.classroom summary RESULTS.json     Markdown table (GitHub job summary)

Each submission is read (grade/submission.py) and built on a pristine tree
(grade/pristine.py); then the instructor's own grader, in a child process of
this one, grades that tree's kernels: every program that runs the
submission's code (QEMU, the host-test binaries) runs in the sandbox
(grade/sandbox.py), and only the grader, outside it, writes results. Scores
are taken from the grader's own test list: a test scores its points or 0.
Gradescope's results.json Its format is Gradescope's
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): top-level
score, execution_time, output, and per test name, score, max_score, status,
output and visibility ("after_published" for hidden tests). A class run writes
grades.csv and keeps each student's results.json, report.txt and failed
tests' logs under build/class/<student>/.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from grade import core, pristine, sandbox, submission
from grade.cli import BUILD, ROOT, load_labs

OUTPUT_LINES = 30               # of each failed test's details in results.json
# Every verdict a test can end with (grade/core.py's and the grader's own): a CSV column each.
VERDICTS = ("OK", "WRONG OUTPUT", "NOT IMPLEMENTED", "PANIC", "EXCEPTION", "TRIPLE FAULT", "HANG",
            "FLOOD", "FAILURE", "HOST TEST FAILED", "QEMU ERROR", "BUILD FAILED", "INTERRUPTED",
            "GRADER ERROR", "NOT RUN")
ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".zip")
REFERENCE_ENV = "CAIRN_REFERENCE_LABS"  # the child's banner and score line name them (cli.py)


@dataclass
class Graded:
    student: str
    seed: int
    doc: dict = field(default_factory=dict)                 # results.json
    lab_points: dict[int, tuple[float, float]] = field(default_factory=dict)
    error: str = ""
    reference: set[int] = field(default_factory=set)         # labs built from reference objects

    def verdicts(self) -> dict[str, int]:
        counts = {v: 0 for v in VERDICTS}
        for t in self.doc.get("tests", []):
            v = t["output"].splitlines()[0] if t["output"] else "NOT RUN"
            counts[v if v in counts else "GRADER ERROR"] += 1
        return counts


def lab_of(name: str) -> int:
    return int(name.split()[0][3:])


def trimmed(text: str, lines: int = OUTPUT_LINES) -> str:
    out = text.splitlines()
    if len(out) <= lines:
        return text
    return "\n".join(out[:lines]) + f"\n... ({len(out) - lines} more lines in the instructor's report)"


def planned(labs: list[int]) -> list[core.Test]:
    return [t for t in core.REGISTRY if t.lab in labs and "kernel" in t.paths]


def entry(t: core.Test, verdict: str, details: str) -> dict:
    return {"name": f"lab{t.lab} {t.name}", "score": 0, "max_score": t.points, "status": "failed",
            "output": trimmed(f"{verdict}\n{details}"),
            "visibility": "after_published" if t.hidden else "visible"}


def run_grader(tree: Path, labs: list[int], seed: int, jobs: int, log: Path,
               box: sandbox.Sandbox, replay: str, reference: str) -> dict[str, dict]:
    """The instructor's grader on the tree's kernels: its results by test name.
    It runs from this tree as this user (it is trusted); it writes its results
    next to the tree, where no sandboxed program can reach."""
    results = tree.parent / "grader-results.json"
    cmd = [sys.executable, "-m", "grade", "--tree", str(tree), "--no-build", "--seed", str(seed),
           "--jobs", str(jobs), "--gradescope", str(results), "--replay-as", replay] + \
        [a for n in labs for a in ("--lab", str(n))]
    env = {**pristine.CHILD_ENV, "BUILD": str(tree / "build"), REFERENCE_ENV: reference,
           "CAIRN_SANDBOX": "bubblewrap" if box.bubblewrap else "user"}
    bound = 60 + 2 * sum(t.timeout for t in planned(labs))
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            proc.wait(timeout=bound)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
    try:
        return {t["name"]: t for t in json.loads(results.read_text())["tests"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}           # the tests it did not report are NOT RUN


def scored(t: core.Test, result: dict) -> dict:
    """A test's entry from the grader's result: its points or 0, never more."""
    passed = result.get("status") == "passed"
    out = entry(t, "", "")
    out.update(score=t.points if passed else 0, status="passed" if passed else "failed",
               output=trimmed(str(result.get("output", ""))))
    return out


def replay_of(path: Path, seed: int, policy: pristine.Policy) -> str:
    """The command that grades this submission again, exactly so."""
    words = ["python3", "-m", "grade", "--submission", str(path)]
    words += [w for n in policy.graded for w in ("--lab", str(n))] + ["--seed", str(seed)]
    if policy.reference_labs == "none":
        words += ["--reference-labs", "none"]
    if policy.reference_missing:
        words.append("--reference-missing")
    return " ".join(shlex.quote(w) for w in words)


def grade_tree(sub: submission.Submission, policy: pristine.Policy, seed: int, jobs: int,
               refs: pristine.Refs, box: sandbox.Sandbox, tree: Path, out: Path,
               replay: str) -> tuple[list[dict], list[str], set[int]]:
    """Build one read submission and grade it: (tests, notes, reference labs)."""
    labs = policy.graded
    notes = sub.notes + [p for probs in sub.refused.values() for p in probs]
    for lab, text in sub.answers.items():
        (out / f"ANSWERS-lab{lab}.md").write_bytes(text)
    built = pristine.build(sub, tree / "cairn", policy, refs, box, jobs)
    notes += built.notes
    ok = [n for n in labs if n not in built.errors]
    logs = built.tree / "build" / "grade"
    shutil.rmtree(logs, ignore_errors=True)     # the grader's own, not one the build left
    reference = ", ".join(f"lab{n}" for n in sorted(built.reference))
    results = run_grader(built.tree, ok, seed, jobs, out / "report.txt", box, replay, reference) if ok else {}
    tests = []
    for t in planned(labs):
        name = f"lab{t.lab} {t.name}"
        if t.lab in built.errors:
            tests.append(entry(t, "BUILD FAILED", built.errors[t.lab]))
        elif name in results:
            tests.append(scored(t, results[name]))
        else:
            tests.append(entry(t, "NOT RUN", "the grader stopped before this test (see the report)"))
    shutil.rmtree(out / "logs", ignore_errors=True)
    report = out / "report.txt"         # its paths to logs: where they are kept, not the tree
    report.write_text(report.read_text(errors="replace").replace(str(logs), str(out / "logs")))
    if logs.is_dir():
        # A failed test's serial log, command line and verdict; not its disk images.
        shutil.copytree(logs, out / "logs", symlinks=True,
                        ignore=shutil.ignore_patterns("latest", "*.img", "*.iso", "*.elf"))
    return tests, notes, built.reference


def grade_one(path: Path, policy: pristine.Policy, seed: int, jobs: int, refs: pristine.Refs,
              box: sandbox.Sandbox, out: Path, keep: bool = False, name: str = "") -> Graded:
    """Grade one submission into `out` (results.json, report.txt, logs/)."""
    start = time.monotonic()
    labs = policy.graded
    g = Graded(name or student_name(path), seed)
    out.mkdir(parents=True, exist_ok=True)
    replay = replay_of(path, seed, policy)
    (out / "report.txt").write_text(f"submission {path}\nseed {seed}\nlabs {' '.join(map(str, labs))}\n"
                                    f"sandbox: {box.describe()}\nreplay: {replay}\n")
    notes: list[str] = []
    tree = Path(tempfile.mkdtemp(prefix="cairn-submission-"))
    os.chmod(tree, 0o711)       # the sandbox's user may pass, not list or write
    try:
        try:
            sub = submission.read(path, pristine.lab_dirs())
        except (submission.SubmissionError, OSError, EOFError) as e:
            sub, g.error = None, str(e)
        if sub is None:
            tests = [entry(t, "BUILD FAILED", f"the submission could not be read: {g.error}")
                     for t in planned(labs)]
        else:
            tests, notes, g.reference = grade_tree(sub, policy, seed, jobs, refs, box, tree, out, replay)
    finally:
        if keep:
            notes.append(f"pristine tree kept in {tree}")
        else:
            shutil.rmtree(tree, ignore_errors=True)
    write_results(g, tests, notes, out, time.monotonic() - start, box)
    return g


def visible_points(tests: list[dict], lab: int) -> str:
    """A lab's points in the tests a student sees now: the output is visible at
    once, and hidden points in it would tell a student a hidden test failed."""
    mine = [t for t in tests if lab_of(t["name"]) == lab]
    shown = [t for t in mine if t["visibility"] == "visible"]
    line = f"lab{lab}: {sum(t['score'] for t in shown):g}/{sum(t['max_score'] for t in shown):g} points"
    hidden = len(mine) - len(shown)
    return line + (f" in the visible tests (and {hidden} hidden, shown when grades are published)"
                   if hidden else "")


def write_results(g: Graded, tests: list[dict], notes: list[str], out: Path, seconds: float,
                  box: sandbox.Sandbox) -> None:
    for n in sorted({lab_of(t["name"]) for t in tests}):
        mine = [t for t in tests if lab_of(t["name"]) == n]
        g.lab_points[n] = (sum(t["score"] for t in mine), sum(t["max_score"] for t in mine))
    summary = [visible_points(tests, n) for n in g.lab_points]
    if g.reference:
        summary.append("reference objects: " + ", ".join(f"lab{n}" for n in sorted(g.reference)))
    if g.error:
        summary.insert(0, f"the submission could not be read: {g.error}")
    g.doc = {
        "score": sum(t["score"] for t in tests),
        "execution_time": round(seconds, 2),
        "output": "\n".join(summary + [""] + notes + [f"sandbox: {box.describe()}", f"seed {g.seed}"]),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    (out / "results.json").write_text(json.dumps(g.doc, indent=2) + "\n")
    with open(out / "report.txt", "a") as f:       # the instructor's: every point, hidden ones too
        f.write("\n" + g.doc["output"] + "\n"
                + "\n".join(f"lab{n}: {got:g}/{most:g} points, hidden tests included"
                            for n, (got, most) in g.lab_points.items()) + "\n")


def student_name(path: Path) -> str:
    """A submission's name: its file name without the archive's extension."""
    for ext in sorted(ARCHIVES, key=len, reverse=True):
        if path.name.endswith(ext) and path.is_file():
            return path.name[:-len(ext)]
    return path.name


def submissions_in(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """Every submission by a unique name (alice/ and alice.tar.gz: "alice" and
    "alice.tar.gz"), and every entry that is not one, with why."""
    subs: list[Path] = []
    skipped: list[str] = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith("."):
            skipped.append(f"{p.name}: skipped: a hidden file")
        elif p.is_symlink():
            skipped.append(f"{p.name}: skipped: a symbolic link")
        elif p.is_dir() or (p.is_file() and p.name.endswith(ARCHIVES)):
            subs.append(p)
        else:
            skipped.append(f"{p.name}: skipped: not a folder or an archive ({', '.join(ARCHIVES)})")
    names = [student_name(p) for p in subs]
    unique = {n if names.count(n) == 1 else p.name: p for n, p in zip(names, subs)}
    return unique, skipped


def write_csv(rows: list[Graded], labs: list[int], dest: Path) -> None:
    with open(dest, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", *(f"lab{n}" for n in labs), "total", "max", *VERDICTS, "seed",
                    "reference labs", "error"])
        for g in rows:
            pts = [g.lab_points.get(n, (0, 0)) for n in labs]
            counts = g.verdicts()
            w.writerow([g.student, *(f"{p[0]:g}" for p in pts), f"{sum(p[0] for p in pts):g}",
                        f"{sum(p[1] for p in pts):g}", *(counts[v] for v in VERDICTS), g.seed,
                        ", ".join(f"lab{n}" for n in sorted(g.reference)), g.error])


def grade_class(folder: Path, policy: pristine.Policy, args: argparse.Namespace,
                refs: pristine.Refs, box: sandbox.Sandbox) -> int:
    subs, skipped = submissions_in(folder)
    out = args.out or BUILD / "class"
    out.mkdir(parents=True, exist_ok=True)
    for line in skipped:
        print(f"class: {line}", flush=True)
    (out / "skipped.txt").write_text("".join(l + "\n" for l in skipped))
    if not subs:
        print(f"grade: {folder}: no submissions (folders or archives) in it", file=sys.stderr)
        return 2
    workers = max(1, args.jobs)
    if not box.bubblewrap and workers > 1:
        # One user runs every submission's code: two at once could touch each other's.
        print("class: one submission at a time: without bubblewrap they would share a user", flush=True)
        workers = 1
    print(f"class: {len(subs)} submissions, {workers} at a time, into {out}; sandbox: {box.describe()}",
          flush=True)
    start = time.monotonic()
    rows: list[Graded] = []

    def one(name: str, p: Path) -> Graded:
        seed = args.seed if args.seed is not None else random.randrange(1, 1 << 31)
        try:
            return grade_one(p, policy, seed, 1, refs, box, out / name, args.keep, name)
        except Exception as e:                  # one broken submission never stops the run
            return Graded(name, seed, error=f"grader error: {type(e).__name__}: {e}")

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for fut in as_completed([pool.submit(one, n, p) for n, p in subs.items()]):
            g = fut.result()
            rows.append(g)
            done, elapsed = len(rows), time.monotonic() - start
            left = elapsed / done * (len(subs) - done)
            got = sum(p[0] for p in g.lab_points.values())
            most = sum(p[1] for p in g.lab_points.values())
            print(f"class: {done}/{len(subs)} done, {g.student}: {got:g}/{most:g}"
                  f"{' (' + g.error + ')' if g.error else ''}; {elapsed:.0f}s elapsed, "
                  f"ETA {left:.0f}s", flush=True)
    rows.sort(key=lambda g: g.student)
    write_csv(rows, policy.graded, out / "grades.csv")
    minutes = (time.monotonic() - start) / 60
    print(f"class: wrote {out / 'grades.csv'}: {len(rows)} submissions in {minutes * 60:.0f}s "
          f"({len(rows) / minutes:.1f} per minute)" + (f"; skipped: {len(skipped)} (skipped.txt)"
                                                        if skipped else ""))
    return 0


def main(args: argparse.Namespace) -> int:
    load_labs()
    known = sorted({t.lab for t in core.REGISTRY if t.lab > 0})
    labs = sorted(set(args.lab)) if args.lab else known
    bad = [n for n in labs if n not in known]
    if bad:
        print(f"grade: no lab {bad[0]} to grade (labs: {known})", file=sys.stderr)
        return 2
    policy = pristine.Policy.of(labs, args.reference_labs, args.reference_missing)
    try:
        box = sandbox.choose()
        refs = pristine.prepare(max(labs), bool(policy.allowed))
    except (sandbox.SandboxUnavailable, RuntimeError) as e:
        print(f"grade: {e}", file=sys.stderr)
        return 2
    if args.klass:
        return grade_class(args.klass, policy, args, refs, box)
    seed = args.seed if args.seed is not None else random.randrange(1, 1 << 31)
    out = args.out or BUILD / "submission"
    g = grade_one(args.submission, policy, seed, max(1, args.jobs), refs, box, out, args.keep)
    if args.gradescope:
        shutil.copy(out / "results.json", args.gradescope)
    print((out / "report.txt").read_text(), end="")
    print(f"results in {args.gradescope or out / 'results.json'}")
    return 1 if g.error else 0


def markdown_summary(results: dict) -> str:
    """A Markdown table of tests and points, for $GITHUB_STEP_SUMMARY."""
    rows = ["| test | result | points |", "|---|---|---|"]
    for t in results["tests"]:
        verdict = t["output"].splitlines()[0] if t["output"] else t["status"]
        rows.append(f"| {t['name']} | {'✅' if t['status'] == 'passed' else '❌'} {verdict} "
                    f"| {t['score']:g}/{t['max_score']:g} |")
    most = sum(t["max_score"] for t in results["tests"])
    return "## Cairn grade\n\n" + "\n".join(rows) + f"\n\n**Total: {results['score']:g}/{most:g}**\n"


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "summary":
        print("usage: python3 -m grade.classroom summary RESULTS.json", file=sys.stderr)
        sys.exit(2)
    try:
        sys.stdout.write(markdown_summary(json.loads(Path(sys.argv[2]).read_text())))
    except (OSError, ValueError, KeyError) as e:
        print(f"grade.classroom: {sys.argv[2]}: {e}", file=sys.stderr)
        sys.exit(1)
