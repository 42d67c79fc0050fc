"""Every example in grade/API.md runs: each `python` block is executed and the
tests it registers are graded on the built stage (they must pass); each
`expected` block must parse as an expected-log file and render."""
from __future__ import annotations

import re
import tempfile
import unittest
from pathlib import Path

from grade.core import ROOT, BUILD
from grade import cli, core, expect

DOC = ROOT / "grade" / "API.md"
BLOCK_RE = re.compile(r"^```(\w+)\n(.*?)^```$", re.M | re.S)


def blocks(kind: str) -> list[str]:
    return [body for lang, body in BLOCK_RE.findall(DOC.read_text()) if lang == kind]


class ApiDocTest(unittest.TestCase):
    def test_the_doc_has_examples(self) -> None:
        self.assertGreaterEqual(len(blocks("python")), 3)
        self.assertGreaterEqual(len(blocks("expected")), 1)

    def test_python_examples_run_and_their_tests_pass(self) -> None:
        saved = core.REGISTRY[:]
        try:
            for i, code in enumerate(blocks("python")):
                del core.REGISTRY[:]
                exec(compile(code, f"{DOC}:python block {i + 1}", "exec"), {})
                for t in core.REGISTRY:
                    with self.subTest(block=i + 1, test=t.name), \
                            tempfile.TemporaryDirectory(prefix="cairn-doc-") as tmp:
                        kernel = BUILD / f"lab{t.lab}" / "kernel.elf"
                        o = cli.run_one(t, "kernel", 1, kernel, "", False, Path(tmp))
                        self.assertEqual(o.verdict, "OK", o.details)
        finally:
            core.REGISTRY[:] = saved

    def test_expected_log_examples_parse_and_render(self) -> None:
        for i, text in enumerate(blocks("expected")):
            with tempfile.TemporaryDirectory() as tmp:
                Path(tmp, "doc.log").write_text(text)
                saved, expect.EXPECTED_DIR = expect.EXPECTED_DIR, Path(tmp)
                expect.load_sections.cache_clear()
                try:
                    for section in expect.load_sections("doc"):
                        names = set(expect.PLACEHOLDER_RE.findall(text))
                        lines = expect.render("doc", section, {n: "v" for n in names})
                        self.assertTrue(lines, f"block {i + 1}, section {section}")
                finally:
                    expect.EXPECTED_DIR = saved
                    expect.load_sections.cache_clear()


if __name__ == "__main__":
    unittest.main()
