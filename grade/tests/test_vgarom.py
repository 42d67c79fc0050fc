"""The grader's stub VGA ROM (grade/vgarom.py): a valid PCI option ROM for QEMU's VGA
that leaves the PCI bus the kernel sees as SeaVGABIOS leaves it."""
from __future__ import annotations

import tempfile
import unittest
from pathlib import Path
from typing import Any
from unittest import mock

from grade.core import BUILD, Ctx, Test
from grade import runner, vgarom
from grade.runner import Machine

HANG = BUILD / "selftest" / "hang.elf"
# Devices whose BARs SeaBIOS places around the VGA's, one behind a bridge (lab 5's kind).
EXTRA = ["-device", "e1000,addr=05.0", "-device", "pci-bridge,chassis_nr=1,id=br1,addr=07.0",
         "-device", "rtl8139,bus=br1,addr=03.0"]


def pci_bus(machine: list[str]) -> Any:
    """QEMU's query-pci once the firmware is done (the kernel has printed)."""
    seen: list[Any] = []

    def ask(m: Machine) -> None:
        seen.append(m.qmp("query-pci"))
        m.qmp("quit")
    cmd = [runner.QEMU, *machine, "-serial", "stdio", "-kernel", str(HANG), "-append", "grade",
           *EXTRA]
    with tempfile.TemporaryDirectory(prefix="cairn-rom-") as tmp:
        runner.run_qemu(cmd, "selftest: about to hang", None, ask, None, 10.0, True, Path(tmp))
    if not seen:
        raise AssertionError("QEMU never answered query-pci")
    return seen[0]


class StubRomTest(unittest.TestCase):
    def test_the_image_is_a_pci_option_rom_for_qemus_vga(self) -> None:
        rom = vgarom.stub_rom()
        self.assertEqual(rom[:2], b"\x55\xaa")
        image = rom[:rom[2] * vgarom.BLOCK]
        self.assertEqual(sum(image) % 256, 0)
        pcir = int.from_bytes(rom[0x18:0x1A], "little")
        self.assertEqual(rom[pcir:pcir + 4], b"PCIR")
        self.assertEqual(int.from_bytes(rom[pcir + 4:pcir + 6], "little"), vgarom.VGA_VENDOR)
        self.assertEqual(int.from_bytes(rom[pcir + 6:pcir + 8], "little"), vgarom.VGA_DEVICE)
        self.assertTrue(32 * 1024 < len(rom) <= 64 * 1024)

    def test_the_file_is_rewritten_when_it_differs(self) -> None:
        with tempfile.TemporaryDirectory(prefix="cairn-rom-") as tmp:
            path = vgarom.stub_path(Path(tmp))
            path.write_bytes(b"old")
            self.assertEqual(vgarom.stub_path(Path(tmp)).read_bytes(), vgarom.stub_rom())

    def test_the_grader_uses_it(self) -> None:
        self.assertTrue(any(a.startswith("VGA.romfile=") for a in runner.MACHINE))

    def test_a_sandboxed_boot_reads_it_beside_its_kernel(self) -> None:
        """A submission's QEMU runs as another user, which may not reach into the
        grader's private tree: its ROM must be in the kernel's directory, readable."""
        seen: list[list[str]] = []

        def capture(cmd: list[str], *_: Any) -> runner.Result:
            seen.append(cmd)
            return runner.Result("", "success", 33, 0.0, "", cmd, "")
        with tempfile.TemporaryDirectory(prefix="cairn-rom-") as tmp, \
                mock.patch.object(runner, "run_qemu", capture), \
                mock.patch.object(runner.sandbox, "CURRENT", object()):
            kernel = Path(tmp) / "kernels" / "lab1.elf"
            kernel.parent.mkdir()
            t = Test(1, "rom", 1, lambda ctx: None, ("kernel",), 1.0)
            ctx = Ctx(t, 0, Path(tmp), kernel, "kernel", runner.boot)
            runner.boot(ctx, ["grade"], [], [], None, None, None, None, 1.0)
            rom = Path(next(a for a in seen[0] if a.startswith("VGA.romfile=")).split("=", 1)[1])
            self.assertEqual(rom.parent, kernel.parent)
            self.assertEqual(rom.stat().st_mode & 0o444, 0o444)

    def test_the_kernel_sees_the_same_pci_bus_as_with_seavgabios(self) -> None:
        """Every BAR of every function where SeaVGABIOS's machine has it: the stub's ROM
        BAR is as large (a smaller file, e.g. 16 KiB, moves the BARs below it)."""
        plain = [*runner.machine_args(), "-display", "none"]
        self.assertEqual(pci_bus(runner.MACHINE), pci_bus(plain))


if __name__ == "__main__":
    unittest.main()
