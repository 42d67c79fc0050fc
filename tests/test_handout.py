"""Tests of tools/handout.py's marker syntax, and of the tree it hands out:
every document a file cites exists, every function a handout names is in the
student's tree, the lab-size table and the student README's table of labs are
current; a handout is a git repository with one commit, and a week's handout
(--upto N) ships labs 1..N-1's reference objects only (run by `make test`)."""
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import handout  # noqa: E402
from handout import (HANDOUT_AUTHOR, ROOMS_BEGIN, ROOMS_END, ROOT, STATS_BEGIN,  # noqa: E402
                     STATS_END, STRIPPED_SUFFIXES, STUDENT_README, WORKFLOW, MarkerError,
                     excluded, git, lab_dirs, main, rooms_table, stats_table, strip_text,
                     student_readme, tracked_files)

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
    "__libc_setup_tls": "glibc, csu/libc-tls.c",
    "FEATURE_SH_STANDALONE": "busybox's build configuration",
    "SA_RESTORER": "Linux, sigaction(2)",
    "limit_in_pages": "Linux, struct user_desc (set_thread_area(2))",
    "seg_32bit": "Linux, struct user_desc (set_thread_area(2))",
    "ucontext_t": "POSIX, <ucontext.h> (getcontext(3))",
    "CLONE_CHILD_CLEARTID": "Linux, clone(2)",
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



class HiddenNamesTest(unittest.TestCase):
    """No file of the student's tree names a hidden test (benchmarks.md times them all)."""

    def test_a_hidden_label_is_dropped_from_a_document(self) -> None:
        label = handout.hidden_tests()[0]
        text = f"| {label} [kernel] | 0.2 s |\n| lab1 setup [kernel] | 0.2 s |\n"
        self.assertEqual(handout.without_hidden_names(text), "| lab1 setup [kernel] | 0.2 s |\n")

    def test_a_name_left_in_a_file_is_found(self) -> None:
        label = handout.hidden_tests()[0]
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "notes.c").write_text(f"/* see the hidden `{label.split()[1]}` */\n")
            (Path(tmp) / "clean.c").write_text("/* nothing hidden here */\n")
            self.assertEqual(len(handout.hidden_name_leaks(Path(tmp))), 1)


class RoomsTest(unittest.TestCase):
    """The student README's table of labs is made from labs/ and handouts/."""

    def test_the_table_lists_every_lab(self) -> None:
        table = rooms_table()
        labs = sorted(ROOT.glob("labs/lab*-*/lab.mk"))
        self.assertEqual(len(labs), len(lab_dirs()))
        for mk in labs:
            n = int(re.match(r"lab(\d+)-", mk.parent.name).group(1))
            row = next((l for l in table.splitlines() if f"`labs/{mk.parent.name}/`" in l), "")
            self.assertTrue(row.startswith(f"| {n} "), f"no row for {mk.parent.name}:\n{table}")
            if (ROOT / "handouts" / f"lab{n}.md").exists():
                self.assertIn(f"`handouts/lab{n}.md`", row)

    def test_the_student_readme_table_is_current(self) -> None:
        doc = (ROOT / STUDENT_README).read_text()
        start, end = doc.find(ROOMS_BEGIN), doc.find(ROOMS_END)
        self.assertTrue(0 <= start < end, f"{STUDENT_README} has no table-of-labs block")
        self.assertEqual(doc[start + len(ROOMS_BEGIN) + 1:end], rooms_table(),
                         f"{STUDENT_README}'s table of labs is stale: run `make handout-stats`")

    def test_the_shipped_readme_has_the_table_without_markers(self) -> None:
        text = student_readme()
        self.assertIn(rooms_table(), text)
        self.assertNotIn("handout.py", text)        # the markers name a tool students lack


def fake_manifest(tmp: Path) -> Path:
    """A reference-objects list as the Makefile writes it, of empty files: two
    kernel objects per lab and a host object for the first labs."""
    lines = []
    for n in lab_dirs():
        for name in ("a.o", "b.o") + (("h.o",) if n <= 3 else ()):
            obj = tmp / "objs" / f"lab{n}" / name
            obj.parent.mkdir(parents=True, exist_ok=True)
            obj.touch()
            lines.append(f"{n} {obj}" + (" host" if name == "h.o" else ""))
    manifest = tmp / "reference-objects.txt"
    manifest.write_text("\n".join(lines) + "\n")
    return manifest


