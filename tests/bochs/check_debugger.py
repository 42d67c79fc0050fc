#!/usr/bin/env python3
"""check_debugger.py - the Bochs debugger works on a stage, with symbols.

    python3 tests/bochs/check_debugger.py [--stage 1] [--image IMG] [-v]

Needs `make labN`. Boots a GRUB floppy of build/labN/kernel.elf (made here with
tools/grubimg.py, or IMG, which must hold that same kernel) headless in Bochs
and runs tests/bochs/debug.rc: break at idt_init by name, continue,
registers, step, segments, break at program_main, `info idt 0x20 0x2f`, quit.
Then checks the transcript against build/labN/kernel.sym: the breakpoint hit
the symbol's address, a step moved one instruction, and (when the stage has
lab 1's idt_init) vectors 0x20-0x2F, where the remapped 8259s deliver IRQ
0-15, are present 32-bit interrupt gates into kernel code. A stage without
idt_init (stage 0) is checked at kmain, without the IDT.
The transcript is kept in build/labN/bochs-debugger/bochs.out.
Prints "bochs debugger: N passed, N failed"; exits 0 when all passed.
"""
from __future__ import annotations

import argparse
import bisect
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))
from grade.bochs import BochsError, floppy_kernel, read_symbols, run_session  # noqa: E402

SCRIPT = Path(__file__).resolve().parent / "debug.rc"
TIMEOUT = 60.0                  # the session takes about a second; a loaded CI host is slower
IRQ_VECTORS = range(0x20, 0x30)
KERNEL_CS = 0x0008


@dataclass
class Report:
    verbose: bool
    passed: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        if self.verbose or not ok:
            print(f"  {'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
        return ok


def symbolize(addr: int, symbols: dict[str, int]) -> str:
    by_addr = sorted((a, n) for n, a in symbols.items())
    i = bisect.bisect_right([a for a, _ in by_addr], addr) - 1
    if i < 0:
        return f"{addr:#x}"
    base, name = by_addr[i]
    return f"{name}+{addr - base:#x}"


def check_break(r: Report, out: str, num: int, name: str, addr: int) -> str:
    """Breakpoint `num` hit at `name`; returns the transcript after the hit."""
    m = re.search(rf"Breakpoint {num}, 0x([0-9a-f]+) in .*\nNext at t=\d+\n"
                  rf"\(0\) \[0x[0-9a-f]+\] [0-9a-f]{{4}}:[0-9a-f]+ \(([^)]*)\)", out)
    if not r.check(f"breakpoint {num} at {name} is hit", m is not None,
                   "" if m else "no 'Breakpoint' line in the transcript"):
        return ""
    hit = int(m.group(1), 16)
    r.check(f"breakpoint {num} stopped at {name}'s address {addr:#x}", hit == addr,
            "" if hit == addr else f"stopped at {hit:#x}")
    where = m.group(2)
    r.check(f"the debugger names the place {name}+0", where == f"{name}+0",
            "" if where == f"{name}+0" else f"it says ({where}): are the symbols loaded?")
    return out[m.end():]


def give_up(message: str) -> int:
    print(f"check_debugger: {message}")
    print("bochs debugger: 0 passed, 1 failed")
    return 1


def main() -> int:
    ap = argparse.ArgumentParser(description="Check the Bochs debugger on a stage.")
    ap.add_argument("--stage", type=int, default=1)
    ap.add_argument("--image", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    opts = ap.parse_args()
    build = REPO / "build" / f"lab{opts.stage}"
    kernel, sym_path = build / "kernel.elf", build / "kernel.sym"
    workdir = build / "bochs-debugger"
    r = Report(opts.verbose)
    if not kernel.exists() or not sym_path.exists():
        return give_up(f"{kernel} or {sym_path} is missing: run `make lab{opts.stage}`")
    workdir.mkdir(parents=True, exist_ok=True)
    if opts.image:
        image = opts.image
        # A stale image breaks at kernel.sym's addresses inside other code.
        if floppy_kernel(image) != kernel.read_bytes():
            return give_up(f"{image} does not hold {kernel}: run `make lab{opts.stage}-img`")
    else:
        image = workdir / "cairn.img"
        made = subprocess.run([sys.executable, str(REPO / "tools" / "grubimg.py"), "floppy",
                               str(kernel), str(image)], capture_output=True, text=True)
        if made.returncode != 0:
            return give_up(f"grubimg.py failed: {made.stderr.strip()}")
    symbols = read_symbols(sym_path)
    script = SCRIPT.read_text()
    first = "idt_init"
    if first not in symbols:        # stage 0: no IDT yet
        first = "kmain"
        script = script.replace('lb "idt_init"', 'lb "kmain"')
    missing = [n for n in (first, "program_main") if n not in symbols]
    if missing:
        return give_up(f"{sym_path} has no {', '.join(missing)}")

    try:
        _, status, timed_out, cmd = run_session(image, workdir, [], TIMEOUT, script,
                                                symbols=sym_path)
    except BochsError as e:
        return give_up(str(e))
    out = (workdir / "bochs.out").read_text(errors="replace")
    if opts.verbose:
        print(f"  {' '.join(cmd)}  (transcript: {workdir / 'bochs.out'})")

    r.check("the session ends at `quit`", status == 0 and not timed_out,
            "timed out" if timed_out else f"bochs exited with status {status}")
    r.check("the script has no errors", "ERROR in source file" not in out
            and "symbol not found" not in out)
    after = check_break(r, out, 1, first, symbols[first])

    m = re.search(r"rip: 00000000_([0-9a-f]{8})", after)
    r.check("`r` shows EIP at the breakpoint", m is not None and int(m.group(1), 16) == symbols[first],
            f"rip {m.group(1) if m else 'missing'}")
    steps = re.findall(r"Next at t=(\d+)\n\(0\) \[0x([0-9a-f]+)\] 0008:[0-9a-f]+ \(([^)]*)\)", after)
    ok = len(steps) >= 2 and int(steps[1][0]) == int(steps[0][0]) + 1 and steps[0][1] != steps[1][1]
    r.check("`s` executes one instruction", ok,
            " -> ".join(f"t={t} {where}" for t, _, where in steps[:3]))
    r.check("`sreg` shows the kernel code segment", re.search(r"^cs:0x0008,", after, re.M) is not None)

    after = check_break(r, after, 2, "program_main", symbols["program_main"])
    if first == "idt_init":
        gates = dict(re.findall(r"^IDT\[0x([0-9a-f]{2})\]=(.*)$", after, re.M))
        lo, hi = min(symbols.values()), symbols.get("__kernel_end", max(symbols.values()))
        for vec in IRQ_VECTORS:
            desc = gates.get(f"{vec:02x}", "missing")
            g = re.fullmatch(r"32-Bit Interrupt Gate target=0x([0-9a-f]{4}):0x([0-9a-f]{8}), DPL=0", desc)
            target = int(g.group(2), 16) if g else 0
            ok = g is not None and int(g.group(1), 16) == KERNEL_CS and lo <= target < hi
            r.check(f"IDT[{vec:#x}] (IRQ {vec - 0x20}) is an interrupt gate into the kernel", ok,
                    f"{desc} ({symbolize(target, symbols)})" if g else desc)
    elif opts.verbose:
        print(f"  (no idt_init in stage {opts.stage}: IDT checks skipped)")

    if r.failed and not opts.verbose:
        print(f"  transcript: {workdir / 'bochs.out'}")
    print(f"bochs debugger: {r.passed} passed, {r.failed} failed")
    return 0 if r.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
