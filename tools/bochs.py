#!/usr/bin/env python3
"""bochs.py - boot a stage's GRUB floppy in Bochs, stopped in its debugger.

    make labN-bochs       (a window on a desktop; the debugger in this terminal)
    make labN-bochs-nox   (no window: the serial console and the debugger here)
    make lab1-bochs BREAK=idt_init    (run straight to a kernel function)

    tools/bochs.py --stage N --image IMG [--nox] [--break NAME]... [--script FILE]
                   [--disk CH:UNIT:PATH[:MODEL]]... [--cdrom CH:UNIT:[PATH][:MODEL]]
                   [--serial FILE] [--symbols FILE]

The kernel's symbols (build/labN/kernel.sym) are loaded, so `lb "idt_init"`
and the disassembly name kernel functions. Bochs stops at the first
instruction (the BIOS reset vector) unless --break or --script says
otherwise; BOCHS_BREAK() in the kernel stops it again. The bochsrc comes from
boot/bochsrc.in through grade/bochs.py, the same code the grader uses; it is
written to build/labN/bochsrc together with the debugger's start-up script.
Headless (--nox, or no DISPLAY): see grade/bochs.py for the display choice.
"""
from __future__ import annotations

import argparse
import difflib
import os
import re
import signal
import subprocess
import sys
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from grade.bochs import (AtaDrive, BochsConfig, BochsError, Display,  # noqa: E402
                         bochs_binary, floppy_kernel, headless_display, plugin_available,
                         read_symbols, render_bochsrc)

BANNER = """\
*** Bochs debugger, stage {stage}: {image}
*** symbols: {symbols}
*** {where}
***   lb "idt_init"   break at a kernel function (the quotes are needed); b ADDR, blist, bpd N
***   c               continue; Ctrl-C stops again       s [N]  step N instructions
***   n               step over a call                   r      registers;  sreg  segments
***   info idt        the IDT (info idt 0x20 0x2f)       info gdt  the GDT
***   x /8wx ADDR     memory (linear address)            u /5   disassemble from EIP
***   trace-reg on    registers after every step         print-stack;  q  quit
*** The kernel's serial console {console}; BOCHS_BREAK() stops here too.
"""

# Before it opens its log file Bochs writes ~25 `i` (info) lines to stderr
# (plugins loaded, ...). Keep everything else: errors, panics, its exit message.
INFO_LINE = re.compile(r"^\d{11}i\[|notify called, but no bxevent_callback|^.{0,20}lt_dlhandle is ")
EXIT_MESSAGE = re.compile(r"Bochs is exiting with the following message:")


def parse_drive(spec: str, cdrom: bool) -> AtaDrive:
    parts = spec.split(":", 3)
    if len(parts) < 3 or not parts[0].isdigit() or not parts[1].isdigit():
        kind = "--cdrom" if cdrom else "--disk"
        sys.exit(f"bochs: {kind} {spec!r}: expected CHANNEL:UNIT:PATH[:MODEL], e.g. 0:0:disk.img:My Disk"
                 " (an empty CD-ROM drive: --cdrom 1:0::MODEL)")
    model = parts[3] if len(parts) == 4 else ""
    if cdrom and parts[2] == "":        # --cdrom 1:0::MODEL: a drive with no disc
        return AtaDrive(int(parts[0]), int(parts[1]), None, model, cdrom)
    return AtaDrive(int(parts[0]), int(parts[1]), Path(parts[2]).resolve(), model, cdrom)


def breakpoint_lines(names: list[str], symbols: dict[str, int], sym_path: Path) -> list[str]:
    lines = []
    for name in names:
        if re.fullmatch(r"0x[0-9a-fA-F]+", name):
            lines.append(f"lb {name}")
            continue
        if name not in symbols:
            close = difflib.get_close_matches(name, symbols, n=4)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            sys.exit(f"bochs: --break {name}: no such symbol in {sym_path}{hint}")
        lines.append(f'lb "{name}"   # {symbols[name]:#010x}')
    return lines


def copy_stderr(pipe: IO[bytes], seen_exit: list[str]) -> None:
    """Pass Bochs' stderr through without its start-up chatter, and remember
    why it stopped."""
    expect_message = False
    for raw in pipe:
        line = raw.decode(errors="replace")
        if expect_message:
            seen_exit.append(line.strip())
            expect_message = False
        if EXIT_MESSAGE.search(line):
            expect_message = True
        if not INFO_LINE.search(line):
            sys.stderr.write(line)
            sys.stderr.flush()


def copy_console(fifo: Path) -> None:
    """COM1 goes through a FIFO to our stdout: Bochs opening /dev/stdout
    itself would truncate a redirected output file and write over it."""
    with open(fifo, "rb", buffering=0) as f:
        while chunk := f.read(4096):
            sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()


