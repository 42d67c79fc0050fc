"""lab4 slow-disk makes the IRQ-driven read and write wait about a quarter of a second: with
every deadline of the reference driver capped at 0.1 s (ata_timeout=100) both end in a
timeout, so the test fails a driver that gives a slow drive a tenth of a second or less. It
was made faster by leaving fewer commands slow and each wait shorter (grade/labs/lab4.py);
this keeps a later speed-up from leaving out the ones it judges. (The polled read back is
not in it: while the guest spins on the status port its timer ticks may come late, so a
polled deadline can outlast the wait. A polled wait bounded by a million status reads fails
on it instead: the reference with ata_deadline_passed counting reads, checked by hand.)"""
from __future__ import annotations

import tempfile
import unittest
from pathlib import Path
from typing import Any

from grade.core import BUILD, Ctx, TestFailure
from grade import core, runner
from grade.labs import lab4

KERNEL = BUILD / "lab4" / "kernel.elf"


class SlowDisk(unittest.TestCase):
    def test_a_tenth_of_a_second_deadline_times_out_the_irq_read_and_write(self) -> None:
        if not KERNEL.exists():
            self.skipTest(f"{KERNEL} is not built (make lab4)")
        t = next(t for t in core.REGISTRY if t.lab == 4 and t.name == "slow-disk")
        real = lab4.Scenario.boot_and_check

        def capped(s: lab4.Scenario, *args: Any, **kwargs: Any) -> None:
            real(s, *args, **{**kwargs, "args": [*kwargs.get("args", ()), "ata_timeout=100"]})
        lab4.Scenario.boot_and_check = capped  # type: ignore[method-assign]
        try:
            with tempfile.TemporaryDirectory() as tmp:
                with self.assertRaises(TestFailure) as caught:
                    t.fn(Ctx(t, 1, Path(tmp), KERNEL, "kernel", runner.boot))
        finally:
            lab4.Scenario.boot_and_check = real  # type: ignore[method-assign]
        added = [l for l in caught.exception.details.splitlines() if l.startswith("+")]
        self.assertTrue(any(l.startswith("+irq read ") and "timeout" in l for l in added), added)
        self.assertTrue(any(l.startswith("+irq write ") and "timeout" in l for l in added), added)


if __name__ == "__main__":
    unittest.main()
