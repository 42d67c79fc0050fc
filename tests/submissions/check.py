#!/usr/bin/env python3
"""check.py - make test's proof that grading trusts nothing but a submission's lab sources.

1. Gradescope: `make autograder` zips (LAB=N for every lab, and LAB=2
   REFERENCE_MISSING=1) are extracted into a temporary AUTOGRADER_ROOT, their
   reference build seeded from this tree's (setup.sh builds it on Gradescope),
   and the real run_autograder (which runs --submission) grades each test
   submission (tests/submissions/make.py): a week-N student for every lab N >= 2
   (reference labs 1..N-1 by a committed .use-reference, lab N solved: full
   marks, the reference labs named), and hostile ones, each held to its honest
   score: a host test that writes full marks into the results and the grader,
   signals every process it can and prints the hidden tests (in bubblewrap, and
   as a separate user only: CAIRN_SANDBOX=user), include tricks, a duplicate lab
   folder. Every results.json is checked field by field against Gradescope's
   specification (https://gradescope-autograders.readthedocs.io/en/latest/specs/,
   "Output format") and for the score its real code deserves.
2. `python3 -m grade --class` over one name thrice (folder, tarball, zip), the
   handout, a broken archive and a stray file; and --class --lab N over each
   week-N student.
3. GitHub Actions: the handout's .github/workflows/grade.yml parsed with PyYAML
   (Debian's python3-yaml), its structure checked, its run: commands run in a
   copy of the handout (all but the package install), the job summary checked;
   the handout's --list has every visible test and no hidden one. And for every
   week N >= 2, its commands grade the week-N student in a handout with
   reference objects: full marks, the reference labs named (weeks.py).

Prints one line per check and ends with "N passed, N failed".
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from grade import core  # noqa: E402
from grade.cli import load_labs  # noqa: E402
import make as submissions  # noqa: E402
import weeks  # noqa: E402

BUILD = ROOT / "build"
ENV = {k: v for k, v in os.environ.items() if k not in ("BUILD", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
# Gradescope's results.json keys (the specification's "Output format").
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format",
            "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output",
             "output_format", "tags", "visibility", "extra_data"}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
STATUS = {"passed", "failed"}
Expect = Callable[[dict, Path], list[str]]     # results.json, the autograder root


def number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def spec_problems(doc: dict, labs: list[int]) -> list[str]:
    """Everything in a results.json that Gradescope's specification does not allow,
    or that does not add up; and tests missing or with the wrong visibility."""
    out = [f"unknown top-level key {k!r}" for k in doc if k not in TOP_KEYS]
    for key, ok in (("score", number), ("execution_time", number), ("output", lambda v: isinstance(v, str)),
                    ("tests", lambda v: isinstance(v, list))):
        if not ok(doc.get(key)):
            out.append(f"top-level {key!r} missing or of the wrong type: {doc.get(key)!r}")
    if doc.get("visibility", "visible") not in VISIBILITY:
        out.append(f"top-level visibility {doc['visibility']!r}")
    tests = doc.get("tests") or []
    for t in tests:
        name = t.get("name")
        out += [f"{name}: unknown key {k!r}" for k in t if k not in TEST_KEYS]
        if not isinstance(name, str) or not name:
            out.append(f"a test without a name: {t}")
        if not (number(t.get("score")) and number(t.get("max_score")) and 0 <= t["score"] <= t["max_score"]):
            out.append(f"{name}: score {t.get('score')!r} of max_score {t.get('max_score')!r}")
        if t.get("status") not in STATUS:
            out.append(f"{name}: status {t.get('status')!r}")
        # A test worth nothing (of given code only) passes or fails at 0 of 0.
        elif t.get("max_score") and (t["status"] == "passed") != (t.get("score") == t.get("max_score")):
            out.append(f"{name}: status {t['status']} with {t.get('score')}/{t.get('max_score')}")
        if not isinstance(t.get("output"), str):
            out.append(f"{name}: output {t.get('output')!r}")
        if t.get("visibility") not in VISIBILITY:
            out.append(f"{name}: visibility {t.get('visibility')!r}")
    if tests and number(doc.get("score")) and abs(doc["score"] - sum(t.get("score", 0) for t in tests)) > 1e-9:
        out.append(f"score {doc['score']} is not the sum of the tests' scores")
    want = {f"lab{t.lab} {t.name}": t for t in core.REGISTRY if t.lab in labs and "kernel" in t.paths}
    got = {t.get("name"): t for t in tests}
    out += [f"test {n!r} missing" for n in want if n not in got]
    out += [f"test {n!r} not expected" for n in got if n not in want]
    for n, t in want.items():
        vis = "after_published" if t.hidden else "visible"
        if n in got and got[n].get("visibility") != vis:
            out.append(f"{n}: visibility {got[n].get('visibility')!r}, expected {vis!r}")
    return out


def verdict(t: dict) -> str:
    return t["output"].splitlines()[0] if t["output"] else ""


def verdicts(expected: dict[str, str], others: str = "OK", mentions: tuple[str, ...] = ()) -> Expect:
    """Each test's first output line: `expected` by test name, `others` for the rest;
    and texts the top-level output must mention."""
    def check(doc: dict, root: Path) -> list[str]:
        out = []
        for t in doc["tests"]:
            want = expected.get(t["name"].split(" ", 1)[1], others)
            if verdict(t) != want:      # with the test's own words: a rare failure says why
                said = "\n".join("      " + line for line in t["output"].splitlines()[:20])
                out.append(f"{t['name']}: {verdict(t)!r}, expected {want!r}\n{said}")
        out += [f"output does not mention {m!r}: {doc['output']!r}" for m in mentions
                if m not in doc["output"] and not any(m in t["output"] for t in doc["tests"])]
        return out
    return check


@dataclass
class Case:
    submission: str
    assignment: str             # a zip from ZIPS
    expect: Expect
    env: dict[str, str] = field(default_factory=dict)


def reference_names(lab: int) -> str:
    return "reference objects: " + ", ".join(f"lab{n}" for n in range(1, lab))


def untouched(doc: dict, root: Path) -> list[str]:
    """The hostile host test's targets: the grader's file and results are the
    grader's own, and the hidden tests reached nothing a student sees."""
    canary = submissions.hidden_canary()
    out = [] if doc.get("score", 0) <= sum(t["max_score"] for t in doc["tests"]) else ["score over max"]
    shown = json.dumps(doc) + (root / "report.txt").read_text() if (root / "report.txt").exists() else json.dumps(doc)
    if canary in shown:
        out.append(f"the hidden tests' {canary!r} reached the results")
    mine = root / "source" / "cairn" / "grade" / "labs" / "lab1.py"
    if mine.read_text() != (ROOT / "grade" / "labs" / "lab1.py").read_text():
        out.append(f"the submission rewrote {mine}")
    return out