def release_fifo(fifo: Path) -> None:
    """If Bochs never opened the FIFO (a bochsrc error), the reader still
    waits in open(): open and close the write end to give it EOF."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass                    # no reader waiting: nothing to release


def choose_display(nox: bool, stack: ExitStack) -> Display:
    desktop = os.environ.get("DISPLAY")
    if not nox and desktop and plugin_available("x"):
        return Display("x", dict(os.environ))
    if not nox and (desktop or os.environ.get("WAYLAND_DISPLAY")) and plugin_available("sdl2"):
        return Display("sdl2", dict(os.environ))
    if not nox:
        print("*** no display (DISPLAY is not set): running without a window", file=sys.stderr)
    return stack.enter_context(headless_display())


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stage", type=int, required=True)
    ap.add_argument("--image", type=Path, help="default build/labN/cairn.img")
    ap.add_argument("--nox", action="store_true", help="no window (also: no DISPLAY)")
    ap.add_argument("--break", dest="breaks", action="append", default=[], metavar="NAME",
                    help="run to this kernel function (or 0xADDR); repeatable; "
                         "also BREAK='a b' in the environment (make labN-bochs BREAK=a)")
    ap.add_argument("--script", type=Path, help="debugger commands to run first (a -rc file); "
                    "the debugger reads the terminal afterwards")
    ap.add_argument("--disk", action="append", default=[], metavar="CH:UNIT:PATH[:MODEL]",
                    help="an ATA disk: channel 0|1, unit 0 (master)|1 (slave), a raw image")
    ap.add_argument("--cdrom", action="append", default=[], metavar="CH:UNIT:[PATH][:MODEL]",
                    help="an ATAPI CD-ROM drive; no PATH: an empty drive")
    ap.add_argument("--serial", type=Path, help="write COM1 to this file instead of the terminal")
    ap.add_argument("--symbols", type=Path, help="default build/labN/kernel.sym")
    return ap.parse_args()


def opening(opts: argparse.Namespace, breaks: list[str], symbols: dict[str, int],
            sym_path: Path) -> tuple[list[str], str]:
    """The debugger's first commands (the -rc file), and the banner's line saying
    where the session stops first."""
    start = ["# written by tools/bochs.py: the debugger runs this first, then reads the terminal"]
    if breaks:
        start += breakpoint_lines(breaks, symbols, sym_path) + ["c"]
        where = f"Running to {', '.join(breaks)}. Useful commands:"
    elif opts.script:
        where = f"Running {opts.script} first. Useful commands:"
    else:
        where = "Stopped at the first instruction (the BIOS reset vector). Useful commands:"
    if opts.script:
        try:
            start.append(opts.script.read_text())
        except OSError as e:
            sys.exit(f"bochs: --script: {e}")
    return start, where


def debug_session(cmd: list[str], env: dict[str, str] | None, fifo: Path | None) -> tuple[int, list[str]]:
    """Bochs in this terminal until it exits: its status and its exit message.
    With a fifo, COM1 comes through it to the terminal."""
    console_thread = None
    if fifo:
        fifo.unlink(missing_ok=True)
        os.mkfifo(fifo)
        console_thread = threading.Thread(target=copy_console, args=(fifo,), daemon=True)
        console_thread.start()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE)
    # Ctrl-C belongs to Bochs (it stops a `c` and returns to the prompt).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_message: list[str] = []
    reader = threading.Thread(target=copy_stderr, args=(proc.stderr, exit_message))
    reader.start()
    status = proc.wait()
    reader.join()
    if fifo and console_thread:
        release_fifo(fifo)
        console_thread.join(timeout=5)
        fifo.unlink(missing_ok=True)
    return status, exit_message


def main() -> int:
    opts = parse_args()
    build = REPO / "build" / f"lab{opts.stage}"
    image = (opts.image or build / "cairn.img").resolve()
    sym_path = (opts.symbols or build / "kernel.sym").resolve()
    if not image.exists():
        sys.exit(f"bochs: {image}: no such image: run `make lab{opts.stage}-img`")
    if not sym_path.exists():
        sys.exit(f"bochs: {sym_path}: no symbols: run `make lab{opts.stage}`")
    symbols = read_symbols(sym_path)
    elf = sym_path.with_name("kernel.elf")
    if elf.exists() and floppy_kernel(image) not in (None, elf.read_bytes()):
        print(f"*** warning: {image} holds another kernel than {elf}: the symbols will not "
              f"match (make lab{opts.stage}-img)", file=sys.stderr)
    breaks = opts.breaks + os.environ.get("BREAK", "").replace(",", " ").split()
    drives = ([parse_drive(d, False) for d in opts.disk] +
              [parse_drive(d, True) for d in opts.cdrom])
    start, where = opening(opts, breaks, symbols, sym_path)
    console = (f"goes to {opts.serial}" if opts.serial else "appears here")

    with ExitStack() as stack:
        fifo = (build / "com1.fifo").resolve()
        try:
            exe = bochs_binary()
            display = choose_display(opts.nox, stack)
            rc_text = render_bochsrc(BochsConfig(
                floppy=image, com1=(opts.serial.resolve() if opts.serial else fifo),
                log=(build / "bochs.log").resolve(), display=display.library, drives=drives,
                symbols=sym_path, magic_break=True))
        except BochsError as e:
            sys.exit(f"bochs: {e}")
        build.mkdir(parents=True, exist_ok=True)
        rc_file, start_file = build / "bochsrc", build / "bochs-start.rc"
        rc_file.write_text(rc_text)
        start_file.write_text("\n".join(start) + "\n")
        print(BANNER.format(stage=opts.stage, image=os.path.relpath(image),
                            symbols=os.path.relpath(sym_path), where=where, console=console),
              file=sys.stderr, end="")
        cmd = [exe, "-f", os.path.relpath(rc_file), "-rc", os.path.relpath(start_file)]
        print(f"*** {' '.join(cmd)}   (Bochs' log: {os.path.relpath(build / 'bochs.log')})",
              file=sys.stderr)
        status, exit_message = debug_session(cmd, display.env, None if opts.serial else fifo)
    # The kernel's Shutdown port ends Bochs with status 1; that is a clean end.
    if status == 1 and any("shutdown requested" in m for m in exit_message):
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
