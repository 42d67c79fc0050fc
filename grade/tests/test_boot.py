"""Boot checks that need a debugger: a kernel entered with the wrong multiboot
magic says why and stops (gdb changes EAX at _start, as a broken loader would)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from grade.core import BUILD
from grade import runner



@unittest.skipUnless(shutil.which("gdb"), "gdb is not installed")
class BadMagicTest(unittest.TestCase):
    def test_wrong_magic_is_reported(self) -> None:
        kernel = BUILD / "lab0" / "kernel.elf"
        with tempfile.TemporaryDirectory(prefix="cairn-gdb-") as tmp:
            serial = f"{tmp}/serial.log"
            # gdb starts QEMU itself and talks to it over a pipe: no socket to wait for.
            qemu = " ".join([runner.QEMU, *runner.MACHINE, "-serial", f"file:{serial}", "-S",
                             "-gdb", "stdio", "-kernel", str(kernel), "-append", "grade"])
            gdb = subprocess.run(
                # remotetimeout: gdb's 2 s default for QEMU's answers is too short on a
                # loaded host (the serial log then stayed empty).
                ["gdb", "-q", "-batch", "-nx", "-ex", "set remotetimeout 60",
                 "-ex", f"target remote | exec {qemu}",
                 "-ex", "break _start", "-ex", "continue",
                 "-ex", "set $eax = 0x12345678", "-ex", "continue", str(kernel)],
                capture_output=True, text=True, timeout=30)
            log = Path(serial).read_text()
        self.assertIn("bad multiboot magic 0x12345678 (expected 0x2badb002)", log, gdb.stdout)
        self.assertIn("cairn: exit 1 (failure)", log)


if __name__ == "__main__":
    unittest.main()
