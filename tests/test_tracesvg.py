"""test_tracesvg.py - tools/tracesvg.py, the drawing of lab 6's trace: a trace in
the format of labs/lab6-threads/trace.c becomes a well-formed SVG with a row per
thread and task, and a malformed trace is refused with the line's number, the
line and what is wrong, and exit status 2 (no picture written).

    python3 -m unittest tests/test_tracesvg.py
"""
from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import tracesvg  # noqa: E402

SCRIPT = ROOT / "tools" / "tracesvg.py"
SVG_NS = "{http://www.w3.org/2000/svg}"

# A run as stage 6 prints it: main starts two spinners, the tick preempts one,
# a key wakes the executor, which polls a task that wakes main.
GOOD = """\
Cairn stage 6 (lab6-threads), booted by qemu
lab6: done; switches=5 preemptions=1 created=5 alive=2
trace: begin format=1 tick_hz=1000 ticks=3 cycles=3000000 running=1 events=14 dropped=0 capacity=4096
trace: thread 3 48 blocked executor
trace: thread 2 -1 ready idle
trace: thread 1 60 running main
trace: thread 4 31 new spin0
trace: thread 5 31 new spin 1
100 new 4
200 new 5
300 block 1
400 sw 1 4
1000000 irq 0
1000100 sw 4 5
1500000 irq 1
1500100 wake 3
1500200 sw 5 3
1500300 poll 7
1500400 wake 1
1500500 polled 7 1
1500600 block 3
1500700 sw 3 1
trace: end
cairn: exit 0 (success)
"""


