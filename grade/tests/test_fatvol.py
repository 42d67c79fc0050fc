"""Lab 7's judges of a volume the kernel wrote: tree_problems (what mdir and mtype show
against the model) and crash_problems (what a crash may leave). Each is shown a volume
that is right and volumes that are wrong in one way, made with the host's mtools."""
from __future__ import annotations

import random
import tempfile
import unittest
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from grade.labs.fatvol import Volume, dos_device, make_volume, root_entry, tool, tree_problems
from grade.labs.lab7 import crash_problems, model_problems


class VolumeProblemsTest(unittest.TestCase):
    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        ctx: Any = SimpleNamespace(rng=random.Random(7), workdir=Path(tmp.name))
        self.v: Volume = make_volume(ctx, 12)
        self.a = self.v.add_file("/", "A.TXT", b"old contents")
        self.d = self.v.add_dir("/", "Sub Dir")
        self.b = self.v.add_file(self.d, "b.bin", bytes(range(256)) * 9)

    def replace(self, path: str, data: bytes) -> None:
        """Change a file on the volume behind the model's back."""
        src = self.v.ctx.workdir / "replace.bin"
        src.write_bytes(data)
        tool("mcopy", "-o", "-i", str(self.v.vol), str(src), "::" + path)

    def test_mtools_will_not_make_a_dos_device_s_name(self) -> None:
        # Why new_name avoids them: lab 7's corrupt test once drew "CON.ZW" and
        # found no such entry (a GRADER ERROR on a correct kernel).
        src = self.v.ctx.workdir / "con.bin"
        src.write_bytes(b"x")
        tool("mcopy", "-i", str(self.v.vol), str(src), "::CON.ZW")
        img = bytearray(self.v.vol.read_bytes())
        assert self.v.geo is not None
        with self.assertRaises(RuntimeError):      # a long name over another 8.3 one
            root_entry(img, self.v.geo, "CON.ZW")
        self.assertTrue(all(dos_device(n) for n in ("con.zw", "NUL", "Aux.txt", "com1", "LPT9.X")))
        self.assertFalse(any(dos_device(n) for n in ("cone", "com", "comx", "a con", "nul x.txt")))

    def test_random_names_are_never_a_dos_device_s(self) -> None:
        names = [self.v.new_name("/", kind) for kind in ("upper", "lower") for _ in range(4000)]
        self.assertEqual([n for n in names if dos_device(n)], [])

    def test_a_volume_as_the_model_says_has_no_problems(self) -> None:
        self.assertEqual(tree_problems(self.v, self.v.vol), [])

    def test_tree_names_wrong_contents_missing_and_extra_files(self) -> None:
        self.replace(self.a, b"other")
        self.v.files["/MISSING.TXT"] = b"x"
        del self.v.files[self.b]
        bad = tree_problems(self.v, self.v.vol)
        self.assertIn("mtype /A.TXT: 5 bytes crc32 0x", bad[-1])
        self.assertIn("expected 12 bytes", bad[-1])
        self.assertIn("mdir does not show ::/MISSING.TXT", bad)
        self.assertIn(f"mdir shows ::{self.b}, which should not be there", bad)

    def test_the_crash_tests_dry_run_judge_sees_what_tree_problems_sees(self) -> None:
        # lab7.model_problems: one mcopy -s instead of mdir and an mtype per file.
        self.assertEqual(model_problems(self.v, self.v.vol), [])
        self.replace(self.a, b"other")
        self.v.files["/MISSING.TXT"] = b"x"
        self.v.dirs["/Gone Dir"] = []
        del self.v.files[self.b]
        bad = model_problems(self.v, self.v.vol)
        self.assertIn("/A.TXT is 5 bytes crc32 0x", bad[-1])
        self.assertIn("expected 12 bytes", bad[-1])
        self.assertIn("the volume does not hold /MISSING.TXT", bad)
        self.assertIn("the volume does not hold /Gone Dir", bad)
        self.assertIn(f"the volume holds {self.b}, which should not be there", bad)

    def test_a_crash_may_leave_old_or_new_contents(self) -> None:
        before = dict(self.v.files)
        self.v.files[self.a] = b"new contents, longer"
        self.assertEqual(crash_problems(self.v, self.v.vol, before), [])
        self.replace(self.a, b"new contents, longer")
        self.assertEqual(crash_problems(self.v, self.v.vol, before), [])

    def test_a_crash_must_not_leave_a_mix_or_lose_a_file(self) -> None:
        before = dict(self.v.files)
        self.v.files[self.a] = b"new contents, longer"
        self.replace(self.a, b"new contents")
        tool("mdel", "-i", str(self.v.vol), "::" + self.b)
        bad = crash_problems(self.v, self.v.vol, before)
        self.assertIn(f"{self.b} is gone", bad)
        self.assertTrue(any(p.startswith("/A.TXT is 12 bytes crc32 0x") and
                            p.endswith("not its old contents nor its new ones") for p in bad), bad)


if __name__ == "__main__":
    unittest.main()