def quietly(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            return main(argv)
        except SystemExit as e:
            return int(e.code or 0)


class WeekHandoutTest(unittest.TestCase):
    """make handout REFERENCE_OBJECTS=1 UPTO=3, with stand-in objects: a git
    repository that ships labs 1 and 2 from the reference, and not lab 3.
    (make handout-check does it with the real objects and grades it.)"""
    tmp: Path
    tree: Path

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = Path(tempfile.mkdtemp(prefix="cairn-handout-test-"))
        cls.tree = cls.tmp / "week3"
        status = quietly(["--out", str(cls.tree), "--tar", str(cls.tmp / "week3.tar.gz"),
                          "--reference-objects", str(fake_manifest(cls.tmp)), "--upto", "3"])
        assert status == 0, f"handout.py --upto 3 exited {status}"

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def make(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        # Not make test's own make flags (its jobserver) nor its reference choice.
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "USE_REFERENCE", "BUILD")}
        return subprocess.run(["make", "-s", *args], cwd=cwd or self.tree, capture_output=True,
                              text=True, env=env)

    def test_only_the_labs_before_the_week_ship(self) -> None:
        shipped = sorted(str(p.relative_to(self.tree)) for p in (self.tree / "reference").rglob("*.o"))
        self.assertEqual(shipped, ["reference/lab1/a.o", "reference/lab1/b.o", "reference/lab1/host/h.o",
                                   "reference/lab2/a.o", "reference/lab2/b.o", "reference/lab2/host/h.o"])

    def test_use_reference_of_the_week_lab_is_refused_with_why(self) -> None:
        refused = self.make("use-reference", "LABS=lab1,lab3")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("'lab3' cannot come from reference objects: this handout has none for lab3", refused.stderr)
        self.assertIn("valid names: lab1,lab2", refused.stderr)
        self.assertFalse((self.tree / ".use-reference").exists())
        try:
            used = self.make("use-reference", "LABS=lab1,lab2")
            self.assertEqual(used.returncode, 0, used.stderr)
            # Not ignored: the student commits it with their work (README.student.md).
            self.assertEqual(git(self.tree, "status", "--porcelain"), "?? .use-reference\n")
        finally:
            self.make("use-reference", "LABS=")

    def test_the_handout_is_a_repository_of_one_commit(self) -> None:
        log = git(self.tree, "log", "--format=%an <%ae>|%s").splitlines()
        self.assertEqual(len(log), 1, log)
        self.assertTrue(log[0].startswith(f"{HANDOUT_AUTHOR[0]} <{HANDOUT_AUTHOR[1]}>|Cairn handout"), log)
        self.assertEqual(git(self.tree, "status", "--porcelain", "--ignored"), "")
        on_disk = {str(f.relative_to(self.tree)) for f in self.tree.rglob("*")
                   if f.is_file() and f.relative_to(self.tree).parts[0] != ".git"}
        self.assertEqual(set(git(self.tree, "ls-files").splitlines()), on_disk)
        self.assertIn("reference/lab2/host/h.o", on_disk)
        self.assertIn(WORKFLOW, on_disk)

    def test_the_tarball_is_the_repository(self) -> None:
        with tarfile.open(self.tmp / "week3.tar.gz") as tar:
            names = set(tar.getnames())
        self.assertIn("cairn/.git/HEAD", names)
        self.assertIn("cairn/reference/lab1/a.o", names)
        self.assertNotIn("cairn/reference/lab3", names)

    def test_the_workflow_grades_the_labs_up_to_the_week(self) -> None:
        text = (self.tree / WORKFLOW).read_text()
        self.assertIn('GRADE_LABS: "--lab 0 --lab 1 --lab 2 --lab 3"', text)
        self.assertIn('GRADE_LABS: ""', (ROOT / "tools/autograder/github-grade.yml").read_text())

    def test_upto_needs_reference_objects_and_a_lab(self) -> None:
        out = str(self.tmp / "other")
        self.assertEqual(quietly(["--out", out, "--upto", "3"]), 2)
        self.assertEqual(quietly(["--out", out, "--upto", "99", "--reference-objects", "x"]), 2)
        self.assertFalse(Path(out).exists())
        made = self.make("-n", "handout", "UPTO=3", f"BUILD={self.tmp / 'build'}", cwd=ROOT)
        self.assertIn("UPTO=3 needs REFERENCE_OBJECTS=1", made.stderr)


if __name__ == "__main__":
    unittest.main()
