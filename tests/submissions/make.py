"""make.py - the test submissions of tests/submissions/check.py, made from this tree.

Each is a student repository as a handout would become one: the stripped
handout (tools/handout.py), with the reference labs copied in when the
submission is meant to be correct, and then one trick. None is stored: they
are made fresh from the current tree, so they follow every change to a lab.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent.parent
LAB_SOURCES = (".c", ".h", ".S")
LABS = sorted(int(d.name.split("-")[0][3:]) for d in (ROOT / "labs").glob("lab*-*") if d.is_dir())


def lab_dir(repo: Path, lab: int) -> Path:
    return next((repo / "labs").glob(f"lab{lab}-*"))


def solve(repo: Path) -> None:
    """The reference solutions of every lab, as a student who did all the work."""
    for src in (ROOT / "labs").glob("lab*-*/*"):
        if src.suffix in LAB_SOURCES:
            shutil.copy(src, repo / "labs" / src.parent.name / src.name)


def tamper(repo: Path) -> None:
    """The stripped handout, with every trick that does not touch a lab source:
    if any one of them worked, the score would not be 0."""
    grade_edit(repo)
    new_makefiles(repo)
    ship_results(repo)


def grade_edit(repo: Path) -> None:
    """grade/labs/lab1.py rewritten so that every lab 1 test passes at once."""
    text = (repo / "grade" / "labs" / "lab1.py").read_text()
    text = re.sub(r"(def \w+\(ctx: Ctx\) -> None:\n)", r"\1    return\n", text)
    text = text.replace("    def run(ctx: Ctx) -> None:\n", "    def run(ctx: Ctx) -> None:\n        return\n")
    (repo / "grade" / "labs" / "lab1.py").write_text(text)


def new_makefiles(repo: Path) -> None:
    """A Makefile whose every target claims success, and a lab.mk with no sources."""
    (repo / "Makefile").write_text(".PHONY: all\n%:\n\t@echo '14 passed, 0 failed'\nall:\n\t@true\n")
    (lab_dir(repo, 1) / "lab.mk").write_text("SRCS :=\nQEMU_ARGS :=\nKERNEL_ARGS :=\n")


def ship_results(repo: Path) -> None:
    """results.json files claiming full marks, where an autograder might look."""
    doc = {"score": 999, "tests": [{"name": "lab1 setup", "score": 999, "max_score": 10,
                                    "status": "passed", "output": "OK"}]}
    for where in (repo / "results.json", repo / "results" / "results.json",
                  repo / "build" / "submission" / "results.json"):
        where.parent.mkdir(parents=True, exist_ok=True)
        where.write_text(json.dumps(doc))


def include_absolute(repo: Path) -> None:
    solve(repo)
    with open(lab_dir(repo, 1) / "pic.c", "a") as f:
        f.write('\n#include "/etc/hostname"\n')


def include_parent(repo: Path) -> None:
    """Lab 2 reaching into lab 1's directory with ../ (with the reference fallback)."""
    solve(repo)
    with open(lab_dir(repo, 2) / "keyboard.c", "a") as f:
        f.write('\n#include "../lab1-interrupts/pic.h"\n')


def bad_kernel(repo: Path) -> None:
    """The reference lab 1, except that #DE floods COM1 (straight to its data
    port, as fast as the emulator takes it), #UD hangs with interrupts off, and
    #GP triple-faults (an empty IDT, then int3)."""
    solve(repo)
    trap = lab_dir(repo, 1) / "trap.c"
    text = trap.read_text()
    head = "void trap_dispatch(struct trapframe *tf)\n{\n"
    assert head in text, f"{trap}: no trap_dispatch() to put the bad code in"
    evil = ("    if (tf->vector == 0)\n        for (unsigned i = 1;; i++)\n"
            "            __asm__ volatile(\"outb %%al, %%dx\" : : \"a\"(i % 64 ? 'x' : '\\n'), \"d\"(0x3F8));\n"
            "    if (tf->vector == 6)\n        for (;;)\n            __asm__ volatile(\"cli; hlt\");\n"
            "    if (tf->vector == 13) {\n"
            "        static const struct { unsigned short limit; unsigned base; }\n"
            "            __attribute__((packed)) none = {0, 0};\n"
            "        __asm__ volatile(\"lidt %0; int3\" : : \"m\"(none));\n    }\n")
    trap.write_text(text.replace(head, head + evil))


def missing_lab1(repo: Path) -> None:
    solve(repo)
    shutil.rmtree(lab_dir(repo, 1))


