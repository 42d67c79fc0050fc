"""The user programs of stage 8 (user/progs/), run on this host: they are
ordinary Linux i386 static executables, so Linux runs them as the kernel of
stage 8 must. Each test checks the exact lines user/progs/README.md promises,
which proves the programs, their library and the system-call ABI before any
kernel of ours runs them. Run by `make progs-test` and `make test`.

A host whose kernel has IA-32 emulation switched off (exec of an i386 ELF
fails with ENOEXEC) runs them under qemu-i386 (Debian's qemu-user, which
tools/deps.sh installs). Nothing here measures time except that a sleep lasts
at least what it asked for, which a correct host never breaks.
"""
from __future__ import annotations

import errno
import os
import shutil
import struct
import subprocess
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGS = Path(os.environ.get("CAIRN_PROGS", ROOT / "build" / "progs"))
HANG_BOUND = 60                 # seconds: only a hung program ever reaches it


def find_runner() -> list[str]:
    """[] when this host executes i386 programs itself, else [qemu-i386]."""
    try:
        subprocess.run([str(PROGS / "rawexit")], capture_output=True, timeout=HANG_BOUND)
        return []
    except OSError as e:
        if e.errno != errno.ENOEXEC:
            raise
    qemu = shutil.which("qemu-i386")
    if qemu is None:
        raise RuntimeError("this host cannot run i386 programs and has no qemu-i386: "
                           "install qemu-user (tools/deps.sh does)")
    return [qemu]


RUNNER: list[str] = []


def setUpModule() -> None:
    if not (PROGS / "hello").exists():
        raise RuntimeError(f"{PROGS}/hello does not exist: run `make progs` first")
    RUNNER[:] = find_runner()


def run(name: str, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    """The program with an empty environment, as stage 8 starts it."""
    return subprocess.run([*RUNNER, str(PROGS / name), *args], input=stdin.decode(),
                          capture_output=True, text=True, env={}, timeout=HANG_BOUND)


class ProgTest(unittest.TestCase):
    def check(self, r: subprocess.CompletedProcess[str], code: int, lines: list[str]) -> None:
        self.assertEqual(r.stdout.splitlines(), lines, f"stderr: {r.stderr}")
        self.assertTrue(r.stdout.endswith("\n"), "the last line has no newline")
        self.assertEqual(r.returncode, code, f"stderr: {r.stderr}")


class TestHello(ProgTest):
    def test_argv(self) -> None:
        path = str(PROGS / "hello")
        r = run("hello", "one", "two words", "")
        self.check(r, 0, ["hello: hello, world", "hello: argc 4", f'hello: argv[0] "{path}"',
                          'hello: argv[1] "one"', 'hello: argv[2] "two words"',
                          'hello: argv[3] ""', "hello: envc 0", "hello: pagesz 4096"])


class TestExit(ProgTest):
    def test_codes(self) -> None:
        for code, how in [(0, "group"), (7, "group"), (255, "exit"), (42, "return"), (3, "")]:
            with self.subTest(code=code, how=how):
                args = [str(code), how] if how else [str(code)]
                r = run("exit", *args)
                self.check(r, code, [f"exit: exiting with {code} through {how or 'group'}"])

    def test_bad_arguments(self) -> None:
        self.check(run("exit", "256"), 2, ["exit: bad code '256': out of range (0..255)"])
        self.check(run("exit", "-1"), 2, ["exit: bad code '-1': malformed (0..255)"])
        self.check(run("exit", "1", "quit"), 2, ["exit: exiting with 1 through quit",
                                                 "exit: bad how 'quit': not group, exit or return"])
        self.check(run("exit"), 2, ["exit: usage: exit CODE [group|exit|return]"])

    def test_raw_program(self) -> None:
        r = run("rawexit")
        self.check(r, 42, ["rawexit: built with nothing but gcc -m32 -static -nostdlib"])


class TestBadElf(unittest.TestCase):
    def test_refused(self) -> None:
        for name in ["badmachine", "badclass", "truncated", "shortphdr", "shortseg"]:
            with self.subTest(name=name):
                (PROGS / name).chmod(0o755)
                r = run(name)
                self.assertNotEqual(r.returncode, 0)
                self.assertEqual(r.stdout, "", f"{name} ran")

    def test_kernel_segment(self) -> None:
        """Linux may load it (it has no kernel at 1 MiB): check that its first
        PT_LOAD is where stage 8's kernel is, and the rest is hello's."""
        good, bad = (PROGS / "hello").read_bytes(), (PROGS / "kernelseg").read_bytes()
        phoff = struct.unpack_from("<I", good, 28)[0]
        self.assertEqual(struct.unpack_from("<I", good, phoff)[0], 1, "hello's first header is no PT_LOAD")
        moved = struct.pack("<II", 0x00100000, 0x00100000)     # p_vaddr, p_paddr
        self.assertEqual(bad, good[:phoff + 8] + moved + good[phoff + 16:])

if __name__ == "__main__":
    unittest.main()
