#!/usr/bin/env python3
"""tracesvg.py - draw lab 6's trace as a timeline (an SVG): one row per thread
and per task, the IRQs as ticks, a time axis.

The trace is what stage 6 prints at the end when booted with `trace` (the
format is in labs/lab6-threads/trace.c and handouts/lab6.md). Give it a whole
serial log: lines before `trace: begin` and after `trace: end` are ignored.
A line inside the trace that is not in the format stops it with the line's
number and what is wrong (exit status 2): nothing is guessed at.

    python3 tools/tracesvg.py build/lab6/trace.log -o run.svg [--from MS] [--to MS]

Standard library only.
"""
from __future__ import annotations

import argparse
import html
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = 1
HEADER_KEYS = ("format", "tick_hz", "ticks", "cycles", "running", "events", "dropped", "capacity")
# Each event kind and the number of arguments after it.
ARITY = {"sw": 2, "irq": 1, "poll": 1, "polled": 2, "wake": 1, "block": 1, "prio": 2,
         "exit": 1, "new": 1}
STATES = ("running", "ready", "blocked", "done", "new")
UINT = re.compile(r"[0-9]+")
INT = re.compile(r"-?[0-9]+")


class TraceError(Exception):
    """A trace that is not in the format: the message names the line."""


def parse_uint(word: str, what: str) -> int:
    """The one checked parser for the trace's numbers: decimal digits, nothing else."""
    if not UINT.fullmatch(word):
        raise TraceError(f"{what}: '{word}' is not a decimal number")
    return int(word)


def parse_int(word: str, what: str) -> int:
    if not INT.fullmatch(word):
        raise TraceError(f"{what}: '{word}' is not a decimal number")
    return int(word)


@dataclass
class Thread:
    id: int
    prio: int
    state: str
    name: str


@dataclass
class Event:
    cycles: int
    kind: str
    args: tuple[int, ...]


@dataclass
class Trace:
    header: dict[str, int]
    threads: dict[int, Thread] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    names_dropped: int = 0


def parse_header(line: str) -> dict[str, int]:
    words = line.split()[2:]
    header: dict[str, int] = {}
    for word in words:
        key, eq, value = word.partition("=")
        if not eq or key not in HEADER_KEYS or key in header:
            raise TraceError(f"'{word}' is not one of {', '.join(HEADER_KEYS)} (once each)")
        header[key] = parse_uint(value, key)
    missing = [k for k in HEADER_KEYS if k not in header]
    if missing:
        raise TraceError(f"the header lacks {', '.join(missing)}")
    if header["format"] != FORMAT:
        raise TraceError(f"format {header['format']}: this script reads format {FORMAT}")
    return header


def parse_thread(words: list[str]) -> Thread:
    if len(words) < 6:
        raise TraceError("expected 'trace: thread ID PRIO STATE NAME'")
    if words[4] not in STATES:
        raise TraceError(f"state '{words[4]}' is not one of {', '.join(STATES)}")
    return Thread(parse_uint(words[2], "thread id"), parse_int(words[3], "priority"), words[4],
                  " ".join(words[5:]))


def parse_event(words: list[str], last: int) -> Event:
    if not words or not UINT.fullmatch(words[0]):
        raise TraceError("expected an event ('CYCLES KIND ARGS') or 'trace: end': did the "
                         "kernel stop, or print something else, while it printed the trace?")
    kind = words[1] if len(words) > 1 else ""
    if kind not in ARITY:
        raise TraceError(f"expected 'CYCLES KIND ARGS' with KIND one of {', '.join(ARITY)}")
    if len(words) != 2 + ARITY[kind]:
        raise TraceError(f"'{kind}' takes {ARITY[kind]} number(s)")
    cycles = parse_uint(words[0], "cycles")
    if cycles < last:
        raise TraceError(f"cycles go back in time ({cycles} after {last})")
    args = tuple(parse_int(w, kind) if kind == "prio" and i == 1 else parse_uint(w, kind)
                 for i, w in enumerate(words[2:]))
    return Event(cycles, kind, args)


DROPPED = re.compile(r"trace: dropped ([0-9]+) events: .*")
NAMES_DROPPED = re.compile(r"trace: dropped ([0-9]+) thread names: .*")