def both(*checks: Expect) -> Expect:
    return lambda doc, root: [p for c in checks for p in c(doc, root)]


LABS = [n for n in submissions.LABS if n >= 2]
ZIPS = {"lab1": ([1], ["LAB=1"]), **{f"lab{n}": ([n], [f"LAB={n}"]) for n in LABS},
        "lab2-missing": ([2], ["LAB=2", "REFERENCE_MISSING=1"])}
FAULTS = {"fault-de": "FLOOD", "fault-ud": "HANG", "fault-gp": "TRIPLE FAULT"}
CASES = [
    Case("reference", "lab1", verdicts({})),
    # host-tick tests the given tick code (its table, pit.c's tickless idle on a fake 8254,
    # which needs no exercise): it passes, for no points.
    Case("tampered", "lab1", verdicts({"host-tick": "OK"}, "NOT IMPLEMENTED")),
    Case("include-absolute", "lab1", verdicts({}, "BUILD FAILED", ("absolute path", "/etc/hostname"))),
    Case("raw-string-incbin", "lab1", verdicts({}, "BUILD FAILED", (".incbin",))),
    Case("duplicate-folder", "lab1", verdicts({}, "OK", ("labs/lab1-backup/: ignored",))),
    Case("hostile-host-test", "lab1", both(verdicts({}, "OK", ("bubblewrap",)), untouched)),
    Case("hostile-host-test", "lab1", both(verdicts({}, "OK", ("a separate user only",)), untouched),
         {"CAIRN_SANDBOX": "user"}),
    Case("bad-kernel", "lab1", verdicts(FAULTS)),
    # Lab 2 is graded: it never comes from the reference, however it fails.
    Case("include-parent", "lab2-missing", verdicts({}, "BUILD FAILED", ("leaves the lab directory",))),
    Case("missing-lab1", "lab2-missing", verdicts({}, "OK", ("lab 1: reference objects: not submitted",))),
    *(Case(f"honest-lab{n}", f"lab{n}", verdicts({}, "OK", (reference_names(n),))) for n in LABS),
    Case("honest-lab3", "lab3", verdicts({}, "OK", (reference_names(3), "a separate user only")),
         {"CAIRN_SANDBOX": "user"}),
]


