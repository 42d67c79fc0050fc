"""The grader as a program: its run directories, two graders in one tree,
Ctrl-C, missing tools, the replay hint, --keep and -v, a deep checkout."""
from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from typing import Any

from grade.core import BUILD, ROOT, Ctx, Test
from grade import cli, core, rundir, runner

LAB0 = BUILD / "lab0" / "kernel.elf"
HANG = BUILD / "selftest" / "hang.elf"


def grader(*args: str, build: Path | None, path: str | None = None,
           **popen: object) -> subprocess.Popen[str]:
    """python3 -m grade; build=None: this tree's own build directory, as a user's."""
    env = dict(os.environ) if build is None else dict(os.environ, BUILD=str(build))
    if path is not None:
        env["PATH"] = path
    return subprocess.Popen([sys.executable, "-m", "grade", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            **popen)  # type: ignore[call-overload]


def finish(proc: subprocess.Popen[str], timeout: float = 900) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=timeout)
    return proc.returncode, out


class RunDirTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="cairn-cli-")
        self.build = Path(self.tmp.name)

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def test_keep_and_verbose_show_every_log(self) -> None:
        rc, out = finish(grader("--lab", "0", "--kernel", str(LAB0), "--keep", "-v",
                                "--seed", "7", build=self.build))
        self.assertEqual(rc, 0, out)
        latest = self.build / "grade" / "latest"
        for name in ("banner", "memory-map", "unknown-option", "help"):
            log = latest / f"lab0-{name}" / "serial.log"
            self.assertIn("cairn: exit", log.read_text(), name)
            self.assertIn(str(latest.resolve() / f"lab0-{name}"), out)
        self.assertIn("seed 7", (latest / "summary.txt").read_text())

    def test_a_deep_checkout_boots_the_same(self) -> None:
        # Six 80-character directories: QEMU would hand the kernel a 500-character
        # path as the first word of its command line.
        deep = self.build.joinpath(*["d" * 80] * 6)
        deep.mkdir(parents=True)
        (deep / "kernel.elf").write_bytes(LAB0.read_bytes())
        rc, out = finish(grader("--lab", "0", "--kernel", str(deep / "kernel.elf"), "--keep",
                                build=self.build))
        self.assertEqual(rc, 0, out)
        command = (self.build / "grade" / "latest" / "lab0-banner" / "command.txt").read_text()
        kernel = command.split(" -kernel ")[1].split()[0]
        self.assertLess(len(kernel), 64, kernel)

    def test_two_graders_at_once_in_one_tree(self) -> None:
        labs = [n for n in (0, 4) if (BUILD / f"lab{n}" / "kernel.elf").exists()]
        args = [a for n in labs for a in ("--lab", str(n))] + ["--jobs", "2"]
        # Both in this tree, as from two terminals in one checkout; both build.
        first = grader(*args, "--seed", "11", build=None)
        second = grader(*args, "--seed", "12", build=None)
        (rc1, out1), (rc2, out2) = finish(first), finish(second)
        self.assertEqual(rc1, 0, out1)
        self.assertEqual(rc2, 0, out2)
        self.assertNotIn("Traceback", out1 + out2)

    def test_ctrl_c_marks_the_tests_cut_short(self) -> None:
        # A session of its own, signalled as a whole, as Ctrl-C at a terminal does;
        # SIGINT as a terminal has it (a background shell job inherits it ignored).
        proc = grader("--lab", "0", "--kernel", str(HANG), "--jobs", "2", build=self.build,
                      start_new_session=True,
                      preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        assert proc.stdout is not None
        self.assertTrue(proc.stdout.readline().startswith("seed "))
        running = self.build / "grade" / "latest" / "lab0-banner"
        deadline = time.monotonic() + 20
        while not running.exists() and time.monotonic() < deadline:
            time.sleep(0.02)            # polling for the test to start, not a fixed wait
        os.killpg(proc.pid, signal.SIGINT)
        rc, out = finish(proc)
        self.assertEqual(rc, 130, out)
        self.assertNotIn("Traceback", out)
        verdicts = [p.read_text() for p in (self.build / "grade" / "latest").glob("*/verdict.txt")]
        # The hang kernel ends a boot with an option it lacks at once (FAILURE);
        # every boot it was still running is marked, none is a QEMU ERROR.
        self.assertTrue(any(v.startswith("INTERRUPTED\n") for v in verdicts), out)
        for v in verdicts:
            self.assertNotIn("QEMU ERROR", v)
            self.assertNotIn("Broken pipe", v)


class BuildStagesTest(unittest.TestCase):
    """One make builds every stage and the host tests; a failure is then said against
    its own lab (and the host tests are left to their own make)."""
    def makes(self, broken: set[str]) -> tuple[dict[int, str], list[list[str]]]:
        (errors, hosts_built), seen = self.makes_with(broken, [])
        self.assertEqual(hosts_built, not broken)
        return errors, seen

    def makes_with(self, broken: set[str], also: list[str]
                   ) -> tuple[tuple[dict[int, str], bool], list[list[str]]]:
        seen: list[list[str]] = []

        def fake_run(cmd: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
            seen.append(cmd)
            bad = broken & set(cmd)
            return subprocess.CompletedProcess(cmd, 2 if bad else 0, "",
                                               "".join(f"{b}.c:1:1: error: no\n" for b in bad))
        real = cli.subprocess.run
        cli.subprocess.run = fake_run  # type: ignore[assignment]
        try:
            return cli.build_stages([1, 2, 3], also, 2), seen
        finally:
            cli.subprocess.run = real  # type: ignore[assignment]

    def test_all_built_is_one_make(self) -> None:
        errors, seen = self.makes(set())
        self.assertEqual(errors, {1: "", 2: "", 3: ""})
        self.assertEqual(len(seen), 1)

    def test_the_host_tests_build_in_the_same_make(self) -> None:
        (errors, hosts_built), seen = self.makes_with(set(), ["build/tests/test_lab2_ring"])
        self.assertTrue(hosts_built)
        self.assertEqual(len(seen), 1)
        self.assertIn("build/tests/test_lab2_ring", seen[0])
        self.assertIn("-j2", seen[0])

    def test_a_broken_host_test_is_left_to_its_own_make(self) -> None:
        (errors, hosts_built), seen = self.makes_with({"build/tests/test_lab2_ring"},
                                                      ["build/tests/test_lab2_ring"])
        self.assertEqual(errors, {1: "", 2: "", 3: ""})
        self.assertFalse(hosts_built)

    def test_a_broken_stage_is_named_alone(self) -> None:
        errors, seen = self.makes({"lab2"})
        self.assertEqual(len(seen), 4)
        self.assertEqual(errors[1], "")
        self.assertEqual(errors[3], "")
        self.assertIn("lab2.c", errors[2])


class LongestFirstTest(unittest.TestCase):
    """The order tests start in: the longest of the runs before first, so that with
    --jobs 2 a 4 s test does not start last and leave an emulator idle."""

    def test_the_longest_known_start_first_and_unknown_by_timeout(self) -> None:
        def t(name: str, timeout: float = 10.0) -> Test:
            return Test(4, name, 1, lambda ctx: None, ("kernel",), timeout)
        plan = [(t("quick"), "kernel"), (t("slow"), "kernel"), (t("new", 30.0), "kernel"),
                (t("slow"), "iso")]
        known = {"lab4 quick": 0.2, "lab4 slow": 4.1, "lab4 slow [iso]": 0.5}
        self.assertEqual(cli.longest_first(plan, known), [1, 2, 3, 0])
        self.assertEqual(cli.longest_first(plan, {}), [2, 0, 1, 3])   # ties keep plan order

    def test_times_are_kept_across_runs_and_a_broken_file_is_none(self) -> None:
        with tempfile.TemporaryDirectory(prefix="cairn-cli-") as tmp:
            run = rundir.RunDir(Path(tmp))
            test = Test(1, "ticks", 10, lambda ctx: None, ("kernel",))
            run.save_durations([cli.Outcome(test, "kernel", "OK", "", 1.25)])
            run.save_durations([cli.Outcome(test, "iso", "OK", "", 2.5)])
            self.assertEqual(run.durations(),
                             {"lab1 ticks": 1.25, "lab1 ticks [iso]": 2.5})
            (Path(tmp) / rundir.DURATIONS).write_text("[1, 2")
            self.assertEqual(run.durations(), {})


class LanesTest(unittest.TestCase):
    """With --jobs 2, a test marked `waits` runs beside two others, not in their place."""

    def running_at_once(self, jobs: int) -> int:
        """How many of four tests (one marked `waits`) ran at the same time at most."""
        now, most, lock = [0], [0], threading.Lock()
        gate = threading.Barrier(3, timeout=0.5)

        def run(waits: bool) -> None:
            with lock:
                now[0] += 1
                most[0] = max(most[0], now[0])
            try:
                gate.wait()             # three at once, or it times out (jobs 1)
            except threading.BrokenBarrierError:
                pass
            with lock:
                now[0] -= 1
        tests = [Test(4, f"t{i}", 1, lambda ctx: None, ("kernel",), waits=i == 0) for i in range(4)]
        lanes = cli.Lanes(jobs, [(t, "kernel") for t in tests])
        futures = [lanes.pool_for(t).submit(run, t.waits) for t in tests]
        lanes.shutdown(wait=True)
        for f in futures:
            f.result()
        return most[0]

    def test_a_waiting_test_runs_beside_the_jobs(self) -> None:
        self.assertEqual(self.running_at_once(2), 3)

    def test_jobs_1_runs_one_at_a_time(self) -> None:
        self.assertEqual(self.running_at_once(1), 1)


class DeadlineTest(unittest.TestCase):
    """The bound reads /proc every CHECK_EVERY, not at each read of COM1, and never ends
    a boot on an old figure of the time it waited for a CPU."""

    def setUp(self) -> None:
        self.waited, self.seen = 0.0, 0
        self.real = runner.run_delay

        def run_delay(pid: int) -> float:
            self.seen += 1
            return self.waited
        runner.run_delay = run_delay    # type: ignore[assignment]

    def tearDown(self) -> None:
        runner.run_delay = self.real    # type: ignore[assignment]

    def test_many_reads_look_once(self) -> None:
        bound = runner.Deadline(os.getpid(), 10.0)
        for _ in range(1000):
            bound.left()
        self.assertEqual(self.seen, 1)

    def test_a_bound_that_seems_passed_is_looked_at_again(self) -> None:
        bound = runner.Deadline(os.getpid(), 0.05)
        self.assertGreater(bound.left(), 0)
        self.waited = 1.0               # the emulator then waited for a CPU (capped at 0.25 s)
        time.sleep(0.06)
        self.assertGreater(bound.left(), 0.1)
        self.assertEqual(self.seen, 2)


class InterruptWhileSubmittingTest(unittest.TestCase):
    """A Ctrl-C can land while grade() is still handing tests to its pool, after
    the first one started: that one must be stopped and marked, not left to run
    to its timeout. (Under load this window is wide; here it is forced.)"""

    def test_the_tests_already_started_are_cut_short(self) -> None:
        started = threading.Event()

        def waits_for_stop(ctx: Ctx) -> None:
            started.set()
            if not runner.STOPPING.wait(30):
                raise core.TestFailure("HANG", "never stopped")
            raise core.TestFailure("FAILURE", "stopped")

        class InterruptedPool(cli.ThreadPoolExecutor):
            """Takes the first test, then is 'interrupted' once that one runs."""
            submitted = 0

            def submit(self, *a: Any, **kw: Any) -> Any:  # type: ignore[override]
                if self.submitted:
                    started.wait(30)
                    raise KeyboardInterrupt
                self.submitted += 1
                return super().submit(*a, **kw)

        tests = [Test(0, f"waits{i}", 1, waits_for_stop, ("kernel",), 30.0) for i in range(3)]
        args = cli.parse_args(["--lab", "0", "--no-build", "--jobs", "2"])
        saved = cli.ThreadPoolExecutor
        cli.ThreadPoolExecutor = InterruptedPool  # type: ignore[misc]
        try:
            with tempfile.TemporaryDirectory() as tmp, rundir.RunDir(Path(tmp)) as run:
                rc = cli.grade(args, [(t, "kernel") for t in tests], [0], 1, "replay", run)
                verdict = (run.path / "lab0-waits0" / "verdict.txt").read_text()
        finally:
            cli.ThreadPoolExecutor = saved  # type: ignore[misc]
            runner.STOPPING.clear()
        self.assertEqual(rc, 130)
        self.assertTrue(verdict.startswith("INTERRUPTED\n"), verdict)


class MissingToolsTest(unittest.TestCase):
    def test_one_line_per_tool_once(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            rc, out = finish(grader("--lab", "0", "--lab", "1", "--boot", "kernel", "--boot",
                                    "floppy", build=Path(tmp), path=tmp))
        self.assertEqual(rc, 2, out)
        self.assertNotIn("Traceback", out)
        lines = out.splitlines()
        for tool in ("make", runner.QEMU, "mcopy"):
            named = [l for l in lines if f"`{tool}`" in l]
            self.assertEqual(len(named), 1, out)
            self.assertIn("make deps", named[0])

    def test_a_tool_missing_mid_run_is_a_grader_error_without_traceback(self) -> None:
        def boots(ctx: Ctx) -> None:
            ctx.boot()
        t = Test(0, "selftest-floppy", 1, boots, ("floppy",), 5.0)
        saved = os.environ["PATH"]
        os.environ["PATH"] = "/nonexistent"
        try:
            with tempfile.TemporaryDirectory() as tmp:
                o = cli.run_one(t, "floppy", 1, LAB0, "", False, Path(tmp))
        finally:
            os.environ["PATH"] = saved
        self.assertEqual(o.verdict, "GRADER ERROR")
        self.assertIn("make deps", o.details)
        self.assertNotIn("Traceback", o.details)


class StudentTreeTest(unittest.TestCase):
    def test_submission_in_a_student_tree_says_whose_command_it_is(self) -> None:
        """A student's tree has no tools/handout.py: --submission refuses in one
        line instead of dying in a traceback (a new student hit one)."""
        err = io.StringIO()
        kit = cli.INSTRUCTOR_KIT
        try:
            cli.INSTRUCTOR_KIT = ROOT / "tools" / "no-such-handout.py"
            with contextlib.redirect_stderr(err):
                status = cli.main(["--submission", ".", "--lab", "1"])
        finally:
            cli.INSTRUCTOR_KIT = kit
        self.assertEqual(status, 2)
        self.assertIn("make grade", err.getvalue())
        self.assertNotIn("Traceback", err.getvalue())


class NothingToGradeTest(unittest.TestCase):
    def test_a_lab_with_no_test_on_the_path_is_an_error_not_a_pass(self) -> None:
        """Lab 10 on Bochs: every test is QEMU's. It printed 0/0 and 0 failed, and
        exited 0: a script (or a glance) read a pass (a new student)."""
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = cli.main(["--lab", "10", "--boot", "bochs", "--no-build"])
        self.assertEqual(status, 2)
        self.assertIn("nothing to grade", err.getvalue())


class ReplayTest(unittest.TestCase):
    def test_replays_labs_paths_and_the_reference_setting(self) -> None:
        args = cli.parse_args(["--lab", "3", "--lab", "1", "--boot", "bochs", "--jobs", "2"])
        saved = os.environ.get("USE_REFERENCE")
        os.environ["USE_REFERENCE"] = "lab1,lab2"
        try:
            hint = cli.replay_command(args, 42)
        finally:
            if saved is None:
                del os.environ["USE_REFERENCE"]
            else:
                os.environ["USE_REFERENCE"] = saved
        self.assertTrue(hint.startswith("USE_REFERENCE=lab1,lab2 python3 -m grade "), hint)
        self.assertIn("--lab 1 --lab 3 --boot bochs --jobs 2 --seed 42", hint)


class HangTest(unittest.TestCase):
    def test_hang_names_the_line_it_waited_for(self) -> None:
        def waits(ctx: Ctx) -> None:
            r = ctx.boot(timeout=1.0)
            ctx.expect_pattern(r, core.expect.Pattern(
                ["${**}", "selftest: about to hang", "selftest: woke up", "${**}"]))
        t = Test(0, "selftest-hang", 1, waits, ("kernel",), 1.0)
        with tempfile.TemporaryDirectory() as tmp:
            o = cli.run_one(t, "kernel", 1, HANG, "", False, Path(tmp))
        self.assertEqual(o.verdict, "HANG")
        self.assertTrue(o.details.startswith("waiting for: 'selftest: woke up'"), o.details)


class MachineFileTest(unittest.TestCase):
    def test_make_and_the_grader_boot_the_same_machine(self) -> None:
        out = subprocess.run(["make", "-n", "--no-print-directory", "lab0-qemu-nox"], cwd=ROOT,
                             capture_output=True, text=True).stdout
        line = next(l for l in out.splitlines() if l.startswith(runner.QEMU))
        self.assertIn(" ".join(runner.machine_args()), line)
        self.assertEqual(runner.MACHINE[:len(runner.machine_args())], runner.machine_args())


if __name__ == "__main__":
    unittest.main()