def parse_line(trace: Trace, line: str) -> bool:
    """One line inside the trace; True at its end."""
    words = line.split()
    if line == "trace: end":
        return True
    if line.startswith("trace: thread "):
        t = parse_thread(words)
        if t.id in trace.threads:
            raise TraceError(f"thread {t.id} is listed twice")
        trace.threads[t.id] = t
    elif m := DROPPED.fullmatch(line):
        if int(m.group(1)) != trace.header["dropped"]:
            raise TraceError(f"says {m.group(1)} dropped, the header {trace.header['dropped']}")
    elif m := NAMES_DROPPED.fullmatch(line):
        trace.names_dropped = int(m.group(1))
    elif line.startswith("trace:"):
        raise TraceError("not a line of the trace")
    else:
        last = trace.events[-1].cycles if trace.events else 0
        trace.events.append(parse_event(words, last))
    return False


def check(trace: Trace) -> None:
    """What only the whole trace shows: the count, and every id named in the table."""
    if len(trace.events) != trace.header["events"]:
        raise TraceError(f"the header says {trace.header['events']} events; "
                         f"the trace has {len(trace.events)}")
    if trace.names_dropped:
        return
    for e in trace.events:
        ids = e.args[:2] if e.kind == "sw" else e.args[:1]
        for i in ids if e.kind not in ("irq", "poll", "polled") else ():
            if i not in trace.threads:
                raise TraceError(f"event '{e.kind}' at {e.cycles} names thread {i}, "
                                 "which the trace's table does not list")


def parse(lines: list[str]) -> Trace:
    """The first trace in a serial log. TraceError names the line that is wrong."""
    start = next((i for i, l in enumerate(lines) if l.startswith("trace: begin")), None)
    if start is None:
        raise TraceError("no 'trace: begin' line: boot stage 6 with the `trace` option "
                         "(make lab6-trace ARGS=...)")
    number = start + 1
    try:
        trace = Trace(parse_header(lines[start].strip()))
        for number, raw in enumerate(lines[start + 1:], start + 2):
            if parse_line(trace, raw.strip()):
                check(trace)
                return trace
    except TraceError as e:
        raise TraceError(f"line {number}: {e}: '{lines[number - 1].strip()}'") from None
    raise TraceError(f"the trace that begins on line {start + 1} has no 'trace: end' "
                     "(did the kernel stop while printing it?)")


# ---- the picture ---------------------------------------------------------------
@dataclass
class Row:
    label: str
    kind: str                                   # thread, idle, task
    running: list[tuple[int, int]] = field(default_factory=list)
    ready: list[tuple[int, int]] = field(default_factory=list)
    marks: list[tuple[int, str]] = field(default_factory=list)     # (cycles, wake/block/exit)
    prios: list[tuple[int, int]] = field(default_factory=list)     # (cycles, new priority)


