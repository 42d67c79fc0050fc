#!/usr/bin/env python3
"""build.py - the Gradescope autograder zip: `make autograder [LAB=N] [REFERENCE_MISSING=1]`.

    build.py --out build/autograder.zip [--lab N] [--reference-missing]

The layout is Gradescope's (gradescope-autograders.readthedocs.io/en/latest/specs/):
setup.sh and run_autograder at the root of the zip, which Gradescope extracts
into /autograder/source. Next to them: autograder.conf (what run_autograder
grades) and cairn/, the instructor's tree as grading needs it (build inputs
and the grader, hidden tests, host tests and handouts included; no build
outputs: setup.sh builds the reference in the image).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
SHIPPED = ("Makefile", "GNUmakefile.labs", "boot/", "kernel/", "labs/", "user/", "tools/", "grade/",
           "tests/",       # tests/: the host tests, graded tests of their labs (grade/hosttests.py)
           "handouts/")    # a host test checks that lab 7's handout quotes its messages
LEFT_OUT = ("grade/tests/", "tools/autograder/", "tests/submissions/", "tests/bochs/")


def tree_files() -> list[str]:
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard"],
                         check=True, capture_output=True, text=True).stdout.split()
    return sorted(f for f in set(out) if (ROOT / f).is_file()
                  and any(f == s or (s.endswith("/") and f.startswith(s)) for s in SHIPPED)
                  and not any(f.startswith(x) for x in LEFT_OUT))


def executable(z: zipfile.ZipFile, src: Path, name: str) -> None:
    info = zipfile.ZipInfo.from_file(src, name)
    info.external_attr = 0o100755 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, src.read_bytes())


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--lab", type=int, help="grade this lab only (one assignment per lab)")
    p.add_argument("--reference-labs", choices=("allowed", "none"), default="allowed",
                   help="allowed (default): labs below the graded one may come from the reference "
                        "objects, as a submission's .use-reference asks; none: never")
    p.add_argument("--reference-missing", action="store_true",
                   help="labs below the graded one that the student did not submit, or that do not "
                        "build, come from the reference")
    a = p.parse_args(argv)
    labs = sorted(int(d.name.split("-")[0][3:]) for d in (ROOT / "labs").glob("lab*-*") if d.is_dir())
    if a.lab is not None and a.lab not in labs:
        print(f"autograder: no lab {a.lab} (labs: {labs})", file=sys.stderr)
        return 2
    start = time.monotonic()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    files = tree_files()
    conf = (f"# What run_autograder grades (tools/autograder/build.py wrote this).\n"
            f"LABS=\"{a.lab if a.lab is not None else ' '.join(map(str, labs))}\"\n"
            f"REFERENCE_LABS={a.reference_labs}\n"
            f"REFERENCE_MISSING={1 if a.reference_missing else 0}\n")
    tmp = a.out.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        executable(z, HERE / "setup.sh", "setup.sh")
        executable(z, HERE / "run_autograder", "run_autograder")
        info = zipfile.ZipInfo("autograder.conf", time.localtime()[:6])
        info.external_attr = 0o100644 << 16
        z.writestr(info, conf)
        for f in files:
            if (ROOT / f).stat().st_mode & 0o111:
                executable(z, ROOT / f, f"cairn/{f}")
            else:
                z.write(ROOT / f, f"cairn/{f}")
    tmp.replace(a.out)
    what = f"lab {a.lab}" if a.lab is not None else "every lab"
    print(f"autograder: wrote {a.out} ({a.out.stat().st_size // 1024} KiB, {len(files)} files, "
          f"grades {what}; reference labs below it: {a.reference_labs}"
          f"{', and for missing ones' if a.reference_missing else ''}) "
          f"in {time.monotonic() - start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
