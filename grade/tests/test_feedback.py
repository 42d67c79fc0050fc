"""What a grade says beside its score: the tests a boot path leaves out, and the
command that replays a submission's grade (it must grade the submission again,
not the kit's own tree)."""
from __future__ import annotations

import shlex
import unittest
from pathlib import Path

from grade import classroom, core, pristine
from grade.cli import skipped_note


def fake(name: str, points: int, paths: tuple[str, ...]) -> core.Test:
    return core.Test(lab=5, name=name, points=points, fn=lambda ctx: None, paths=paths)


class SkippedTests(unittest.TestCase):
    """On a registry of its own: other grader tests fill the real one as they like."""

    def setUp(self) -> None:
        self.saved = core.REGISTRY[:]
        core.REGISTRY[:] = [fake("pci", 10, core.ALL_PATHS), fake("bridges", 15, core.QEMU_ONLY),
                            fake("host-pci", 5, core.QEMU_ONLY)]

    def tearDown(self) -> None:
        core.REGISTRY[:] = self.saved

    def test_bochs_names_the_tests_it_does_not_run(self) -> None:
        self.assertEqual(skipped_note(5, ["bochs"]),
                         " (2 tests (20 points) do not run on --boot bochs: bridges, host-pci)")

    def test_the_kernel_path_leaves_nothing_out(self) -> None:
        self.assertEqual(skipped_note(5, ["kernel"]), "")


class SubmissionReplay(unittest.TestCase):
    def test_the_replay_grades_the_submission_with_its_settings(self) -> None:
        policy = pristine.Policy.of([3], "none", True)
        words = shlex.split(classroom.replay_of(Path("/tmp/alice repo"), 42, policy))
        self.assertEqual(words[:5], ["python3", "-m", "grade", "--submission", "/tmp/alice repo"])
        for flag in (["--lab", "3"], ["--seed", "42"], ["--reference-labs", "none"], ["--reference-missing"]):
            self.assertIn(" ".join(flag), " ".join(words))


if __name__ == "__main__":
    unittest.main()