class Timeline:
    """The trace turned into intervals: when each thread ran or waited ready,
    when each task was polled, and when each IRQ came."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.end = max(trace.header["cycles"], trace.events[-1].cycles if trace.events else 0)
        self.rows: dict[tuple[str, int], Row] = {}
        self.irqs: list[tuple[int, int]] = []
        self.since: dict[int, tuple[str, int]] = {}     # thread -> (state, since cycles)
        self.leaving: dict[int, str] = {}               # blocked/done once switched out
        self.polling: dict[int, int] = {}
        for t in trace.threads.values():
            row = self.row(t.id)
            row.prios.append((0, t.prio))
            if t.state in ("running", "ready"):
                self.since[t.id] = (t.state, 0)
        running = trace.header["running"]
        self.since[running] = ("running", 0)
        for e in trace.events:
            self.step(e)
        for tid, (state, t0) in self.since.items():
            self.close(tid, state, t0, self.end)
        for task, t0 in self.polling.items():
            self.task_row(task).running.append((t0, self.end))

    def row(self, tid: int) -> Row:
        key = ("thread", tid)
        if key not in self.rows:
            t = self.trace.threads.get(tid)
            name = t.name if t else "thread"
            self.rows[key] = Row(f"{name} ({tid})", "idle" if name == "idle" else "thread")
        return self.rows[key]

    def task_row(self, task: int) -> Row:
        key = ("task", task)
        if key not in self.rows:
            self.rows[key] = Row(f"task {task}", "task")
        return self.rows[key]

    def close(self, tid: int, state: str, t0: int, t1: int) -> None:
        row = self.row(tid)
        (row.running if state == "running" else row.ready).append((t0, t1))

    def become(self, tid: int, state: str | None, now: int) -> None:
        if tid in self.since:
            old, t0 = self.since.pop(tid)
            self.close(tid, old, t0, now)
        if state:
            self.since[tid] = (state, now)

    def step(self, e: Event) -> None:
        now, a = e.cycles, e.args[0]
        if e.kind == "sw":
            self.become(a, None if self.leaving.pop(a, "") else "ready", now)
            self.become(e.args[1], "running", now)
        elif e.kind == "irq":
            self.irqs.append((now, a))
        elif e.kind == "poll":
            self.polling[a] = now
        elif e.kind == "polled":
            self.task_row(a).running.append((self.polling.pop(a, now), now))
            if e.args[1]:
                self.task_row(a).marks.append((now, "exit"))
        elif e.kind in ("wake", "new"):
            if self.since.get(a, ("",))[0] != "running":
                self.become(a, "ready", now)
            self.row(a).marks.append((now, "wake"))
        elif e.kind in ("block", "exit"):
            self.leaving[a] = e.kind
            self.row(a).marks.append((now, e.kind))
        elif e.kind == "prio":
            self.row(a).prios.append((now, e.args[1]))


# Layout, in pixels.
LABEL_W, PLOT_W, RIGHT = 150, 900, 20
TOP, ROW_H, BAR_H = 64, 22, 12
COLOURS = {"thread": "#3b6fb6", "idle": "#b0b0b0", "task": "#e08a1e", "ready": "#9fc5f0",
           "wake": "#2a9d3c", "block": "#c0392b", "exit": "#222222"}
IRQ_COLOURS = {0: "#9a9a9a", 1: "#c0392b"}


@dataclass
class Axis:
    start: int                                  # cycles at the left edge
    stop: int
    per_unit: float                             # cycles per unit
    unit: str

    def x(self, cycles: float) -> float:
        return LABEL_W + (cycles - self.start) * PLOT_W / max(1, self.stop - self.start)


IRQ_MARGIN = 0.05               # of the window: how far before --from irqN it starts
WHEN = re.compile(r"(irq)?([0-9]+(?:\.[0-9]+)?)|\+([0-9]+(?:\.[0-9]+)?)")


def parse_when(word: str, option: str) -> tuple[str, float]:
    """--from MS | irqN (the first IRQ N), --to MS | +MS (after --from): checked."""
    m = WHEN.fullmatch(word)
    if not m or (option == "--from" and m.group(3)) or (option == "--to" and m.group(1)):
        allowed = "MS or irqN" if option == "--from" else "MS or +MS"
        raise TraceError(f"{option} {word}: expected {allowed}, e.g. 2.5")
    if m.group(1):
        return "irq", float(m.group(2))
    return ("after", float(m.group(3))) if m.group(3) else ("at", float(m.group(2)))


def window(trace: Trace, tl_end: int, per_unit: float, lo: str | None,
           hi: str | None) -> tuple[int, int]:
    start, stop = 0, tl_end
    if lo is not None:
        how, value = parse_when(lo, "--from")
        if how == "irq":
            first = next((e.cycles for e in trace.events if e.kind == "irq" and
                          e.args[0] == value), None)
            if first is None:
                raise TraceError(f"--from {lo}: the trace has no IRQ {value:g}")
            start = first
        else:
            start = round(value * per_unit)
    if hi is not None:
        how, value = parse_when(hi, "--to")
        stop = start + round(value * per_unit) if how == "after" else round(value * per_unit)
        if lo is not None and lo.startswith("irq"):
            start -= round((stop - start) * IRQ_MARGIN)
    return max(0, start), stop


def make_axis(trace: Trace, end: int, lo: str | None, hi: str | None) -> Axis:
    """ms (or µs for a short window) when the trace's ticks give the rate; else cycles."""
    h = trace.header
    if h["ticks"] and h["cycles"] and h["tick_hz"]:
        per_ms = h["cycles"] / h["ticks"] * h["tick_hz"] / 1000
        per_unit, unit = per_ms, "ms"
    else:
        per_unit, unit = 1e6, "Mcycles"
    start, stop = window(trace, end, per_unit, lo, hi)
    if stop <= start:
        raise TraceError(f"--from {lo} --to {hi}: an empty window (the trace runs "
                         f"{end / per_unit:.3f} {unit})")
    if unit == "ms" and (stop - start) / per_unit < 2:
        per_unit, unit = per_unit / 1000, "µs"
    return Axis(start, stop, per_unit, unit)


