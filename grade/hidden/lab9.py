"""Hidden lab 9 test: a program written elsewhere. user/progs' proctest is built with
nothing but gcc -m32 -static -nostdlib and raw int 0x80s, against Linux's semantics
alone: 40 children writing records through one pipe, wait4 on each, copy-on-write,
execve with argv, envp and O_CLOEXEC pipes, kill, fork until refused and ECHILD. It
checks everything itself and ends with "proctest: ok" and exit code 0; no frame may
leak. Registered only where user/progs has it."""
from __future__ import annotations

from pathlib import Path

from grade.core import QEMU_ONLY, Ctx, test
from grade.labs.lab9 import TIMEOUT, body, disk

PROCTEST = Path(__file__).resolve().parents[2] / "user" / "progs" / "raw" / "proctest.c"


def proctest(ctx: Ctx) -> None:
    d = disk(ctx)
    r = ctx.boot(args=["run=/proctest"], disks=[d])
    lines = [line for line in body(ctx, r, d, first="/proctest: 0") if line.startswith("proctest:")]
    failed = [line for line in lines if "FAIL" in line]
    ctx.check(not failed and lines[-1:] == ["proctest: ok"],
              "proctest did not pass:\n  " + "\n  ".join(lines))


if PROCTEST.exists():
    test(lab=9, name="linux-program", points=10, paths=QEMU_ONLY, timeout=TIMEOUT, hidden=True)(proctest)
