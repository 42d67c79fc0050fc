"""Lab 7's crash tests on purpose-built bad lab 7s. The grader counts the writes and
pulls the plug in QEMU's block layer (grade/labs/fatvol.py), so each of these fails:
a write path that prints the crash line and writes nothing (the fake that passed
when the kernel pulled its own plug), a file's entry written before its data (no
barrier between them), and a write path that says an operation is done while its
writes wait in memory (every prefix of its writes is consistent: only the real
plug shows it). The unchanged stage passes the same tests.

Each variant is the working tree's stage 7 with one change, built in a temporary
copy of the tree seeded with this tree's objects, so only the changed file compiles.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path
from typing import Any, Callable
from unittest import mock

from grade.core import BUILD, ROOT, Ctx, TestFailure
from grade import core, runner
from grade.labs import lab7

TREE = ("Makefile", "GNUmakefile.labs", "boot", "kernel", "labs", "user", "tools", "tests")
SEEDED = ("obj", "gen")                 # the build's objects: only a changed file compiles
ATAIO = "labs/lab7-fat/ataio.c"
SEED = 11

# "Four lines that print the crash line and write nothing": counts, never writes.
SILENT_WRITE = """\
static int irq_write(struct blockdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
    (void)bd; (void)lba; (void)buf;
    sector_writes += n;
    if (crash_after && sector_writes >= crash_after)
        pull_the_plug();
    return 0;
}
"""

# A write-back queue in front of the disk that ignores FLUSH CACHE and goes out, in
# order, only when the sync line asks for the count: every "ok" comes first.
QUEUE = """#define QMAX 4096
static struct { struct ata_disk *d; uint64_t lba; uint8_t data[512]; } queue[QMAX];
static uint32_t queued;

static int drain(void)
{
    for (uint32_t i = 0; i < queued; i++) {
        struct ata_disk *d = queue[i].d;
        ata_write_async(&d->io, d->drive, queue[i].lba, 1, queue[i].data);
        if (wait_io(d))
            return -1;
        sector_writes++;
    }
    queued = 0;
    return 0;
}

static int irq_read(struct blockdev *bd, uint64_t lba, uint32_t n, void *buf)
{
    struct ata_disk *d = bd->priv;
    int err;

    ata_read_async(&d->io, d->drive, lba, n, buf);
    err = wait_io(d);
    for (uint32_t i = 0; !err && i < queued; i++)       /* the queue is newer */
        if (queue[i].d == d && queue[i].lba >= lba && queue[i].lba < lba + n)
            memcpy((uint8_t *)buf + 512 * (queue[i].lba - lba), queue[i].data, 512);
    return err;
}
"""
QUEUED_WRITE = """\
static int irq_write(struct blockdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
    for (uint32_t i = 0; i < n; i++) {
        if (queued == QMAX && drain())
            return -1;
        queue[queued].d = bd->priv;
        queue[queued].lba = lba + i;
        memcpy(queue[queued].data, (const uint8_t *)buf + 512 * i, 512);
        queued++;
    }
    if (crash_after && sector_writes + queued >= crash_after)
        pull_the_plug();
    return 0;
}
"""
QUEUED_COUNT = """uint32_t fat_ata_sector_writes(void)
{
    drain();
    return sector_writes;
}
"""


def replace_function(text: str, head: str, new: str) -> str:
    """`text` with the C function that starts with `head` (to its closing brace at
    the start of a line) replaced by `new`."""
    start = text.index(head)
    end = text.index("\n}\n", start) + 3
    return text[:start] + new + text[end:]


def silent(tree: Path) -> None:
    edit(tree / ATAIO, lambda t: replace_function(t, "static int irq_write(", SILENT_WRITE))


def unordered(tree: Path) -> None:
    """file.c's commit(): no barrier between the new chain and the entry that points
    at it, so the cache's LBA-order sync may write the entry first."""
    barrier = "    if ((err = fat_barrier(v)))\n        return err;\n    n->cluster = first;\n"
    edit(tree / "labs/lab7-fat/file.c", lambda t: t.replace(barrier, "    n->cluster = first;\n"))


def queued(tree: Path) -> None:
    def change(t: str) -> str:
        t = t.replace('#include "kprintf.h"\n', '#include "kprintf.h"\n#include "kstring.h"\n')
        t = replace_function(t, "static int irq_read(", QUEUE)
        t = replace_function(t, "static int irq_write(", QUEUED_WRITE)
        return replace_function(t, "uint32_t fat_ata_sector_writes(", QUEUED_COUNT)
    edit(tree / ATAIO, change)


