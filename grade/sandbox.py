"""sandbox.py - where a submission's code runs: bubblewrap, and a user of its own.

Everything built from a submission runs through a Sandbox: its build (make and
the compiler), its host-test binaries and QEMU running its kernel. The grader
itself never runs inside one: it reads what the sandboxed programs print
(pipes) and leave in their scratch directory, and alone writes results.

Two walls, each used where the machine has it:
- bubblewrap (Debian's `bubblewrap`; https://github.com/containers/bubblewrap):
  new mount, PID, IPC, UTS, network and user namespaces. The filesystem is /usr
  (read-only), the few /etc files a compiler needs, a private /tmp, and only
  the paths a step names: its scratch directory read-write, its inputs
  read-only. The grader's tree, the hidden tests, results and every other file
  of the machine are not there at all; no network; the PID namespace leaves no
  grader process to signal, and every process of the step dies with it.
  One exception: QEMU booting a lab 10 kernel keeps the host's network
  namespace, so the grader's clients can reach the ports it forwards on
  127.0.0.1. The student's code runs only in the guest, which still reads no
  file and signals nothing, and its frames reach QEMU's user network only
  through the grader's guard (grade/netguard.py): answers to the grader's own
  clients pass; a connection out, a datagram to anyone who did not write first,
  a ping past the gateway, IPv6 and fragments are dropped. (QEMU's own
  `restrict=on` would stop connections out too, but it also drops the guest's
  UDP replies to forwarded datagrams, which lab 10's echo test needs.)
- a user of its own: when the grader runs as root, the code runs as `nobody`
  (inside bubblewrap too), with bounded file sizes and process counts, so it
  can neither write the grader's files nor signal its processes. Without
  bubblewrap this is the only wall, and grading then refuses unless the grader's
  tree is unreadable by that user (the autograder's setup.sh makes it so).

A grader that is neither root nor able to run bubblewrap refuses to grade a
submission, with a message that says what to install. CAIRN_SANDBOX=user
forces the second kind (make test proves both).
"""
from __future__ import annotations

import os
import pwd
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from grade.core import ROOT

USER = "nobody"                  # who runs a submission's code when the grader is root
FILE_BYTES = 64 << 20            # any one file the code writes (RLIMIT_FSIZE)
PROCESSES = 256                  # processes of that user at once (RLIMIT_NPROC)
# What a compiler, make, Python and QEMU need of /etc: the dynamic linker's
# cache and the alternatives symlinks some /usr/bin names go through.
ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives")
TOP_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "TMPDIR": "/tmp"}


class SandboxUnavailable(Exception):
    """Neither wall can be built here: grading a submission is refused."""


