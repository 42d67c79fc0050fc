"""Stage 9: processes. Each test boots stage 9 with its volume (build/lab9progs/lab9.img:
user/progs' programs and lab 9's lab9t, user/lab9progs/lab9t.c) at a seeded ATA position,
runs one first process with run=..., and checks every line it and its descendants printed
(each computed here from the test's seeded arguments), how the first process ended, and
that every page frame came back ("lab9: frames leaked: 0"): page tables, copied pages,
pipe buffers; and the kernel's heap, threads and process records too (a "lab9: leaked:"
line, which only a leak prints). Processes print at once, so lines of several processes are compared as a
set where their order is the scheduler's; the kernel's own lines in order.

The console tests type over COM1 (Machine.serial_steps): each step's bytes go once the
program has printed what the step waits for, so echo and output interleave the same way
in every run.
"""
from __future__ import annotations

from pathlib import Path

from grade.cli import BUILD
from grade.core import QEMU_ONLY, Ctx, Disk, Result, tail, test
from grade.drives import position
from grade.expect import Pattern, render
from grade.labs.fatvol import mtype

LAB9_IMG = BUILD / "lab9progs" / "lab9.img"     # make lab9 builds it (user/lab9progs/lab9progs.mk)
TIMEOUT = 30.0
WORD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
PROC_LIMIT = 64                                 # labs/lab9-proc/include/proc.h
LEAKED = "lab9: leaked: "                       # proc.c prints it only when something is


def disk(ctx: Ctx) -> Disk:
    if not LAB9_IMG.exists():
        raise RuntimeError(f"{LAB9_IMG} is missing: run `make lab9`")
    ch, unit = position(ctx)
    return Disk(LAB9_IMG, ch, unit, model="Cairn lab 9", serial="CAIRN-LAB9")


def mount_line(d: Disk) -> str:
    return f"lab8: ata{d.channel} {'slave' if d.unit else 'master'}: FAT12 volume"


def run9(ctx: Ctx, words: str, **kw: object) -> tuple[Result, Disk]:
    d = disk(ctx)
    r = ctx.boot(args=[f'run="/lab9t {words}"'], disks=[d], **kw)  # type: ignore[arg-type]
    return r, d


def no_leaks(ctx: Ctx, r: Result) -> None:
    """Once every process is reaped the kernel holds what it held before the first one
    (its heap's bytes and blocks, its threads, lab 9's process records): else it says
    "lab9: leaked: ..." (labs/lab9-proc/proc.c), as a zombie whose record nobody freed
    makes it, its frames all back."""
    leaks = [line for line in r.lines if LEAKED in line]
    ctx.check(not leaks, "every process was reaped, but the kernel did not get back all it "
              "gave them (a zombie's record never freed?):\n  " + "\n  ".join(leaks))


def body(ctx: Ctx, r: Result, d: Disk, first: str = "/lab9t: 0") -> list[str]:
    """The whole log is the run section, with nothing leaked; the lines between the mount
    and the first process's end."""
    ctx.expect(r, "run", mount=mount_line(d), first=first)
    no_leaks(ctx, r)
    got = r.lines
    return got[got.index(mount_line(d)) + 1:len(got) - 3]


def mine(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("lab9t: ")]


def fnv(data: bytes) -> int:
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def word(ctx: Ctx, n: int = 8) -> str:
    return "".join(ctx.rng.choice(WORD_CHARS) for _ in range(ctx.rng.randint(1, n)))


def tree_lines(seed: int, path: str, depth: int, maxd: int, width: int, out: list[str]) -> int:
    kids = [tree_lines(seed, f"{path}.{i}", depth + 1, maxd, width, out)
            for i in range(width if depth < maxd else 0)]
    code = (fnv(f"{seed}:{path}".encode()) % 251 + sum(kids)) % 256
    shown = ",".join(str(k) for k in kids) or "none"
    out.append(f"lab9t: tree {path} exits {code} (children {shown})")
    return code


@test(lab=9, name="fork-tree", points=15, timeout=TIMEOUT)
def fork_tree(ctx: Ctx) -> None:
    """A tree of forks of seeded depth and width: each process waits for its children by
    pid and exits with its own value plus theirs; every code reaches its parent through
    wait4's status, and the first process's reaches the kernel."""
    depth = ctx.rng.randint(1, 3)
    width = ctx.rng.randint(1, {1: 4, 2: 4, 3: 2}[depth])
    seed = ctx.rng.randrange(1 << 31)
    want: list[str] = []
    code = tree_lines(seed, "r", 0, depth, width, want)
    r, d = run9(ctx, f"tree {seed} {depth} {width}")
    lines = body(ctx, r, d, first=f"/lab9t: {code}")
    ctx.expect_same(sorted(mine(lines)), sorted(want), "the tree's lines")
    ctx.expect_same([l for l in lines if not l.startswith("lab9t: ")], [], "the kernel's lines")


