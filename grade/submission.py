"""submission.py - what the grader takes from an untrusted submission: its lab sources.

A submission is a student's repository, a tarball or zip of it, or just its
labs/ folder. Only the .c, .h and .S files of each labs/labN-*/ directory and
of its include/ (the lab's public headers), labs/labN-*/ANSWERS.md (kept for
the report) and the repository's .use-reference (which labs the student built
from reference objects) are read; everything else the student sent (Makefile,
lab.mk, grade/, tools/, results.json, symlinks, build outputs) is ignored and
listed. When two folders claim one lab (labs/lab1-backup/ beside
labs/lab1-interrupts/), the one the kit names is taken and the other listed.

Each source is checked before anything is built: an #include by an absolute
path, or by a relative one that leaves its lab directory, a computed #include,
`#pragma GCC dependency`, `__has_include` and the assembler's .incbin/.include
are refused with a message naming the file and line. This is the second wall:
the first is that the build runs in a sandbox (grade/sandbox.py) that has no
file of the grader or of the machine beyond /usr to read.
"""
from __future__ import annotations

import posixpath
import re
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

LAB_DIR = re.compile(r"^lab(\d+)-[A-Za-z0-9_.-]+$")
PUBLIC = "include"              # a lab's public headers: labs/labN-*/include/*.h
REFERENCE_FILE = ".use-reference"
REFERENCE_NAME = re.compile(r"lab(\d+)")
SOURCE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(c|h|S)$")
ANSWERS = "ANSWERS" + ".md"   # a lab's written answers (spelt so: not a document of this tree)
MAX_FILE_BYTES = 1 << 20        # one source file
MAX_TOTAL_BYTES = 16 << 20      # every source file of a submission
MAX_FILES = 400
# A preprocessing directive that reads a file: #include, #include_next, #import,
# #embed (also spelt with the %: digraph); its operand is checked.
DIRECTIVE = re.compile(r"^[ \t]*(?:#|%:)[ \t]*(include_next|include|import|embed)\b[ \t]*(.*)$", re.M)
# Other ways the preprocessor opens a file by name; their operands are checked as an
# #include's (the kit itself asks __has_include("thread.h")).
PROBES = (("__has_include", re.compile(r"__has_include(?:_next)?\s*\(\s*([^)\n]*)\)")),
          ("#pragma GCC dependency", re.compile(r"GCC\W+dependency\s+(\S[^\n]*)")))
# The assembler reads files too; in .S or in inline asm strings (even split
# across literals or pasted by macros), so these are looked for in the text
# with everything but letters removed.
ASM_READS = ("incbin", "include")


@dataclass
class Submission:
    labs: dict[int, dict[str, bytes]] = field(default_factory=dict)    # lab -> file -> text
    answers: dict[int, bytes] = field(default_factory=dict)
    dir_names: dict[int, str] = field(default_factory=dict)            # lab -> the student's dir
    refused: dict[int, list[str]] = field(default_factory=dict)        # lab -> why (per file)
    use_reference: set[int] = field(default_factory=set)               # .use-reference's labs
    notes: list[str] = field(default_factory=list)                     # what was ignored, and why


class SubmissionError(Exception):
    """The submission cannot be read at all (not found, not an archive)."""


# ---- walking a directory, a tarball or a zip the same way ----------------------

Entry = tuple[tuple[str, ...], int, Callable[[], bytes], str]    # parts, size, read, kind


def dir_entries(root: Path) -> Iterator[Entry]:
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if any(p in (".git", "build") for p in rel[:-1]):
            continue
        kind = "symlink" if path.is_symlink() else "file" if path.is_file() else "other"
        size = path.lstat().st_size
        yield rel, size, (lambda p=path: p.read_bytes()), kind


def wanted(parts: tuple[str, ...], size: int) -> bool:
    """Worth reading out of an archive: a lab's file or a .use-reference, of a sane size."""
    return (lab_index(parts) >= 0 or parts[-1:] == (REFERENCE_FILE,)) and size <= MAX_FILE_BYTES


def archived(parts: tuple[str, ...], size: int, read: Callable[[], bytes]) -> Callable[[], bytes]:
    """An archive closes when its walk ends: what will be read is read now."""
    data = read() if wanted(parts, size) else b""
    return lambda: data


def tar_entries(path: Path) -> Iterator[Entry]:
    with tarfile.open(path) as tar:
        for m in tar:
            parts = tuple(m.name.split("/"))
            kind = "file" if m.isreg() else "symlink" if m.issym() or m.islnk() else "other"
            read = (lambda m=m: tar.extractfile(m).read()) if kind == "file" else (lambda: b"")  # type: ignore[union-attr]
            yield parts, m.size, archived(parts, m.size, read), kind


