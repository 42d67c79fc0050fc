"""Tests of tools/handout.py's marker syntax, and of the tree it hands out:
every document a file cites exists, every function a handout names is in the
student's tree, the lab-size table is current (run by `make test`)."""
import re
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from handout import (ROOT, STATS_BEGIN, STATS_END, STRIPPED_SUFFIXES, MarkerError,  # noqa: E402
                     excluded, stats_table, strip_text, tracked_files)

# A document cited by path ("handouts/lab3.md", "lab3.md"), maybe with a section ("§5").
DOC_CITE = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.md)\b(?:\s+§\s*(\d+))?")
PLACEHOLDER = re.compile(r"labN|\bN\.md|FOO\.md")
# A backticked name in a handout: `ring_push`, `idt_init()`, `ring_push()`.
NAMED = re.compile(r"`([A-Za-z_]\w*)(\(\))?`")
CODE_SUFFIXES = STRIPPED_SUFFIXES | {".mk", ".ld", ".in"}

C_SRC = """int f(void)
{
    /* LAB 2: BEGIN SOLUTION */
    return 42;
    /* LAB 2: STUB
    panic("lab2: f not implemented");
    LAB 2: END SOLUTION */
}
/* LAB 3: BEGIN SOLUTION */
static int helper(void) { return 1; }
/* LAB 3: END SOLUTION */
"""

PY_SRC = """def f():
    # LAB 4: BEGIN SOLUTION
    return 42
    # LAB 4: STUB
    # raise NotImplementedError("lab4")
    # LAB 4: END SOLUTION
"""


class StripTest(unittest.TestCase):
    def test_c_stub_replaces_solution(self) -> None:
        out, seen = strip_text(C_SRC, "f.c", None)
        self.assertEqual(seen, {2, 3})
        self.assertNotIn("return 42", out)
        self.assertNotIn("helper", out)
        self.assertIn('    /* LAB 2: your code here */\n    panic("lab2: f not implemented");\n', out)
        self.assertIn("/* LAB 3: your code here */\n", out)     # a block without a stub too
        self.assertNotIn("SOLUTION", out)

    def test_only_chosen_labs_are_stripped(self) -> None:
        out, _ = strip_text(C_SRC, "f.c", {3})
        self.assertIn("return 42", out)
        self.assertNotIn("helper", out)
        self.assertIn("LAB 2: BEGIN SOLUTION", out)     # untouched, markers and all

    def test_unstripped_text_is_unchanged(self) -> None:
        self.assertEqual(strip_text(C_SRC, "f.c", set())[0], C_SRC)

    def test_python_stub_is_uncommented(self) -> None:
        out, _ = strip_text(PY_SRC, "f.py", None)
        self.assertEqual(out, 'def f():\n    # LAB 4: your code here\n'
                              '    raise NotImplementedError("lab4")\n')

    def test_unclosed_block_is_an_error(self) -> None:
        with self.assertRaisesRegex(MarkerError, "never closed"):
            strip_text("/* LAB 1: BEGIN SOLUTION */\nx\n", "g.c", None)

    def test_mismatched_lab_is_an_error(self) -> None:
        with self.assertRaisesRegex(MarkerError, "closes LAB 1"):
            strip_text("/* LAB 1: BEGIN SOLUTION */\n/* LAB 2: END SOLUTION */\n", "g.c", None)

    def test_stray_end_is_an_error(self) -> None:
        with self.assertRaisesRegex(MarkerError, "outside"):
            strip_text("/* LAB 1: END SOLUTION */\n", "g.c", None)


def text_files() -> list[Path]:
    out = []
    for rel in tracked_files():
        path = ROOT / rel
        if path.is_file() and path.suffix not in {".gz", ".img", ".iso", ".o", ".elf"}:
            try:
                path.read_text()
            except UnicodeDecodeError:
                continue
            out.append(path)
    return out


def headings(doc: Path) -> set[str]:
    """The section numbers of a markdown file: "## 5. The executor" is 5."""
    return {m.group(1) for m in re.finditer(r"^#+\s+(\d+)[.\s]", doc.read_text(), re.M)}


def without_comments(text: str, suffix: str) -> str:
    """Code only: a name that a comment mentions is not in the tree for a student."""
    if suffix == ".py" or suffix in {".mk", ""}:
        return re.sub(r"(?m)^\s*#.*$", "", text)
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", text, flags=re.S))


