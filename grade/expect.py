"""expect.py - expected serial logs: sections, placeholders, wildcards, diffs.

A file grade/expected/labN.log holds sections:

    === name ===
    literal line with ${value}
    ${*} matches any text within a line
    ${**}            (alone on a line) matches any number of lines
    ${>other}        (alone on a line) includes section "other"; ${>lab0.boot} another file's

`render` fills values into a section; `match` checks a log against it and
`diff` shows where they part, as a unified diff whose lines the wildcards
already matched are shown as the template wrote them.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

EXPECTED_DIR = Path(__file__).resolve().parent / "expected"
SECTION_RE = re.compile(r"^=== (\S+) ===$")
PLACEHOLDER_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
INCLUDE_RE = re.compile(r"^\$\{>([A-Za-z0-9_]+)(?:\.([A-Za-z0-9_-]+))?\}$")
ANY_LINES = "${**}"
ANY_TEXT = "${*}"


class TemplateError(Exception):
    pass


@lru_cache(maxsize=None)
def load_sections(lab_file: str) -> dict[str, list[str]]:
    path = EXPECTED_DIR / f"{lab_file}.log"
    if not path.exists():
        raise TemplateError(f"{path} does not exist")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text().splitlines():
        m = SECTION_RE.match(line)
        if m:
            current = sections.setdefault(m.group(1), [])
        elif current is not None:
            current.append(line)
    for lines in sections.values():        # blank lines between sections are layout
        while lines and not lines[-1].strip():
            lines.pop()
    return sections


def render(lab_file: str, section: str, values: dict[str, Any], _depth: int = 0) -> list[str]:
    """The section's lines with includes expanded and ${value}s filled in."""
    if _depth > 10:
        raise TemplateError(f"includes nested too deep at {lab_file}.{section}")
    sections = load_sections(lab_file)
    if section not in sections:
        raise TemplateError(f"no section '=== {section} ===' in grade/expected/{lab_file}.log")
    out: list[str] = []
    for line in sections[section]:
        inc = INCLUDE_RE.match(line.strip())
        if inc:
            other_file, other_section = (inc.group(1), inc.group(2)) if inc.group(2) \
                else (lab_file, inc.group(1))
            out += render(other_file, other_section, values, _depth + 1)
            continue

        def fill(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in values:
                raise TemplateError(f"{lab_file}.{section}: no value for ${{{name}}}")
            return str(values[name])
        out.append(PLACEHOLDER_RE.sub(fill, line))
    return out


def _line_regex(line: str) -> re.Pattern[str]:
    parts = line.split(ANY_TEXT)
    return re.compile(".*".join(re.escape(p) for p in parts) + r"\Z", re.S)


@dataclass
class Pattern:
    """A rendered template, ready to match."""
    lines: list[str]

    def __post_init__(self) -> None:
        self.regexes = [None if l == ANY_LINES else _line_regex(l) for l in self.lines]

    def line_matches(self, i: int, actual: str) -> bool:
        rx = self.regexes[i]
        return rx is not None and rx.match(actual) is not None

    def _walk(self, actual: list[str]) -> tuple[bool, str]:
        """Match the whole log; on a mismatch, say where the first difference is."""
        n, m = len(self.lines), len(actual)
        # reach[j]: the pattern so far can end just before actual[j].
        reach = [False] * (m + 1)
        reach[0] = True
        for i in range(n):
            nxt = [False] * (m + 1)
            if self.regexes[i] is None:
                seen = False
                for j in range(m + 1):
                    seen = seen or reach[j]
                    nxt[j] = seen
            else:
                for j in range(m):
                    if reach[j] and self.line_matches(i, actual[j]):
                        nxt[j + 1] = True
            if not any(nxt):
                j = reach.index(True)
                if j == m:
                    return False, (f"first difference: the log ends after line {m}; "
                                   f"expected {self.lines[i]!r}")
                if i > 0 and self.regexes[i - 1] is None:
                    return False, (f"first difference: no line after actual line {j} "
                                   f"matches {self.lines[i]!r}")
                return False, (f"first difference at actual line {j + 1}: "
                               f"expected {self.lines[i]!r}, got {actual[j]!r}")
            reach = nxt
        if reach[m]:
            return True, ""
        j = max(k for k in range(m + 1) if reach[k])
        return False, f"first difference: actual line {j + 1} is more than expected: {actual[j]!r}"

    def match(self, actual: list[str]) -> bool:
        """The whole log against the whole pattern (${**} may span lines)."""
        return self._walk(actual)[0]

    def first_difference(self, actual: list[str]) -> str:
        return self._walk(actual)[1]

    def match_in_order(self, actual: list[str]) -> int:
        """For "these lines appear in this order": the index of the first pattern
        line not found, or -1 when all were."""
        j = 0
        for i, rx in enumerate(self.regexes):
            if rx is None:
                continue
            while j < len(actual) and not rx.match(actual[j]):
                j += 1
            if j == len(actual):
                return i
            j += 1
        return -1

    def normalise(self, actual: list[str]) -> list[str]:
        """Actual lines, with each one a wildcard line matches replaced by that
        template line, so the diff shows only real differences."""
        out = []
        for line in actual:
            for i, tmpl in enumerate(self.lines):
                if ANY_TEXT in tmpl and self.line_matches(i, line):
                    line = tmpl
                    break
            out.append(line)
        return out


def diff(pattern: Pattern, actual: list[str], max_lines: int = 60) -> str:
    """A unified diff, expected against actual, headed by the first difference."""
    got = pattern.normalise(actual)
    lines = list(difflib.unified_diff(pattern.lines, got, "expected", "actual",
                                      lineterm="", n=2))
    out = [pattern.first_difference(actual)] + lines[:max_lines]
    if len(lines) > max_lines:
        out.append(f"... ({len(lines) - max_lines} more diff lines)")
    return "\n".join(out)
