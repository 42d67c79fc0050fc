"""Host tests as graded tests: how a host test binary's output becomes a verdict,
and the bound on a binary that hangs."""
import subprocess
import tempfile
import threading
import time
import unittest
from pathlib import Path

from grade import hosttests, runner
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
        out = "  panic at labs/lab2-keyboard/keyboard.c:65: lab2: ring_push not implemented\n"
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


class RunBinary(unittest.TestCase):
    """run_binary's bound: output and status of a binary that ends; a hung one is
    killed, with its group, at the bound (the host is idle here, so no stretch)."""

    def script(self, tmp: str, body: str) -> Path:
        path = Path(tmp) / "t.sh"
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(0o755)
        return path

    def test_an_ending_binary_gives_its_output_and_status(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            out, status = hosttests.run_binary(self.script(tmp, "echo hi; exit 3\n"), 10.0)
        self.assertEqual((out, status), ("hi\n", 3))

    def test_a_hung_binary_is_killed_at_the_bound(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.monotonic()
            with self.assertRaises(subprocess.TimeoutExpired) as caught:
                hosttests.run_binary(self.script(tmp, "echo started; sleep 30 & wait\n"), 0.5)
        self.assertLess(time.monotonic() - start, 5.0)
        self.assertIn("started", caught.exception.output)

    def test_a_spinning_binary_ends_at_its_cpu_bound(self) -> None:
        real = hosttests.CPU_BOUND
        hosttests.CPU_BOUND = 0.5
        try:
            with tempfile.TemporaryDirectory() as tmp:
                start = time.monotonic()
                with self.assertRaises(subprocess.TimeoutExpired):
                    hosttests.run_binary(self.script(tmp, "while :; do :; done\n"), 600.0)
        finally:
            hosttests.CPU_BOUND = real
        self.assertLess(time.monotonic() - start, 60.0)

    def test_the_grader_stopping_stops_a_running_binary(self) -> None:
        """Ctrl-C or SIGTERM (runner.kill_all) ends a host test's binary, as it does QEMU:
        a student's spinning test kept a grade waiting past its SIGTERM."""
        with tempfile.TemporaryDirectory() as tmp:
            done: list[int] = []
            t = threading.Thread(target=lambda: done.append(
                hosttests.run_binary(self.script(tmp, "exec sleep 600\n"), 600.0)[1]))
            start = time.monotonic()
            t.start()
            time.sleep(0.5)
            runner.kill_all()
            t.join(20.0)
        self.assertEqual(done, [-9])
        self.assertLess(time.monotonic() - start, 20.0)


class PrebuildTest(unittest.TestCase):
    """A grade's one parallel make stands for each host test's own make only when it
    succeeded: a failed one leaves each test to ask make itself (and say its error)."""
    def calls(self, prebuild_status: int, built_with_stages: bool = False) -> list[list[str]]:
        seen: list[list[str]] = []

        def fake_run(cmd: list[str], **_: object) -> subprocess.CompletedProcess[str]:
            seen.append(cmd)
            return subprocess.CompletedProcess(cmd, prebuild_status if "-k" in cmd else 0, "", "")
        real = hosttests.subprocess.run
        hosttests.subprocess.run = fake_run  # type: ignore[assignment]
        try:
            names = hosttests.binaries([(2, "host-ring"), (2, "typing")])
            hosttests.prebuild(names, 2, built_with_stages)
            hosttests.build_here("test_lab2_ring")
        finally:
            hosttests.subprocess.run = real  # type: ignore[assignment]
            hosttests.PREBUILT.clear()
        return seen

    def test_a_clean_prebuild_spares_the_tests_make(self) -> None:
        seen = self.calls(0)
        self.assertEqual(len(seen), 1, seen)
        self.assertTrue(seen[0][-1].endswith("tests/test_lab2_ring"), seen)

    def test_built_with_the_stages_no_make_is_run(self) -> None:
        self.assertEqual(self.calls(0, built_with_stages=True), [])

    def test_a_failed_prebuild_leaves_each_test_its_make(self) -> None:
        seen = self.calls(2)
        self.assertEqual(len(seen), 2, seen)
        self.assertNotIn("-k", seen[1])


if __name__ == "__main__":
    unittest.main()
