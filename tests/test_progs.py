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
import random
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import unittest
import zlib
from pathlib import Path

from grade.labs.fatvol import pattern
from grade.labs.lab8 import malloc_lines

ROOT = Path(__file__).resolve().parent.parent
PROGS = Path(os.environ.get("CAIRN_PROGS", ROOT / "build" / "progs"))
HANG_BOUND = 60                 # seconds: only a hung program ever reaches it
# The seeds and random files come from SEED: a failure names it (subTest), and
# CAIRN_SEED=N replays it.
SEED = int(os.environ.get("CAIRN_SEED", random.randrange(1 << 32)))


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


def command(name: str, *args: str) -> list[str]:
    return [*RUNNER, str(PROGS / name), *args]


def run(name: str, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    """The program with an empty environment, as stage 8 starts it."""
    r = subprocess.run(command(name, *args), input=stdin, capture_output=True, env={},
                       timeout=HANG_BOUND)
    return subprocess.CompletedProcess(r.args, r.returncode, r.stdout.decode(errors="replace"),
                                       r.stderr.decode(errors="replace"))


def symbol(name: str, sym: str) -> int:
    """The address of a symbol of a program, as nm prints it."""
    for line in subprocess.run(["nm", str(PROGS / name)], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        parts = line.split()
        if parts[-1] == sym:
            return int(parts[0], 16)
    raise AssertionError(f"{name} has no symbol {sym}")


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


class TestMalloc(ProgTest):
    def test_seeded(self) -> None:
        seed = random.Random(SEED).randrange(1 << 32)
        for args in [(seed, 64, 4096), (seed, 1, 1), (seed, 200, 20000), (seed, 4096, 16)]:
            with self.subTest(args=args, CAIRN_SEED=SEED):
                self.check(run("malloc", *map(str, args)), 0, malloc_lines(*args))
        self.check(run("malloc", "7"), 0, malloc_lines(7, 64, 4096))


class TestCrc(ProgTest):
    def test_files(self) -> None:
        rng = random.Random(SEED)
        with tempfile.TemporaryDirectory() as tmp:
            for size in [0, 1, 999, 1000, 1001, 4096, rng.randint(1, 100000)]:
                data = rng.randbytes(size)
                path = Path(tmp) / f"f{size}.bin"
                path.write_bytes(data)
                for chunk in ["1000", "4096", "0x200"] + (["1"] if size <= 5000 else []):
                    with self.subTest(size=size, chunk=chunk, CAIRN_SEED=SEED):
                        self.check(run("crc", str(path), chunk), 0,
                                   [f"crc: {path}: {size} bytes crc32 0x{zlib.crc32(data):08x}"])

    def test_errors(self) -> None:
        self.check(run("crc", "/no such file"), 1, ["crc: open /no such file: -2"])
        self.check(run("crc", "/", "0"), 2, ["crc: bad chunk '0': out of range (1..4096)"])
        self.check(run("crc"), 2, ["crc: usage: crc PATH [CHUNK]"])


class TestKeys(ProgTest):
    def test_line(self) -> None:
        self.check(run("keys", stdin=b"hello world\n"), 0,
                   ["keys: ready for 256 bytes", 'keys: got 12 bytes "hello world\\n"'])

    def test_count_and_escapes(self) -> None:
        self.check(run("keys", "5", stdin=b"a\tb\"\\xyz"), 0,
                   ["keys: ready for 5 bytes", 'keys: got 5 bytes "a\\tb\\"\\\\"'])
        self.check(run("keys", "3", stdin=b"\x01\xff"), 0,
                   ["keys: ready for 3 bytes", 'keys: got 2 bytes "\\x01\\xff"'])
        self.check(run("keys", stdin=b""), 0, ["keys: ready for 256 bytes", 'keys: got 0 bytes ""'])


class TestSleep(ProgTest):
    def test_sleeps_at_least(self) -> None:
        start = time.monotonic()
        r = run("sleep", "40", "3")
        elapsed = time.monotonic() - start
        lines = []
        for i in (1, 2, 3):
            lines += [f"sleep: {i}: sleeping 40 ms", f"sleep: {i}: awake"]
        self.check(r, 0, lines)
        self.assertGreaterEqual(elapsed, 0.120, "three sleeps of 40 ms took less than 120 ms")

    def test_zero(self) -> None:
        self.check(run("sleep", "0"), 0, ["sleep: 1: sleeping 0 ms", "sleep: 1: awake"])


class TestIsolate(unittest.TestCase):
    def test_two_copies(self) -> None:
        procs = [subprocess.Popen(command("isolate", str(i), "512", "32", "3"), env={},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i in (1, 2)]
        heaps = []
        for i, p in zip((1, 2), procs):
            out, err = p.communicate(timeout=HANG_BOUND)
            self.assertEqual(p.returncode, 0, err)
            lines = out.splitlines()
            head = rf"^isolate {i}: heap 512 KiB at (0x[0-9a-f]{{8}}), stack 32 KiB, data 16 KiB$"
            self.assertRegex(lines[0], head)
            heaps.append(lines[0].split()[6])
            self.assertEqual(lines[1:], [f"isolate {i}: round {r} ok" for r in (1, 2, 3)])
        self.assertEqual(heaps[0], heaps[1], "the copies' heaps are not at the same address")


class TestFiles(ProgTest):
    def test_mkfile(self) -> None:
        seed = random.Random(SEED).randrange(1 << 32)
        with tempfile.TemporaryDirectory() as tmp:
            for size in [0, 3, 1000, 4097, 12345]:
                path = Path(tmp) / "out.bin"
                with self.subTest(size=size, CAIRN_SEED=SEED):
                    data = pattern(seed, size)
                    self.check(run("mkfile", str(path), str(size), str(seed)), 0,
                               [f"mkfile: {path}: {size} bytes crc32 0x{zlib.crc32(data):08x}"])
                    self.assertEqual(path.read_bytes(), data)

    def test_badfd(self) -> None:
        self.check(run("badfd", str(PROGS / "hello")), 0, [
            "badfd: read(99, buf, 1) = -9", "badfd: write(99, buf, 1) = -9", "badfd: close(99) = -9",
            "badfd: read(-1, buf, 1) = -9", 'badfd: open("/no such file", O_RDONLY) = -2',
            "badfd: close(fd) = 0", "badfd: read(fd, buf, 1) after close = -9",
            "badfd: close(fd) again = -9", "badfd: 0 of 8 calls returned something else"])


class TestKills(ProgTest):
    def killed(self, name: str, sig: int, line: str, *args: str) -> None:
        r = run(name, *args)
        self.assertEqual(r.stdout.splitlines(), [line], r.stderr)
        self.assertEqual(r.returncode, -sig, r.stderr)

    def test_kills(self) -> None:
        self.killed("nullptr", signal.SIGSEGV, "nullptr: reading address 0x00000000")
        self.killed("kaddr", signal.SIGSEGV, "kaddr: writing to 0x00100000")
        self.killed("kaddr", signal.SIGSEGV, "kaddr: writing to 0xc0000000", "0xc0000000")
        main = symbol("rotext", "main")
        self.killed("rotext", signal.SIGSEGV, f"rotext: writing to my own text at 0x{main:08x}")
        self.killed("divzero", signal.SIGFPE, "divzero: dividing 1 by zero")
        self.killed("divzero", signal.SIGFPE, "divzero: dividing 77 by zero", "77")


class TestErrors(ProgTest):
    def test_efault(self) -> None:
        calls = ["write(1, 0x00000000, 8)", "write(1, 0x00100000, 8)", "write(1, 0xc0000000, 8)",
                 "write(1, 0xfffffff8, 16)", "read(0, 0x00100000, 8)", "read(0, 0xc0000000, 8)",
                 "read(0, 0xfffffff8, 16)", "open(0x00000000, 0, 0)", "read(3, 0x00000000, 8)"]
        r = run("efault", str(PROGS / "hello"), stdin=b"keys that must not be read\n")
        self.check(r, 0, [f"efault: {c} = -14" for c in calls]
                   + [f"efault: 0 of {len(calls)} calls did not return -14"])

    def test_enosys(self) -> None:
        self.check(run("enosys"), 0, [
            "enosys: syscall 1000 (0x000003e8) = -38",
            "enosys: syscall 2147483647 (0x7fffffff) = -38",
            "enosys: syscall 4294967295 (0xffffffff) = -38",
            "enosys: still running; 0 of 3 calls did not return -38"])
        r = run("enosys", "20")                     # getpid exists: the program can fail
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stdout, r"^enosys: syscall 20 \(0x00000014\) = [1-9][0-9]*\n"
                                   r"enosys: still running; 1 of 1 calls did not return -38\n$")


class TestBench(unittest.TestCase):
    def test_lines(self) -> None:
        """The figures are not checked (nothing here times): only their lines."""
        r = run("ubench", "100", "8")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^bench: getpid round trip \d+ cycles\n"
                                   r"bench: page fault \(fresh heap page\) \d+ cycles\n"
                                   r"bench: ubench frames touched 8 pages\n$")


class TestImage(unittest.TestCase):
    def test_every_file_on_the_volume(self) -> None:
        """progs.img holds every program, byte for byte, at /NAME (as mtools reads it)."""
        names = os.environ.get("CAIRN_PROGS_FILES", "").split()
        if not names:
            self.skipTest("run through `make progs-test`, which names the files")
        env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
        for name in names:
            with self.subTest(name=name):
                got = subprocess.run(["mtype", "-i", str(PROGS / "progs.img"), "::/" + name],
                                     capture_output=True, env=env, check=True).stdout
                self.assertEqual(got, (PROGS / name).read_bytes())


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