def extract(zip_path: Path, dest: Path) -> None:
    """As Gradescope does, into dest (= /autograder/source), keeping modes and
    times; then the reference build setup.sh would make, from this tree's."""
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            path = Path(z.extract(info, dest))
            if info.external_attr >> 16:
                os.chmod(path, (info.external_attr >> 16) & 0o777)
            stamp = time.mktime(info.date_time + (0, 0, -1))
            os.utime(path, (stamp, stamp))
    seed = dest / "cairn" / "build"
    for part in [BUILD / "obj", BUILD / "gen", *BUILD.glob("lab[0-9]")]:
        if part.is_dir():
            shutil.copytree(part, seed / part.name)
    shutil.copy2(BUILD / ".deps-ok", seed / ".deps-ok")


def run_autograder(source: Path, repo: Path, root: Path, env: dict[str, str]) -> tuple[dict | None, str]:
    (root / "results").mkdir(parents=True)
    os.symlink(source, root / "source")
    shutil.copytree(repo, root / "submission", symlinks=True)
    proc = subprocess.run([str(source / "run_autograder")], env={**ENV, **env, "AUTOGRADER_ROOT": str(root)},
                          capture_output=True, text=True)
    (root / "report.txt").write_text(proc.stdout + proc.stderr)
    results = root / "results" / "results.json"
    log = proc.stdout + proc.stderr
    if proc.returncode != 0 or not results.exists():
        return None, f"run_autograder exited {proc.returncode}:\n{log[-3000:]}"
    return json.loads(results.read_text()), log


def sandbox_named(case: Case) -> str:
    return f" (CAIRN_SANDBOX={case.env['CAIRN_SANDBOX']})" if "CAIRN_SANDBOX" in case.env else ""


def case_root(tmp: Path, case: Case) -> Path:
    return tmp / f"root-{case.submission}{'-' + case.env['CAIRN_SANDBOX'] if case.env else ''}"


def check_case(case: Case, sources: dict[str, Path], repos: Path, tmp: Path) -> list[str]:
    root = case_root(tmp, case)
    doc, log = run_autograder(sources[case.assignment], repos / case.submission, root, case.env)
    if doc is None:
        return [log]
    problems = spec_problems(doc, ZIPS[case.assignment][0]) + case.expect(doc, root)
    if problems and os.environ.get("V"):
        problems.append(log)
    return problems


CLASS_LAB = 4


