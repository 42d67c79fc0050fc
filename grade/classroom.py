"""classroom.py - grade submissions: one (--submission), or a class (--class).

    python3 -m grade --submission PATH [--lab N]... [--reference-missing] [--out DIR]
    python3 -m grade --class DIR [--lab N]... [--jobs J] [--reference-missing]
    python3 -m grade.classroom summary RESULTS.json     Markdown table (GitHub job summary)

Each submission is read (grade/submission.py), built on a pristine tree
(grade/pristine.py) and graded there by the instructor's grader in a child
process, which writes Gradescope's results.json. Its format is Gradescope's
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
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from grade import core, pristine, submission
from grade.cli import BUILD, ROOT, load_labs

OUTPUT_LINES = 30               # of each failed test's details in results.json
VERDICTS = ("OK", "WRONG OUTPUT", "NOT IMPLEMENTED", "PANIC", "EXCEPTION", "TRIPLE FAULT", "HANG",
            "FLOOD", "QEMU ERROR", "BUILD FAILED", "GRADER ERROR", "NOT RUN")
ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".zip")


@dataclass
class Graded:
    student: str
    seed: int
    doc: dict = field(default_factory=dict)                 # results.json
    lab_points: dict[int, tuple[float, float]] = field(default_factory=dict)
    error: str = ""

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


def run_grader(tree: Path, labs: list[int], seed: int, jobs: int, log: Path) -> dict[str, dict]:
    """The instructor's grader on the tree's kernels: its results by test name."""
    results = tree / "build" / "grader-results.json"
    cmd = [pristine.python(), "-m", "grade", "--no-build", "--seed", str(seed), "--jobs", str(jobs),
           "--gradescope", str(results)] + [a for n in labs for a in ("--lab", str(n))]
    env = {**pristine.CHILD_ENV, "HOME": str(tree)}
    bound = 60 + 2 * sum(t.timeout for t in planned(labs))
    pristine.hand_over(tree)
    with open(log, "ab") as out:
        # The tree's grader (the instructor's copy) in the tree: its host tests
        # build and run the submission's code, so the child is untrusted.
        proc = subprocess.Popen(cmd, cwd=tree, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=pristine.untrusted)
        try:
            proc.wait(timeout=bound)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
    try:
        return {t["name"]: t for t in json.loads(results.read_text())["tests"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}           # the tests it did not report are NOT RUN


def grade_one(path: Path, labs: list[int], seed: int, jobs: int,
              refs: pristine.Refs | None, out: Path, keep: bool = False) -> Graded:
    """Grade one submission into `out` (results.json, report.txt, logs/)."""
    start = time.monotonic()
    g = Graded(path.name.split(".")[0], seed)
    out.mkdir(parents=True, exist_ok=True)
    report = out / "report.txt"
    report.write_text(f"submission {path}\nseed {seed}\nlabs {' '.join(map(str, labs))}\n")
    notes: list[str] = []
    tree = Path(tempfile.mkdtemp(prefix="cairn-submission-"))
    os.chmod(tree, 0o711)       # the unprivileged builder may pass (pristine.untrusted)
    try:
        try:
            sub = submission.read(path)
        except (submission.SubmissionError, OSError, EOFError) as e:
            sub = None
            g.error = str(e)
        if sub is None:
            tests = [entry(t, "BUILD FAILED", f"the submission could not be read: {g.error}")
                     for t in planned(labs)]
        else:
            notes += sub.notes + [p for probs in sub.refused.values() for p in probs]
            for lab, text in sub.answers.items():
                (out / f"ANSWERS-lab{lab}.md").write_bytes(text)
            built = pristine.build(sub, tree / "cairn", max(labs), refs, jobs)
            notes += built.notes
            ok = [n for n in labs if n not in built.errors]
            results = run_grader(built.tree, ok, seed, jobs, report) if ok else {}
            tests = []
            for t in planned(labs):
                name = f"lab{t.lab} {t.name}"
                if t.lab in built.errors:
                    tests.append(entry(t, "BUILD FAILED", built.errors[t.lab]))
                elif name in results:
                    r = dict(results[name], output=trimmed(results[name]["output"]))
                    tests.append(r)
                else:
                    tests.append(entry(t, "NOT RUN", "the grader stopped before this test (see the report)"))
            logs = built.tree / "build" / "grade"
            if logs.is_dir():
                shutil.copytree(logs, out / "logs", dirs_exist_ok=True)
    finally:
        if keep:
            notes.append(f"pristine tree kept in {tree}")
        else:
            shutil.rmtree(tree, ignore_errors=True)
    for n in labs:
        mine = [t for t in tests if lab_of(t["name"]) == n]
        g.lab_points[n] = (sum(t["score"] for t in mine), sum(t["max_score"] for t in mine))
    summary = [f"lab{n}: {got:g}/{most:g} points" for n, (got, most) in g.lab_points.items()]
    if g.error:
        summary.insert(0, f"the submission could not be read: {g.error}")
    g.doc = {
        "score": sum(t["score"] for t in tests),
        "execution_time": round(time.monotonic() - start, 2),
        "output": "\n".join(summary + [""] + notes + [f"seed {seed}"]),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    (out / "results.json").write_text(json.dumps(g.doc, indent=2) + "\n")
    with open(report, "a") as f:
        f.write("\n" + g.doc["output"] + "\n")
    return g


def submissions_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if not p.name.startswith(".") and (p.is_dir() or p.name.endswith(ARCHIVES)))


def write_csv(rows: list[Graded], labs: list[int], dest: Path) -> None:
    with open(dest, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", *(f"lab{n}" for n in labs), "total", "max", *VERDICTS, "seed", "error"])
        for g in rows:
            pts = [g.lab_points.get(n, (0, 0)) for n in labs]
            counts = g.verdicts()
            w.writerow([g.student, *(f"{p[0]:g}" for p in pts), f"{sum(p[0] for p in pts):g}",
                        f"{sum(p[1] for p in pts):g}", *(counts[v] for v in VERDICTS), g.seed, g.error])


def grade_class(folder: Path, labs: list[int], args: argparse.Namespace,
                refs: pristine.Refs | None) -> int:
    subs = submissions_in(folder)
    if not subs:
        print(f"grade: {folder}: no submissions (folders or tarballs) in it", file=sys.stderr)
        return 2
    out = args.out or BUILD / "class"
    out.mkdir(parents=True, exist_ok=True)
    workers = max(1, args.jobs)
    print(f"class: {len(subs)} submissions, {workers} at a time, into {out}", flush=True)
    start = time.monotonic()
    rows: list[Graded] = []

    def one(p: Path) -> Graded:
        seed = args.seed if args.seed is not None else random.randrange(1, 1 << 31)
        name = p.name.split(".")[0]
        try:
            return grade_one(p, labs, seed, 1, refs, out / name, args.keep)
        except Exception as e:                  # one broken submission never stops the run
            return Graded(name, seed, error=f"grader error: {type(e).__name__}: {e}")

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for fut in as_completed([pool.submit(one, p) for p in subs]):
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
    write_csv(rows, labs, out / "grades.csv")
    minutes = (time.monotonic() - start) / 60
    print(f"class: wrote {out / 'grades.csv'}: {len(rows)} submissions in {minutes * 60:.0f}s "
          f"({len(rows) / minutes:.1f} per minute)")
    return 0


def main(args: argparse.Namespace) -> int:
    load_labs()
    known = sorted({t.lab for t in core.REGISTRY if t.lab > 0})
    labs = sorted(set(args.lab)) if args.lab else known
    bad = [n for n in labs if n not in known]
    if bad:
        print(f"grade: no lab {bad[0]} to grade (labs: {known})", file=sys.stderr)
        return 2
    try:
        refs = pristine.prepare(max(labs), args.reference_missing)
    except RuntimeError as e:
        print(f"grade: {e}", file=sys.stderr)
        return 2
    if not args.reference_missing:
        refs = None
    if args.klass:
        return grade_class(args.klass, labs, args, refs)
    seed = args.seed if args.seed is not None else random.randrange(1, 1 << 31)
    out = args.out or BUILD / "submission"
    g = grade_one(args.submission, labs, seed, max(1, args.jobs), refs, out, args.keep)
    if args.gradescope:
        shutil.copy(out / "results.json", args.gradescope)
    print((out / "report.txt").read_text(), end="")
    print(f"results in {out / 'results.json'}")
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