@dataclass(frozen=True)
class Sandbox:
    bubblewrap: bool
    uid: int | None              # the code's own user, or None (the grader's, in a user namespace)
    gid: int | None

    def describe(self) -> str:
        user = f"user {USER} (uid {self.uid})" if self.uid is not None else "the grader's user"
        if self.bubblewrap:
            return (f"bubblewrap (no network but lab 10's QEMU, behind the grader's guard; own PID namespace, only its "
                    f"scratch directory writable, the grader's tree not mounted), as {user}")
        return f"a separate user only: {user}, which can read no grader file (no bubblewrap here)"

    def command(self, argv: Sequence[str], cwd: Path, writable: Sequence[Path] = (),
                readable: Sequence[Path] = (), network: bool = False) -> list[str]:
        """argv as it must be started: inside bubblewrap with exactly these paths
        (and the host's network only when asked: lab 10's QEMU, whose guest's frames
        pass grade/netguard.py's guard)."""
        if not self.bubblewrap:
            return list(argv)
        cmd = ["bwrap", "--unshare-all", *(["--share-net"] if network else []), "--die-with-parent", "--new-session", "--cap-drop", "ALL",
               "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
               "--tmpfs", "/var/tmp",      # QEMU's snapshot=on overlays
               "--hostname", "cairn-sandbox"]
        for name in TOP_LINKS:
            top = Path("/") / name
            if top.is_symlink():
                cmd += ["--symlink", os.readlink(top), str(top)]
            elif top.is_dir():
                cmd += ["--ro-bind", str(top), str(top)]
        for path in ETC:
            cmd += ["--ro-bind-try", path, path]
        for path in readable:
            cmd += ["--ro-bind", str(path), str(path)]
        for path in writable:
            cmd += ["--bind", str(path), str(path)]
        return cmd + ["--chdir", str(cwd), "--", *argv]

    def preexec(self, file_bytes: int | None = FILE_BYTES) -> Callable[[], None]:
        """For Popen: bounded files (None: QEMU, whose disks the grader sized) and
        processes, no core dumps, and the code's own user."""
        uid, gid = self.uid, self.gid

        def enter() -> None:
            if file_bytes is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            if uid is not None and gid is not None:
                resource.setrlimit(resource.RLIMIT_NPROC, (PROCESSES, PROCESSES))
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)
        return enter

    def grant(self, path: Path) -> None:
        """Let the code's user write `path` and what is in it (nothing to do when it is ours)."""
        if self.uid is None:
            return
        for p in [path, *path.rglob("*")]:
            os.lchown(p, self.uid, self.gid if self.gid is not None else -1)

    def show(self, path: Path) -> None:
        """Let the code's user open the files in directory `path` it is told the names of."""
        if self.uid is not None:
            os.chmod(path, path.stat().st_mode | 0o001)

    def popen(self, argv: Sequence[str], cwd: Path, writable: Sequence[Path] = (),
              readable: Sequence[Path] = (), file_bytes: int | None = FILE_BYTES,
              network: bool = False, extra_env: dict[str, str] | None = None,
              **kwargs: object) -> subprocess.Popen[bytes]:
        """Start argv in the sandbox, in its own session, with a clean environment
        (plus extra_env)."""
        cmd = self.command(argv, cwd, writable, readable, network)
        return subprocess.Popen(cmd, cwd=cwd, env={**ENV, **(extra_env or {})},  # type: ignore[call-overload]
                                start_new_session=True,
                                preexec_fn=self.preexec(file_bytes), **kwargs)


def probe(box: Sandbox) -> bool:
    """Does bubblewrap work here (namespaces may be forbidden in a container)?"""
    try:
        proc = box.popen(["/usr/bin/true"], Path("/"), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return proc.wait(timeout=30) == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


SECRETS = (ROOT / "grade" / "hidden" / "__init__.py", ROOT / "grade" / "cli.py")


def grader_readable_by(box: Sandbox, secrets: Sequence[Path] = SECRETS) -> Path | None:
    """A grader file the code's user could read (None: none of those that matter)."""
    for path in secrets:
        proc = subprocess.run(["test", "-r", str(path)], preexec_fn=box.preexec())
        if proc.returncode == 0:
            return path
    return None


def choose() -> Sandbox:
    """The strongest sandbox this machine allows, or SandboxUnavailable saying why."""
    forced = os.environ.get("CAIRN_SANDBOX", "")
    if forced not in ("", "bubblewrap", "user"):
        raise SandboxUnavailable(f"CAIRN_SANDBOX={forced}: the kinds are bubblewrap and user")
    uid = gid = None
    if os.geteuid() == 0:
        who = pwd.getpwnam(USER)
        uid, gid = who.pw_uid, who.pw_gid
    if forced != "user" and shutil.which("bwrap") and probe(Sandbox(True, uid, gid)):
        return Sandbox(True, uid, gid)
    if forced == "bubblewrap":
        raise SandboxUnavailable("CAIRN_SANDBOX=bubblewrap, but bubblewrap does not run here")
    if uid is None:
        raise SandboxUnavailable(
            "a submission's code runs only in a sandbox, and this machine has none: install "
            "bubblewrap (make deps does), or grade as root, which runs the code as user "
            f"{USER}")
    box = Sandbox(False, uid, gid)
    leak = grader_readable_by(box)
    if leak:
        raise SandboxUnavailable(
            f"without bubblewrap a submission's code runs as user {USER}, who can read {leak}: "
            f"make the grader's tree private (chmod -R go-rwx {ROOT}; the autograder's setup.sh "
            "does) or install bubblewrap")
    return box


CURRENT: Sandbox | None = None   # set by the grader when it grades a submission's tree
