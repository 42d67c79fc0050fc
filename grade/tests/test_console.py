"""One kprintf is one print (kernel/console.c): once lab 6 preempts threads, a thread
that outranks the printer and wakes in the middle of a long line waits for its end.

Stage 6's `print=N` prints N letters in one kprintf, several ticks long, while a
thread of higher priority wakes from a 2 ms sleep. Without the console lock its
line lands right inside the long one, every run; with it, right after. The boots
run in virtual time (-icount), as the grader's timing tests do: the wake falls at
the same instruction every run, so a loaded host cannot move it before the print."""
from __future__ import annotations

import string
import subprocess
import unittest

from grade.core import BUILD, ROOT, VIRTUAL_TIME
from grade import runner



def setUpModule() -> None:
    subprocess.run(["make", "-s", "lab6"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


class WholeLines(unittest.TestCase):
    def run_print(self, n: int) -> list[str]:
        proc = subprocess.run([runner.QEMU, *runner.MACHINE, *VIRTUAL_TIME, "-serial", "stdio",
                               "-kernel", str(BUILD / "lab6" / "kernel.elf"),
                               "-append", f"grade print={n}"],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        self.assertEqual(runner.STATUS_EXITS.get(proc.returncode), "success", proc.stdout[-400:])
        log = proc.stdout.decode(errors="replace").replace("\r\n", "\n")
        return [line for line in log.splitlines() if line.startswith("print: ")]

    def test_a_thread_that_wakes_inside_a_line_prints_after_it(self) -> None:
        letters = string.ascii_lowercase
        for n in (3000, 8192):
            with self.subTest(n=n):
                line = "print: " + "".join(letters[i % 26] for i in range(n))
                got = self.run_print(n)
                self.assertEqual([s[:80] for s in got],
                                 [line[:80], "print: outranker runs", "print: done"])
                self.assertEqual(got[0], line)


if __name__ == "__main__":
    unittest.main()
