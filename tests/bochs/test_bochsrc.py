"""test_bochsrc.py - the bochsrc generator (grade/bochs.py) and the option
parsing of tools/bochs.py, without running Bochs.

    python3 -m unittest tests/bochs/test_bochsrc.py
"""
from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))
from grade.bochs import (AtaDrive, BochsConfig, BochsError, bochs_disk_serial,  # noqa: E402
                         drives_from_specs, read_symbols, render_bochsrc)


class BochsrcTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def image(self, name: str, size: int) -> Path:
        path = self.dir / name
        path.touch()
        os.truncate(path, size)
        return path

    def config(self, **kw: object) -> BochsConfig:
        base: dict = dict(floppy=self.dir / "fd.img", com1=self.dir / "serial.log",
                          log=self.dir / "bochs.log", display="sdl2")
        base.update(kw)
        return BochsConfig(**base)

    def test_plain_floppy(self) -> None:
        rc = render_bochsrc(self.config())
        self.assertIn(f'floppya: 1_44="{self.dir}/fd.img", status=inserted', rc)
        self.assertIn("boot: floppy", rc)
        self.assertIn("display_library: sdl2", rc)
        self.assertIn("magic_break: enabled=1", rc)
        self.assertIn("panic: action=fatal", rc)
        self.assertIn("cpu: count=1, reset_on_triple_fault=0", rc)
        self.assertIn("sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy", rc)
        self.assertNotIn("ata0", rc)
        self.assertNotIn("debug_symbols", rc)
        self.assertNotRegex(rc, r"@[A-Z_]+@")

    def test_symbols_and_magic_break_off(self) -> None:
        rc = render_bochsrc(self.config(symbols=self.dir / "kernel.sym", magic_break=False))
        self.assertIn(f'debug_symbols: file="{self.dir}/kernel.sym"', rc)
        self.assertIn("magic_break: enabled=0", rc)

    def test_geometry(self) -> None:
        cases = {516096 * 4: (4, 16, 63), 100 << 20: (256, 16, 50), 8 << 20: (32, 16, 32)}
        for size, chs in cases.items():
            with self.subTest(size=size):
                drive = AtaDrive(0, 0, self.image(f"d{size}.img", size))
                self.assertEqual(drive.geometry(), chs)
                c, h, s = chs
                self.assertEqual(c * h * s * 512, size)

    def test_geometry_refused(self) -> None:
        for size in (0, 1000, 127 << 30):
            with self.subTest(size=size), self.assertRaises(BochsError):
                AtaDrive(0, 0, self.image("bad.img", size)).geometry()

    def test_drives(self) -> None:
        d0, d1 = self.image("d0.img", 100 << 20), self.image("d1.img", 8 << 20)
        drives = drives_from_specs([(0, 0, d0, "Primary, #1", False),
                                    (1, 0, None, "CD", True),
                                    (1, 1, d1, "Slave", False, True)])
        rc = render_bochsrc(self.config(drives=drives))
        self.assertIn("ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14", rc)
        self.assertIn("ata1: enabled=1, ioaddr1=0x170, ioaddr2=0x370, irq=15", rc)
        self.assertIn(f'ata0-master: type=disk, mode=flat, path="{d0}", cylinders=256, '
                      'heads=16, spt=50, model="Primary, #1"', rc)
        self.assertIn('ata1-master: type=cdrom, status=ejected, model="CD"', rc)
        self.assertIn(f'ata1-slave: type=disk, mode=volatile, path="{d1}"', rc)

    def test_bad_drives(self) -> None:
        d0 = self.image("d0.img", 516096)
        bad = {"dollar expands": [(0, 0, d0, "A$HOME", False)],
               "quote": [(0, 0, d0, 'a"b', False)],
               "channel 2": [(2, 0, d0, "x", False)],
               "twice": [(0, 0, d0, "x", False), (0, 0, d0, "y", False)],
               "missing": [(0, 1, self.dir / "nope.img", "x", False)],
               "disk without image": [(0, 0, None, "x", False)]}
        for name, specs in bad.items():
            with self.subTest(name), self.assertRaises(BochsError):
                render_bochsrc(self.config(drives=drives_from_specs(specs)))

    def test_serials(self) -> None:
        self.assertEqual(bochs_disk_serial(0, 0, False), "BXHD00011")
        self.assertEqual(bochs_disk_serial(1, 1, False), "BXHD00022")
        self.assertEqual(bochs_disk_serial(1, 0, True), "BXCD00001")

    def test_read_symbols(self) -> None:
        sym = self.dir / "kernel.sym"
        sym.write_text("00100000 __kernel_start\n001012f0 kmain\nbad line here\n")
        self.assertEqual(read_symbols(sym), {"__kernel_start": 0x100000, "kmain": 0x1012f0})


def load_tool():
    spec = importlib.util.spec_from_file_location("cairn_tools_bochs", REPO / "tools" / "bochs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ToolOptionsTest(unittest.TestCase):
    tool = load_tool()

    def test_disk_options(self) -> None:
        d = self.tool.parse_drive("0:1:/tmp/x.img:A model: with colon", False)
        self.assertEqual((d.channel, d.unit, str(d.path), d.model, d.cdrom),
                         (0, 1, "/tmp/x.img", "A model: with colon", False))
        cd = self.tool.parse_drive("1:0::Empty CD", True)
        self.assertEqual((cd.path, cd.model, cd.cdrom), (None, "Empty CD", True))
        for bad in ("0:disk.img", "x:0:disk.img", "0"):
            with self.subTest(bad), self.assertRaises(SystemExit):
                self.tool.parse_drive(bad, False)

    def test_breakpoints(self) -> None:
        symbols = {"idt_init": 0x102a90, "kmain": 0x1012f0}
        lines = self.tool.breakpoint_lines(["idt_init", "0x100000"], symbols, Path("k.sym"))
        self.assertEqual(lines, ['lb "idt_init"   # 0x00102a90', "lb 0x100000"])
        with self.assertRaises(SystemExit) as e:
            self.tool.breakpoint_lines(["kmian"], symbols, Path("k.sym"))
        self.assertIn("did you mean kmain", str(e.exception))


if __name__ == "__main__":
    unittest.main()