def check_class_week(repos: Path, tmp: Path, lab: int) -> list[str]:
    """--class --lab N over the week-N student alone: full marks, the reference labs named."""
    folder = tmp / f"class-week{lab}"
    folder.mkdir()
    shutil.copytree(repos / f"honest-lab{lab}", folder / "student")
    out = tmp / f"class-week{lab}-out"
    proc = subprocess.run([sys.executable, "-m", "grade", "--class", str(folder), "--lab", str(lab),
                           "--jobs", "1", "--out", str(out)], cwd=ROOT, env=ENV, capture_output=True, text=True)
    if proc.returncode != 0 or not (out / "grades.csv").exists():
        return [f"--class exited {proc.returncode}: {proc.stderr[-1500:]}"]
    row = next(csv.DictReader(open(out / "grades.csv")))
    full = str(sum(t.points for t in core.REGISTRY if t.lab == lab and "kernel" in t.paths))
    refs = ", ".join(f"lab{k}" for k in range(1, lab))
    if row[f"lab{lab}"] != full or row["reference labs"] != refs:
        return [f"grades.csv: {row}, expected lab{lab}={full} and reference labs {refs!r}"]
    return []


def check_class(repos: Path, tmp: Path) -> list[str]:
    """--class --lab 4: three submissions of one name (a folder, a tarball, a zip:
    each its own row), the stripped handout, a broken archive and a stray file
    (listed as skipped); grades.csv, reports and the reference labs named."""
    folder = tmp / "class-in"
    folder.mkdir()
    honest = repos / f"honest-lab{CLASS_LAB}"
    shutil.copytree(honest, folder / "alice")
    with tarfile.open(folder / "alice.tar.gz", "w:gz") as tar:
        tar.add(repos / "include-absolute", arcname="cairn")
    with zipfile.ZipFile(folder / "alice.v2.zip", "w") as z:
        for f in honest.rglob("*"):
            if f.is_file() and ".git" not in f.parts:
                z.write(f, "cairn/" + str(f.relative_to(honest)))
    shutil.copytree(repos / "handout", folder / "bob")
    (folder / "carol.tar.gz").write_bytes(b"not a tarball at all\n")
    (folder / "notes.txt").write_text("not a submission\n")
    out = tmp / "class-out"
    proc = subprocess.run([sys.executable, "-m", "grade", "--class", str(folder), "--lab", str(CLASS_LAB),
                           "--jobs", "2", "--out", str(out)], cwd=ROOT, env=ENV, capture_output=True, text=True)
    problems = [] if proc.returncode == 0 else [f"--class exited {proc.returncode}: {proc.stderr[-2000:]}"]
    if "5/5 done" not in proc.stdout or "ETA" not in proc.stdout or "notes.txt: skipped" not in proc.stdout:
        problems.append(f"no progress line with 5/5 done and an ETA, or notes.txt not listed:\n{proc.stdout[-1500:]}")
    if not (out / "grades.csv").exists():
        return problems + ["no grades.csv"]
    rows = {r["student"]: r for r in csv.DictReader(open(out / "grades.csv"))}
    tests = [t for t in core.REGISTRY if t.lab == CLASS_LAB and "kernel" in t.paths]
    full, n = str(sum(t.points for t in tests)), len(tests)
    refs = ", ".join(f"lab{k}" for k in range(1, CLASS_LAB))
    want = {"alice": (full, "OK", refs), "alice.tar.gz": ("0", "BUILD FAILED", ""),
            "alice.v2": (full, "OK", refs), "carol": ("0", "BUILD FAILED", "")}
    lab = f"lab{CLASS_LAB}"
    for student, (points, column, ref) in want.items():
        r = rows.get(student)
        if r is None or r[lab] != points or r[column] != str(n) or r["reference labs"] != ref:
            problems.append(f"grades.csv row for {student}: {r}, expected {lab}={points}, {column}={n}, "
                            f"reference labs {ref!r}")
    # The stripped handout: no boot passes (a host test of a module with nothing stripped may).
    bob = out / "bob" / "results.json"
    passed = [t["name"] for t in json.loads(bob.read_text())["tests"]
              if t["status"] == "passed" and " host-" not in t["name"]] if bob.exists() else []
    if passed:
        problems.append(f"the stripped handout passed {passed}")
    if rows.get("carol", {}).get("error", "") == "":
        problems.append("the broken archive's row does not say what was wrong")
    report = out / "alice.tar.gz" / "report.txt"
    if report.exists() and "absolute path" not in report.read_text():
        problems.append("alice.tar.gz's report does not say why her lab 1 was refused")
    for student in [*want, "bob"]:
        for f in ("results.json", "report.txt"):
            if not (out / student / f).exists():
                problems.append(f"no {student}/{f}")
    return problems


