"""The grader's reports: Gradescope's results.json and the per-test lines."""
import json
import tempfile
import unittest
from pathlib import Path

from grade import cli
from grade.core import Test

# Gradescope autograder specification, "Output format": the fields we write and
# the values each may take.
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
STATUS = {"passed", "failed"}


def outcome(name: str, verdict: str, points: int = 5) -> cli.Outcome:
    return cli.Outcome(Test(1, name, points, lambda ctx: None), "kernel", verdict,
                       "" if verdict == "OK" else "a diff", 0.25)


class GradescopeTest(unittest.TestCase):
    def setUp(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "results.json"
            cli.gradescope([outcome("ok", "OK"), outcome("bad", "WRONG OUTPUT", 3)], 1.5, path)
            self.doc = json.loads(path.read_text())

    def test_top_level_fields(self) -> None:
        self.assertIsInstance(self.doc["score"], (int, float))
        self.assertEqual(self.doc["score"], 5)
        self.assertIsInstance(self.doc["execution_time"], (int, float))
        self.assertIn(self.doc["visibility"], VISIBILITY)
        self.assertIn(self.doc["stdout_visibility"], VISIBILITY)

    def test_each_test(self) -> None:
        tests = self.doc["tests"]
        self.assertEqual([t["name"] for t in tests], ["lab1 ok", "lab1 bad"])
        for t in tests:
            self.assertIn(t["status"], STATUS)
            self.assertIn(t["visibility"], VISIBILITY)
            self.assertLessEqual(t["score"], t["max_score"])
            self.assertIsInstance(t["output"], str)
        self.assertEqual((tests[1]["score"], tests[1]["max_score"]), (0, 3))
        self.assertIn("a diff", tests[1]["output"])


class ReportLineTest(unittest.TestCase):
    def test_ok_line(self) -> None:
        line = cli.report_line(outcome("keyboard-echo", "OK"), False)
        self.assertRegex(line, r"^lab1 keyboard-echo \.+ OK +0\.25s$")

    def test_an_ok_test_s_notes_are_shown(self) -> None:
        o = outcome("linux-fidelity", "OK")
        o.details = "fidelity: 27 lines as on this host"
        self.assertEqual(cli.report_line(o, False).splitlines()[1],
                         "    fidelity: 27 lines as on this host")

    def test_failure_shows_details(self) -> None:
        line = cli.report_line(outcome("ticks", "HANG"), False)
        self.assertIn("HANG", line.splitlines()[0])
        self.assertIn("    a diff", line)


if __name__ == "__main__":
    unittest.main()