def zip_entries(path: Path) -> Iterator[Entry]:
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            parts = tuple(info.filename.split("/"))
            kind = "other" if info.is_dir() else "file"
            yield parts, info.file_size, archived(parts, info.file_size, lambda i=info: z.read(i)), kind


def entries_of(path: Path) -> Iterator[Entry]:
    if path.is_dir():
        return dir_entries(path)
    if not path.is_file():
        raise SubmissionError(f"{path}: no such file or directory")
    if tarfile.is_tarfile(path):
        return tar_entries(path)
    if zipfile.is_zipfile(path):
        return zip_entries(path)
    raise SubmissionError(f"{path}: not a directory, a tarball or a zip")


def safe_parts(parts: tuple[str, ...]) -> bool:
    return all(p not in ("", ".", "..") for p in parts) and not parts[0].startswith("/")


# ---- reading ---------------------------------------------------------------------

def lab_index(parts: tuple[str, ...]) -> int:
    """Where the labN-* folder is in a lab file's path (-1: not a lab file):
    labs/labN-x/FILE or labs/labN-x/include/FILE."""
    if len(parts) >= 2 and LAB_DIR.match(parts[-2]):
        return len(parts) - 2
    if len(parts) >= 3 and parts[-2] == PUBLIC and LAB_DIR.match(parts[-3]):
        return len(parts) - 3
    return -1


def pick_dirs(found: list[tuple[tuple[str, ...], int, Callable[[], bytes], str, int]],
              kit: dict[int, str], notes: list[str]) -> dict[int, str]:
    """The one folder of each lab: the kit's own name when it is there, else the
    only one; every other folder is listed as ignored."""
    names: dict[int, set[str]] = {}
    for parts, _, _, _, i in found:
        names.setdefault(int(LAB_DIR.match(parts[i]).group(1)), set()).add(parts[i])  # type: ignore[union-attr]
    out = {}
    for lab, dirs in sorted(names.items()):
        want = kit.get(lab)
        chosen = want if want in dirs else next(iter(dirs)) if len(dirs) == 1 else None
        if chosen is None:
            notes.append(f"lab {lab}: ignored: {len(dirs)} folders ({', '.join(sorted(dirs))}) and "
                         f"none is the kit's {want}/: keep one")
            continue
        out[lab] = chosen
        notes += [f"labs/{d}/: ignored: lab {lab} is {chosen}/" for d in sorted(dirs - {chosen})]
    return out


def reference_labs(text: bytes) -> set[int]:
    """The labs a .use-reference names (make use-reference LABS=lab1,lab2 writes it)."""
    return {int(n) for n in REFERENCE_NAME.findall(text[:4096].decode("utf-8", "replace"))}


def read(path: Path, kit: dict[int, str] | None = None) -> Submission:
    """The lab sources of a submission, checked. Raises SubmissionError only when
    the path is not a submission at all; a bad file is refused and noted.
    `kit` names each lab's folder in the kit (lab -> labN-name)."""
    sub = Submission()
    found, others, ignored = [], {}, 0
    for parts, size, reader, kind in entries_of(path):
        parts = tuple(p for p in parts if p not in ("", "."))
        i = lab_index(parts) if parts and safe_parts(parts) else -1
        if i >= 0:
            found.append((parts, size, reader, kind, i))
        elif parts and kind == "file":
            others[parts] = (size, reader)
            ignored += parts[-1] != REFERENCE_FILE
    if not found:
        raise SubmissionError(f"{path}: no labs/labN-*/ directory with sources in it")
    # The labs/ folder nearest the top: a copy inside (build/handout/...) is not it.
    depth = min(i for *_, i in found)
    ignored += sum(1 for *_, i in found if i != depth)
    found = [f for f in found if f[4] == depth]
    top = found[0][0][:max(0, depth - 1)]
    if top + (REFERENCE_FILE,) in others:
        size, reader = others[top + (REFERENCE_FILE,)]
        sub.use_reference = reference_labs(reader() if size <= MAX_FILE_BYTES else b"")
    sub.dir_names = pick_dirs(found, kit or {}, sub.notes)
    total = 0
    for parts, size, reader, kind, i in found:
        lab = int(LAB_DIR.match(parts[i]).group(1))  # type: ignore[union-attr]
        name, where = "/".join(parts[i + 1:]), "/".join(parts[i:])
        if sub.dir_names.get(lab) != parts[i] or kind == "other":
            continue                        # another folder of the lab (listed), or a directory
        if kind != "file":
            sub.notes.append(f"{where}: ignored: a {kind}, not a regular file")
            continue
        if name == ANSWERS:
            if size <= MAX_FILE_BYTES:
                sub.answers[lab] = reader()
            continue
        if not SOURCE_NAME.match(parts[-1]) or (len(parts) - i == 3 and not name.endswith(".h")):
            ignored += 1
            continue
        total += size
        if size > MAX_FILE_BYTES or total > MAX_TOTAL_BYTES or sum(map(len, sub.labs.values())) >= MAX_FILES:
            sub.refused.setdefault(lab, []).append(f"{where}: too large (limits: {MAX_FILE_BYTES} bytes "
                                                   f"a file, {MAX_TOTAL_BYTES} in all, {MAX_FILES} files)")
            continue
        data = reader()
        problems = include_problems(parts[i], name, data.decode("utf-8", "replace"))
        if problems:
            sub.refused.setdefault(lab, []).extend(problems)
        sub.labs.setdefault(lab, {})[name] = data
    if ignored:
        sub.notes.append(f"other files ignored: {ignored} (only labs/labN-*/*.c, *.h, *.S, "
                         f"include/*.h, {ANSWERS} and .use-reference are read)")
    return sub


