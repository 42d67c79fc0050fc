"""weeks.py - the handout's GitHub workflow grades a week-N student as they tested, for every lab N >= 2.

The student is the one of make.py's honest(N): a handout with every lab's
reference objects (make handout REFERENCE_OBJECTS=1), `make use-reference
LABS=lab1,...` for the labs before N, lab N's solution, committed. The
workflow's own run: commands (tools/autograder/github-grade.yml, as shipped)
run in that repository, all but the package install, with GRADE_LABS naming
lab N as a week's handout does: every step must pass, the job summary must
give full marks and name the reference labs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import make as submissions

ROOT = submissions.ROOT
BUILD = ROOT / "build"
SEEDED = ("obj/kernel", "obj/boot", "gen", "obj/build")   # the core's objects, as CI's cache would


def reference_handout(tmp: Path, env: dict[str, str]) -> Path:
    """A whole-course handout with every lab's reference objects (a git repository)."""
    out = tmp / "handout-reference"
    subprocess.run(["make", "-s", "-C", str(ROOT), "handout", "REFERENCE_OBJECTS=1",
                    f"HANDOUT_DIR={out}", "HANDOUT_TAR="], check=True, capture_output=True, env=env)
    return out


def seed_build(work: Path) -> None:
    for part in SEEDED:
        if (BUILD / part).is_dir():
            shutil.copytree(BUILD / part, work / "build" / part)
    now = time.time()
    for f in (work / "build").rglob("*"):
        os.utime(f, (now, now))                 # newer than the handout's fresh sources
    (work / "build" / ".deps-ok").touch()       # what the workflow's install step ends with


def workflow_runs(repo: Path) -> list[dict]:
    import yaml                 # python3-yaml (tools/deps.sh)
    doc = yaml.safe_load((repo / ".github" / "workflows" / "grade.yml").read_text())
    job = next(iter((doc.get("jobs") or {}).values()))
    return [s for s in job.get("steps") or [] if "run" in s]


def check_week(handout: Path, tmp: Path, lab: int, env: dict[str, str]) -> list[str]:
    work = tmp / f"week{lab}"
    shutil.copytree(handout, work, symlinks=True)
    submissions.honest(lab)(work)
    seed_build(work)
    summary = tmp / f"week{lab}-job-summary.txt"
    step_env = {**env, "GITHUB_STEP_SUMMARY": str(summary), "GRADE_LABS": f"--lab {lab} --jobs 1"}
    problems = []
    for s in workflow_runs(work):
        if "apt-get" in s["run"]:
            continue
        proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", s["run"]], cwd=work, env=step_env,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            problems.append(f"step {s.get('name')!r} failed ({proc.returncode}): "
                            f"{(proc.stdout + proc.stderr)[-1500:]}")
    text = summary.read_text() if summary.exists() else ""
    total = next((l for l in text.splitlines() if l.startswith("**Total:")), "")
    got, _, most = total.strip("*").removeprefix("Total: ").partition("/")
    if not total or got != most:
        problems.append(f"the job summary does not give full marks: {total or text[-500:]!r}")
    names = [f"lab{n}" for n in range(1, lab)]
    if not all(n in text[text.find("eference"):] for n in names) or "eference" not in text:
        problems.append(f"the job summary does not name the reference labs {names}: {text[-300:]!r}")
    return problems
