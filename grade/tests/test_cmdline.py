"""The kernel's command line as a hostile user writes it (issue 14): every bad
number stops the boot with the option, its value and what was expected, and
the failure exit; a long line is kept whole up to 4096 bytes of options and
refused beyond, and the kernel's path, however long, never counts.

Each test boots a reference stage with `qemu -kernel` on the grader's pinned
machine; the stages are built first (a no-op under `make test`)."""
from __future__ import annotations

import subprocess
import tempfile
import unittest
from pathlib import Path

from grade.core import ROOT, BUILD
from grade import runner

MAX_OPTIONS = 4096              # CMDLINE_MAX_LENGTH in kernel/include/cmdline.h
STAGES = (0, 1, 3, 4)


def setUpModule() -> None:
    subprocess.run(["make", "-s", *(f"lab{n}" for n in STAGES)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def boot(stage: int, args: str, kernel: Path | None = None) -> tuple[str, str]:
    """The serial log and the exit ("success", "failure", ...) of one boot."""
    kernel = kernel or BUILD / f"lab{stage}" / "kernel.elf"
    proc = subprocess.run([runner.QEMU, *runner.MACHINE, "-serial", "stdio",
                           "-kernel", str(kernel), "-append", args],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    log = proc.stdout.decode(errors="replace").replace("\r\n", "\n")
    return log, runner.STATUS_EXITS.get(proc.returncode, f"status {proc.returncode}")


class BootTest(unittest.TestCase):
    def assertLogHas(self, line: str, log: str) -> None:
        """line is in log (a failure shows the log's end, not kilobytes of it)."""
        self.assertTrue(line in log, f"{line[:200]!r} not in the log, which ends:\n{log[-400:]}")


class BadNumbers(BootTest):
    def refused(self, stage: int, option: str, why: str, expected: str) -> None:
        name, value = option.split("=", 1)
        log, exit_ = boot(stage, f"grade {option}")
        self.assertEqual(exit_, "failure", log[-400:])
        self.assertLogHas(f'cmdline: {name}="{value}": {why}; expected {expected}\n', log)

    def test_options_take_no_garbage_and_never_wrap(self) -> None:
        ticks = "a number from 0 to 1000000 (decimal or 0x hex)"
        for value, why in [("abc", "malformed"), ("-5", "malformed"), ("12abc", "malformed"),
                           ("0x", "malformed"), ("4294967296", "out of range")]:
            with self.subTest(ticks=value):
                self.refused(1, f"ticks={value}", why, ticks)
        self.refused(3, "children=-1", "malformed", "a number from 0 to 16 (decimal or 0x hex)")
        self.refused(3, "idle=0xffffffff", "out of range",
                     "a number from 0 to 1000000 (decimal or 0x hex)")

    def test_lists_have_no_empty_items_and_are_never_cut(self) -> None:
        periods = "1 to 6 comma-separated numbers from 1 to 1000 (decimal or 0x hex)"
        self.refused(3, "periods=", "missing number", periods)
        self.refused(3, "periods=3,4,", "missing number", periods)
        self.refused(3, "periods=1,2,3,4,5,6,7", "too many items", periods)

    def test_lab4_sector_addresses_are_checked(self) -> None:
        cu = "C below 4, U 0 or 1"
        self.refused(4, "write=0.0:18446744073709551621", "more than 64 bits", f"C.U:LBA ({cu})")
        self.refused(4, "read=18446744073709551616.0:1", "more than 64 bits",
                     f"C.U:LBA[,C.U:LBA...], at most 16 ({cu})")
        self.refused(4, "span=0.0:0+18446744073709551617", "more than 64 bits",
                     f"C.U:LBA+N, N from 1 to 64 ({cu})")
        self.refused(4, "read=" + ",".join(f"0.0:{i}" for i in range(17)), "too many items",
                     f"C.U:LBA[,C.U:LBA...], at most 16 ({cu})")

    def test_a_flag_takes_no_value(self) -> None:
        self.refused(0, "grade=no", "a flag takes no value", "the bare word")


class LongLines(BootTest):
    def test_a_long_word_keeps_the_words_after_it(self) -> None:
        tag = "t" * 560
        log, exit_ = boot(0, f"tag={tag} grade")
        self.assertEqual(exit_, "success", log[-400:])
        self.assertLogHas(f"tag: {tag}\n", log)

    def test_options_up_to_the_limit_and_not_one_byte_more(self) -> None:
        fill = MAX_OPTIONS - len("grade tag=")
        log, exit_ = boot(0, "grade tag=" + "o" * fill)
        self.assertEqual(exit_, "success", log[-400:])
        self.assertLogHas("tag: " + "o" * fill + "\n", log)
        log, exit_ = boot(0, "grade tag=" + "o" * (fill + 1))
        self.assertEqual(exit_, "failure", log[-400:])
        self.assertLogHas(f"are longer than {MAX_OPTIONS} bytes", log)

    def test_a_long_kernel_path_does_not_count(self) -> None:
        with tempfile.TemporaryDirectory(prefix="cairn-path-") as tmp:
            deep = Path(tmp, *("d" * 200 for _ in range(3)))
            deep.mkdir(parents=True)
            kernel = deep / "kernel.elf"
            kernel.symlink_to((BUILD / "lab0" / "kernel.elf").resolve())
            self.assertGreater(len(str(kernel)), 600)
            log, exit_ = boot(0, "grade tag=deep", kernel)
        self.assertEqual(exit_, "success", log[-400:])
        self.assertLogHas('command line: "grade tag=deep"\n', log)


if __name__ == "__main__":
    unittest.main()