@test(lab=9, name="cow", points=15, paths=QEMU_ONLY, timeout=TIMEOUT)
def cow(ctx: Ctx) -> None:
    """After fork both write while both live. The parent first writes new values into
    its data, bss, heap and stack words (each a copy-on-write fault: fork made the
    parent's pages read-only too), then lets the child go; the child still sees the
    values of the fork, writes its own and read()s from a pipe into a shared page (the
    kernel's write must copy it too); the parent sees its own values and nothing in its
    buffer, then writes the page it alone holds again."""
    v = ctx.rng.randrange(1 << 31)
    n = [(~v + i) & 0xFFFFFFFF for i in range(4)]
    r, d = run9(ctx, f"cow {v}")
    ctx.expect_same(mine(body(ctx, r, d)), [
        f"lab9t: cow child sees {v} {v + 1} {v + 2} {v + 3} after the parent's writes",
        f'lab9t: cow child wrote {n[0]} {n[1]} {n[2]} {n[3]} and read 4 bytes "COW!"',
        f"lab9t: cow parent sees {v + 100} {v + 101} {v + 102} {v + 103} and 0 in its buffer",
        f"lab9t: cow parent wrote {v + 5}: child exited 0"], "the lines of lab9t")


@test(lab=9, name="exec", points=15, timeout=TIMEOUT)
def exec_(ctx: Ctx) -> None:
    """execve of a missing program returns -ENOENT and the caller goes on; execve of a
    relative path then replaces the program: argv and envp as given, the descriptor
    opened without O_CLOEXEC still open, the one with it closed, and its dup2 copy open
    (dup2 never copies close-on-exec)."""
    w = word(ctx)
    r, d = run9(ctx, f"exec {w}")
    argv = ["lab9t", "args", w, "3", "4", "12"]
    ctx.expect_same(mine(body(ctx, r, d)), [
        "lab9t: execve /no/such/program = -2", f"lab9t: args argc {len(argv)}",
        *[f'lab9t: args argv[{i}] "{a}"' for i, a in enumerate(argv)],
        'lab9t: args env "HOME=/"', f'lab9t: args env "WORD={w}"',
        "lab9t: args fstat(kept fd) = 0, fstat(close-on-exec fd) = -9, fstat(its dup2) = 0"],
        "the lines of lab9t")


@test(lab=9, name="orphans-zombies", points=10, paths=QEMU_ONLY, timeout=TIMEOUT)
def orphans(ctx: Ctx) -> None:
    """A child exits 7 leaving a grandchild, which finds pid 1 its parent and is reaped by
    it (exit 9); a zombie keeps its status (kill(pid, 0) finds it) until reaped; wait with
    no child left is -ECHILD."""
    r, d = run9(ctx, "orphan")
    ctx.expect_same(sorted(mine(body(ctx, r, d))), sorted([
        "lab9t: orphan's parent exited 7", "lab9t: orphan's parent is now pid 1",
        "lab9t: pid 1 reaped the orphan: exited 9",
        "lab9t: the zombie kept its status: exited 5 (kill(pid, 0) = 0 before the wait)",
        "lab9t: wait with no child = -10"]), "the lines of lab9t")


@test(lab=9, name="detached", points=5, paths=QEMU_ONLY, timeout=TIMEOUT)
def detached(ctx: Ctx) -> None:
    """The first process exits (6) while its child and grandchild live on: with no first
    process to inherit them they are the kernel's (getppid 0), which reaps them; the
    stage waits for them before it reports the first's end, and every frame is back."""
    r, d = run9(ctx, "detach")
    ctx.expect_same(sorted(mine(body(ctx, r, d, first="/lab9t: 6"))), sorted([
        "lab9t: detach: pid 1 ends first", "lab9t: detach: the child's parent is now pid 0",
        "lab9t: detach: the grandchild's parent is now pid 0"]), "the lines of lab9t")


FAULTS = {"NULL read": (11, "#PF page fault, error 0x0004 (not-present page, read, user, cr2 0x00000000)"),
          "divide by zero": (8, "#DE divide error"), "ud2": (4, "#UD invalid opcode"),
          "int3": (5, "#BP breakpoint")}


