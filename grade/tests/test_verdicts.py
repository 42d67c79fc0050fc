"""Each verdict, shown on a purpose-built bad kernel (grade/tests/kernels/*.c,
built by `make selftest-kernels`)."""
from __future__ import annotations

import shutil
import tempfile
import unittest
from pathlib import Path

from grade.core import BUILD, Ctx, Test, TestFailure, verdict_for
from grade import core, runner



def boot(kernel: str, timeout: float = 5.0, args: tuple[str, ...] = (),
         path: str = "kernel", cpu_bound: float | None = None) -> core.Result:
    t = Test(0, f"selftest-{kernel}", 1, lambda ctx: None, (path,), timeout)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Ctx(t, 1, Path(tmp), BUILD / "selftest" / f"{kernel}.elf", path, runner.boot)
        return runner.boot(ctx, ["grade", *args], [], [], None, None, None, None, timeout,
                           cpu_bound=cpu_bound)


class VerdictTest(unittest.TestCase):
    def test_hang(self) -> None:
        r = boot("hang", timeout=1.0)
        self.assertEqual(r.exit, "hang")
        f = verdict_for(r)
        self.assertEqual(f.verdict, "HANG")
        self.assertIn("selftest: about to hang", f.details)

    def test_a_spinning_hang_ends_at_its_cpu_bound(self) -> None:
        """A guest that spins uses the host's CPU as fast as it gets it: the CPU bound
        ends it long before the wall-clock bound, whatever the host's load."""
        r = boot("spin", timeout=60.0, cpu_bound=1.0)
        self.assertEqual((r.exit, r.cpu_bound), ("hang", 1.0))
        self.assertLess(r.seconds, 30.0)
        f = verdict_for(r)
        self.assertIn("no exit after 1s of the emulator's CPU", f.details)
        self.assertIn("selftest: about to spin", f.details)

    def test_a_halted_hang_is_left_to_the_wall_clock(self) -> None:
        r = boot("hang", timeout=1.0, cpu_bound=30.0)
        self.assertEqual((r.exit, r.cpu_bound), ("hang", 0.0))
        self.assertIn("no exit within", verdict_for(r).details)

    def test_panic(self) -> None:
        r = boot("panic")
        self.assertEqual(r.exit, "panic")
        f = verdict_for(r)
        self.assertEqual(f.verdict, "PANIC")
        self.assertIn("panic: selftest: deliberate panic", f.details)

    def test_not_implemented(self) -> None:
        self.assertEqual(verdict_for(boot("notimpl")).verdict, "NOT IMPLEMENTED")

    def test_triple_fault(self) -> None:
        r = boot("triple")
        self.assertEqual((r.status, r.exit), (0, "triple-fault"))
        self.assertEqual(verdict_for(r).verdict, "TRIPLE FAULT")

    def test_success_text_is_not_enough(self) -> None:
        r = boot("fakeok")
        self.assertIn("cairn: exit 0 (success)", r.log)
        self.assertEqual(r.exit, "triple-fault")

    @unittest.skipUnless(shutil.which("bochs"), "bochs is not installed")
    def test_bochs_verdicts(self) -> None:
        self.assertEqual(boot("fakeok", 10.0, path="bochs").exit, "triple-fault")
        self.assertEqual(boot("panic", 10.0, path="bochs").exit, "panic")
        self.assertEqual(boot("null", 10.0, path="bochs").exit, "success")

    def test_flood(self) -> None:
        saved, runner.LOG_CAP = runner.LOG_CAP, 64 * 1024    # reached in well under a second
        try:
            r = boot("flood")
        finally:
            runner.LOG_CAP = saved
        self.assertEqual(r.exit, "flood")
        self.assertLessEqual(len(r.log), 64 * 1024)
        self.assertEqual(verdict_for(r).verdict, "FLOOD")

    def test_qemu_error(self) -> None:
        t = Test(0, "selftest-qemu", 1, lambda ctx: None, ("kernel",), 5.0)
        with tempfile.TemporaryDirectory() as tmp:
            ctx = Ctx(t, 1, Path(tmp), BUILD / "lab0" / "kernel.elf", "kernel", runner.boot)
            r = runner.boot(ctx, ["grade"], [], ["-device", "no-such-device"], None, None,
                            None, None, 5.0)
        self.assertEqual(r.exit, "qemu-error")
        self.assertIn("no-such-device", verdict_for(r).details)

    def test_expect_exit_turns_an_ending_into_a_failure(self) -> None:
        t = Test(0, "selftest-expect", 1, lambda ctx: None, ("kernel",), 5.0)
        with tempfile.TemporaryDirectory() as tmp:
            ctx = Ctx(t, 1, Path(tmp), BUILD / "selftest" / "panic.elf", "kernel", runner.boot)
            with self.assertRaises(TestFailure) as cm:
                ctx.boot()
        self.assertEqual(cm.exception.verdict, "PANIC")


class BuildFailureTest(unittest.TestCase):
    """A build error in one of the kit's files says the file is the kit's: a student
    who changed a lab header would otherwise look for the bug in their own code."""
    def test_an_error_in_a_kit_file_says_whose_it_is(self) -> None:
        for path in ("tests/test_lab10_tcp.c", "/tmp/x/tree/kernel/main.c", "user/lab9.c"):
            text = core.make_failure(f"{path}:40:12: error: no member named 'rto'\nmake: *** Error 1")
            self.assertIn("is the kit's file", text.splitlines()[1], path)

    def test_an_error_in_a_lab_file_is_the_students(self) -> None:
        for path in ("labs/lab10-net/tcprecv.c", "/tmp/x/tree/labs/lab1-interrupts/include/x86.h"):
            text = core.make_failure(f"{path}:4:1: error: expected ';'\n")
            self.assertNotIn("kit's", text, path)


if __name__ == "__main__":
    unittest.main()
