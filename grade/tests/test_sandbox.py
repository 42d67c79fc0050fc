"""The sandbox a submission's code runs in (grade/sandbox.py), attacked from inside.

Each test runs a small shell command as a hostile build or host test would and
checks what it could not do: read the grader's tree, write outside its scratch
directory, signal a process of the grader's, reach the network, leave a process
behind. Both kinds are tried: bubblewrap, and the separate user alone (only as
root). A test whose wall is missing fails: e.g. with a sandbox that runs the
command as is, the read test prints the grader's source and fails.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from grade.core import ROOT
from grade import sandbox

SECRET = ROOT / "grade" / "cli.py"
NOBODY_USER = os.geteuid() == 0


def run(box: sandbox.Sandbox, script: str, scratch: Path) -> tuple[int, str]:
    proc = box.popen(["/bin/sh", "-c", script], scratch, writable=[scratch],
                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, _ = proc.communicate(timeout=60)
    return proc.returncode, out.decode(errors="replace")


def sleepers() -> list[str]:
    """Processes running `sleep 987` (the one the test leaves behind)."""
    out = []
    for p in Path("/proc").iterdir():
        try:
            if p.name.isdigit() and (p / "cmdline").read_bytes() == b"sleep\x00987\x00":
                out.append(p.name)
        except OSError:
            pass
    return out


class Walls:
    """The attacks; a subclass says which sandbox they are tried on."""
    box: sandbox.Sandbox
    # The grader's folder for results: bubblewrap hides even one anyone may write;
    # a separate user is kept out of the grader's own (as /autograder/results is).
    outside_mode = 0o777

    def setUp(self) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="cairn-sandbox-test-"))
        os.chmod(self.scratch, 0o755)
        self.box.grant(self.scratch)
        self.outside = Path(tempfile.mkdtemp(prefix="cairn-sandbox-outside-"))
        os.chmod(self.outside, self.outside_mode)

    def tearDown(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
        shutil.rmtree(self.outside, ignore_errors=True)

    def test_scratch_is_writable(self) -> None:        # the walls leave room to work
        status, out = run(self.box, "echo built > built.txt && cat built.txt", self.scratch)
        self.assertEqual((status, out.strip()), (0, "built"))

    def test_cannot_read_the_grader(self) -> None:
        status, out = run(self.box, f"cat {SECRET}", self.scratch)
        self.assertNotEqual(status, 0)
        self.assertNotIn("def main", out)

    def test_cannot_write_outside_its_scratch(self) -> None:
        run(self.box, f"echo 930 > {self.outside}/results.json", self.scratch)
        self.assertFalse((self.outside / "results.json").exists())

    def test_cannot_signal_the_grader(self) -> None:
        victim = subprocess.Popen(["sleep", "60"])
        try:
            # Only the victim is named: were the wall missing, nothing else may die.
            run(self.box, f"kill -9 {victim.pid}", self.scratch)
            # A SIGKILL that got through ends the victim within milliseconds.
            with self.assertRaises(subprocess.TimeoutExpired, msg="the sandbox killed the grader's process"):
                victim.wait(timeout=0.5)
        finally:
            victim.kill()
            victim.wait()


class Bubblewrap(Walls, unittest.TestCase):
    def setUp(self) -> None:
        if not shutil.which("bwrap"):
            self.skipTest("bubblewrap is not installed (make deps installs it)")
        uid = 65534 if NOBODY_USER else None
        self.box = sandbox.Sandbox(True, uid, uid)
        if not sandbox.probe(self.box):
            self.skipTest("bubblewrap cannot make namespaces on this machine")
        super().setUp()

    def test_no_network(self) -> None:
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        try:
            port = srv.getsockname()[1]
            script = (f"python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", {port}), 2)'"
                      " && echo connected")
            _, out = run(self.box, script, self.scratch)
            self.assertNotIn("connected", out)
        finally:
            srv.close()

    def test_no_process_outlives_its_step(self) -> None:
        run(self.box, "setsid sleep 987 > /dev/null 2>&1 & echo started", self.scratch)
        # bubblewrap's own init may take a moment to end, and the namespace with it.
        deadline = time.monotonic() + 10
        while sleepers() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(sleepers(), [], "a process of the sandbox outlived it")


@unittest.skipUnless(NOBODY_USER, "the separate user needs the grader to run as root")
class SeparateUser(Walls, unittest.TestCase):
    outside_mode = 0o755

    def setUp(self) -> None:
        self.box = sandbox.Sandbox(False, 65534, 65534)
        private = Path(tempfile.mkdtemp(prefix="cairn-sandbox-private-"))   # 0700, as setup.sh leaves it
        (private / "grade").mkdir()
        shutil.copy(SECRET, private / "grade" / "cli.py")
        self.private = private
        super().setUp()

    def tearDown(self) -> None:
        shutil.rmtree(self.private, ignore_errors=True)
        super().tearDown()

    def test_cannot_read_the_grader(self) -> None:      # its private copy, as on Gradescope
        status, out = run(self.box, f"cat {self.private}/grade/cli.py", self.scratch)
        self.assertNotEqual(status, 0)
        self.assertNotIn("def main", out)

    def test_a_readable_tree_is_refused(self) -> None:
        readable = self.outside / "cli.py"
        shutil.copy(SECRET, readable)
        os.chmod(readable, 0o644)
        self.assertEqual(sandbox.grader_readable_by(self.box, [readable]), readable)
        self.assertIsNone(sandbox.grader_readable_by(self.box, [self.private / "grade" / "cli.py"]))


class Choice(unittest.TestCase):
    def test_no_wall_means_no_grade(self) -> None:
        """Neither bubblewrap nor root: grading a submission is refused, saying what to do."""
        from unittest import mock
        with mock.patch.object(sandbox.shutil, "which", return_value=None), \
                mock.patch.object(sandbox.os, "geteuid", return_value=1000), \
                mock.patch.dict(os.environ, {"CAIRN_SANDBOX": ""}):
            with self.assertRaisesRegex(sandbox.SandboxUnavailable, "install bubblewrap"):
                sandbox.choose()

    def test_an_unknown_kind_is_refused(self) -> None:
        from unittest import mock
        with mock.patch.dict(os.environ, {"CAIRN_SANDBOX": "chroot"}):
            with self.assertRaisesRegex(sandbox.SandboxUnavailable, "the kinds are"):
                sandbox.choose()


if __name__ == "__main__":
    unittest.main()