@test(lab=9, name="signals", points=15, paths=QEMU_ONLY, timeout=TIMEOUT)
def signals(ctx: Ctx) -> None:
    """Seven children: one asleep killed by SIGTERM, one spinning in ring 3 by SIGKILL
    (it never makes a system call: the kill must reach it there), four killed by their
    faults (SIGSEGV, SIGFPE, SIGILL, SIGTRAP in the wait status, each with the kernel's
    report), one exiting 3; kill of no such pid is -ESRCH."""
    r, d = run9(ctx, "signals")
    lines = body(ctx, r, d)
    ctx.expect_same(mine(lines), [
        "lab9t: child sleeping, SIGTERM: killed by signal 15",
        "lab9t: child spinning, SIGKILL: killed by signal 9",
        *[f"lab9t: child {what}: killed by signal {sig}" for what, (sig, _) in FAULTS.items()],
        "lab9t: child exit(3): exited 3", "lab9t: kill(no such pid) = -3"], "the lines of lab9t")
    rest = [l for l in lines if not l.startswith("lab9t: ")]
    for what, (_, heading) in FAULTS.items():
        block = Pattern(render("lab9", "kill", {"heading": heading}))
        n = len(block.lines)
        ctx.check(any(block.match(rest[i:i + n]) for i in range(len(rest))),
                  f"no report of the {what} kill of this form:\n  " + "\n  ".join(block.lines))
    ctx.check(len(rest) == 6 * len(FAULTS), f"the kernel printed {len(rest)} lines, expected "
              f"{6 * len(FAULTS)} (four reports):\n  " + "\n  ".join(rest))


@test(lab=9, name="blocked-kill", points=10, paths=QEMU_ONLY, timeout=TIMEOUT)
def blocked_kill(ctx: Ctx) -> None:
    """SIGTERM reaches children asleep in the kernel: one writing a full pipe nobody reads,
    one reading an empty pipe whose writer stays open, one in wait4 for a child that
    sleeps on; each call is interrupted and the child dies of the signal; the orphaned
    grandchild is pid 1's to kill and reap. A sleep a signal cannot end is a HANG."""
    r, d = run9(ctx, "blocked")
    ctx.expect_same(mine(body(ctx, r, d)), [
        "lab9t: blocked: child writing a full pipe: killed by signal 15",
        "lab9t: blocked: child reading an empty pipe: killed by signal 15",
        "lab9t: blocked: child waiting for its child: killed by signal 15",
        "lab9t: blocked: the orphaned grandchild: killed by signal 9 (reaped by pid 1)"],
        "the lines of lab9t")


@test(lab=9, name="pipe", points=15, timeout=TIMEOUT)
def pipe(ctx: Ctx) -> None:
    """A seeded number of bytes (up to 10 pipe buffers) through a pipe to a child, the
    writer blocking on a full page and the reader on an empty one: every byte arrives in
    order, then end of file once the last writer closes; a write with no reader left is
    -EPIPE."""
    size = ctx.rng.choice([ctx.rng.randint(1, 4095), ctx.rng.randint(4096, 40960)])
    seed = ctx.rng.randrange(256)
    data = bytes((seed + 7 * i) & 0xFF for i in range(size))
    r, d = run9(ctx, f"pipe {size} {seed}")
    ctx.expect_same(mine(body(ctx, r, d)), [
        f"lab9t: pipe child read {size} bytes, fnv {fnv(data):08x}, then 0",
        f"lab9t: pipe wrote {size} bytes; child exited 0; write with no reader = -32"],
        "the lines of lab9t")


@test(lab=9, name="fork-bomb", points=10, paths=QEMU_ONLY, timeout=TIMEOUT)
def fork_bomb(ctx: Ctx) -> None:
    """fork until it fails: the process table's bound (PROC_LIMIT, the first process
    included) gives -EAGAIN; the children, blocked on a pipe, all end when it closes and
    are reaped; fork works again, and every frame is back."""
    r, d = run9(ctx, "bomb")
    n = PROC_LIMIT - 1
    ctx.expect_same(mine(body(ctx, r, d)), [
        f"lab9t: bomb: {n} children, then fork = -11",
        f"lab9t: bomb: reaped {n}, each exited 0; fork again: child exited 0"], "the lines of lab9t")


