"""grade/soak.py's arguments and results: --lab soaks only the labs named (a grade of
every lab is slow on a small machine, and a lab's new tests need only that lab's
grades), every grade it runs asks the grader for those labs, and build/soak.json
says which labs were soaked, so soaks of other labs are never added up as one.
No grade runs here: one_grade is replaced, and the grader only parses the command.
"""
from __future__ import annotations

import contextlib
import io
import json
import signal
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from grade import cli, soak


class LabOption(unittest.TestCase):
    def test_default_is_every_lab(self) -> None:
        args = soak.parse_args([])
        self.assertEqual(args.lab, [])
        cmd = soak.grade_command(soak.Setting(2, 0), 5, [], "out.json")
        self.assertNotIn("--lab", cmd)
        self.assertIsNone(cli.parse_args(cmd[3:]).lab)

    def test_labs_reach_every_grade(self) -> None:
        args = soak.parse_args(["--lab", "8", "--lab", "6", "--lab", "8"])
        self.assertEqual(args.lab, [6, 8])
        s = soak.Setting(2, 1, labs=tuple(args.lab))
        cmd = soak.grade_command(s, 1234, ["kernel"], "out.json")
        # The command is the grader's own: it must read back as these labs and this seed.
        graded = cli.parse_args(cmd[3:])
        self.assertEqual((graded.lab, graded.seed, graded.jobs, graded.boot),
                         ([6, 8], 1234, 2, ["kernel"]))
        self.assertIn("labs 6,8", s.name)

    def test_unknown_lab_is_refused_before_any_grade(self) -> None:
        with contextlib.redirect_stderr(io.StringIO()) as err, self.assertRaises(SystemExit):
            soak.parse_args(["--lab", "99"])
        self.assertIn("--lab 99", err.getvalue())


class SoakedLabsRecorded(unittest.TestCase):
    def run_soak(self, argv: list[str]) -> list[tuple[int, ...]]:
        """soak.main with a stand-in for each grade; the labs each grade was asked for."""
        seen: list[tuple[int, ...]] = []

        def fake_grade(s: soak.Setting, seed: int, boots: list[str], timeout: float) -> None:
            seen.append(s.labs)
            s.grades += 1
            s.seconds.append(1.0)

        handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
        try:
            with mock.patch.object(soak, "one_grade", fake_grade), \
                    contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(soak.main(argv), 0)
        finally:
            signal.signal(signal.SIGINT, handlers[0])
            signal.signal(signal.SIGTERM, handlers[1])
        return seen

    def test_json_names_the_labs(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / "soak.json"
            seen = self.run_soak(["--grades", "4", "--jobs", "1,2", "--hogs", "0",
                                  "--lab", "7", "--lab", "6", "--json", str(out)])
            self.assertEqual(seen, [(6, 7)] * 4)
            saved = json.loads(out.read_text())
            self.assertEqual([(d["jobs"], d["labs"], d["grades"]) for d in saved],
                             [(1, [6, 7], 2), (2, [6, 7], 2)])
            self.run_soak(["--grades", "1", "--jobs", "1", "--hogs", "0",
                           "--json", str(out)])
            self.assertIsNone(json.loads(out.read_text())[0]["labs"])

    def test_table_keeps_other_labs_apart(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            few, every, old = Path(d) / "few.json", Path(d) / "every.json", Path(d) / "old.json"
            self.run_soak(["--grades", "1", "--jobs", "1", "--hogs", "0", "--lab", "8",
                           "--json", str(few)])
            self.run_soak(["--grades", "1", "--jobs", "1", "--hogs", "0", "--json", str(every)])
            # A soak.json from before --lab has no "labs": its grades were of every lab.
            entries = json.loads(every.read_text())
            for entry in entries:
                del entry["labs"]
            old.write_text(json.dumps(entries))
            with contextlib.redirect_stdout(io.StringIO()) as printed:
                soak.print_saved([few, every, old])
            rows = printed.getvalue().splitlines()
            self.assertIn("| --jobs 1, 0 hogs | 2 | 0 | 0 | 1.0 | 1.0 |", rows)
            self.assertIn("| --jobs 1, 0 hogs, labs 8 | 1 | 0 | 0 | 1.0 | 1.0 |", rows)


if __name__ == "__main__":
    unittest.main()