def nice_step(span: float, ticks: int = 10) -> float:
    raw = span / ticks
    scale = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * scale for m in (1, 2, 5, 10) if m * scale >= raw)


def clip(axis: Axis, t0: int, t1: int) -> tuple[float, float] | None:
    if t1 < axis.start or t0 > axis.stop:
        return None
    x0, x1 = axis.x(max(t0, axis.start)), axis.x(min(t1, axis.stop))
    return x0, max(x1 - x0, 0.6)                # a poll of a few cycles stays visible


def draw_row(out: list[str], axis: Axis, row: Row, y: int) -> None:
    mid = y + ROW_H / 2
    out.append(f'<text x="{LABEL_W - 8}" y="{mid + 4:.1f}" text-anchor="end">'
               f'{html.escape(row.label)}</text>')
    out.append(f'<line x1="{LABEL_W}" y1="{mid}" x2="{LABEL_W + PLOT_W}" y2="{mid}" '
               'stroke="#eeeeee"/>')
    for t0, t1 in row.ready if row.kind != "idle" else ():     # idle is never queued
        if c := clip(axis, t0, t1):
            out.append(f'<rect x="{c[0]:.1f}" y="{mid - 1.5}" width="{c[1]:.1f}" height="3" '
                       f'fill="{COLOURS["ready"]}"/>')
    for t0, t1 in row.running:
        if c := clip(axis, t0, t1):
            out.append(f'<rect x="{c[0]:.1f}" y="{mid - BAR_H / 2}" width="{c[1]:.1f}" '
                       f'height="{BAR_H}" fill="{COLOURS[row.kind]}"/>')
    for t, what in row.marks:
        if axis.start <= t <= axis.stop:
            x = axis.x(t)
            out.append(f'<path d="M{x - 3:.1f},{y + 1} h6 l-3,4 z" fill="{COLOURS[what]}"/>')
    last = None
    for i, (t, prio) in enumerate(row.prios):
        later = row.prios[i + 1][0] if i + 1 < len(row.prios) else axis.stop + 1
        if later <= axis.start or t > axis.stop or prio == last:
            continue                            # before the window (unless still in force)
        x = axis.x(max(t, axis.start))
        out.append(f'<text x="{x + 1:.1f}" y="{y + ROW_H - 1}" class="prio">{prio}</text>')
        last = prio


def draw_axis(out: list[str], axis: Axis, y: int) -> None:
    span = (axis.stop - axis.start) / axis.per_unit
    step = nice_step(span)
    first = math.ceil(axis.start / axis.per_unit / step) * step
    out.append(f'<line x1="{LABEL_W}" y1="{y}" x2="{LABEL_W + PLOT_W}" y2="{y}" stroke="#000"/>')
    value = first
    while value <= axis.stop / axis.per_unit + 1e-9:
        x = axis.x(value * axis.per_unit)
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{y}" stroke="#f2f2f2"/>')
        out.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 4}" stroke="#000"/>')
        out.append(f'<text x="{x:.1f}" y="{y + 16}" text-anchor="middle">{value:g}</text>')
        value = round(value + step, 9)
    out.append(f'<text x="{LABEL_W + PLOT_W}" y="{y + 32}" text-anchor="end">'
               f'time ({axis.unit})</text>')


def draw_irqs(out: list[str], axis: Axis, irqs: list[tuple[int, int]], y: int) -> None:
    out.append(f'<text x="{LABEL_W - 8}" y="{y + ROW_H / 2 + 4:.1f}" text-anchor="end">'
               'IRQs</text>')
    for t, irq in irqs:
        if axis.start <= t <= axis.stop:
            x = axis.x(t)
            tall = 6 if irq == 0 else 0
            out.append(f'<line x1="{x:.1f}" y1="{y + 2 + tall}" x2="{x:.1f}" y2="{y + ROW_H - 2}" '
                       f'stroke="{IRQ_COLOURS.get(irq, "#8e44ad")}" shape-rendering="crispEdges"/>')


