"""Typed keys are paced so QEMU's 16-byte PS/2 queue never overflows
(handouts/hardware-notes.md §4): 1 ms holds on virtual time, where QEMU's pacing
waits for the guest; 20 ms on host time, where a vCPU waiting for a loaded host's
CPU falls behind the wall clock (a soak lost lab 8's Enter once at --jobs 4 with
two CPU hogs, when every boot typed with 1 ms holds)."""
from __future__ import annotations

import unittest

from grade import runner
from grade.core import VIRTUAL_TIME


class KeyPacing(unittest.TestCase):
    def test_virtual_time_types_fast(self) -> None:
        cmd = [runner.QEMU, *runner.MACHINE, *VIRTUAL_TIME, "-kernel", "k.elf"]
        self.assertEqual(runner.key_hold_ms(cmd), runner.KEY_HOLD_MS)

    def test_host_time_leaves_room_for_a_scheduling_delay(self) -> None:
        cmd = [runner.QEMU, *runner.MACHINE, "-kernel", "k.elf"]
        hold = runner.key_hold_ms(cmd)
        # 16 bytes hold 8 keys (a make and a break each), each taking two holds
        self.assertGreaterEqual(8 * 2 * hold, 300, "a 300 ms delay must not lose a key")


if __name__ == "__main__":
    unittest.main()