# Names a handout gives that belong to other projects, not to Cairn's tree.
EXTERNAL = {
    "system_reset": "QEMU's QMP command",
    "enable_and_hlt": "the Rust x86_64 crate's function (blog_os)",
    "lba_28_ok": "Linux, include/linux/ata.h",
    "pci_config_lock": "Linux, arch/x86/pci/direct.c",
    "pci_size": "Linux, drivers/pci/probe.c",
    "pci_bus_read_dev_vendor_id": "Linux, drivers/pci/probe.c",
    "__pci_read_base": "Linux, drivers/pci/probe.c",
    "next_fn": "Linux, drivers/pci/probe.c",
    "mmio_always_on": "Linux, struct pci_dev",
    "ata_pci_sff_init_host": "Linux, drivers/ata/libata-sff.c",
    "ATA_PCI_CTL_OFS": "Linux, include/linux/ata.h",
    "irq_base": "a field of QEMU's `info pic`",
    "ATA_TMOUT_INTERNAL": "Linux, include/linux/libata.h",
    "ata_sff_lost_interrupt": "Linux, drivers/ata/libata-sff.c",
}


class TreeTest(unittest.TestCase):
    def test_every_cited_document_exists(self) -> None:
        files = text_files()
        by_name: dict[str, list[Path]] = {}
        for f in files:
            by_name.setdefault(f.name, []).append(f)
        missing = []
        for f in files:
            for n, line in enumerate(f.read_text().splitlines(), 1):
                for m in DOC_CITE.finditer(line):
                    cited, section = m.group(1), m.group(2)
                    if PLACEHOLDER.search(cited):
                        continue
                    found = [p for p in (ROOT / cited, f.parent / cited) if p.is_file()] \
                        or ([] if "/" in cited else by_name.get(cited, []))
                    where = f"{f.relative_to(ROOT)}:{n}: {m.group(0)}"
                    if not found:
                        missing.append(f"{where}: no such document in the tree")
                    elif section and section not in headings(found[0]):
                        missing.append(f"{where}: {cited} has no section {section}")
        self.assertEqual(missing, [], "documents cited but not in the repository:\n" + "\n".join(missing))

    def test_every_name_a_handout_gives_is_in_the_handout_tree(self) -> None:
        words: set[str] = set()
        for rel in tracked_files():
            path = ROOT / rel
            if excluded(rel) or not path.is_file() or (path.suffix not in CODE_SUFFIXES
                                                       and path.name != "Makefile"):
                continue
            text = path.read_text()
            if path.suffix in STRIPPED_SUFFIXES:
                text = strip_text(text, rel, None)[0]
            words |= set(re.findall(r"\w+", without_comments(text, path.suffix)))
        unknown = []
        for doc in sorted((ROOT / "handouts").glob("*.md")):
            if excluded(str(doc.relative_to(ROOT))):
                continue
            for n, line in enumerate(doc.read_text().splitlines(), 1):
                for m in NAMED.finditer(line):
                    name = m.group(1)
                    if (m.group(2) or "_" in name) and name not in words and name not in EXTERNAL:
                        unknown.append(f"{doc.relative_to(ROOT)}:{n}: `{m.group(0).strip('`')}`")
        self.assertEqual(unknown, [], "names the handouts give that the student's tree lacks:\n"
                         + "\n".join(unknown))

    def test_every_handout_from_lab_2_says_how_to_start_on_reference_labs(self) -> None:
        for doc in sorted((ROOT / "handouts").glob("lab*.md")):
            n = int(doc.stem[3:])
            if n >= 2:
                command = "make use-reference LABS=" + ",".join(f"lab{k}" for k in range(1, n))
                self.assertIn(command, doc.read_text(), f"{doc.relative_to(ROOT)} should give `{command}`")

    def test_lab_size_table_is_current(self) -> None:
        doc = (ROOT / "handouts" / "instructors.md").read_text()
        start, end = doc.find(STATS_BEGIN), doc.find(STATS_END)
        self.assertTrue(0 <= start < end, "handouts/instructors.md has no lab-size table block")
        self.assertEqual(doc[start + len(STATS_BEGIN) + 1:end], stats_table(),
                         "handouts/instructors.md's lab sizes are stale: run `make handout-stats`")


if __name__ == "__main__":
    unittest.main()
