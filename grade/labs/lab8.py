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

import difflib
import shutil
import zlib
from pathlib import Path

from grade.core import Ctx, Disk, Result, test
from grade.expect import Pattern, render

ROOT = Path(__file__).resolve().parent.parent.parent
PROGS_IMG = ROOT / "build" / "progs" / "progs.img"
POSITIONS = [(0, 0), (0, 1), (1, 0), (1, 1)]
ISO_BOOT_CD = (1, 1)                # the iso path boots from a CD-ROM there
WORD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_."
TIMEOUT = 30.0                      # Bochs boots stage 8 slowly on a loaded host


def position(ctx: Ctx) -> tuple[int, int]:
    free = [p for p in POSITIONS if not (ctx.path == "iso" and p == ISO_BOOT_CD)]
    return ctx.rng.choice(free)


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
    import os
    import subprocess
    r = subprocess.run(["mcopy", "-i", str(image), str(src), "::" + name], capture_output=True,
                       env={**os.environ, "MTOOLS_SKIP_CHECK": "1"})
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
        if streams[key] != want:
            ctx.fail(f"the lines of {key} differ:\n" + "\n".join(difflib.unified_diff(
                want, streams[key], "expected", "kernel", lineterm="")))
    pattern = Pattern(kernel)
    if not pattern.match(rest):
        ctx.fail("the kernel's own lines differ (the programs' lines taken out):\n"
                 + "\n".join(difflib.unified_diff(kernel, rest, "expected", "kernel",
                                                  lineterm="")))


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


BAD_ELF = {
    "badmachine": "machine 62, not i386 (EM_386, 3)",
    "badclass": "ELF class 2, not 32-bit (1)",
    "truncated": "the file (40 bytes) is shorter than an ELF header (52)",
    "shortphdr": "the file (${*} bytes) is shorter than its program headers (${*} at offset 52)",
    "shortseg": "the file (${*} bytes) is shorter than its segment at offset ${*} (${*} bytes)",
    "kernelseg": "a segment at 0x00100000 overlaps the kernel (below 0x08000000)",
}


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
    kernel = [f"run /{b}: refused: {BAD_ELF[b]}" for b in bad] + [
        f"run {missing}: not found on any volume", "exit /hello: 0", "exit /rawexit: 42"]
    check_streams(ctx, r, disk, {"hello": hello_lines(["/hello"]),
                                 "rawexit": ["rawexit: built with nothing but gcc -m32 -static -nostdlib"]},
                  kernel)