def edit(path: Path, change: Callable[[str], str]) -> None:
    old = path.read_text()
    new = change(old)
    if new == old:
        raise AssertionError(f"{path.name} has changed: the fake's edit no longer applies")
    path.write_text(new)


def build_variants(tmp: Path) -> dict[str, Path]:
    """Stage 7 as it is and with each fake's change: name -> kernel.elf."""
    tree = tmp / "tree"
    tree.mkdir()
    for name in TREE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tree / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "submissions"))
        else:
            shutil.copy2(src, tree / name)
    (tree / "grade").mkdir()
    for name in ("__init__.py", "drives.py"):       # progs.mk reads the disk geometry
        shutil.copy2(ROOT / "grade" / name, tree / "grade" / name)
    (tree / "build").mkdir()
    (tree / "build/.deps-ok").touch()   # this machine builds stage 7: no make deps in the copy
    for name in SEEDED:
        if (BUILD / name).is_dir():
            shutil.copytree(BUILD / name, tree / "build" / name, symlinks=True)
    kernels = {}
    for name, fake in (("reference", None), ("silent", silent), ("unordered", unordered),
                       ("queued", queued)):
        kernels[name] = build_one(tree, tmp, name, fake)
    return kernels


def build_one(tree: Path, tmp: Path, name: str, fake: Callable[[Path], None] | None) -> Path:
    saved = {p: (tree / p).read_bytes() for p in (ATAIO, "labs/lab7-fat/file.c")}
    if fake:
        fake(tree)
    # Not the caller's make: its jobserver's descriptors are not ours.
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "USE_REFERENCE")}
    r = subprocess.run(["make", "-s", "lab7", "BUILD=build", "USE_REFERENCE="], cwd=tree,
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise AssertionError(f"the {name} lab 7 does not build:\n{r.stdout}{r.stderr}")
    out = tmp / f"{name}.elf"
    shutil.copy2(tree / "build/lab7/kernel.elf", out)
    for path, data in saved.items():
        (tree / path).write_bytes(data)
    return out


def grade(test: Callable[[Ctx], None], kernel: Path, workdir: Path) -> TestFailure | None:
    """Run one of lab 7's tests on `kernel`: its failure, or None when it passes."""
    t = next(t for t in core.REGISTRY if t.fn is test)
    ctx = Ctx(t, SEED, workdir, kernel, "kernel", runner.boot)
    try:
        test(ctx)
    except TestFailure as failure:
        return failure
    return None


class Lab7CrashTest(unittest.TestCase):
    kernels: dict[str, Path] = {}

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory(prefix="cairn-lab7-fakes-")
        cls.kernels = build_variants(Path(cls.tmp.name))

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def run_test(self, test: Callable[[Ctx], None], kernel: str) -> TestFailure | None:
        workdir = Path(tempfile.mkdtemp(dir=self.tmp.name, prefix=f"{kernel}-"))
        return grade(test, self.kernels[kernel], workdir)

    def test_the_reference_passes(self) -> None:
        for test in (lab7.crash, lab7.crash_each_write):
            failure = self.run_test(test, "reference")
            self.assertIsNone(failure, failure and f"{failure.verdict}: {failure.details}")

    def test_a_kernel_that_writes_nothing_fails(self) -> None:
        for test in (lab7.crash, lab7.crash_each_write):
            failure = self.run_test(test, "silent")
            assert failure is not None, f"{test.__name__} passed a kernel that writes nothing"
            self.assertEqual(failure.verdict, "WRONG OUTPUT")
            self.assertIn("QEMU counted 0 sector writes", failure.details)

    def test_an_entry_written_before_its_data_fails(self) -> None:
        failure = self.run_test(lab7.crash_each_write, "unordered")
        assert failure is not None, "crash-each-write passed an entry written before its data"
        self.assertIn("(replayed from the writes QEMU logged)", failure.details)

    def test_done_before_on_the_disk_fails(self) -> None:
        # Its writes reach the disk in the reference's order, so only a real plug
        # sees it: at write 1, nothing any "ok" claims is on the disk yet.
        def first_write(rng: Any, n: int, count: int) -> list[int]:
            return [1]
        with mock.patch.object(lab7, "seeded", first_write):
            failure = self.run_test(lab7.crash_each_write, "queued")
        assert failure is not None, "crash-each-write passed ops said done before their writes"
        self.assertIn("the plug pulled after sector write 1 of", failure.details)
        self.assertIn("is not its new self, yet the kernel printed", failure.details)


if __name__ == "__main__":
    unittest.main()
