"""The user programs of stage 8 (user/progs/), run on this host: they are
ordinary Linux i386 static executables, so Linux runs them as the kernel of
stage 8 must. Each test checks the exact lines user/progs/README.md promises,
which proves the programs, their library and the system-call ABI before any
kernel of ours runs them. Run by `make progs-test` and `make test`.

Every test that runs a program runs twice, once per Runner: under qemu-i386
(Debian's qemu-user, which tools/deps.sh installs) on every host, and natively
where the host kernel has its IA-32 emulation switched on; elsewhere the native
half is skipped, and said so. The two differ in ways the tests must allow for,
and Runner spells each out: exec refuses a malformed ELF with ENOEXEC (an
OSError here) where qemu-i386 exits non-zero; Linux's exec ignores EI_CLASS
(checks_elf_class); and Linux randomizes the break, so the native runner
switches randomization off, as stage 8 has none. Nothing here measures time
except that a sleep lasts at least what it asked for, which a correct host
never breaks.
"""
from __future__ import annotations

import ctypes
import errno
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from grade.labs.fatvol import pattern
from grade.labs.lab8 import malloc_lines

ROOT = Path(__file__).resolve().parent.parent
PROGS = Path(os.environ.get("CAIRN_PROGS", ROOT / "build" / "progs"))
HANG_BOUND = 60                 # seconds: only a hung program ever reaches it
# The seeds and random files come from SEED: a failure names it (subTest), and
# CAIRN_SEED=N replays it.
SEED = int(os.environ.get("CAIRN_SEED", random.randrange(1 << 32)))
NO_NATIVE = "this host does not run i386 programs natively"
ADDR_NO_RANDOMIZE = 0x0040000   # <sys/personality.h>
LIBC = ctypes.CDLL(None, use_errno=True)    # loaded here: the child after fork only calls it
BAD_ELFS = ["badmachine", "badclass", "truncated", "shortphdr", "shortseg"]


@dataclass
class Result:
    """A run's end. returncode None: exec refused the file (ENOEXEC), nothing ran."""
    returncode: int | None
    stdout: str
    stderr: str


def no_randomization() -> None:
    """In the child, before exec: what `setarch -R` does. setarch itself would not
    do: it execvp()s, and glibc's execvp runs a file exec refuses with ENOEXEC as a
    shell script, so a malformed ELF would end in a shell's syntax error."""
    persona = LIBC.personality(0xFFFFFFFF)          # 0xffffffff: only ask
    if persona == -1 or LIBC.personality(persona | ADDR_NO_RANDOMIZE) == -1:
        raise OSError(ctypes.get_errno(), "personality(ADDR_NO_RANDOMIZE)")


