"""Malformed options stop the boot before anything runs, on real boots of the
stages (the host tests, test_core_cmdline.c and test_core_parse_fuzz.c, prove
the parser itself): a quote left open or a backslash before a quote, which
took the words after them into one value; a flag given a value, wherever the
flag is read; lab 6's `spin=2 prio=64`, which ran the spinners before refusing
prio; lab 8's `run=/hello,`, which ran /hello; lab 10's `fetch=` without a path
behind a good `ping=`, and `head_ms=12s`, the web server's bound on a request head,
which must not start the stack. Each boot must end in the
failure exit with the message, and show nothing of what the options asked for.

Not part of `make test` by itself: python3 -m unittest tests/test_cmdline_boot.py
(it builds stages 0, 6, 8 and 10 first). grade/tests/test_cmdline.py has the
numbers' boots.
"""
from __future__ import annotations

import subprocess
import unittest

from grade.tests.test_cmdline import ROOT, boot

STAGES = (0, 6, 8, 10)


def setUpModule() -> None:
    subprocess.run(["make", "-s", *(f"lab{n}" for n in STAGES)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


class Refused(unittest.TestCase):
    def refused(self, stage: int, args: str, line: str, never: str) -> None:
        """The boot fails with `line`, and `never` (what the options would run) is not in its log."""
        log, exit_ = boot(stage, args)
        self.assertEqual(exit_, "failure", log[-400:])
        self.assertIn(line + "\n", log)
        self.assertNotIn(never, log)

    def test_a_quote_left_open(self) -> None:
        self.refused(0, 'grade tag="open ended bench',
                     'cmdline: a quote is not closed: tag="open ended bench', "tag:")

    def test_a_backslash_before_a_quote(self) -> None:
        self.refused(0, 'grade tag=a\\"b c=\\"d',
                     'cmdline: a backslash before a quote (nothing escapes a quote: quotes group '
                     'words): tag=a\\"b c=\\"d', "tag:")

    def test_a_flag_given_a_value_before_the_bare_one(self) -> None:
        self.refused(0, "grade=no grade tag=x",
                     'cmdline: grade="no": a flag takes no value; expected the bare word', "tag:")

    def test_lab6_checks_every_option_before_the_first_scenario(self) -> None:
        self.refused(6, "grade spin=2 prio=64",
                     'cmdline: prio="64": out of range; expected 1 to 16 comma-separated numbers '
                     'from 0 to 63 (decimal or 0x hex)', "spin:")
        self.refused(6, "grade spin=1 kbd=1",
                     'cmdline: kbd="1": a flag takes no value; expected the bare word', "lab6:")

    def test_lab8_run_with_a_trailing_comma(self) -> None:
        self.refused(8, "grade run=/hello,",
                     'cmdline: run="/hello,": an empty path; expected PATH[,PATH...]', "lab8:")

    def test_lab10_head_ms_not_a_number(self) -> None:
        self.refused(10, "head_ms=12s",
                     'cmdline: head_ms="12s": out of range; expected a number from 100 to 600000 '
                     '(decimal or 0x hex)', "lab10: ready")

    def test_lab10_checks_fetch_before_the_ping(self) -> None:
        self.refused(10, "ping=10.0.2.2 fetch=8080",
                     'cmdline: fetch="8080": not PORT/PATH; expected a port 1-65535, then a path: '
                     'fetch=8000/index.html', "lab10:")


if __name__ == "__main__":
    unittest.main()
