"""Rules the build enforces, proved by trying to break them (run by `make test`),
and facts the assembler and C share, checked on what was really built.

Public headers only: a stage's program and a later lab see kernel/include and
the include/ directories of labs 1..N (GNUmakefile.labs, inc_upto); a lab's
other headers are private. Each check compiles a small probe with exactly the
flags make gives the real file (asked from make by tools/compile_commands.py),
so it tests the build's rules, not a copy of them.

Sizes: no kernel or lab file over 300 lines, no function over 50 (xv6's scale:
a file a student reads in one sitting, a function in one screen).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAB_DIRS = sorted(p.parent for p in ROOT.glob("labs/lab*/lab.mk"))
LAST_STAGE = len(LAB_DIRS)


def private_headers(lab: Path) -> list[str]:
    return sorted(h.name for h in lab.glob("*.h"))


def public_headers(lab: Path) -> list[str]:
    return sorted(h.name for h in (lab / "include").glob("*.h"))


_commands: dict[str, list[str]] = {}


def flags_of(source: str) -> list[str]:
    """The compiler's argv for `source` (relative to ROOT), without the file and -o."""
    if not _commands:
        out = subprocess.run([sys.executable, "tools/compile_commands.py", str(LAST_STAGE)],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout
        for e in json.loads(out):
            _commands[str(Path(e["file"]).relative_to(ROOT))] = e["arguments"]
    argv = _commands[source]
    flags, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == "-o":
            skip = True
        elif a not in ("-MMD", "-MP", source):
            flags.append(a)
    return flags


def compile_probe(flags: list[str], text: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.c"
        probe.write_text(text)
        return subprocess.run([*flags, str(probe), "-o", str(Path(tmp) / "probe.o")],
                              cwd=ROOT, capture_output=True, text=True)


class PublicHeadersOnly(unittest.TestCase):
    def test_a_program_that_includes_a_private_header_does_not_build(self) -> None:
        flags = flags_of(f"user/lab{LAST_STAGE}.c")
        checked = 0
        for lab in LAB_DIRS:
            for h in private_headers(lab):
                with self.subTest(header=f"{lab.name}/{h}"):
                    r = compile_probe(flags, f'#include "{h}"\n')
                    self.assertNotEqual(r.returncode, 0, f"user/lab{LAST_STAGE}.c could include {h}")
                    self.assertIn(f"{h}: No such file", r.stderr)
                checked += 1
        self.assertGreater(checked, 0, "no lab has a private header left to test")

    def test_a_later_lab_cannot_include_an_earlier_labs_private_header(self) -> None:
        later = next(LAB_DIRS[1].glob("*.c")).relative_to(ROOT)
        for h in private_headers(LAB_DIRS[0]):
            with self.subTest(header=h):
                r = compile_probe(flags_of(str(later)), f'#include "{h}"\n')
                self.assertNotEqual(r.returncode, 0, f"{later} could include {h}")

    def test_every_public_header_builds_on_its_own_in_a_program(self) -> None:
        flags = flags_of(f"user/lab{LAST_STAGE}.c")
        for lab in LAB_DIRS:
            for h in public_headers(lab):
                with self.subTest(header=f"{lab.name}/include/{h}"):
                    r = compile_probe(flags, f'#include "{h}"\nint probe_main(void);\n')
                    self.assertEqual(r.returncode, 0, r.stderr[-1000:])


TRAP_STUB = re.compile(r"^[0-9a-f]+ <trap_stub_(\d+)>:$")
INSN = re.compile(r"^\s*[0-9a-f]+:\s+(?:[0-9a-f]{2} )+\s*(\S+)")

HAS_ERROR_CODE_PROBE = r"""
#include <stdio.h>
#include "exception.h"
int main(void)
{
    for (unsigned v = 0; v < 256; v++)
        printf("%d", exception_has_error_code(v));
    return 0;
}
"""


class TrapStubsMatchC(unittest.TestCase):
    """trapentry.S pushes a 0 for exactly the vectors whose error code the CPU
    does not push; excreport.c's heading reads the frame's error code by
    exception_has_error_code()."""

    def c_answer(self) -> str:
        lab1 = "labs/lab1-interrupts"
        with tempfile.TemporaryDirectory() as tmp:
            src, exe = Path(tmp) / "probe.c", Path(tmp) / "probe"
            src.write_text(HAS_ERROR_CODE_PROBE)
            subprocess.run(["gcc", "-std=gnu11", "-Ikernel/include", f"-I{lab1}", f"-I{lab1}/include",
                            "-o", str(exe), str(src), f"{lab1}/excdecode.c", "kernel/format.c",
                            "tests/host_panic.c"], cwd=ROOT, check=True)
            return subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout

    def assembled_answer(self) -> str:
        build = os.environ.get("BUILD", "build")
        obj = f"{build}/obj/labs/lab1-interrupts/trapentry.o"
        subprocess.run(["make", "-s", obj], cwd=ROOT, check=True, capture_output=True)
        dump = subprocess.run(["objdump", "-d", obj], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout.splitlines()
        pushes_zero: dict[int, bool] = {}
        for i, line in enumerate(dump):
            m = TRAP_STUB.match(line)
            if m:
                # A stub that pushes the missing error code does two pushes before its jmp.
                second = INSN.match(dump[i + 2])
                pushes_zero[int(m.group(1))] = bool(second) and second.group(1).startswith("push")
        self.assertEqual(sorted(pushes_zero), list(range(256)), "trapentry.o has 256 stubs")
        return "".join("0" if pushes_zero[v] else "1" for v in range(256))

    def test_the_stubs_push_a_zero_exactly_where_the_cpu_pushes_no_error_code(self) -> None:
        self.assertEqual(self.assembled_answer(), self.c_answer())


KMAIN_HOOK = re.compile(r"^ \*\s+(lab\d+_init(?:_late)?)\s")
INITCALL = re.compile(r"^initcalls: (\S+)", re.M)


class BootOrder(unittest.TestCase):
    """kmain.c's comment lists the lab hooks in boot order; `initcalls` prints
    them as they run. The two must agree, so the comment stays true."""

    def test_the_documented_order_is_the_order_they_run(self) -> None:
        sys.path.insert(0, str(ROOT))
        from grade.runner import machine_args
        documented = [m.group(1) for line in (ROOT / "kernel/kmain.c").read_text().splitlines()
                      if (m := KMAIN_HOOK.match(line))]
        build = os.environ.get("BUILD", "build")
        subprocess.run(["make", "-s", f"lab{LAST_STAGE}"], cwd=ROOT, check=True, capture_output=True)
        run = subprocess.run(["qemu-system-i386", *machine_args(), "-display", "none",
                              "-serial", "stdio", "-kernel", f"{build}/lab{LAST_STAGE}/kernel.elf",
                              "-append", "grade initcalls"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 33, run.stdout[-2000:])
        self.assertEqual(INITCALL.findall(run.stdout), documented)


MAX_FILE_LINES = 300             # one device or mechanism per file, xv6's size
MAX_FUNCTION_LINES = 50
SIZED_TREES = ("kernel", "labs")  # the stage programs in user/ hold many scenarios
C_TREES = ("kernel", "labs", "user", "boot")


def long_functions(text: str, limit: int) -> list[tuple[str, int]]:
    """Functions longer than `limit` lines, braces included, as the tree writes them:
    the signature ends the line before a "{" in column 0, and the body ends at "}"."""
    lines, found, start = text.splitlines(), [], -1
    for i, line in enumerate(lines):
        if line == "{" and i > 0:
            start = i
        elif line == "}" and start >= 0:
            j = start - 1
            while j > 0 and "(" not in lines[j]:
                j -= 1
            if i - start + 1 > limit:
                found.append((lines[j].strip(), i - start + 1))
            start = -1
    return found


class Sizes(unittest.TestCase):
    """A student reads a file in one sitting and a function in one screen."""

    def sources(self, trees: tuple[str, ...]) -> list[Path]:
        return sorted(p for t in trees for p in (ROOT / t).rglob("*")
                      if p.suffix in (".c", ".h", ".S") and p.is_file())

    def test_no_kernel_or_lab_file_is_over_300_lines(self) -> None:
        long = [f"{p.relative_to(ROOT)}: {n} lines" for p in self.sources(SIZED_TREES)
                if (n := len(p.read_text().splitlines())) > MAX_FILE_LINES]
        self.assertEqual(long, [])

    def test_no_function_is_over_50_lines(self) -> None:
        long = [f"{p.relative_to(ROOT)}: {sig} ({n} lines)"
                for p in self.sources(C_TREES) if p.suffix == ".c"
                for sig, n in long_functions(p.read_text(), MAX_FUNCTION_LINES)]
        self.assertEqual(long, [])

    def test_the_function_measure_finds_a_long_function(self) -> None:
        body = "\n".join(["static int f(int a,", "             int b)", "{"]
                         + ["    a++;"] * 49 + ["}"])
        self.assertEqual(long_functions(body, 50), [("static int f(int a,", 51)])
        self.assertEqual(long_functions(body, 51), [])


if __name__ == "__main__":
    unittest.main()
