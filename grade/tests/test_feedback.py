"""What a grade says beside its score: the tests a boot path leaves out, and the
command that replays a submission's grade (it must grade the submission again,
not the kit's own tree)."""
from __future__ import annotations

import shlex
import unittest
from pathlib import Path

from grade import classroom, core, pristine
from grade.cli import load_labs, skipped_note


class SkippedTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if not core.REGISTRY:
            load_labs()

    def test_bochs_names_the_tests_it_does_not_run(self) -> None:
        left = [t for t in core.REGISTRY if t.lab == 5 and "bochs" not in t.paths]
        self.assertTrue(left, "lab 5 has tests that boot only with qemu -kernel")
        note = skipped_note(5, ["bochs"])
        self.assertIn(f"{len(left)} tests ({sum(t.points for t in left)} points) do not run on --boot bochs",
                      note)
        self.assertTrue(all(t.name in note for t in left))

    def test_the_kernel_path_leaves_nothing_out(self) -> None:
        self.assertEqual(skipped_note(1, ["kernel"]), "")


class SubmissionReplay(unittest.TestCase):
    def test_the_replay_grades_the_submission_with_its_settings(self) -> None:
        policy = pristine.Policy.of([3], "none", True)
        words = shlex.split(classroom.replay_of(Path("/tmp/alice repo"), 42, policy))
        self.assertEqual(words[:5], ["python3", "-m", "grade", "--submission", "/tmp/alice repo"])
        for flag in (["--lab", "3"], ["--seed", "42"], ["--reference-labs", "none"], ["--reference-missing"]):
            self.assertIn(" ".join(flag), " ".join(words))


if __name__ == "__main__":
    unittest.main()
