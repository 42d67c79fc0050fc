"""Host tests as graded tests: how a host test binary's output becomes a verdict."""
import unittest

from grade.hosttests import verdict


class VerdictTest(unittest.TestCase):
    def test_a_clean_summary_passes(self) -> None:
        self.assertIsNone(verdict("test_lab2_ring", "lab2 ring: 7 passed, 0 failed\n", 0))

    def test_a_failed_check_names_its_message(self) -> None:
        out = ("  tests/test_lab3_executor.c:88: fake_run() == 3, expected 0\n"
               "  FAIL hlt_race_before_cli\nlab3 executor: 9 passed, 1 failed\n")
        f = verdict("test_lab3_executor", out, 1)
        assert f is not None
        self.assertEqual(f.verdict, "HOST TEST FAILED")
        self.assertIn("FAIL hlt_race_before_cli", f.details)
        self.assertIn("9 passed, 1 failed", f.details)

    def test_a_stub_is_not_implemented(self) -> None:
        out = "  panic at labs/lab2-keyboard/ring.c:40: lab2: ring_push not implemented\n"
        f = verdict("test_lab2_ring", out, 2)
        assert f is not None
        self.assertEqual(f.verdict, "NOT IMPLEMENTED")
        self.assertIn("lab2: ring_push not implemented", f.details)

    def test_a_silent_exit_is_a_failure_that_says_so(self) -> None:
        f = verdict("test_lab3_executor", "", 1)
        assert f is not None
        self.assertEqual(f.verdict, "HOST TEST FAILED")
        self.assertIn("exited with status 1 without its summary line", f.details)
        self.assertIn("(no output)", f.details)

    def test_a_crash_after_a_clean_summary_fails(self) -> None:
        out = "lab1 gate: 5 passed, 0 failed\n==1==ERROR: LeakSanitizer: detected memory leaks\n"
        f = verdict("test_lab1_gate", out, 1)
        assert f is not None
        self.assertEqual(f.verdict, "HOST TEST FAILED")
        self.assertIn("LeakSanitizer", f.details)

    def test_a_signal_is_named(self) -> None:
        f = verdict("test_lab1_gate", "partial\n", -11)
        assert f is not None
        self.assertIn("killed by signal 11", f.details)


if __name__ == "__main__":
    unittest.main()
