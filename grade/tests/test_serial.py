"""Machine.serial_steps: COM1 input paced by what the guest prints (grade/runner.py).
Each step's bytes go once its text has appeared after the previous step's text, never
before, and never twice; no QEMU needed: the machine's stdin is a buffer here."""
from __future__ import annotations

import io
import unittest
from typing import Any, cast

from grade import runner


class FakeProc:
    def __init__(self) -> None:
        self.pid = 1
        self.stdin = io.BytesIO()


def machine() -> tuple[runner.Machine, FakeProc]:
    proc = FakeProc()
    return runner.Machine(cast(Any, proc), None), proc


class SerialStepsTest(unittest.TestCase):
    def test_each_step_waits_for_its_text_after_the_last(self) -> None:
        m, proc = machine()
        m.serial_steps([("$ ", b"ls\r"), ("$ ", b"exit\r")])
        log = bytearray(b"boot\r\n")
        m.pump_serial(log)
        self.assertEqual(proc.stdin.getvalue(), b"")
        log.extend(b"$ ")
        m.pump_serial(log)
        self.assertEqual(proc.stdin.getvalue(), b"ls\r")
        m.pump_serial(log)                      # the same prompt does not fire the next step
        self.assertEqual(proc.stdin.getvalue(), b"ls\r")
        log.extend(b"ls\r\nreadme.txt\r\n$ ")
        m.pump_serial(log)
        self.assertEqual(proc.stdin.getvalue(), b"ls\rexit\r")

    def test_steps_already_due_go_at_once_in_order(self) -> None:
        m, proc = machine()
        m.serial_steps([("a", b"1"), ("b", b"2"), ("a", b"3")])
        m.pump_serial(bytearray(b"xaybza"))
        self.assertEqual(proc.stdin.getvalue(), b"123")

    def test_send_serial_writes_now(self) -> None:
        m, proc = machine()
        m.send_serial(b"\x03")
        self.assertEqual(proc.stdin.getvalue(), b"\x03")


if __name__ == "__main__":
    unittest.main()