# ---- checking what a source reads --------------------------------------------------

def join_continuations(text: str) -> str:
    """Backslash-newline removed, as the preprocessor's phase 2 does; line numbers
    are kept by adding the newlines back at the end of the joined line."""
    out, pending = [], 0
    for line in text.split("\n"):
        # GCC joins a backslash followed by spaces or a CR too (with a warning).
        if line.rstrip(" \t\r\f\v").endswith("\\"):
            out.append(line.rstrip(" \t\r\f\v")[:-1])
            pending += 1
            continue
        out.append(line + "\n" * (pending + 1))
        pending = 0
    return "".join(out)


def without_comments(text: str) -> str:
    """Comments replaced by a space (newlines kept); string and char literals kept,
    raw strings (R"x(...)x", which GCC takes in C too) among them."""
    pattern = re.compile(r'(?:u8|[uUL])?R"([^()\\\s"]{0,16})\(.*?\)\1"|'
                         r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)

    def repl(m: re.Match[str]) -> str:
        s = m.group(0)
        return s if s[0] in "\"'uUL" or s[0] == "R" else " " + "\n" * s.count("\n")
    return pattern.sub(repl, text)


def operand_problem(lab_dir: str, here: str, operand: str) -> str:
    """Why an #include operand in a file of folder `here` (in lab_dir) is refused, or ''."""
    m = re.match(r'"([^"]*)"|<([^>]*)>', operand)
    if not m:
        return f"a computed #include ({operand.strip()[:60]!r}): name the file in quotes"
    name = m.group(1) if m.group(1) is not None else m.group(2)
    if name.startswith("/"):
        return f'#include of an absolute path ("{name}")'
    if not posixpath.normpath(posixpath.join(here, name)).startswith(lab_dir + "/"):
        return f'#include "{name}" leaves the lab directory {lab_dir}/'
    return ""


def include_problems(lab_dir: str, name: str, text: str) -> list[str]:
    """Every reason to refuse this source (empty: fine)."""
    clean = without_comments(join_continuations(text))
    out = []
    for m in DIRECTIVE.finditer(clean):
        why = operand_problem(lab_dir, posixpath.dirname(f"{lab_dir}/{name}"), m.group(2))
        if why:
            line = clean.count("\n", 0, m.start()) + 1
            out.append(f"{lab_dir}/{name}:{line}: {why}; the build refuses it")
    letters = re.sub(r"[^a-z.]", "", clean.lower())
    for what, probe in PROBES:
        uses = len(re.findall(what.split()[-1].replace("#", ""), clean))
        operands = [m.group(1) for m in probe.finditer(clean)]
        whys = [operand_problem(lab_dir, posixpath.dirname(f"{lab_dir}/{name}"), o) for o in operands]
        if uses > len(operands):
            whys.append(f"{what} without a file name in quotes")
        out += [f"{lab_dir}/{name}: {what}: {w}; the build refuses it" for w in whys if w]
    for word in ASM_READS:
        if "." + word in letters.replace("#", ""):
            out.append(f"{lab_dir}/{name}: the assembler directive .{word} reads a file of the "
                       "grading machine; the build refuses it")
    return out