@dataclass(frozen=True)
class Runner:
    """How this host runs an i386 program: the command before it, whether the
    loader refuses an ELFCLASS64 header (Linux's load_elf_binary checks the
    magic, e_type and e_machine only, so its compat loader runs `badclass` as
    the hello it was made from; qemu-i386's loader checks the class), and what
    runs in the child before exec."""
    name: str
    prefix: tuple[str, ...]
    checks_elf_class: bool
    preexec: Callable[[], None] | None = None

    def command(self, prog: str, *args: str) -> list[str]:
        return [*self.prefix, str(PROGS / prog), *args]

    def popen(self, prog: str, *args: str) -> subprocess.Popen[str]:
        """The program with an empty environment, as stage 8 starts it."""
        return subprocess.Popen(self.command(prog, *args), env={}, preexec_fn=self.preexec,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run(self, prog: str, *args: str, stdin: bytes = b"") -> Result:
        try:
            r = subprocess.run(self.command(prog, *args), input=stdin, capture_output=True,
                               env={}, timeout=HANG_BOUND, preexec_fn=self.preexec)
        except OSError as e:        # from exec in the child, raised here by subprocess
            if e.errno != errno.ENOEXEC:
                raise
            return Result(None, "", f"exec refused it: {e.strerror}")
        return Result(r.returncode, r.stdout.decode(errors="replace"),
                      r.stderr.decode(errors="replace"))


def find_qemu() -> Runner:
    qemu = shutil.which("qemu-i386")
    if qemu is None:
        raise RuntimeError("no qemu-i386 to run the i386 programs under: "
                           "install qemu-user (tools/deps.sh does)")
    return Runner("qemu-i386", (qemu,), checks_elf_class=True)


def find_native(probe: str = "rawexit") -> Runner | str:
    """The native runner, or why this host has none: exec refuses the probe (a
    good program) with ENOEXEC when IA-32 emulation is off."""
    runner = Runner("native", (), checks_elf_class=False, preexec=no_randomization)
    try:
        r = runner.run(probe)
    except subprocess.SubprocessError as e:     # the preexec failed: personality refused
        return f"this host does not let a program run without address randomization ({e})"
    return NO_NATIVE if r.returncode is None else runner


RUNNERS: dict[str, Runner | str] = {}       # "qemu", "native": a runner, or why there is none


def setUpModule() -> None:
    if not (PROGS / "hello").exists():
        raise RuntimeError(f"{PROGS}/hello does not exist: run `make progs` first")
    for name in BAD_ELFS:
        (PROGS / name).chmod(0o755)         # mkbad.py writes them without x
    RUNNERS["qemu"] = find_qemu()
    RUNNERS["native"] = find_native()
    native = RUNNERS["native"]
    print(f"progs-test: under qemu-i386 ({RUNNERS['qemu'].prefix[0]}); natively: "
          + ("with address randomization off" if isinstance(native, Runner)
             else f"skipped: {native}"), file=sys.stderr)


def symbol(name: str, sym: str) -> int:
    """The address of a symbol of a program, as nm prints it."""
    for line in subprocess.run(["nm", str(PROGS / name)], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        parts = line.split()
        if parts[-1] == sym:
            return int(parts[0], 16)
    raise AssertionError(f"{name} has no symbol {sym}")


def hello_lines(path: str, *args: str) -> list[str]:
    return (["hello: hello, world", f"hello: argc {1 + len(args)}", f'hello: argv[0] "{path}"']
            + [f'hello: argv[{i}] "{a}"' for i, a in enumerate(args, 1)]
            + ["hello: envc 0", "hello: pagesz 4096"])


# The tests below run once per runner: on_every_runner makes a TestCase of each
# for "qemu" and "native" (TestHelloQemu, TestHelloNative), and the native one is
# skipped, with the reason, where the host has no native runner.
PerRunnerBase: Any = unittest.TestCase if TYPE_CHECKING else object


class ProgTest(PerRunnerBase):
    slot = ""
    runner: Runner

    @classmethod
    def setUpClass(cls) -> None:
        found = RUNNERS[cls.slot]
        if isinstance(found, str):
            raise unittest.SkipTest(found)
        cls.runner = found

    def prog(self, name: str, *args: str, stdin: bytes = b"") -> Result:
        return self.runner.run(name, *args, stdin=stdin)

    def check(self, r: Result, code: int, lines: list[str]) -> None:
        self.assertEqual(r.stdout.splitlines(), lines, f"stderr: {r.stderr}")
        self.assertTrue(r.stdout.endswith("\n"), "the last line has no newline")
        self.assertEqual(r.returncode, code, f"stderr: {r.stderr}")


def on_every_runner(cls: type) -> type:
    for slot in ("qemu", "native"):
        name = cls.__name__ + slot.capitalize()
        globals()[name] = type(name, (cls, unittest.TestCase), {"slot": slot})
    return cls


@on_every_runner
class TestHello(ProgTest):
    def test_argv(self) -> None:
        r = self.prog("hello", "one", "two words", "")
        self.check(r, 0, hello_lines(str(PROGS / "hello"), "one", "two words", ""))


@on_every_runner
class TestExit(ProgTest):
    def test_codes(self) -> None:
        for code, how in [(0, "group"), (7, "group"), (255, "exit"), (42, "return"), (3, "")]:
            with self.subTest(code=code, how=how):
                args = [str(code), how] if how else [str(code)]
                r = self.prog("exit", *args)
                self.check(r, code, [f"exit: exiting with {code} through {how or 'group'}"])

    def test_bad_arguments(self) -> None:
        self.check(self.prog("exit", "256"), 2, ["exit: bad code '256': out of range (0..255)"])
        self.check(self.prog("exit", "-1"), 2, ["exit: bad code '-1': malformed (0..255)"])
        self.check(self.prog("exit", "1", "quit"), 2, ["exit: exiting with 1 through quit",
                                                 "exit: bad how 'quit': not group, exit or return"])
        self.check(self.prog("exit"), 2, ["exit: usage: exit CODE [group|exit|return]"])

    def test_raw_program(self) -> None:
        r = self.prog("rawexit")
        self.check(r, 42, ["rawexit: built with nothing but gcc -m32 -static -nostdlib"])


@on_every_runner
class TestMalloc(ProgTest):
    def test_seeded(self) -> None:
        seed = random.Random(SEED).randrange(1 << 32)
        for args in [(seed, 64, 4096), (seed, 1, 1), (seed, 200, 20000), (seed, 4096, 16)]:
            with self.subTest(args=args, CAIRN_SEED=SEED):
                self.check(self.prog("malloc", *map(str, args)), 0, malloc_lines(*args))
        self.check(self.prog("malloc", "7"), 0, malloc_lines(7, 64, 4096))


@on_every_runner
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
                        self.check(self.prog("crc", str(path), chunk), 0,
                                   [f"crc: {path}: {size} bytes crc32 0x{zlib.crc32(data):08x}"])

    def test_errors(self) -> None:
        self.check(self.prog("crc", "/no such file"), 1, ["crc: open /no such file: -2"])
        self.check(self.prog("crc", "/", "0"), 2, ["crc: bad chunk '0': out of range (1..4096)"])
        self.check(self.prog("crc"), 2, ["crc: usage: crc PATH [CHUNK]"])


@on_every_runner
class TestKeys(ProgTest):
    def test_line(self) -> None:
        self.check(self.prog("keys", stdin=b"hello world\n"), 0,
                   ["keys: ready for 256 bytes", 'keys: got 12 bytes "hello world\\n"'])

    def test_count_and_escapes(self) -> None:
        self.check(self.prog("keys", "5", stdin=b"a\tb\"\\xyz"), 0,
                   ["keys: ready for 5 bytes", 'keys: got 5 bytes "a\\tb\\"\\\\"'])
        self.check(self.prog("keys", "3", stdin=b"\x01\xff"), 0,
                   ["keys: ready for 3 bytes", 'keys: got 2 bytes "\\x01\\xff"'])
        self.check(self.prog("keys", stdin=b""), 0, ["keys: ready for 256 bytes", 'keys: got 0 bytes ""'])


@on_every_runner
class TestSleep(ProgTest):
    def test_sleeps_at_least(self) -> None:
        start = time.monotonic()
        r = self.prog("sleep", "40", "3")
        elapsed = time.monotonic() - start
        lines = []
        for i in (1, 2, 3):
            lines += [f"sleep: {i}: sleeping 40 ms", f"sleep: {i}: awake"]
        self.check(r, 0, lines)
        self.assertGreaterEqual(elapsed, 0.120, "three sleeps of 40 ms took less than 120 ms")

    def test_zero(self) -> None:
        self.check(self.prog("sleep", "0"), 0, ["sleep: 1: sleeping 0 ms", "sleep: 1: awake"])


@on_every_runner
class TestIsolate(ProgTest):
    def test_two_copies(self) -> None:
        """Natively too the copies' heaps meet: the native runner has switched
        randomization off (stage 8 has none), so each break starts where the
        program's end puts it."""
        procs = [self.runner.popen("isolate", str(i), "512", "32", "3") for i in (1, 2)]
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


@on_every_runner
class TestFiles(ProgTest):
    def test_mkfile(self) -> None:
        seed = random.Random(SEED).randrange(1 << 32)
        with tempfile.TemporaryDirectory() as tmp:
            for size in [0, 3, 1000, 4097, 12345]:
                path = Path(tmp) / "out.bin"
                with self.subTest(size=size, CAIRN_SEED=SEED):
                    data = pattern(seed, size)
                    self.check(self.prog("mkfile", str(path), str(size), str(seed)), 0,
                               [f"mkfile: {path}: {size} bytes crc32 0x{zlib.crc32(data):08x}"])
                    self.assertEqual(path.read_bytes(), data)

    def test_badfd(self) -> None:
        self.check(self.prog("badfd", str(PROGS / "hello")), 0, [
            "badfd: read(99, buf, 1) = -9", "badfd: write(99, buf, 1) = -9", "badfd: close(99) = -9",
            "badfd: read(-1, buf, 1) = -9", 'badfd: open("/no such file", O_RDONLY) = -2',
            "badfd: close(fd) = 0", "badfd: read(fd, buf, 1) after close = -9",
            "badfd: close(fd) again = -9", "badfd: 0 of 8 calls returned something else"])


@on_every_runner
class TestKills(ProgTest):
    def killed(self, name: str, sig: int, line: str, *args: str) -> None:
        r = self.prog(name, *args)
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

    def test_brk_gives_pages_back(self) -> None:
        """Linux unmaps what brk gives back, so the read after it faults; qemu-i386's
        own brk keeps the pages mapped, so this holds only natively."""
        if self.slot != "native":
            self.skipTest("qemu-i386 keeps the pages brk gives back")
        r = self.prog("brkstale")
        self.assertEqual(r.returncode, -signal.SIGSEGV, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"^brkstale: reading 0x[0-9a-f]{8} after brk gave it back\n$")


@on_every_runner
class TestErrors(ProgTest):
    def test_efault(self) -> None:
        calls = ["write(1, 0x00000000, 8)", "write(1, 0x00100000, 8)", "write(1, 0xc0000000, 8)",
                 "write(1, 0xfffffff8, 16)", "read(0, 0x00100000, 8)", "read(0, 0xc0000000, 8)",
                 "read(0, 0xfffffff8, 16)", "open(0x00000000, 0, 0)", "read(3, 0x00000000, 8)"]
        r = self.prog("efault", str(PROGS / "hello"), stdin=b"keys that must not be read\n")
        self.check(r, 0, [f"efault: {c} = -14" for c in calls]
                   + [f"efault: 0 of {len(calls)} calls did not return -14"])

    def test_enosys(self) -> None:
        self.check(self.prog("enosys"), 0, [
            "enosys: syscall 1000 (0x000003e8) = -38",
            "enosys: syscall 2147483647 (0x7fffffff) = -38",
            "enosys: syscall 4294967295 (0xffffffff) = -38",
            "enosys: still running; 0 of 3 calls did not return -38"])
        r = self.prog("enosys", "20")                     # getpid exists: the program can fail
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stdout, r"^enosys: syscall 20 \(0x00000014\) = [1-9][0-9]*\n"
                                   r"enosys: still running; 1 of 1 calls did not return -38\n$")


@on_every_runner
class TestBench(ProgTest):
    def test_lines(self) -> None:
        """The figures are not checked (nothing here times): only their lines."""
        r = self.prog("ubench", "100", "8")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^bench: getpid round trip \d+ cycles\n"
                                   r"bench: page fault \(fresh heap page\) \d+ cycles\n"
                                   r"bench: ubench frames touched 8 pages\n$")