def commit(repo: Path, message: str) -> None:
    """What the student README says to do with the work: commit it."""
    env = {"GIT_AUTHOR_NAME": "Student", "GIT_AUTHOR_EMAIL": "student@cairn.invalid",
           "GIT_COMMITTER_NAME": "Student", "GIT_COMMITTER_EMAIL": "student@cairn.invalid",
           "PATH": "/usr/bin:/bin", "HOME": str(repo)}
    if not (repo / ".git").is_dir():
        subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], check=True, env=env)


def honest(lab: int) -> Callable[[Path], None]:
    """A week-`lab` student as the README says: `make use-reference LABS=lab1,...`
    for the labs before, lab `lab` done, and both committed."""
    def make(repo: Path) -> None:
        (repo / ".use-reference").write_text(",".join(f"lab{n}" for n in range(1, lab)) + "\n")
        for src in lab_dir(ROOT, lab).rglob("*"):
            if src.suffix in LAB_SOURCES:
                shutil.copy(src, lab_dir(repo, lab) / src.relative_to(lab_dir(ROOT, lab)))
        commit(repo, f"lab {lab} done, labs 1-{lab - 1} from the reference")
    return make


# A unique line of the hidden tests: it must never reach what a student sees.
def hidden_canary() -> str:
    text = (ROOT / "grade" / "hidden" / "lab1.py").read_text()
    return next(l.strip() for l in text.splitlines() if l.startswith("def "))


def hostile_host_test(targets: list[Path], hidden: Path, grader: Path) -> Callable[[Path], None]:
    """The reference lab 1, plus a constructor that runs in the host tests: it
    writes full marks into every results file it can name and into the grader,
    signals its parent and every process of the grader (found by its tree's
    path, `grader`: were the wall missing, nothing else may die), and prints the
    grader's hidden tests."""
    def make(repo: Path) -> None:
        solve(repo)
        paths = ", ".join(f'"{p}"' for p in targets)
        evil = f"""
#if defined(__x86_64__)
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static void kill_the_grader(void)
{{
    DIR *proc = opendir("/proc");
    for (struct dirent *e; proc && (e = readdir(proc));) {{
        char path[300], cmd[4096] = "";
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        FILE *f = fopen(path, "r");
        size_t n = f ? fread(cmd, 1, sizeof cmd - 1, f) : 0;
        if (f)
            fclose(f);
        for (size_t i = 0; i < n; i++)
            cmd[i] = cmd[i] ? cmd[i] : ' ';
        if (strstr(cmd, "{grader}") && atoi(e->d_name) != getpid())
            kill(atoi(e->d_name), SIGKILL);
    }}
    if (proc)
        closedir(proc);
    kill(getppid(), SIGKILL);
}}
__attribute__((constructor)) static void take_the_grade(void)
{{
    static const char *const results[] = {{{paths}, "../grader-results.json", "../../grader-results.json"}};
    for (unsigned i = 0; i < sizeof results / sizeof *results; i++) {{
        FILE *f = fopen(results[i], "w");
        if (f) {{ fputs("{{\\"score\\": 930, \\"tests\\": []}}", f); fclose(f); }}
    }}
    FILE *h = fopen("{hidden}", "r");
    for (int c; h && (c = fgetc(h)) != EOF;)
        putchar(c);
    kill_the_grader();
}}
#endif
"""
        with open(lab_dir(repo, 1) / "pit.c", "a") as f:   # linked by test_lab1_pic
            f.write(evil)
    return make


def raw_string_incbin(repo: Path) -> None:
    """.incbin hidden from a regex by a raw string that looks like a comment opener."""
    solve(repo)
    with open(lab_dir(repo, 1) / "pic.c", "a") as f:
        f.write('\nstatic const char *opener = R"X(" /*)X";\n'
                '__asm__(".section .rodata\\n.incbin \\"/etc/passwd\\"\\n.previous");\n')


def duplicate_folder(repo: Path) -> None:
    """The reference lab 1, and a stale copy of the handout's beside it."""
    shutil.copytree(lab_dir(repo, 1), repo / "labs" / "lab1-backup")
    solve(repo)


SUBMISSIONS: dict[str, Callable[[Path], None]] = {
    "reference": solve,
    "handout": lambda repo: None,
    "tampered": tamper,
    "include-absolute": include_absolute,
    "include-parent": include_parent,
    "bad-kernel": bad_kernel,
    "missing-lab1": missing_lab1,
    "raw-string-incbin": raw_string_incbin,
    "duplicate-folder": duplicate_folder,
    **{f"honest-lab{n}": honest(n) for n in LABS if n >= 2},
}


def make(handout: Path, name: str, dest: Path) -> Path:
    """Submission `name` in dest/name, from the handout tree."""
    repo = dest / name
    shutil.copytree(handout, repo, ignore=shutil.ignore_patterns("build"))
    SUBMISSIONS[name](repo)
    return repo