def replace(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


class Drawing(unittest.TestCase):
    def svg_of(self, text: str, *args: str) -> ET.Element:
        trace = tracesvg.parse(text.splitlines())
        picture = tracesvg.svg(trace, "a <title> & more", *args)
        return ET.fromstring(picture)           # well-formed, or this raises

    def texts(self, root: ET.Element) -> list[str]:
        return [t.text or "" for t in root.iter(SVG_NS + "text")]

    def test_a_row_per_thread_and_task_and_the_irqs(self) -> None:
        root = self.svg_of(GOOD)
        self.assertEqual(root.tag, SVG_NS + "svg")
        texts = self.texts(root)
        for label in ("main (1)", "idle (2)", "executor (3)", "spin0 (4)", "spin 1 (5)",
                      "task 7", "IRQs", "a <title> & more", "time (ms)"):
            self.assertIn(label, texts)
        ticks = [l for l in root.iter(SVG_NS + "line") if l.get("shape-rendering")]
        self.assertEqual(len(ticks), 2)         # IRQ 0 and IRQ 1

    def test_the_time_axis_comes_from_the_ticks(self) -> None:
        # 3 ticks at 1000 Hz in 3,000,000 cycles: 1 ms is 1,000,000 cycles.
        trace = tracesvg.parse(GOOD.splitlines())
        axis = tracesvg.make_axis(trace, 3_000_000, None, None)
        self.assertEqual(axis.unit, "ms")
        self.assertAlmostEqual(axis.per_unit, 1_000_000)
        self.assertIn("3", self.texts(self.svg_of(GOOD)))

    def test_what_each_thread_did(self) -> None:
        tl = tracesvg.Timeline(tracesvg.parse(GOOD.splitlines()))
        spin0 = tl.rows[("thread", 4)]
        self.assertEqual(spin0.running, [(400, 1000100)])
        self.assertEqual(spin0.ready, [(100, 400), (1000100, 3000000)])   # preempted: ready
        main = tl.rows[("thread", 1)]
        self.assertEqual(main.running, [(0, 400), (1500700, 3000000)])    # blocked between
        self.assertEqual(tl.rows[("task", 7)].running, [(1500300, 1500500)])
        self.assertEqual(tl.irqs, [(1000000, 0), (1500000, 1)])

    def test_a_window_and_a_short_one_in_microseconds(self) -> None:
        root = self.svg_of(GOOD, "irq1", "+0.001")
        self.assertIn("time (µs)", self.texts(root))
        with self.assertRaises(tracesvg.TraceError):
            self.svg_of(GOOD, "irq9", None)
        with self.assertRaises(tracesvg.TraceError):
            self.svg_of(GOOD, "soon", None)

    def test_a_dropped_trace_says_so(self) -> None:
        text = replace("dropped=0", "dropped=5").replace(
            "trace: end", "trace: dropped 5 events: the buffer holds 4096 (the picture stops "
            "at the last one kept)\ntrace: end")
        self.assertIn("5 events and 0 names dropped: the buffer holds 4096",
                      self.texts(self.svg_of(text)))


class Refusals(unittest.TestCase):
    """Each malformed trace: exit status 2, the line's number and the line, nothing written."""

    def run_script(self, text: str, separate: bool = False) -> tuple[int, str, str]:
        """(exit status, stdout, stderr) of the script on a log of `text`: in this
        process (fast), or as its own process (the status as a shell sees it)."""
        with tempfile.TemporaryDirectory() as d:
            log, out = Path(d) / "run.log", Path(d) / "run.svg"
            log.write_text(text)
            argv = [str(log), "-o", str(out)]
            if separate:
                proc = subprocess.run([sys.executable, str(SCRIPT), *argv], capture_output=True,
                                      text=True)
                rc, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
            else:
                so, se = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
                    rc = tracesvg.main(argv)
                stdout, stderr = so.getvalue(), se.getvalue()
            self.assertEqual(out.exists(), rc == 0)
            return rc, stdout, stderr

    def test_a_good_trace_draws(self) -> None:
        rc, _, stderr = self.run_script(GOOD, separate=True)
        self.assertEqual(rc, 0, stderr)
        self.assertIn("14 events (0 dropped), 5 threads", stderr)

    def refused(self, text: str, *fragments: str, separate: bool = False) -> None:
        rc, stdout, stderr = self.run_script(text, separate)
        self.assertEqual(rc, 2, stderr)
        self.assertEqual(stdout, "")
        for f in fragments:
            self.assertIn(f, stderr)

    def test_malformed_lines(self) -> None:
        cases = [
            ("1000100 sw 4 5", "1000100 jump 4 5", "line 14: expected 'CYCLES KIND ARGS'"),
            ("1000100 sw 4 5", "1000100 sw 4", "line 14: 'sw' takes 2 number(s)"),
            ("1000100 sw 4 5", "1000100 sw 4 x5", "'x5' is not a decimal number"),
            ("1000100 sw 4 5", "1000100 sw 4 -5", "'-5' is not a decimal number"),
            ("1000100 sw 4 5", "99 sw 4 5", "cycles go back in time (99 after 1000000)"),
            ("1000100 sw 4 5", "1000100 sw 4 9", "names thread 9"),
            ("1000100 sw 4 5", "trace: oops", "line 14: not a line of the trace"),
            ("trace: thread 4 31 new spin0", "trace: thread 4 31 asleep spin0",
             "state 'asleep'"),
            ("trace: thread 4 31 new spin0", "trace: thread 3 31 new spin0", "listed twice"),
            ("format=1", "format=2", "format 2: this script reads format 1"),
            (" capacity=4096", "", "the header lacks capacity"),
            ("running=1", "running=1 running=1", "once each"),
            ("events=14", "events=15", "the header says 15 events; the trace has 14"),
            ("trace: end\n", "", "line 23: expected an event ('CYCLES KIND ARGS') or 'trace: end'"),
            ("trace: end\ncairn: exit 0 (success)\n", "", "has no 'trace: end'"),
            ("trace: begin", "trace: started", "no 'trace: begin' line"),
        ]
        for old, new, message in cases:
            with self.subTest(new=new):
                self.refused(replace(old, new), message)

    def test_the_message_quotes_the_line(self) -> None:
        self.refused(replace("1000100 sw 4 5", "1000100 sw 4 x5"),
                     "run.log: line 14: ", ": '1000100 sw 4 x5'", separate=True)

    def test_a_missing_log(self) -> None:
        proc = subprocess.run([sys.executable, str(SCRIPT), "/nonexistent/run.log"],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("/nonexistent/run.log", proc.stderr)


class HandoutPictures(unittest.TestCase):
    """The pictures handouts/lab6.md shows (make lab6-pictures) are well-formed SVGs."""

    def test_each_picture_is_well_formed_and_shown(self) -> None:
        handout = (ROOT / "handouts" / "lab6.md").read_text()
        pictures = sorted((ROOT / "handouts" / "img").glob("lab6-*.svg"))
        self.assertGreaterEqual(len(pictures), 3)
        for p in pictures:
            with self.subTest(picture=p.name):
                self.assertEqual(ET.parse(p).getroot().tag, SVG_NS + "svg")
                self.assertTrue(f"img/{p.name}" in handout, f"handouts/lab6.md does not show {p.name}")


if __name__ == "__main__":
    unittest.main()