@on_every_runner
class TestBadElf(ProgTest):
    def test_refused(self) -> None:
        """Refused means nothing ran: exec's ENOEXEC (returncode None), or a
        non-zero end with no output (qemu-i386 exits 1 or 255, or dies of the
        missing bytes; shortseg dies of SIGBUS natively too)."""
        for name in BAD_ELFS:
            with self.subTest(name=name):
                r = self.prog(name)
                if name == "badclass" and not self.runner.checks_elf_class and r.returncode == 0:
                    # Linux runs it (Runner says why): all that is true here is that it
                    # is the hello it was made from. Stage 8's refusal of it is lab 8's
                    # to prove: tests/test_lab8_elf.c and the graded bad-elf boot.
                    self.assertEqual(r.stdout.splitlines(), hello_lines(str(PROGS / name)))
                    continue
                self.assertNotEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout, "", f"{name} ran")


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


class TestElfFiles(unittest.TestCase):
    """What a malformed file is, whichever host runs it."""

    def test_bad_class(self) -> None:
        """hello with EI_CLASS alone changed (ELFCLASS64), so that a loader that
        ran it (Linux does) ran hello: nothing else in it is wrong."""
        good, bad = (PROGS / "hello").read_bytes(), (PROGS / "badclass").read_bytes()
        self.assertEqual(good[4], 1)
        self.assertEqual(bad, good[:4] + b"\x02" + good[5:])

    def test_kernel_segment(self) -> None:
        """Linux may load it (it has no kernel at 1 MiB): check that its first
        PT_LOAD is where stage 8's kernel is, and the rest is hello's."""
        good, bad = (PROGS / "hello").read_bytes(), (PROGS / "kernelseg").read_bytes()
        phoff = struct.unpack_from("<I", good, 28)[0]
        self.assertEqual(struct.unpack_from("<I", good, phoff)[0], 1, "hello's first header is no PT_LOAD")
        moved = struct.pack("<II", 0x00100000, 0x00100000)     # p_vaddr, p_paddr
        self.assertEqual(bad, good[:phoff + 8] + moved + good[phoff + 16:])


class TestRunners(unittest.TestCase):
    def test_a_host_whose_exec_refuses_is_told_apart(self) -> None:
        """The skip's branch, on any host: a probe exec refuses (no Linux loader
        takes EM_X86_64 with 32-bit headers) makes find_native say there is no
        native runner, as rawexit does where IA-32 emulation is off."""
        self.assertEqual(find_native("badmachine"), NO_NATIVE)

    def test_the_native_runner_switches_randomization_off(self) -> None:
        native = RUNNERS["native"]
        if isinstance(native, str):
            self.skipTest(native)
        with open("/proc/self/personality") as f:     # Linux: this process's, in hex
            self.assertFalse(int(f.read(), 16) & ADDR_NO_RANDOMIZE, "the tests' own process changed")
        r = subprocess.run(["cat", "/proc/self/personality"], capture_output=True, text=True,
                           preexec_fn=native.preexec, check=True)
        self.assertTrue(int(r.stdout, 16) & ADDR_NO_RANDOMIZE, r.stdout)


if __name__ == "__main__":
    unittest.main()