@test(lab=9, name="descriptors", points=10, paths=QEMU_ONLY, timeout=TIMEOUT)
def descriptors(ctx: Ctx) -> None:
    """One open file's offset is shared by a forked child, a dup and a dup2 (which outlives
    the original's close); lseek and fstat agree on the size, _llseek stores a 64-bit
    offset; a closed descriptor is
    -EBADF and a pipe cannot seek (-ESPIPE)."""
    size = len(mtype(LAB9_IMG, "/readme.txt"))
    r, d = run9(ctx, "fds")
    ctx.expect_same(mine(body(ctx, r, d)), [
        "lab9t: fds: the child read 10; the parent's offset is 10",
        "lab9t: fds: dup = 4; after 5 bytes through it the offset is 15",
        "lab9t: fds: dup2 = 9; read after closing the original = 5, offset 20",
        f"lab9t: fds: size by lseek {size}, by fstat {size}",
        "lab9t: fds: _llseek(9, 3, SEEK_SET) = 0, offset 3",
        "lab9t: fds: read(9) after close = -9, lseek on a pipe = -29"], "the lines of lab9t")


@test(lab=9, name="files", points=10, paths=QEMU_ONLY, timeout=TIMEOUT)
def files(ctx: Ctx) -> None:
    """A seeded directory made, entered (getcwd), a file created by a relative path,
    written, stat'ed, renamed and listed with getdents64 (".", ".." first), rmdir of a
    full directory refused, the file unlinked, "..", the directory removed."""
    name = word(ctx)
    r, d = run9(ctx, f"fs {name}")
    ctx.expect_same(mine(body(ctx, r, d)), [
        "lab9t: fs: mkdir = 0, again = -17, chdir = 0",
        f'lab9t: fs: getcwd = {len(name) + 2} "/{name}"',
        "lab9t: fs: wrote 5; stat = 0, size 5, mode 0x81a4",
        "lab9t: fs: rename = 0, stat of the old name = -2",
        "lab9t: fs: . holds . .. g.txt (then 0)",
        "lab9t: fs: rmdir while full = -39, unlink = 0, chdir .. = 0",
        'lab9t: fs: rmdir = 0, stat = -2, cwd "/"'], "the lines of lab9t")


def typed_line(ctx: Ctx) -> tuple[bytes, str, str]:
    """A seeded line as typed on a terminal, with some mistakes rubbed out (DEL or BS):
    the bytes sent, what the console echoes, and what read() gets (its newline included)."""
    sent, echo, line = b"", "", ""
    for _ in range(ctx.rng.randint(1, 24)):
        c = ctx.rng.choice(WORD_CHARS + " ")
        sent, echo, line = sent + c.encode(), echo + c, line + c
        if ctx.rng.random() < 0.15:
            sent += ctx.rng.choice([b"\x7f", b"\b"])
            echo, line = echo + "\b \b", line[:-1]
    return sent + ctx.rng.choice([b"\r", b"\n"]), echo, line + "\n"


def cat_shown(line: str) -> str:
    return f'lab9t: cat: {len(line)} bytes "{line[:-1]}\\n"'


@test(lab=9, name="console", points=15, paths=QEMU_ONLY, timeout=TIMEOUT)
def console(ctx: Ctx) -> None:
    """Seeded lines typed on COM1, with rubbed-out mistakes, one after another as the
    program reads them: each is echoed as typed (Backspace as "\\b \\b"), read() gets each
    finished line whole, and Ctrl-D on an empty line is end of file (read returns 0)."""
    typed = [typed_line(ctx) for _ in range(ctx.rng.randint(1, 4))]
    steps = [("lab9t: cat: ready", typed[0][0])]
    steps += [(cat_shown(typed[i][2]), typed[i + 1][0]) for i in range(len(typed) - 1)]
    steps.append((cat_shown(typed[-1][2]), b"\x04"))
    r, d = run9(ctx, "cat", ready="lab9t: cat: ready", on_ready=lambda m: m.serial_steps(steps))
    want = ["lab9t: cat: ready"]
    for _, echo, line in typed:
        want += [echo, cat_shown(line)]
    ctx.expect_same(body(ctx, r, d), want + ["lab9t: cat: read = 0"], "the console's lines")


@test(lab=9, name="ctrl-c", points=10, paths=QEMU_ONLY, timeout=TIMEOUT)
def ctrl_c(ctx: Ctx) -> None:
    """Ctrl-C on COM1 while the first process spins in ring 3 (no system call to end
    it in): the console echoes ^C and the process dies of SIGINT."""
    steps = [("lab9t: spinning", b"\x03")]
    r, d = run9(ctx, "spin", ready="lab9t: spinning", on_ready=lambda m: m.serial_steps(steps))
    ctx.expect_same(body(ctx, r, d, first="/lab9t: killed by signal 2"),
                    ["lab9t: spinning", "^C"], "the console's lines")


