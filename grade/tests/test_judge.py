"""The judge of lines a test picks out of a log (Ctx.expect_same, Ctx.expect_filtered):
labs 3 and 6 filter by prefix, lab 7 cuts the operations' lines out, lab 8 splits the
log into programs' streams; all of them fail the same way, through this one judge."""
from __future__ import annotations

import unittest
from pathlib import Path
from typing import Any

from grade.core import Ctx, Result, Test, TestFailure
from grade.expect import Pattern


def ctx_with_log(log: str) -> tuple[Ctx, Result]:
    """A Ctx whose one boot has already happened and printed `log`."""
    def booter(*_args: Any) -> Result:
        raise AssertionError("the judge boots nothing")
    ctx = Ctx(Test(0, "judge", 1, lambda c: None), 1, Path("."), Path("kernel.elf"), "kernel", booter)
    result = Result(log, "success", 33, 0.1, "kernel")
    ctx.results.append(result)
    return ctx, result


class Judge(unittest.TestCase):
    def test_the_same_lines_pass(self) -> None:
        ctx, _ = ctx_with_log("")
        ctx.expect_same(["a", "b"], ["a", "b"], "the lines")

    def test_other_lines_fail_with_a_diff_that_names_them(self) -> None:
        ctx, r = ctx_with_log("")
        with self.assertRaises(TestFailure) as caught:
            ctx.expect_same(["a", "x"], ["a", "b"], "the lines of hello")
        failure = caught.exception
        self.assertEqual(failure.verdict, "WRONG OUTPUT")
        self.assertIs(failure.result, r)
        self.assertTrue(failure.details.startswith("the lines of hello differ:\n"), failure.details)
        self.assertIn("-b", failure.details.splitlines())
        self.assertIn("+x", failure.details.splitlines())

    def test_a_pattern_takes_wildcards_and_shows_the_first_difference(self) -> None:
        ctx, _ = ctx_with_log("")
        ctx.expect_same(["start", "noise", "end 7"], Pattern(["start", "${**}", "end ${*}"]), "k")
        with self.assertRaises(TestFailure) as caught:
            ctx.expect_same(["start", "noise", "END"], Pattern(["start", "${**}", "end ${*}"]),
                            "the kernel's own lines")
        details = caught.exception.details
        self.assertIn("first difference", details)
        self.assertIn("+END", details.splitlines())

    def test_filtered_keeps_the_lines_with_the_prefix_in_order(self) -> None:
        ctx, r = ctx_with_log("boot\ntimer 0: tick 2\nother\ntimer 1: tick 3\n")
        ctx.expect_filtered(r, "timer ", ["timer 0: tick 2", "timer 1: tick 3"])
        with self.assertRaises(TestFailure) as caught:
            ctx.expect_filtered(r, "timer ", ["timer 1: tick 3", "timer 0: tick 2"])
        self.assertIn("the lines starting with 'timer ' differ", caught.exception.details)

    def test_missing_lines_show_the_end_of_the_log(self) -> None:
        """A program killed early prints fewer lines than expected; the kill report
        that says why is elsewhere in the log, so the failure shows the log's end."""
        ctx, _ = ctx_with_log("hello: start\nkill /hello: page fault at 0x0\ncairn: exit 0\n")
        with self.assertRaises(TestFailure) as caught:
            ctx.expect_same(["hello: start"], ["hello: start", "hello: done"], "the lines of hello")
        self.assertIn("    kill /hello: page fault at 0x0", caught.exception.details.splitlines())
        with self.assertRaises(TestFailure) as caught:
            ctx.expect_same(["hello: start", "x"], ["hello: start", "y"], "the lines of hello")
        self.assertNotIn("the log's last lines", caught.exception.details)


if __name__ == "__main__":
    unittest.main()
