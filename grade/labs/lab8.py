"""Stage 8: user programs in ring 3. Each test boots stage 8 with the FAT volume of
user/progs (`make progs-img`: every program at /NAME) at a seeded ATA position, runs
programs with run=..., and checks what each printed, how each ended, and that every
page frame came back. The programs' lines are described in user/progs/README.md;
every expected line here is computed from the test's seeded arguments.

Programs running at once print in an order the scheduler decides, so a log is split
into streams: the lines of each program (they start "NAME:", "NAME ID:" for copies
told apart), and the kernel's own lines, each checked in order.
"""
from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

from grade.core import Ctx, Disk, Result, test
from grade.drives import position
from grade.expect import Pattern, render
from grade.labs.fatvol import (TOOL_ENV, ToolFailed, describe, fsck_problems, mtype, pattern,
                               xorshift)
from grade.cli import BUILD

ROOT = Path(__file__).resolve().parent.parent.parent
PROGS_IMG = BUILD / "progs" / "progs.img"      # the graded tree's (a submission's: grade/pristine.py)
WORD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_."
TIMEOUT = 30.0                      # Bochs boots stage 8 slowly on a loaded host


def progs_disk(ctx: Ctx, extra: dict[str, bytes] | None = None) -> Disk:
    """The programs' volume at a seeded position; `extra` files copied onto a copy of it."""
    image = PROGS_IMG
    if not image.exists():
        raise RuntimeError(f"{image} is missing: run `make progs-img`")
    if extra:
        image = ctx.workdir / "progs.img"
        shutil.copyfile(PROGS_IMG, image)
        for name, data in extra.items():
            src = ctx.workdir / "extra.bin"
            src.write_bytes(data)
            tool_mcopy(image, src, name)
    ch, unit = position(ctx)
    return Disk(image, ch, unit, model="Cairn programs", serial="CAIRN-PROGS")


def tool_mcopy(image: Path, src: Path, name: str) -> None:
    r = subprocess.run(["mcopy", "-i", str(image), str(src), "::" + name], capture_output=True,
                       env=TOOL_ENV)
    if r.returncode != 0:
        raise RuntimeError(f"mcopy {name} failed: {r.stderr.decode(errors='replace')}")


def mount_line(disk: Disk) -> str:
    return f"lab8: ata{disk.channel} {'slave' if disk.unit else 'master'}: FAT12 volume"


def run_arg(programs: list[str]) -> str:
    """run=... with each program's words; quoted when a program has arguments."""
    value = ",".join(programs)
    return f'run="{value}"' if " " in value else f"run={value}"


def boot(ctx: Ctx, programs: list[str], disk: Disk, args: list[str] | None = None,
         **kw: object) -> Result:
    return ctx.boot(args=[run_arg(programs), *(args or [])], disks=[disk], **kw)  # type: ignore[arg-type]


def kill_lines(heading: str, path: str) -> list[str]:
    return render("lab8", "kill", {"heading": heading, "path": path})