def shell_session(ctx: Ctx) -> tuple[list[tuple[str, bytes]], list[str], int]:
    """Seeded commands for /sh, each typed at its prompt: the serial steps, the lines the
    console must show (prompt and echo, then the output), and the code of the last."""
    words = [word(ctx) for _ in range(ctx.rng.randint(2, 6))]
    name, line, mark, code = f"/{word(ctx, 6)}.txt", " ".join(words), "ZQ" + word(ctx), ctx.rng.randint(0, 99)
    pick = ctx.rng.choice(words)
    session = [(f"echo {line} > {name}", []), (f"cat {name} | wc -w", [str(len(words))]),
               (f"grep {pick} {name} && echo found || echo missing", [line, "found"]),
               (f"grep QQ {name} || echo missing", ["missing"]),
               (f"lab9t cat < {name}", ["lab9t: cat: ready", cat_shown(line + "\n"),
                                        "lab9t: cat: read = 0"])]
    steps = [("$ ", f"{cmd}\r".encode()) for cmd, _ in session]
    shown = [l for cmd, out in session for l in [f"$ {cmd}", *out]]
    # Ctrl-C at the second prompt (the shell has read the console by then: it is taken
    # for an interactive one) throws the line away and the shell reads on: no new prompt.
    steps = steps[:1] + [("$ ", f"{mark}\x03".encode()), ("^C", steps[1][1])] + steps[2:]
    at = shown.index(f"$ {session[1][0]}")
    shown = shown[:at] + [f"$ {mark}^C", session[1][0]] + shown[at + 1:]
    steps += [("$ ", b"cat\r"), ("cat", f"{mark}\r".encode()), (mark, b""), (mark, b"\x03"),
              ("$ ", b"echo $?\r"), ("$ ", f"exit {code}\r".encode())]
    shown += ["$ cat", mark, mark, "^C", "$ echo $?", "130", f"$ exit {code}"]
    return steps, shown, code


def shell(ctx: Ctx) -> None:
    """The shell of user/progs on the console, typed over COM1 at its prompts: Ctrl-C at the
    prompt (the line thrown away, the shell alive), a redirection to a new file, pipelines,
    && and ||, a program reading a file on fd 0, and Ctrl-C ending the foreground cat but not
    the shell ($? is 128 + SIGINT); exit's code reaches the kernel."""
    steps, shown, code = shell_session(ctx)
    d = disk(ctx)
    r = ctx.boot(args=["run=/sh"], disks=[d], ready="lab9: ", on_ready=lambda m: m.serial_steps(steps))
    ctx.expect_same(body(ctx, r, d, first=f"/sh: {code}"), shown, "the console's lines")


def piped_input(ctx: Ctx) -> None:
    """Commands piped into COM1 before the kernel is up (`printf ... | make lab9-qemu-nox`
    does this): every byte reaches the shell, the first one too, which a UART whose
    FIFOs are switched on at boot drops (kernel/serial.c)."""
    words = [word(ctx) for _ in range(ctx.rng.randint(2, 9))]
    code = ctx.rng.randint(0, 99)
    typed = f"echo {' '.join(words)} | wc -w\nexit {code}\n".encode()
    d = disk(ctx)
    r = ctx.boot(args=["run=/sh"], disks=[d], serial=typed)
    # The echo of what was typed lands among the boot's lines; the answers follow prompts.
    shown = [line.removeprefix("$ ") for line in r.lines]
    ctx.check(str(len(words)) in shown and f"exit /sh: {code}" in shown,
              f"typed before the kernel was ready: {typed!r}; expected a line "
              f"'{len(words)}' and 'exit /sh: {code}', the log was:\n{tail(r.log, 12)}")
    ctx.check("lab9: frames leaked: 0" in r.lines, f"frames leaked:\n{tail(r.log, 6)}")
    no_leaks(ctx, r)


if (Path(__file__).resolve().parents[2] / "user" / "progs" / "sh.c").exists():
    test(lab=9, name="shell", points=15, paths=QEMU_ONLY, timeout=TIMEOUT)(shell)
    test(lab=9, name="piped-input", points=5, paths=QEMU_ONLY, timeout=TIMEOUT)(piped_input)