def check_workflow(handout: Path, tmp: Path) -> list[str]:
    """The workflow's structure, then its commands in a copy of the handout."""
    import yaml                 # python3-yaml (tools/deps.sh)
    wf = handout / ".github" / "workflows" / "grade.yml"
    if not wf.exists():
        return [f"the handout has no {wf.relative_to(handout)}"]
    doc = yaml.safe_load(wf.read_text())
    on = doc.get(True, doc.get("on"))           # YAML 1.1 reads the key `on` as True
    problems = []
    if not isinstance(on, dict) or "push" not in on:
        problems.append(f"the workflow does not run on push: on={on!r}")
    jobs = doc.get("jobs") or {}
    if len(jobs) != 1:
        return problems + [f"expected one job, got {list(jobs)}"]
    job = next(iter(jobs.values()))
    if job.get("runs-on") != "ubuntu-latest":
        problems.append(f"runs-on {job.get('runs-on')!r}")
    steps = job.get("steps") or []
    if not any(str(s.get("uses", "")).startswith("actions/checkout@") for s in steps):
        problems.append("no actions/checkout step")
    runs = [s for s in steps if "run" in s]
    if not any("make grade" in s["run"] for s in runs):
        problems.append("no step runs make grade")
    summary = [s for s in runs if "GITHUB_STEP_SUMMARY" in s["run"]]
    if not summary or summary[0].get("if") != "always()":
        problems.append("no step writes $GITHUB_STEP_SUMMARY with if: always()")
    # The commands themselves, in a copy of the handout with this tree's core objects.
    work = tmp / "workflow"
    shutil.copytree(handout, work)
    for part in ("obj/kernel", "obj/boot", "gen", "obj/build"):
        if (BUILD / part).is_dir():
            shutil.copytree(BUILD / part, work / "build" / part)
    now = time.time()
    for f in (work / "build").rglob("*"):
        os.utime(f, (now, now))                 # newer than the handout's fresh sources
    step_summary = tmp / "step-summary"
    env = {**ENV, "GITHUB_STEP_SUMMARY": str(step_summary)}
    for s in runs:
        if "apt-get" in s["run"]:
            (work / "build").mkdir(exist_ok=True)
            (work / "build" / ".deps-ok").touch()     # what the install step ends with
            continue
        proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", s["run"]], cwd=work, env=env,
                              capture_output=True, text=True)
        grading = "make grade" in s["run"]
        if grading and proc.returncode == 0:
            problems.append("make grade passed on the stripped handout")
        if not grading and proc.returncode != 0:
            problems.append(f"step {s.get('name')!r} failed: {proc.stderr[-1500:]}")
    text = step_summary.read_text() if step_summary.exists() else ""
    if "| test | result | points |" not in text:
        return problems + [f"no Markdown table in the job summary: {text[:500]!r}"]
    for t in core.REGISTRY:
        if "kernel" in t.paths and not t.hidden:
            # A host test of a pure module with nothing stripped may pass in the handout.
            want = "OK" if t.lab == 0 else "" if t.name.startswith("host-") else "NOT IMPLEMENTED"
            if not any(l.startswith(f"| lab{t.lab} {t.name} |") and want in l for l in text.splitlines()):
                problems.append(f"the job summary has no row 'lab{t.lab} {t.name}' with {want or 'a verdict'}")
    listed = subprocess.run([sys.executable, "-m", "grade", "--list"], cwd=handout, env=ENV,
                            capture_output=True, text=True).stdout
    for t in core.REGISTRY:
        if t.hidden and (f"lab{t.lab} {t.name} |" in text or f"lab{t.lab} {t.name} [" in listed):
            problems.append(f"hidden test lab{t.lab} {t.name} shows in the handout")
        if not t.hidden and "kernel" in t.paths and f"lab{t.lab} {t.name} [" not in listed:
            problems.append(f"the handout's --list lacks lab{t.lab} {t.name}")
    return problems