def check_streams(ctx: Ctx, r: Result, disk: Disk, programs: dict[str, list[str]],
                  kernel: list[str], unordered: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """The whole log is the run section; between the mount line and the frame count,
    each program's lines (by their "KEY:" prefix) are exactly programs[KEY] (in any
    order for the keys in `unordered`: copies of one program running at once), and
    the rest, in order, match the kernel pattern lines."""
    ctx.expect(r, "run", mount=mount_line(disk))
    got = r.lines
    body = got[got.index(mount_line(disk)) + 1:got.index("lab8: frames leaked: 0")]
    streams: dict[str, list[str]] = {k: [] for k in programs}
    rest: list[str] = []
    for line in body:
        key = line.split(":", 1)[0]
        (streams[key] if key in streams and ":" in line else rest).append(line)
    for key, want in programs.items():
        if key in unordered:
            want, streams[key] = sorted(want), sorted(streams[key])
        ctx.expect_same(streams[key], want, f"the lines of {key}")
    ctx.expect_same(rest, Pattern(kernel), "the kernel's own lines (the programs' lines taken out)")


def word(ctx: Ctx) -> str:
    return "".join(ctx.rng.choice(WORD_CHARS) for _ in range(ctx.rng.randint(1, 12)))


def hello_lines(argv: list[str]) -> list[str]:
    return (["hello: hello, world", f"hello: argc {len(argv)}"]
            + [f'hello: argv[{i}] "{a}"' for i, a in enumerate(argv)]
            + ["hello: envc 0", "hello: pagesz 4096"])


def case_path(ctx: Ctx, name: str) -> str:
    """FAT looks names up without regard to case: any mix finds the program."""
    return "/" + "".join(c.upper() if ctx.rng.random() < 0.3 else c for c in name)


@test(lab=8, name="hello", points=10, timeout=TIMEOUT)
def hello(ctx: Ctx) -> None:
    """hello with seeded arguments: argc, argv, an empty environment, AT_PAGESZ; exit 0.
    The disk sits at a seeded ATA position."""
    argv = [case_path(ctx, "hello")] + [word(ctx) for _ in range(ctx.rng.randint(0, 6))]
    disk = progs_disk(ctx)
    r = boot(ctx, [" ".join(argv)], disk)
    check_streams(ctx, r, disk, {"hello": hello_lines(argv)}, [f"exit {argv[0]}: 0"])


@test(lab=8, name="raw", points=5, timeout=TIMEOUT)
def raw(ctx: Ctx) -> None:
    """rawexit, built with nothing but gcc -m32 -static -nostdlib and raw int 0x80: its
    line, and exit code 42."""
    disk = progs_disk(ctx)
    r = boot(ctx, ["/rawexit"], disk)
    check_streams(ctx, r, disk,
                  {"rawexit": ["rawexit: built with nothing but gcc -m32 -static -nostdlib"]},
                  ["exit /rawexit: 42"])


@test(lab=8, name="exit-codes", points=5, timeout=TIMEOUT)
def exit_codes(ctx: Ctx) -> None:
    """Three programs at once exit with seeded codes through exit, exit_group and a
    return from main; each code is reported, in the order given."""
    hows = ["group", "exit", "return"]
    ctx.rng.shuffle(hows)
    codes = [ctx.rng.randint(0, 255) for _ in hows]
    disk = progs_disk(ctx)
    r = boot(ctx, [f"/exit {c} {h}" for c, h in zip(codes, hows)], disk)
    check_streams(ctx, r, disk, {"exit": [f"exit: exiting with {c} through {h}"
                                          for c, h in zip(codes, hows)]},
                  [f"exit /exit: {c}" for c in codes], unordered={"exit"})


ELFWHY = ROOT / "labs" / "lab8-user" / "elfwhy.h"


def elf_reasons() -> dict[str, str]:
    """elfwhy.h's printf formats by name: the one home of every refusal's words (the
    handout quotes them, and test_lab8_elf checks that it does)."""
    text = ELFWHY.read_text()
    return {m[1]: m[2].encode().decode("unicode_escape") for m in re.finditer(
        r'#define (ELF_WHY_\w+)\s+(?:\\\n\s*)?"((?:[^"\\]|\\.)*)"', text)}


def bad_elf_reason(name: str) -> str:
    """Why a correct loader refuses user/progs' malformed file `name` (mkbad.py), with
    the values read from the file itself."""
    why = elf_reasons()
    data = (PROGS_IMG.parent / name).read_bytes()
    if name == "badmachine":
        return why["ELF_WHY_MACHINE"] % struct.unpack_from("<H", data, 18)
    if name == "badclass":
        return why["ELF_WHY_CLASS"] % data[4]
    if name == "truncated":
        return why["ELF_WHY_SHORT_HEADER"] % len(data)
    phoff, = struct.unpack_from("<I", data, 28)
    phnum, = struct.unpack_from("<H", data, 44)
    if name == "shortphdr":
        return why["ELF_WHY_SHORT_PHDRS"] % (len(data), phnum, phoff)
    for i in range(phnum):
        ptype, offset, vaddr, _, filesz, memsz = struct.unpack_from("<6I", data, phoff + 32 * i)
        if ptype != 1 or memsz == 0:
            continue
        if name == "kernelseg" and vaddr < 0x08000000:
            return why["ELF_WHY_KERNEL"] % (vaddr, 0x08000000)
        if name == "shortseg" and offset + filesz > len(data):
            return why["ELF_WHY_SHORT_SEGMENT"] % (len(data), offset, filesz)
    raise RuntimeError(f"build/progs/{name} is not the malformed file mkbad.py makes")


BAD_ELF = ["badmachine", "badclass", "truncated", "shortphdr", "shortseg", "kernelseg"]


@test(lab=8, name="bad-elf", points=10, timeout=TIMEOUT)
def bad_elf(ctx: Ctx) -> None:
    """Six malformed ELF files, in a seeded order, between two good programs: each is
    refused with its reason, nothing of it runs, and the good ones still do; a missing
    path is named as such."""
    bad = list(BAD_ELF)
    ctx.rng.shuffle(bad)
    bad = bad[:ctx.rng.randint(3, 5)]
    missing = "/" + word(ctx).replace(".", "") + "x"
    programs = ["/hello"] + [f"/{b}" for b in bad] + [missing, "/rawexit"]
    disk = progs_disk(ctx)
    r = boot(ctx, programs, disk)
    kernel = [f"run /{b}: refused: {bad_elf_reason(b)}" for b in bad] + [
        f"run {missing}: not found on any volume", "exit /hello: 0", "exit /rawexit: 42"]
    check_streams(ctx, r, disk, {"hello": hello_lines(["/hello"]),
                                 "rawexit": ["rawexit: built with nothing but gcc -m32 -static -nostdlib"]},
                  kernel)


def malloc_lines(seed: int, count: int, most: int) -> list[str]:
    rng = xorshift(seed)
    sizes = [1 + next(rng) % most for _ in range(count)]
    first = sum(sizes)
    odd = range(1, count, 2)
    for i in odd:
        sizes[i] = 1 + next(rng) % most
    return [f"malloc: seed {seed}, {count} blocks of 1..{most} bytes",
            f"malloc: allocated {count} blocks, {first} bytes",
            f"malloc: freed {len(odd)} odd blocks and allocated them again: {sum(sizes)} bytes",
            "malloc: all freed, and they merged again"]


@test(lab=8, name="malloc", points=10, timeout=TIMEOUT)
def malloc(ctx: Ctx) -> None:
    """malloc on brk with seeded sizes, every byte checked (heap pages come on first
    touch), and a second copy at once with other sizes; every frame comes back."""
    runs = [(ctx.rng.randrange(1 << 32), ctx.rng.randint(16, 256), ctx.rng.choice([64, 4096, 32768]))
            for _ in range(2)]
    disk = progs_disk(ctx)
    r = boot(ctx, [f"/malloc {s} {c} {m}" for s, c, m in runs], disk)
    check_streams(ctx, r, disk, {"malloc": malloc_lines(*runs[0]) + malloc_lines(*runs[1])},
                  ["exit /malloc: 0", "exit /malloc: 0"], unordered={"malloc"})


def crc_line(path: str, data: bytes) -> str:
    return f"crc: {path}: {describe(data)}"


@test(lab=8, name="crc", points=10, timeout=TIMEOUT)
def crc(ctx: Ctx) -> None:
    """A file of seeded random bytes (seeded size and name) read through open/read/close
    with a seeded chunk size, and its CRC-32; a missing file is -ENOENT."""
    size = ctx.rng.choice([0, ctx.rng.randint(1, 600), ctx.rng.randint(4096, 60000)])
    data = ctx.rng.randbytes(size)
    name = "/" + word(ctx).replace(".", "") + ".bin"
    chunk = ctx.rng.choice([1000, 4096, 512, ctx.rng.randint(1, 4096)])
    disk = progs_disk(ctx, {name: data})
    missing = name[:-4] + "x.bin"
    r = boot(ctx, [f"/crc {name} {chunk}", f"/crc {missing}"], disk)
    check_streams(ctx, r, disk, {"crc": [crc_line(name, data), f"crc: open {missing}: -2"]},
                  ["exit /crc: 0", "exit /crc: 1"], unordered={"crc"})


@test(lab=8, name="write-file", points=5, timeout=TIMEOUT)
def write_file(ctx: Ctx) -> None:
    """mkfile creates a file with O_CREAT|O_TRUNC and writes lab 7's seeded pattern 1000
    bytes at a time, then reads it back; mtools must find the same bytes on the disk.
    Each 1000 bytes cost a write and a sync in lab 7 (about 10 ms of QEMU's CPU): up to
    12000 bytes (6 of the volume's 2048-byte clusters, one write to 12) in three runs of
    four, up to 40000 in the fourth, so every size is still drawn."""
    rng = ctx.rng
    size = rng.randint(1, 12000) if rng.random() < 0.75 else rng.randint(12001, 40000)
    seed = rng.randrange(1 << 32)
    name = "/" + word(ctx).replace(".", "") + ".dat"
    disk = progs_disk(ctx, {"/placeholder": b""})
    disk.snapshot = False
    data = pattern(seed, size)
    r = boot(ctx, [f"/mkfile {name} {size} {seed}"], disk)
    check_streams(ctx, r, disk, {"mkfile": [f"mkfile: {name}: {describe(data)}"]},
                  ["exit /mkfile: 0"])
    try:
        got = mtype(disk.path, name)
    except ToolFailed as e:
        ctx.fail(f"the kernel's disk: {e}")
    ctx.check(got == data, f"mtype {name}: {describe(got)}, expected {describe(data)}")


KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


@test(lab=8, name="keys", points=10, paths=("kernel",), timeout=TIMEOUT, waits=True)
def keys(ctx: Ctx) -> None:
    """Seeded keys typed after the program says it is ready come back from read(0)
    one character at a time, Enter ending the line; shifted keys give capitals."""
    text = []
    qcodes = []
    for _ in range(ctx.rng.randint(1, 20)):
        c = ctx.rng.choice(KEY_CHARS + " ")
        if c == " ":
            qcodes.append("spc")
        elif c.isalpha() and ctx.rng.random() < 0.2:
            qcodes.append("shift-" + c)
            c = c.upper()
        else:
            qcodes.append(c)
        text.append(c)
    qcodes.append("ret")
    disk = progs_disk(ctx)
    r = boot(ctx, ["/keys 200"], disk, ready="keys: ready for 200 bytes", keys=qcodes)
    got = "".join(text)
    check_streams(ctx, r, disk, {"keys": ["keys: ready for 200 bytes",
                                          f'keys: got {len(got) + 1} bytes "{got}\\n"']},
                  ["exit /keys: 0"])


@test(lab=8, name="nanosleep", points=10, timeout=TIMEOUT)
def nanosleep(ctx: Ctx) -> None:
    """Two programs sleep seeded times at once; lab 6's alarm makes each ready on exactly
    the tick its nanosleep asked for (show_sleeps prints the ticks: 1 ms each). The tick
    stays periodic: with disks QEMU runs on host time, and a tickless one-shot's IRQ
    that a loaded host delivers late would charge the ticks it missed at once."""
    runs = [(ctx.rng.randint(1, 60), ctx.rng.randint(1, 4)) for _ in range(2)]
    disk = progs_disk(ctx)
    r = boot(ctx, [f"/sleep {ms} {n}" for ms, n in runs], disk, args=["show_sleeps", "tick=periodic"])
    sleeps = [f"sleep: {i}: {what}" for ms, n in runs for i in range(1, n + 1)
              for what in (f"sleeping {ms} ms", "awake")]
    kernel = [f"nanosleep: pid {pid}: {ms} ms = {ms} ticks; ready after {ms}"
              for pid, (ms, n) in enumerate(runs, 1) for _ in range(n)]
    check_streams(ctx, r, disk, {"sleep": sleeps, "nanosleep": kernel},
                  ["exit /sleep: 0", "exit /sleep: 0"], unordered={"sleep", "nanosleep"})


def initial_break(program: Path) -> int:
    """The end of the highest PT_LOAD segment, rounded up to a page: where brk starts."""
    data = program.read_bytes()
    phoff, = struct.unpack_from("<I", data, 28)
    phnum, = struct.unpack_from("<H", data, 44)
    end = 0
    for i in range(phnum):
        ptype, _, vaddr, _, _, memsz = struct.unpack_from("<6I", data, phoff + 32 * i)
        if ptype == 1:
            end = max(end, vaddr + memsz)
    return (end + 4095) & ~4095


@test(lab=8, name="isolation", points=15, timeout=TIMEOUT)
def isolation(ctx: Ctx) -> None:
    """Two copies of isolate fill their heap, stack and data at the same addresses with
    patterns of their own while they share the CPU, and find only their own; then hello
    still runs (the kernel is untouched), and every frame comes back."""
    ids = ctx.rng.sample(range(256), 2)
    heap, stack, rounds = ctx.rng.randint(64, 1024), ctx.rng.randint(4, 128), ctx.rng.randint(2, 4)
    brk = initial_break(PROGS_IMG.parent / "isolate")
    disk = progs_disk(ctx)
    r = boot(ctx, [f"/isolate {i} {heap} {stack} {rounds}" for i in ids] + ["/hello"], disk)
    streams = {f"isolate {i}": [f"isolate {i}: heap {heap} KiB at 0x{brk:08x}, stack {stack} KiB, "
                                f"data 16 KiB"] + [f"isolate {i}: round {k} ok"
                                                   for k in range(1, rounds + 1)] for i in ids}
    check_streams(ctx, r, disk, {**streams, "hello": hello_lines(["/hello"])},
                  ["exit /isolate: 0", "exit /isolate: 0", "exit /hello: 0"])


def symbol(program: Path, name: str) -> int:
    out = subprocess.run(["nm", str(program)], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    raise RuntimeError(f"{program} has no symbol {name}")


USER_BASE = 0x08000000                 # labs/lab8-user/include/process.h
USER_TOP = 0xC0000000
USER_STACK_BOTTOM = USER_TOP - (1 << 20)  # the stack may grow 1 MiB below USER_TOP
PAGE = 4096
EFLAGS_IF, EFLAGS_IOPL = 0x200, 0x3000
REPORT_EIP = re.compile(r"^  eip 0x([0-9a-f]{8}) <user>  cs 0x([0-9a-f]{4})  eflags 0x([0-9a-f]{8})$")
REPORT_ESP = re.compile(r"esp 0x([0-9a-f]{8})$")


def run_body(ctx: Ctx, r: Result, disk: Disk) -> list[str]:
    """The lines between the mount line and the frame count (the whole log must match "run")."""
    ctx.expect(r, "run", mount=mount_line(disk))
    got = r.lines
    return got[got.index(mount_line(disk)) + 1:got.index("lab8: frames leaked: 0")]


def find_kill(rest: list[str], heading: str, path: str) -> list[str] | None:
    """The report of path's kill with this heading, as its lines, or None."""
    block = Pattern(kill_lines(heading, path))
    n = len(block.lines)
    return next((rest[i:i + n] for i in range(len(rest)) if block.match(rest[i:i + n])), None)


def check_kills(ctx: Ctx, rest: list[str], reports: dict[str, str]) -> list[list[str]]:
    """Every path of reports was killed with its heading, and the kernel printed nothing
    else but exit lines; the reports found."""
    found = []
    for path, heading in reports.items():
        report = find_kill(rest, heading, path)
        ctx.check(report is not None, f"no kill report for {path} of this form:\n  "
                  + "\n  ".join(kill_lines(heading, path)))
        found += [report] if report else []
    reported = [line for line in rest if not line.startswith("exit /")]
    ctx.check(len(reported) == 6 * len(reports),
              f"the kernel printed {len(reported)} report lines, expected {6 * len(reports)}:\n  "
              + "\n  ".join(reported))
    return found


def check_ring3_state(ctx: Ctx, report: list[str], path: str) -> None:
    """What the CPU pushed when path faulted in ring 3: interrupts were on (the iret's
    eflags had IF, or the timer could never preempt the program), IOPL 0, and its esp in
    the stack. The pattern already holds cs 0x002b and ss 0x0033: RPL 3."""
    eip = REPORT_EIP.match(report[1])
    esp = REPORT_ESP.search(report[3])
    if not eip or not esp:
        ctx.fail(f"{path}'s report has no eip, eflags or esp where expected:\n  " + "\n  ".join(report))
    eflags = int(eip.group(3), 16)
    ctx.check(eflags & EFLAGS_IF != 0, f"{path} ran with interrupts off (eflags 0x{eflags:08x}, IF "
              f"clear): the iret frame's eflags must have IF, or no timer tick preempts ring 3")
    ctx.check(eflags & EFLAGS_IOPL == 0, f"{path} ran with IOPL {(eflags >> 12) & 3} (eflags "
              f"0x{eflags:08x}): ring 3 could use in, out, cli and sti")
    sp = int(esp.group(1), 16)
    ctx.check(USER_STACK_BOTTOM <= sp < USER_TOP,
              f"{path}'s esp 0x{sp:08x} is not in its stack [0x{USER_STACK_BOTTOM:08x}, 0x{USER_TOP:08x})")


@test(lab=8, name="kills", points=15, timeout=TIMEOUT)
def kills(ctx: Ctx) -> None:
    """A NULL read, a write to a seeded kernel address, a write to its own read-only
    text, a divide by zero, an int3 (SIGTRAP on Linux: not the kernel's breakpoint) and
    a read of a heap page just given back with brk (a stale TLB entry would serve it),
    all at once beside hello: each is killed with the report a kernel fault gets plus
    its process, and the others run to their end."""
    kaddr = ctx.rng.randrange(0x1000, 0x08000000) & ~3
    n = ctx.rng.randint(0, 1000)
    main = symbol(PROGS_IMG.parent / "rotext", "main")
    given_back = initial_break(PROGS_IMG.parent / "brkstale") + PAGE
    disk = progs_disk(ctx)
    programs = ["/nullptr", f"/kaddr 0x{kaddr:08x}", "/rotext", f"/divzero {n}", "/int3",
                "/brkstale", "/hello"]
    ctx.rng.shuffle(programs)
    r = boot(ctx, programs, disk)
    said = {"nullptr": ["nullptr: reading address 0x00000000"],
            "kaddr": [f"kaddr: writing to 0x{kaddr:08x}"],
            "rotext": [f"rotext: writing to my own text at 0x{main:08x}"],
            "divzero": [f"divzero: dividing {n} by zero"], "int3": ["int3: executing int3"],
            "brkstale": [f"brkstale: reading 0x{given_back:08x} after brk gave it back"],
            "hello": hello_lines(["/hello"])}
    reports = {
        "/nullptr": "#PF page fault, error 0x0004 (not-present page, read, user, cr2 0x00000000)",
        "/kaddr": f"#PF page fault, error 0x0007 (protection violation, write, user, "
                  f"cr2 0x{kaddr:08x})",
        "/rotext": f"#PF page fault, error 0x0007 (protection violation, write, user, "
                   f"cr2 0x{main:08x})",
        "/divzero": "#DE divide error", "/int3": "#BP breakpoint",
        "/brkstale": f"#PF page fault, error 0x0004 (not-present page, read, user, "
                     f"cr2 0x{given_back:08x})"}
    vectors = {"/nullptr": 14, "/kaddr": 14, "/rotext": 14, "/divzero": 0, "/int3": 3, "/brkstale": 14}
    body = run_body(ctx, r, disk)
    for key, want in said.items():
        lines = [line for line in body if line.startswith(key + ":")]
        ctx.check(lines == want, f"{key} printed {lines}, expected {want}")
    rest = [line for line in body if line.split(":", 1)[0] not in said]
    exits = [line for line in rest if line.startswith("exit /")]
    want_exits = [f"exit {p.split()[0]}: " + (f"killed (vector {vectors[p.split()[0]]})"
                                             if p.split()[0] in vectors else "0") for p in programs]
    ctx.check(exits == want_exits, f"the exit lines are {exits}, expected {want_exits}")
    check_kills(ctx, rest, reports)


@test(lab=8, name="ring3", points=10, timeout=TIMEOUT)
def ring3(ctx: Ctx) -> None:
    """The first iret enters ring 3 as Linux would: the fault report of a NULL read shows
    what the CPU pushed, cs and ss with RPL 3, eflags with IF (the timer can preempt the
    program) and IOPL 0, esp in the stack, eip in the program's text; hello runs beside it
    with its arguments (the initial stack)."""
    argv = ["/hello"] + [word(ctx) for _ in range(ctx.rng.randint(0, 3))]
    programs = ["/nullptr", " ".join(argv)]
    ctx.rng.shuffle(programs)
    disk = progs_disk(ctx)
    r = boot(ctx, programs, disk)
    body = run_body(ctx, r, disk)
    for key, want in (("nullptr", ["nullptr: reading address 0x00000000"]), ("hello", hello_lines(argv))):
        lines = [line for line in body if line.startswith(key + ":")]
        ctx.check(lines == want, f"{key} printed {lines}, expected {want}")
    rest = [line for line in body if line.split(":", 1)[0] not in ("nullptr", "hello")]
    exits = [line for line in rest if line.startswith("exit /")]
    want_exits = ["exit /nullptr: killed (vector 14)" if p == "/nullptr" else "exit /hello: 0"
                  for p in programs]
    ctx.check(exits == want_exits, f"the exit lines are {exits}, expected {want_exits}")
    heading = "#PF page fault, error 0x0004 (not-present page, read, user, cr2 0x00000000)"
    for report in check_kills(ctx, rest, {"/nullptr": heading}):
        check_ring3_state(ctx, report, "/nullptr")
        eip = int(REPORT_EIP.match(report[1]).group(1), 16)  # type: ignore[union-attr]
        end = initial_break(PROGS_IMG.parent / "nullptr")
        ctx.check(USER_BASE <= eip < end, f"/nullptr faulted at eip 0x{eip:08x}, not in its "
                  f"image [0x{USER_BASE:08x}, 0x{end:08x})")


def pf_write(addr: int) -> str:
    return f"#PF page fault, error 0x0006 (not-present page, write, user, cr2 0x{addr:08x})"


@test(lab=8, name="fault-policy", points=10, timeout=TIMEOUT)
def fault_policy(ctx: Ctx) -> None:
    """The page-fault policy, with kaddr writing a word at seeded addresses at once: within
    the stack's megabyte the stack grows and the program goes on (it says it was not
    killed); just past the stack's limit, between the heap and the stack, and above the
    user half (0xC0000000 and up) it is killed with a not-present write fault."""
    grow = ctx.rng.randrange(USER_STACK_BOTTOM, USER_TOP - 2 * PAGE) & ~3
    past = USER_STACK_BOTTOM - 4 * ctx.rng.randint(1, 4 * PAGE)
    gap = ctx.rng.randrange(0x10000000, USER_STACK_BOTTOM - (1 << 20)) & ~3
    above = ctx.rng.randrange(USER_TOP, 0xFFFFFFFC) & ~3
    killed = [past, gap, above]
    addrs = [grow] + killed
    ctx.rng.shuffle(addrs)
    disk = progs_disk(ctx)
    r = boot(ctx, [f"/kaddr 0x{a:08x}" for a in addrs], disk)
    body = run_body(ctx, r, disk)
    said = sorted([f"kaddr: writing to 0x{a:08x}" for a in addrs]
                  + [f"kaddr: wrote to 0x{grow:08x} and was not killed"])
    lines = sorted(line for line in body if line.startswith("kaddr:"))
    ctx.expect_same(lines, said, "the lines of kaddr")
    rest = [line for line in body if not line.startswith("kaddr:")]
    exits = [line for line in rest if line.startswith("exit /")]
    want_exits = ["exit /kaddr: 1" if a == grow else "exit /kaddr: killed (vector 14)" for a in addrs]
    what = {past: "past the stack's limit", gap: "between the heap and the stack",
            above: "above the user half", grow: "within the stack's limit"}
    ctx.check(exits == want_exits, f"the exit lines are {exits}, expected {want_exits} (for "
              + ", ".join(f"0x{a:08x} {what[a]}" for a in addrs) + ")")
    reports = [find_kill(rest, pf_write(a), "/kaddr") for a in killed]
    for a, report in zip(killed, reports):
        ctx.check(report is not None, f"no kill report for the write at 0x{a:08x} ({what[a]}) "
                  f"of this form:\n  " + "\n  ".join(kill_lines(pf_write(a), "/kaddr")))
    reported = [line for line in rest if not line.startswith("exit /")]
    ctx.check(len(reported) == 6 * len(killed),
              f"the kernel printed {len(reported)} report lines, expected {6 * len(killed)}:\n  "
              + "\n  ".join(reported))


# Linux i386 calls stage 8 does not have, with Linux's names (syscall_32.tbl).
UNKNOWN_CALLS = {2: "fork", 11: "execve", 19: "lseek", 54: "ioctl", 120: "clone", 192: "mmap2",
                 195: "stat64", 243: "set_thread_area", 258: "set_tid_address", 450:
                 "set_mempolicy_home_node"}
NO_SUCH_CALL = "no such Linux i386 call"


@test(lab=8, name="bad-calls", points=10, timeout=TIMEOUT)
def bad_calls(ctx: Ctx) -> None:
    """Bad pointers to write, read and open get -EFAULT (the reads from fd 0 before any key
    is waited for), unknown system calls -ENOSYS, bad descriptors -EBADF; all four
    programs run to their end at once. Two copies of enosys call seeded unknown numbers,
    some twice: the kernel names the first use of each number in each process, with
    Linux's name for it."""
    named = ctx.rng.choice(sorted(UNKNOWN_CALLS))
    nrs = [named, ctx.rng.randint(451, 100000), named, 0x7FFFFFFF,
           ctx.rng.randint(1 << 31, (1 << 32) - 1), 0x7FFFFFFF]
    disk = progs_disk(ctx)
    enosys_run = "/enosys " + " ".join(str(n) for n in nrs)
    r = boot(ctx, ["/efault /readme.txt", enosys_run, enosys_run, "/badfd /readme.txt"], disk)
    efault = [f"efault: {call} = -14" for call in [
        "write(1, 0x00000000, 8)", "write(1, 0x00100000, 8)", "write(1, 0xc0000000, 8)",
        "write(1, 0xfffffff8, 16)", "read(0, 0x00100000, 8)", "read(0, 0xc0000000, 8)",
        "read(0, 0xfffffff8, 16)", "open(0x00000000, 0, 0)", "read(3, 0x00000000, 8)"]]
    efault.append("efault: 0 of 9 calls did not return -14")
    enosys = [f"enosys: syscall {n} (0x{n:08x}) = -38" for n in nrs]
    enosys.append(f"enosys: still running; 0 of {len(nrs)} calls did not return -38")
    reported = [f"/enosys: system call {n} ({UNKNOWN_CALLS.get(n, NO_SUCH_CALL)}) not implemented"
                for n in dict.fromkeys(nrs)]
    badfd = ["badfd: read(99, buf, 1) = -9", "badfd: write(99, buf, 1) = -9",
             "badfd: close(99) = -9", "badfd: read(-1, buf, 1) = -9",
             'badfd: open("/no such file", O_RDONLY) = -2', "badfd: close(fd) = 0",
             "badfd: read(fd, buf, 1) after close = -9", "badfd: close(fd) again = -9",
             "badfd: 0 of 8 calls returned something else"]
    check_streams(ctx, r, disk, {"efault": efault, "enosys": enosys * 2, "/enosys": reported * 2,
                                 "badfd": badfd},
                  ["exit /efault: 0", "exit /enosys: 0", "exit /enosys: 0", "exit /badfd: 0"],
                  unordered={"enosys", "/enosys"})


@test(lab=8, name="read-only", points=5, timeout=TIMEOUT)
def read_only(ctx: Ctx) -> None:
    """read() into the program's own text and read-only data: the pages are present and
    the user's but not writable, so each read is -EFAULT and the bytes stay; the kernel
    does not fault, and hello runs beside it."""
    disk = progs_disk(ctx)
    program = PROGS_IMG.parent / "rdtext"
    r = boot(ctx, ["/rdtext /readme.txt", "/hello"], disk)
    lines = [f"rdtext: read(3, 0x{symbol(program, name):08x}, 16) into {what} = -14"
             for name, what in (("main", "my text"), ("readonly_words", "my read-only data"))]
    check_streams(ctx, r, disk, {
        "rdtext": lines + ["rdtext: 0 of 2 reads did not return -14 or changed memory"],
        "hello": hello_lines(["/hello"])}, ["exit /rdtext: 0", "exit /hello: 0"])


@test(lab=8, name="huge-buffers", points=5, timeout=TIMEOUT)
def huge_buffers(ctx: Ctx) -> None:
    """A heap of 2688 MiB from brk, never touched: a write from all of it and 4 MiB past
    the break is -EFAULT, a read of a small file into all of it returns the file, bytes
    never touched go to a file as zeros, and 256 fresh pages can still be had after it;
    brk down to the start frees them (one grown again reads 0). A check that paged the
    buffer in would have taken every frame of the machine."""
    readme = mtype(PROGS_IMG, "/readme.txt")          # what the booted volume holds
    out = "/" + word(ctx).replace(".", "") + ".z"
    disk = progs_disk(ctx)
    heap = initial_break(PROGS_IMG.parent / "bigbuf")
    r = boot(ctx, [f"/bigbuf /readme.txt {out}", "/hello"], disk)
    check_streams(ctx, r, disk, {"bigbuf": [
        f"bigbuf: heap of 2688 MiB at 0x{heap:08x}",
        "bigbuf: write(1, heap, 2692 MiB), 4 MiB past the break = -14",
        f"bigbuf: read(/readme.txt, heap, 2688 MiB) = {len(readme)}, "
        f"crc32 0x{zlib.crc32(readme):08x}",
        f"bigbuf: {out}: wrote 5000 untouched bytes, read back 5000, 5000 of them zero",
        "bigbuf: touched 256 fresh pages; 0 calls went wrong",
        "bigbuf: brk down to the start and up by 128 MiB: the page that held 1 holds 0"],
        "hello": hello_lines(["/hello"])},
        ["exit /bigbuf: 0", "exit /hello: 0"])


def stale_lines(path: str, secret: str | None = None, size: int = 0) -> list[str]:
    return ([f"stale: opened {path} twice, the second time with O_TRUNC"]
            + ([f"stale: wrote {size} bytes to {secret}"] if secret else [])
            + ["stale: the first descriptor reads 0 bytes", 'stale: write(second, "fresh", 5) = 5',
               'stale: then the first reads 5 bytes "fresh"'])


def stale_boot(ctx: Ctx, size: int, secret: str | None) -> None:
    """One boot of stale on a file of `size` seeded bytes (creating `secret` too, if given),
    beside hello; then the files as mtools sees them, and fsck.fat."""
    name = "/" + word(ctx).replace(".", "") + ".bin"
    disk = progs_disk(ctx, {name: ctx.rng.randbytes(size)})
    disk.snapshot = False
    r = boot(ctx, [f"/stale {name}" + (f" {secret} {size}" if secret else ""), "/hello"], disk)
    check_streams(ctx, r, disk, {"stale": stale_lines(name, secret, size),
                                 "hello": hello_lines(["/hello"])},
                  ["exit /stale: 0", "exit /hello: 0"])
    want = {name: b"fresh"}
    if secret:
        want[secret] = (b"SECRET!" * (size // 7 + 1))[:size]
    for path, data in want.items():
        try:
            got = mtype(disk.path, path)
        except ToolFailed as e:
            ctx.fail(f"the kernel's disk: {e}")
        ctx.check(got == data, f"mtype {path}: {describe(got)}, expected {describe(data)}")
    problems = fsck_problems(disk.path, allow_lost=False)
    ctx.check(not problems, "fsck.fat -n on the kernel's disk:\n  " + "\n  ".join(problems))


@test(lab=8, name="shared-files", points=10, timeout=2 * TIMEOUT)
def shared_files(ctx: Ctx) -> None:
    """Two descriptors of one file see one file. A file of seeded bytes is opened, then
    opened again with O_TRUNC (lab 7 frees its clusters); in the first boot a new file of
    as many bytes is created, which gets those clusters. The first descriptor must read
    nothing: not the new file's bytes (first boot), not a freed chain that lab 7 calls
    corrupt, turning the volume read-only (second boot); then exactly what the second
    wrote. After each boot, mtools finds every file as written and fsck.fat finds the
    volume clean."""
    size = ctx.rng.randint(100, 4000)
    stale_boot(ctx, size, "/" + word(ctx).replace(".", "") + ".txt")
    stale_boot(ctx, size, None)
