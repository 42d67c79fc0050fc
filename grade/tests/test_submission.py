"""What the grader reads of a submission (grade/submission.py), and how a class
folder becomes rows (grade/classroom.py): each trick a hostile submission tried."""
from __future__ import annotations

import io
import shutil
import tarfile
import tempfile
import unittest
from pathlib import Path

from grade import classroom, submission
from grade.submission import include_problems

KIT = {1: "lab1-interrupts", 2: "lab2-keyboard"}


class IncludeCheck(unittest.TestCase):
    def refused(self, text: str, name: str = "pic.c") -> str:
        return " ".join(include_problems("lab1-interrupts", name, text))

    def test_a_raw_string_does_not_hide_an_incbin(self) -> None:
        text = 'const char *s = R"X(" /*)X";\n__asm__(".incbin \\"/etc/shadow\\"");\n'
        self.assertIn(".incbin", self.refused(text))

    def test_backslash_crlf_joins_lines_as_gcc_does(self) -> None:
        self.assertIn("absolute path", self.refused('#inc\\\r\nlude "/etc/shadow"\n'))
        self.assertIn("absolute path", self.refused('#include \\  \n"/etc/shadow"\n'))

    def test_pragma_dependency_and_has_include_are_checked(self) -> None:
        self.assertIn("GCC dependency", self.refused('#pragma GCC dependency "/etc/shadow"\n'))
        self.assertIn("__has_include", self.refused('#if __has_include("/etc/shadow")\n#endif\n'))
        self.assertIn("without a file name", self.refused("#define PROBE __has_include\n"))

    def test_what_the_kit_itself_does_passes(self) -> None:
        self.assertEqual(self.refused('#include "pic.h"\n#include <x86.h>\n'
                                      '#if __has_include("thread.h")\n#endif\n'), "")

    def test_a_public_header_includes_from_its_own_folder(self) -> None:
        self.assertEqual(self.refused('#include "../pic.h"\n', "include/interrupts.h"), "")
        self.assertIn("leaves the lab directory",
                      self.refused('#include "../../lab2-keyboard/ring.h"\n', "include/interrupts.h"))


def tarball(files: dict[str, bytes]) -> Path:
    path = Path(tempfile.mkdtemp()) / "sub.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


class Reading(unittest.TestCase):
    def test_the_kits_folder_wins_over_a_backup(self) -> None:
        sub = submission.read(tarball({"repo/labs/lab1-backup/pic.c": b"int old;\n",
                                       "repo/labs/lab1-interrupts/pic.c": b"int new;\n"}), KIT)
        self.assertEqual(sub.labs[1], {"pic.c": b"int new;\n"})
        self.assertTrue(any("lab1-backup/: ignored" in n for n in sub.notes), sub.notes)

    def test_public_headers_and_use_reference_are_read(self) -> None:
        sub = submission.read(tarball({"repo/.use-reference": b"lab1\n",
                                       "repo/labs/lab2-keyboard/include/keyboard.h": b"int k;\n",
                                       "repo/labs/lab2-keyboard/keyboard.c": b"int r;\n"}), KIT)
        self.assertEqual(sub.use_reference, {1})
        self.assertEqual(set(sub.labs[2]), {"include/keyboard.h", "keyboard.c"})
        self.assertFalse(any("not a regular file" in n for n in sub.notes), sub.notes)


class ClassFolder(unittest.TestCase):
    def test_names_are_unique_and_skipped_entries_listed(self) -> None:
        folder = Path(tempfile.mkdtemp())
        try:
            (folder / "alice").mkdir()
            for name in ("alice.tar.gz", "alice.v2.zip", "notes.txt", ".DS_Store"):
                (folder / name).write_bytes(b"x")
            subs, skipped = classroom.submissions_in(folder)
            self.assertEqual(sorted(subs), ["alice", "alice.tar.gz", "alice.v2"])
            self.assertEqual(sorted(s.split(":")[0] for s in skipped), [".DS_Store", "notes.txt"])
        finally:
            shutil.rmtree(folder)


if __name__ == "__main__":
    unittest.main()


class HandoutModuleOnThreads(unittest.TestCase):
    """--class grades students on threads, and each strips the kit's labs with
    tools/handout.py: one CI run saw a thread take the module half-loaded."""

    def test_every_thread_gets_the_whole_module(self) -> None:
        import sys
        import threading
        from grade import pristine
        saved = sys.modules.pop("cairn_handout", None)
        start = threading.Barrier(8)
        got: list[bool] = []

        def load() -> None:
            start.wait()
            got.append(hasattr(pristine.handout_module(), "strip_text"))
        try:
            for _ in range(5):
                sys.modules.pop("cairn_handout", None)
                threads = [threading.Thread(target=load) for _ in range(8)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
        finally:
            if saved is not None:
                sys.modules["cairn_handout"] = saved
        self.assertEqual(got, [True] * 40)
