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

Lab 9's programs (the shell, its tools, forktest, proctest) run each in a
temporary directory of the test's own, and never fork without a bound: see
the comment above Lab9Test.
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
PROGS = Path(os.environ.get("CAIRN_PROGS", ROOT / "build" / "progs")).resolve()  # cwd may change
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

    def child_setup(self) -> None:
        """In the child, before exec: every signal at its default, as stage 8 starts a
        program. A test run in the background (`make test &`, a CI runner's job) has
        SIGINT and SIGQUIT ignored, which exec keeps: `kill -SIGINT` then did nothing."""
        for sig in (signal.SIGINT, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_DFL)
        if self.preexec:
            self.preexec()

    def popen(self, prog: str, *args: str) -> subprocess.Popen[str]:
        """The program with an empty environment, as stage 8 starts it."""
        return subprocess.Popen(self.command(prog, *args), env={}, preexec_fn=self.child_setup,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run(self, prog: str, *args: str, stdin: bytes | Path = b"", env: dict[str, str] | None = None,
            cwd: Path | None = None, prefix: tuple[str, ...] = ()) -> Result:
        """stdin: the bytes of a pipe, or a file opened as it (a regular file,
        which wc tells apart); env: empty unless given; prefix: a command that
        runs the runner's (setpriv and prlimit, to bound a fork test)."""
        feed = stdin.open("rb") if isinstance(stdin, Path) else None
        try:
            r = subprocess.run([*prefix, *self.command(prog, *args)],
                               input=None if feed else stdin, stdin=feed, capture_output=True,
                               env=env or {}, cwd=cwd, timeout=HANG_BOUND, preexec_fn=self.child_setup)
        except OSError as e:        # from exec in the child, raised here by subprocess
            if e.errno != errno.ENOEXEC:
                raise
            return Result(None, "", f"exec refused it: {e.strerror}")
        finally:
            if feed:
                feed.close()
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

    def prog(self, name: str, *args: str, stdin: bytes | Path = b"", **kw: Any) -> Result:
        return self.runner.run(name, *args, stdin=stdin, **kw)

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


# ---- Lab 9: the shell, its tools, forktest and proctest ----------------------
#
# Everything runs in a temporary directory of the test's own (cwd), the
# shell with PATH set to the built programs (on Cairn, with no environment,
# it looks in / then /bin). Under qemu-i386 only the first program is
# emulated: its execve runs the next one on the host itself, so the tests
# that exec need a host that runs i386 programs natively, and say so where
# it does not. Fork tests are always bounded by their MAX argument, and the
# refusal path is shown natively only, under an RLIMIT_NPROC of an
# unprivileged user (setpriv, prlimit), never by exhausting this host.

def host_wc(args: list[str], cwd: Path, stdin: bytes | Path) -> Result:
    """GNU coreutils' wc on this host, in the C locale, as the reference."""
    feed = stdin.open("rb") if isinstance(stdin, Path) else None
    try:
        r = subprocess.run(["wc", *args], input=None if feed else stdin, stdin=feed, cwd=cwd,
                           capture_output=True, env={"LC_ALL": "C", "PATH": os.defpath},
                           timeout=HANG_BOUND)
    finally:
        if feed:
            feed.close()
    return Result(r.returncode, r.stdout.decode(), r.stderr.decode())


def bounded_as_nobody(nproc: int) -> tuple[str, ...]:
    """A command prefix that runs a program as an unprivileged user with at most
    `nproc` processes of that user (RLIMIT_NPROC binds only without root's
    capabilities), or () when this host cannot (not root, or no tools). The
    user is a uid of this run's own, above the ones a system hands out, so
    that no other process (another run of these tests) counts against it."""
    if os.geteuid() != 0 or not shutil.which("setpriv") or not shutil.which("prlimit"):
        return ()
    uid = 0x10000 + os.getpid() % 0x10000
    return ("setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "prlimit", f"--nproc={nproc}")


class Lab9Test(ProgTest):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="cairn-progs-"))
        self.addCleanup(shutil.rmtree, self.tmp)

    def needs_exec(self) -> None:
        if self.slot == "qemu" and isinstance(RUNNERS["native"], str):
            self.skipTest("under qemu-i386 a program's execve runs the next program on the "
                          "host, which does not run i386 programs natively")

    def run_in_tmp(self, name: str, *args: str, stdin: bytes | Path = b"", **kw: Any) -> Result:
        return self.prog(name, *args, stdin=stdin, cwd=self.tmp, **kw)

    def shared_copy(self, *names: str) -> Path:
        """The programs copied where another uid may run them: the tree may sit under a
        temporary directory only its owner can enter (a CI clone does)."""
        shared = Path(tempfile.mkdtemp(prefix="cairn-progs-shared-"))
        self.addCleanup(shutil.rmtree, shared)
        shared.chmod(0o755)
        for name in names:
            shutil.copy2(PROGS / name, shared / name)
            (shared / name).chmod(0o755)
        return shared

    def sh(self, *args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> Result:
        self.needs_exec()
        return self.run_in_tmp("sh", *args, stdin=stdin,
                               env={"PATH": str(PROGS)} if env is None else env)

    def expect(self, r: Result, code: int, out: str, err: str = "") -> None:
        self.assertEqual((r.stdout, r.stderr, r.returncode), (out, err, code))


@on_every_runner
class TestShell(Lab9Test):
    def test_pipelines(self) -> None:
        self.expect(self.sh("-c", "echo a b c | cat | grep b"), 0, "a b c\n")
        self.expect(self.sh("-c", "echo x" + " | cat" * 31), 0, "x\n")     # 32 commands
        self.expect(self.sh("-c", "echo one two | wc -w"), 0, "2\n")
        self.expect(self.sh("-c", "echo a | grep zzz | cat"), 0, "")          # the last one's 0
        self.expect(self.sh("-c", "echo a | grep zzz"), 1, "")
        self.expect(self.sh("-c", "echo x" + " | cat" * 32), 2, "",
                    "sh: pipeline too long (more than 32 commands)\n")

    def test_redirections(self) -> None:
        r = self.sh("-c", "echo one > f; echo two >> f; cat < f; cat f f | wc -l > n; cat n")
        self.expect(r, 0, "one\ntwo\n4\n")
        self.assertEqual((self.tmp / "f").read_text(), "one\ntwo\n")
        self.expect(self.sh("-c", "echo new > f; cat f"), 0, "new\n")       # > truncates
        self.expect(self.sh("-c", "grep x nothere 2> err; cat err"), 0,
                    "grep: nothere: No such file or directory\n")
        self.expect(self.sh("-c", "grep x nothere 2>&1 | cat"), 0,
                    "grep: nothere: No such file or directory\n")
        self.expect(self.sh("-c", "grep x nothere 2>&1 >f | cat -; cat f"), 0,   # in order
                    "grep: nothere: No such file or directory\n")
        self.expect(self.sh("-c", "cat < nothere && echo ran"), 1, "",
                    "sh: nothere: No such file or directory\n")
        self.expect(self.sh("-c", "> empty; cat empty; echo x >out | cat; cat out"), 0, "x\n")
        self.assertEqual((self.tmp / "empty").read_bytes(), b"")

    def test_quotes(self) -> None:
        r = self.sh("-c", """argecho 'a  b' "c \\"q\\" \\\\ \\$ d" e\\ f '' "it's" 'say "hi"' x#y""")
        args = ["a  b", 'c "q" \\ $ d', "e f", "", "it's", 'say "hi"', "x#y"]
        self.assertEqual(r.stdout.splitlines()[1:len(args) + 2],
                         ['argecho: argv[0] "argecho"']
                         + [f'argecho: argv[{i}] "{a}"' for i, a in enumerate(args, 1)], r.stderr)
        self.assertEqual(r.returncode, len(args) + 1)
        self.expect(self.sh("-c", "echo a # a comment | cat"), 0, "a\n")
        self.expect(self.sh("-c", "echo 'two\nlines'"), 0, "two\nlines\n")

    def test_lists_and_status(self) -> None:
        self.expect(self.sh("-c", "false && echo no; true && echo yes; false || echo alt;"
                                  " true || echo never; echo $?"), 0, "yes\nalt\n0\n")
        self.expect(self.sh("-c", "false; echo $? \"$?\" '$?'"), 0, "1 1 $?\n")
        self.expect(self.sh("-c", "false || true && echo both"), 0, "both\n")
        self.expect(self.sh("-c", "true || false && echo posix"), 0, "posix\n")
        self.expect(self.sh("-c", "exit 3"), 3, "")
        self.expect(self.sh("-c", "false"), 1, "")
        self.expect(self.sh("-c", "exit 7; echo no"), 7, "")
        self.expect(self.sh("-c", "exit 5 | cat; echo $?"), 0, "0\n")       # exit in a child only

    def test_errors(self) -> None:
        self.expect(self.sh("-c", "nosuchprog arg"), 127, "", "sh: nosuchprog: not found\n")
        self.expect(self.sh("-c", "./nosuch; echo $?"), 0, "127\n", "sh: ./nosuch: not found\n")
        (self.tmp / "plain").write_text("not a program\n")
        self.expect(self.sh("-c", "./plain"), 126, "", "sh: ./plain: Permission denied\n")
        syntax = [("echo a |", "unexpected end of input (an open quote, or after | && ||)"),
                  ("| echo", "unexpected '|'"), ("echo a ;; echo", "unexpected ';'"),
                  ("echo >", "unexpected end of input"), ("echo a && || b", "unexpected '||'"),
                  ("echo 'open", "unexpected end of input (an open quote, or after | && ||)"),
                  ("echo (x)", "'(' is not supported")]
        for cmd, why in syntax:
            with self.subTest(cmd=cmd):
                self.expect(self.sh("-c", "echo first; " + cmd), 2, "", f"sh: syntax error: {why}\n")
        self.expect(self.sh("-c", "echo a & echo b"), 2, "",
                    "sh: background jobs ('&') are not supported\n")
        self.expect(self.sh("-c", "echo x" * 900), 2, "",
                    "sh: command too long (more than 4096 bytes)\n")
        self.expect(self.sh("-c", "echo" + " w" * 600), 2, "",
                    "sh: too many words and operators in one command (more than 511)\n")
        self.expect(self.sh("-x"), 2, "", "sh: usage: sh [-i | -c COMMAND | FILE]\n")
        self.expect(self.sh("nothere.sh"), 127, "", "sh: nothere.sh: No such file or directory\n")

    def test_killed_command(self) -> None:
        self.expect(self.sh("-c", "nullptr; echo $?"), 0, "nullptr: reading address 0x00000000\n139\n",
                    "sh: nullptr: killed by signal 11 SIGSEGV\n")

    def test_builtins(self) -> None:
        (self.tmp / "sub").mkdir()
        real = self.tmp.resolve()
        self.expect(self.sh("-c", "cd sub; pwd; cd ..; pwd; cd; pwd"), 0, f"{real}/sub\n{real}\n/\n")
        self.expect(self.sh("-c", "cd nothere; echo $?"), 0, "1\n",
                    "sh: cd: nothere: No such file or directory\n")
        self.expect(self.sh("-c", "pwd > where; cat where"), 0, f"{real}\n")  # and fd 1 comes back
        self.expect(self.sh("-c", "cd nothere 2> err 5> five; cat err; argecho | grep fds"), 0,
                    "sh: cd: nothere: No such file or directory\n"
                    "argecho: open fds above 2: none\n")               # 2 back, 5 closed again
        self.expect(self.sh("-c", "exit 256"), 2, "", "sh: exit: bad number '256' (0..255)\n")

    def test_script_file(self) -> None:
        (self.tmp / "script.sh").write_text(
            "# a comment line\n"
            "echo one\n"
            "echo two |\n"
            "  cat &&\n"
            "  echo three\n"
            "echo 'a quote\n"
            "over lines'\n"
            "echo con\\\n"
            "tinued \\\n"
            "  and on\n"
            "false\n")
        self.expect(self.sh("script.sh"), 1,
                    "one\ntwo\nthree\na quote\nover lines\ncontinued and on\n")
        (self.tmp / "bad.sh").write_text("echo before\necho a ; ; b\necho after\n")
        self.expect(self.sh("bad.sh"), 2, "before\n", "sh: syntax error: unexpected ';'\n")

    def test_standard_input(self) -> None:
        """Read a byte at a time: cat gets the rest of the shell's own stdin."""
        self.expect(self.sh(stdin=b"echo one\ncat\nfor cat\nand this\n"), 0,
                    "one\nfor cat\nand this\n")
        self.expect(self.sh(stdin=b"echo a\nexit 4\necho never\n"), 4, "a\n")
        self.expect(self.sh(stdin=b"echo a\necho ( \necho b\n"), 2, "a\n",
                    "sh: syntax error: '(' is not supported\n")
        long_line = b"echo " + b"x" * 5000 + b"\n"
        self.expect(self.sh(stdin=long_line + b"echo next\n"), 2, "",
                    "sh: line too long (more than 4096 bytes)\n")

    def test_interactive(self) -> None:
        """-i: a prompt on fd 2 before each command, "> " for a continued one; a
        syntax error does not end it."""
        self.expect(self.sh("-i", stdin=b"echo hi |\ncat\necho ( \necho b\n"), 0, "hi\nb\n",
                    "$ > $ sh: syntax error: '(' is not supported\n$ $ ")

    def test_interactive_on_a_character_device(self) -> None:
        """Without -i, fstat64 of fd 0 decides: /dev/null is a character device,
        as the console is, so the shell prompts (and finds the input ended)."""
        self.needs_exec()
        r = self.run_in_tmp("sh", stdin=Path(os.devnull))
        self.expect(r, 0, "", "$ ")

    def test_default_search_path(self) -> None:
        """Without PATH, / then /bin: this host's own /bin/true (any binary runs:
        the execve is the host's)."""
        self.expect(self.sh("-c", "true && echo found", env={}), 0, "found\n")
        self.expect(self.sh("-c", "cairn-no-such-program", env={}), 127, "",
                    "sh: cairn-no-such-program: not found\n")


@on_every_runner
class TestTools(Lab9Test):
    def raw_output(self, name: str, *args: str, stdin: bytes = b"") -> tuple[bytes, int]:
        """stdout as bytes (cat copies binary data), and the exit code."""
        r = subprocess.run(self.runner.command(name, *args), input=stdin, capture_output=True,
                           cwd=self.tmp, env={}, preexec_fn=self.runner.child_setup,
                           timeout=HANG_BOUND)
        return r.stdout, r.returncode

    def test_echo(self) -> None:
        self.expect(self.run_in_tmp("echo"), 0, "\n")
        self.expect(self.run_in_tmp("echo", "a", "b  c", ""), 0, "a b  c \n")
        self.expect(self.run_in_tmp("echo", "-n", "no", "newline"), 0, "no newline")
        long_word = "y" * 10000                   # past echo's 4096-byte buffer
        self.expect(self.run_in_tmp("echo", long_word, long_word), 0, f"{long_word} {long_word}\n")

    def test_cat(self) -> None:
        data = random.Random(SEED).randbytes(10000)
        (self.tmp / "a").write_bytes(data)
        (self.tmp / "b").write_text("bee\n")
        self.assertEqual(self.raw_output("cat", "a", "-", "b", stdin=b"in\n"),
                         (data + b"in\nbee\n", 0), f"CAIRN_SEED={SEED}")
        self.assertEqual(self.raw_output("cat", stdin=data), (data, 0))
        self.expect(self.run_in_tmp("cat", "nothere", "b"), 1, "bee\n",
                    "cat: nothere: No such file or directory\n")

    def test_wc_against_coreutils(self) -> None:
        rng = random.Random(SEED)
        files = {"empty": b"", "text": b"one two\n three\t\tfour\n\nfive",
                 "ctrl": b"\x01\x02 a\x01b \xff\xfe c\x7f\v\f\rx\n",
                 "random": rng.randbytes(rng.randint(1, 50000)),
                 "big": b"word " * 300000}                     # 7 digits of size
        for name, data in files.items():
            (self.tmp / name).write_bytes(data)
        cases = [[], ["text"], ["-l", "text"], ["-w", "ctrl"], ["-c", "random"],
                 ["text", "ctrl"], ["-lw", "text", "-"], ["-cl", "random"], ["empty"],
                 ["big", "text"], ["-l", "big", "empty"], ["nothere", "text"],
                 ["text", "nothere"], ["-l"], ["-w", "-c"], ["--", "text"]]
        for args in cases:
            for stdin in (files["random"], self.tmp / "text"):   # a pipe; a regular file
                with self.subTest(args=args, stdin="file" if isinstance(stdin, Path) else "pipe",
                                  CAIRN_SEED=SEED):
                    ours, theirs = self.run_in_tmp("wc", *args, stdin=stdin), host_wc(args, self.tmp, stdin)
                    self.assertEqual((ours.stdout, ours.returncode), (theirs.stdout, theirs.returncode))
                    self.assertEqual(ours.stderr.replace("wc: ", ""),
                                     theirs.stderr.replace("wc: ", ""))
        self.expect(self.run_in_tmp("wc", "-x"), 2, "",
                    "wc: unknown option -x: usage: wc [-l] [-w] [-c] [FILE...]\n")

    def test_ls(self) -> None:
        (self.tmp / "dir").mkdir()
        for name, size in [("b", 3), ("a", 0), ("C", 10), (".hidden", 1), ("dir/inner", 5)]:
            (self.tmp / name).write_bytes(b"x" * size)
        self.expect(self.run_in_tmp("ls"), 0, "C\na\nb\ndir\n")
        self.expect(self.run_in_tmp("ls", "-a"), 0, ".\n..\n.hidden\nC\na\nb\ndir\n")
        self.expect(self.run_in_tmp("ls", "-l", "."), 0,
                    "-         10 C\n-          0 a\n-          3 b\nd       " +
                    f"{os.stat(self.tmp / 'dir').st_size:4d} dir\n")
        self.expect(self.run_in_tmp("ls", "b", "dir"), 0, "b\n\ndir:\ninner\n")
        self.expect(self.run_in_tmp("ls", "dir", "b"), 0, "dir:\ninner\nb\n")
        self.expect(self.run_in_tmp("ls", "nothere", "dir"), 2, "\ndir:\ninner\n",
                    "ls: cannot access 'nothere': No such file or directory\n")
        many = self.tmp / "many"
        many.mkdir()
        names = sorted(f"file{i:04d}" for i in range(300))      # several getdents64 calls
        for n in names:
            (many / n).touch()
        self.expect(self.run_in_tmp("ls", "many"), 0, "".join(n + "\n" for n in names))

    def test_grep(self) -> None:
        (self.tmp / "t").write_bytes(b"one\ntwo\nthree\n\nlast without newline")
        (self.tmp / "u").write_text("ones\n")
        self.expect(self.run_in_tmp("grep", "o", "t"), 0, "one\ntwo\nlast without newline\n")
        self.expect(self.run_in_tmp("grep", "-v", "o", "t"), 0, "three\n\n")
        self.expect(self.run_in_tmp("grep", "-n", "e", "t"), 0,
                    "1:one\n3:three\n5:last without newline\n")
        self.expect(self.run_in_tmp("grep", "-c", "e", "t", "u"), 0, "t:3\nu:1\n")
        self.expect(self.run_in_tmp("grep", "one", "t", "u"), 0, "t:one\nu:ones\n")
        self.expect(self.run_in_tmp("grep", "", "u"), 0, "ones\n")
        self.expect(self.run_in_tmp("grep", "zzz", "t"), 1, "")
        self.expect(self.run_in_tmp("grep", "-c", "zzz", "t"), 1, "0\n")
        self.expect(self.run_in_tmp("grep", "e", stdin=b"hey\nno\n"), 0, "hey\n")
        self.expect(self.run_in_tmp("grep", "one", "nothere", "t"), 2, "t:one\n",
                    "grep: nothere: No such file or directory\n")
        self.expect(self.run_in_tmp("grep"), 2, "",
                    "grep: usage: grep [-v] [-c] [-n] PATTERN [FILE...]\n")
        long_line = b"a" * 100000 + b"needle" + b"b" * 100000
        (self.tmp / "long").write_bytes(long_line + b"\nshort\n")
        self.assertEqual(self.run_in_tmp("grep", "needle", "long").stdout,
                         long_line.decode() + "\n")

    def test_mkdir_rm_mv(self) -> None:
        self.expect(self.run_in_tmp("mkdir", "d1", "d2"), 0, "")
        self.assertTrue((self.tmp / "d1").is_dir() and (self.tmp / "d2").is_dir())
        self.expect(self.run_in_tmp("mkdir", "d1"), 1, "",
                    "mkdir: cannot create directory 'd1': File exists\n")
        (self.tmp / "f").write_text("data\n")
        self.expect(self.run_in_tmp("mv", "f", "g"), 0, "")
        self.assertEqual((self.tmp / "g").read_text(), "data\n")
        self.expect(self.run_in_tmp("mv", "g", "d1"), 0, "")                # into a directory
        self.assertEqual((self.tmp / "d1" / "g").read_text(), "data\n")
        self.expect(self.run_in_tmp("mv", "nothere", "x"), 1, "",
                    "mv: cannot move 'nothere' to 'x': No such file or directory\n")
        self.expect(self.run_in_tmp("rm", "d1/g", "nothere"), 1, "",
                    "rm: cannot remove 'nothere': No such file or directory\n")
        self.assertFalse((self.tmp / "d1" / "g").exists())
        self.expect(self.run_in_tmp("rm", "-f", "nothere"), 0, "")
        self.expect(self.run_in_tmp("rm", "d2"), 1, "", "rm: cannot remove 'd2': Is a directory\n")
        (self.tmp / "d1" / "x").touch()
        self.expect(self.run_in_tmp("rm", "-d", "d2", "d1"), 1, "",
                    "rm: cannot remove 'd1': Directory not empty\n")
        self.assertEqual(sorted(p.name for p in self.tmp.iterdir()), ["d1"])

    def test_kill(self) -> None:
        for args, sig in [((), signal.SIGTERM), (("-9",), signal.SIGKILL),
                          (("-KILL",), signal.SIGKILL), (("-SIGINT",), signal.SIGINT)]:
            with self.subTest(args=args):
                victim = self.runner.popen("sleep", "60000")
                self.assertEqual(victim.stdout.readline(), "sleep: 1: sleeping 60000 ms\n")
                r = self.run_in_tmp("kill", *args, str(victim.pid))
                victim.communicate(timeout=HANG_BOUND)
                self.expect(r, 0, "")
                self.assertEqual(victim.returncode, -sig)
        self.expect(self.run_in_tmp("kill", "2147483647"), 1, "",
                    "kill: (2147483647) - No such process\n")
        self.expect(self.run_in_tmp("kill", "-NOPE", "1"), 2, "", "kill: unknown signal 'NOPE'\n")
        self.expect(self.run_in_tmp("kill", "-9"), 2, "", "kill: usage: kill [-SIG] PID...\n")


def forktest_lines(n: int, refused: str | None = None) -> list[str]:
    return ["forktest: forking until refused (at most 64)" if refused else
            f"forktest: forking until refused (at most {n})",
            refused or f"forktest: stopped at the limit: {n} children",
            f"forktest: reaped {n} children, each with its own exit code", f"forktest: ok {n}"]


PROCTEST_LINES = [
    "proctest: 40 children wrote 40 records through one pipe, read to EOF",
    "proctest: each record gives its child's pid as fork returned it, and mine from getppid",
    "proctest: wait4 on each pid gave its exit code, 1..40",
    "proctest: copy-on-write: global, heap and stack words stay each process's own",
    'proctest: execve("{argecho}") passed 4 arguments and 2 environment strings whole',
    "proctest: execve closed the O_CLOEXEC descriptors and kept the others",
    "proctest: execve of a missing file returned -2, and I go on",
    "proctest: kill(child, SIGTERM): wait4 says signal 15 ended it",
    "proctest: kill of a reaped child returned -3",
]


@on_every_runner
class TestForks(Lab9Test):
    def test_forktest_bounded(self) -> None:
        for n in (1, 64):
            with self.subTest(n=n):
                self.check(self.run_in_tmp("forktest", str(n)), 0, forktest_lines(n))
        self.check(self.run_in_tmp("forktest", "0"), 2,
                   ["forktest: bad max '0': out of range (1..100000)"])

    def test_forktest_refused(self) -> None:
        """Natively only: qemu-i386 needs threads of its own, which the same limit refuses."""
        prefix = bounded_as_nobody(16)
        if self.slot == "qemu" or not prefix:
            self.skipTest("natively, as root with setpriv and prlimit, only")
        shared = self.shared_copy("forktest")
        r = self.prog(str(shared / "forktest"), "64", cwd=shared, prefix=prefix)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        n = int(r.stdout.splitlines()[-1].split()[-1])
        self.assertTrue(0 < n < 16, r.stdout)
        self.check(r, 0, forktest_lines(n, f"forktest: fork refused after {n} children: -11 "
                                           "(Resource temporarily unavailable)"))

    def proctest_lines(self, r: Result, last: list[str], argecho: str = str(PROGS / "argecho")) -> None:
        lines = r.stdout.splitlines()
        self.assertRegex(lines[0] if lines else "", r"^proctest: pid \d+, parent \d+$")
        self.assertEqual(lines[1:], [l.format(argecho=argecho) for l in PROCTEST_LINES] + last,
                         r.stderr)
        self.assertEqual(r.returncode, 0)

    def test_proctest_bounded(self) -> None:
        self.needs_exec()
        r = self.run_in_tmp("proctest", "64", str(PROGS / "argecho"))
        self.proctest_lines(r, ["proctest: stopped at the limit of 64 children, all alive at once",
                                "proctest: reaped all 64, then wait4 returned -10", "proctest: ok"])

    def test_proctest_refused(self) -> None:
        prefix = bounded_as_nobody(80)
        if self.slot == "qemu" or not prefix:
            self.skipTest("natively, as root with setpriv and prlimit, only")
        shared = self.shared_copy("proctest", "argecho")
        r = self.prog(str(shared / "proctest"), "1000", str(shared / "argecho"), cwd=shared,
                      prefix=prefix)
        refused = [l for l in r.stdout.splitlines() if "fork refused after" in l]
        self.assertRegex(refused[0] if refused else r.stdout,
                         r"^proctest: fork refused after \d+ children, all alive at once: -11$")
        n = refused[0].split()[4]
        self.proctest_lines(r, [refused[0], f"proctest: reaped all {n}, then wait4 returned -10",
                                "proctest: ok"], str(shared / "argecho"))


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
