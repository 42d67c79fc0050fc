#!/usr/bin/env python3
"""compile_commands.py - a compile_commands.json for clangd (and other tools
that read the JSON Compilation Database format, clang.llvm.org/docs/
JSONCompilationDatabase.html), printed on stdout.

    python3 tools/compile_commands.py 0 1 2 ... > compile_commands.json

The Makefile is the only place that knows the flags: each lab's files get
-DLAB_NUMBER=N and the include path of labs 1..N, user/labN.c that of its
stage, kernel/stage.c a -DSTAGE_NUMBER. So rather than repeat those rules,
this asks make what it would run (`make -n -B V=1 labN`, a dry run of a full
rebuild), and keeps every `gcc ... -c FILE` line, one entry per source file
(the first stage that compiles a file wins: stage.c is described as stage 0's).
The host unit tests (tests/test_*.c, built natively with the sanitizers) are
described with their own flags from a dry run of their binaries (not of
`host-tests`: its recipe calls $(MAKE), which make runs even under -n).

Build outputs (generated sources under the build directory) are left out.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_SUFFIXES = (".c", ".S")
COMPILERS = ("gcc", "cc", "clang")


@dataclass
class Entry:
    file: str               # absolute path of the source
    arguments: list[str]    # the compiler's argv, relative to ROOT
    output: str | None

    def as_json(self) -> dict[str, object]:
        d: dict[str, object] = {"directory": str(ROOT), "file": self.file,
                                "arguments": self.arguments}
        if self.output:
            d["output"] = self.output
        return d


def command_line_variables() -> list[str]:
    """VAR=value overrides given to an outer make (make compile_commands.json
    BUILD=out): kept, while the outer make's flags (-j, its jobserver) are not."""
    flags = os.environ.get("MAKEFLAGS", "")
    if " -- " not in f" {flags}":
        return []
    try:
        words = shlex.split(f" {flags}".split(" -- ", 1)[1])
    except ValueError:
        return []
    return [w for w in words if "=" in w]


def build_dir(variables: list[str]) -> str:
    """The build directory as make spells it (its targets are named that way)."""
    build = "build"
    for v in variables:
        if v.startswith("BUILD="):
            build = v.split("=", 1)[1]
    return build


def dry_run(targets: list[str], variables: list[str], keep_going: bool = False) -> list[str]:
    """The commands `make TARGETS` would run for a rebuild from scratch."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    cmd = ["make", "--no-print-directory", "-n", "-B", *(["-k"] if keep_going else []),
           *variables, "V=1", *targets]
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if r.returncode != 0 and not keep_going:
        err = r.stderr.strip().splitlines()
        raise RuntimeError(f"`{' '.join(cmd)}` failed: {err[-1] if err else 'exit ' + str(r.returncode)}")
    return r.stdout.splitlines()


def is_compiler(word: str) -> bool:
    name = os.path.basename(word)
    return name in COMPILERS or any(name.endswith("-" + c) for c in COMPILERS)


def split_command(line: str) -> tuple[list[str], list[str], str | None] | None:
    """(argv without sources and -o, the sources, the -o output), or None for
    a line that is not a compiler run."""
    try:
        argv = shlex.split(line)
    except ValueError:
        return None
    if not argv or not is_compiler(argv[0]):
        return None
    flags: list[str] = []
    sources: list[str] = []
    output = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-o" and i + 1 < len(argv):
            output = argv[i + 1]
            i += 2
            continue
        if not a.startswith("-") and a.endswith(SOURCE_SUFFIXES) and i > 0:
            sources.append(a)
        else:
            flags.append(a)
        i += 1
    return flags, sources, output


def entries_from(lines: list[str], outputs: Path, only_under: str | None) -> list[Entry]:
    """Entries for every source a compiler line names. A line with -c compiles
    one source; a host test's line compiles and links several, and only its
    own tests/ source gets an entry (the kernel files it links have theirs)."""
    found: list[Entry] = []
    for line in lines:
        parsed = split_command(line)
        if not parsed:
            continue
        flags, sources, output = parsed
        for src in sources:
            path = (ROOT / src).resolve()
            if path.is_relative_to(outputs):
                continue            # generated: a build output, not a source
            if only_under and not src.startswith(only_under):
                continue
            args = flags + ([] if "-c" in flags else ["-c"]) + [src]
            if output and "-c" in flags:
                args += ["-o", output]
            found.append(Entry(str(path), args, output if "-c" in flags else None))
    return found


def main(argv: list[str]) -> int:
    stages = argv[1:]
    if not stages or not all(s.isdigit() for s in stages):
        print("usage: compile_commands.py STAGE... (stage numbers, e.g. 0 1 2)",
              file=sys.stderr)
        return 2
    variables = command_line_variables()
    build = build_dir(variables)
    outputs = (ROOT / build).resolve()
    targets = [f"lab{s}" for s in stages]
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            runs = list(pool.map(lambda t: dry_run([t], variables), targets))
    except RuntimeError as e:
        print(f"compile_commands.py: {e}", file=sys.stderr)
        return 1

    entries: dict[str, Entry] = {}
    for lines in runs:
        for entry in entries_from(lines, outputs, None):
            entries.setdefault(entry.file, entry)
    # -k: one test whose .deps names a missing file must not hide the others.
    tests = [f"{build}/tests/{p.stem}" for p in sorted(ROOT.glob("tests/test_*.c"))]
    if tests:
        for entry in entries_from(dry_run(tests, variables, keep_going=True), outputs, "tests/"):
            entries.setdefault(entry.file, entry)

    json.dump([entries[f].as_json() for f in sorted(entries)], sys.stdout, indent=2)
    sys.stdout.write("\n")
    print(f"compile_commands.py: {len(entries)} files from stages {' '.join(stages)}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