LEGEND = [("thread running", "thread"), ("idle (the CPU halted)", "idle"),
          ("task polled", "task"), ("ready, waiting for the CPU", "ready")]
BLANK = "no line: blocked"
MARKS = [("wake", "wake"), ("block", "block"), ("exit", "exit")]


def draw_legend(out: list[str], title: str, trace: Trace) -> None:
    out.append(f'<text x="10" y="18" class="title">{html.escape(title)}</text>')
    x = 10
    for text, key in LEGEND:
        h = 3 if key == "ready" else BAR_H
        out.append(f'<rect x="{x}" y="{38 - h / 2}" width="14" height="{h}" fill="{COLOURS[key]}"/>')
        out.append(f'<text x="{x + 18}" y="42">{text}</text>')
        x += 40 + 6 * len(text)
    for text, key in MARKS:
        out.append(f'<path d="M{x},33 h6 l-3,4 z" fill="{COLOURS[key]}"/>')
        out.append(f'<text x="{x + 9}" y="42">{text}</text>')
        x += 20 + 6 * len(text)
    out.append(f'<text x="{x}" y="42">{BLANK}; small numbers: priority; IRQ 0 short, 1 red'
               '</text>')
    h = trace.header
    if h["dropped"] or trace.names_dropped:
        out.append(f'<text x="{LABEL_W + PLOT_W}" y="18" text-anchor="end" class="warn">'
                   f'{h["dropped"]} events and {trace.names_dropped} names dropped: the buffer '
                   f'holds {h["capacity"]}</text>')


def svg(trace: Trace, title: str, lo: str | None = None, hi: str | None = None) -> str:
    tl = Timeline(trace)
    axis = make_axis(trace, tl.end, lo, hi)
    rows = sorted(((key, row) for key, row in tl.rows.items()
                   if row.kind != "task" or any(clip(axis, *r) for r in row.running)),
                  key=lambda kv: (kv[0][0] != "thread", kv[0][1]))
    height = TOP + ROW_H * (len(rows) + 1) + 44
    width = LABEL_W + PLOT_W + RIGHT
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           '<style>.title{font-size:13px;font-weight:bold}.prio{font-size:8px;fill:#555}'
           '.warn{fill:#c0392b;font-weight:bold}</style>',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    draw_legend(out, title, trace)
    axis_y = TOP + ROW_H * (len(rows) + 1) + 4
    draw_axis(out, axis, axis_y)
    draw_irqs(out, axis, tl.irqs, TOP)
    for i, (_, row) in enumerate(rows, 1):
        draw_row(out, axis, row, TOP + i * ROW_H)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Draw stage 6's trace (the `trace` option) as an SVG "
                                 "timeline: a row per thread and task, IRQs as ticks.")
    ap.add_argument("log", type=Path, help="a serial log that holds the trace")
    ap.add_argument("-o", "--out", type=Path, help="the SVG to write (default: LOG with .svg)")
    ap.add_argument("--title", default="", help="the picture's title (default: the log's name)")
    ap.add_argument("--from", dest="lo", metavar="MS|irqN",
                    help="start the picture at MS, or just before the first IRQ N")
    ap.add_argument("--to", dest="hi", metavar="MS|+MS", help="end it at MS, or MS after --from")
    args = ap.parse_args(argv)
    out = args.out or args.log.with_suffix(".svg")
    try:
        lines = args.log.read_text(encoding="utf-8", errors="replace").splitlines()
        trace = parse(lines)
        picture = svg(trace, args.title or args.log.name, args.lo, args.hi)
    except OSError as e:
        print(f"tracesvg: {e}", file=sys.stderr)
        return 2
    except TraceError as e:
        print(f"tracesvg: {args.log}: {e}", file=sys.stderr)
        return 2
    out.write_text(picture, encoding="utf-8")
    h = trace.header
    print(f"tracesvg: {len(trace.events)} events ({h['dropped']} dropped), "
          f"{len(trace.threads)} threads -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