def main() -> int:
    load_labs()
    tmp = Path(tempfile.mkdtemp(prefix="cairn-submissions-"))
    start = time.monotonic()
    try:
        handout = tmp / "handout-tree"
        subprocess.run([sys.executable, str(ROOT / "tools" / "handout.py"), "--out", str(handout)],
                       check=True, capture_output=True, env=ENV)
        repos = tmp / "repos"
        grader = tmp / "source-lab1" / "cairn"
        targets = [case_root(tmp, c) / "results" / "results.json" for c in CASES
                   if c.submission == "hostile-host-test"] + [grader / "grade" / "labs" / "lab1.py"]
        submissions.SUBMISSIONS["hostile-host-test"] = submissions.hostile_host_test(
            targets, grader / "grade" / "hidden" / "lab1.py", tmp)
        for name in submissions.SUBMISSIONS:
            submissions.make(handout, name, repos)
        sources = {}
        for name, (_, flags) in ZIPS.items():
            zpath = tmp / f"{name}.zip"
            subprocess.run(["make", "-s", "-C", str(ROOT), "autograder", *flags, f"BUILD={tmp}"],
                           check=True, capture_output=True, env=ENV)
            (tmp / "autograder.zip").rename(zpath)
            extract(zpath, tmp / f"source-{name}")
            sources[name] = tmp / f"source-{name}"
        jobs: dict[str, Callable[[], list[str]]] = {
            f"autograder {c.assignment}: {c.submission}{sandbox_named(c)}":
                (lambda c=c: check_case(c, sources, repos, tmp))
            for c in CASES}
        jobs["--class: one name thrice, the handout, a broken archive, a stray file"] = \
            lambda: check_class(repos, tmp)
        for n in LABS:
            jobs[f"--class lab{n}: honest-lab{n}"] = lambda n=n: check_class_week(repos, tmp, n)
        if not os.environ.get("ONLY") or "workflow" in os.environ["ONLY"]:
            reference_handout = weeks.reference_handout(tmp, ENV)
            for n in LABS:
                jobs[f"GitHub workflow week {n}: honest-lab{n}"] = \
                    lambda n=n: weeks.check_week(reference_handout, tmp, n, ENV)
        jobs["GitHub workflow: structure, commands, job summary"] = lambda: check_workflow(handout, tmp)
        only = os.environ.get("ONLY", "")          # ONLY=lab7: the checks whose names have it
        jobs = {name: fn for name, fn in jobs.items() if only in name}
        failed = 0
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {name: pool.submit(fn) for name, fn in jobs.items()}
            for name, fut in futures.items():
                try:
                    problems = fut.result()
                except Exception as e:              # a broken check is a failed check
                    problems = [f"{type(e).__name__}: {e}"]
                print(f"{'ok  ' if not problems else 'FAIL'} {name}")
                for p in problems:
                    print("    " + p.replace("\n", "\n    "))
                failed += bool(problems)
                sys.stdout.flush()
        print(f"submissions: {time.monotonic() - start:.1f}s")
        print(f"{len(jobs) - failed} passed, {failed} failed")
        return 1 if failed else 0
    finally:
        if not os.environ.get("KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
