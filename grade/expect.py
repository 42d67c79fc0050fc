"""expect.py - expected serial logs: sections, placeholders, wildcards, diffs.

A file grade/expected/labN.log holds sections:

    === name ===
    literal line with ${value}
    ${*} matches any text within a line
    ${**}            (alone on a line) matches any number of lines
    ${>other}        (alone on a line) includes section "other"; ${>lab0.boot} another file's

`render` fills values into a section; `match` checks a log against it and
`diff` shows where they part, as a unified diff in which what the wildcards
matched is context, never a difference; `waiting_for` names the first line a
log cut short never reached.
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
                                   f"matches {self.lines[i]!r} (any lines may come between; "
                                   f"the diff below marks it where it fits best)")
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

    def waiting_for(self, actual: list[str]) -> str | None:
        """For a log cut short (a hang): the first expected line it never reached,
        after the furthest point any prefix of the log matches; None when the
        log went through the whole pattern."""
        n = len(self.lines)

        def closure(states: set[int]) -> set[int]:
            out = set(states)
            for i in sorted(states):
                while i < n and self.regexes[i] is None:     # ${**} may match nothing
                    i += 1
                    out.add(i)
            return out

        states = closure({0})
        furthest = max(states)
        for line in actual:
            nxt = {i for i in states if i < n and self.regexes[i] is None}
            nxt |= {i + 1 for i in states if i < n and self.line_matches(i, line)}
            states = closure(nxt)
            if not states:
                break
            furthest = max(furthest, max(states))
        while furthest < n and self.regexes[furthest] is None:
            furthest += 1
        return self.lines[furthest] if furthest < n else None

    def align(self, actual: list[str]) -> list[tuple[str, str]]:
        """The cheapest alignment of the log with the pattern, as (op, line) pairs:
        "=" a log line that an expected line or a wildcard matched, "-" an expected
        line missing from the log, "+" a log line not expected. A line changed in
        place (one "-" and one "+") costs as much as one missing; a line a ${**}
        takes costs almost nothing, so a wildcard is never shown as a difference
        and never swallows the line that differs."""
        n, m = len(self.lines), len(actual)
        edit, absorb = 1000, 1
        # cost[i][j]: aligning lines[i:] with actual[j:].
        cost = [[0] * (m + 1) for _ in range(n + 1)]
        for j in range(m + 1):
            cost[n][j] = (m - j) * edit
        for i in range(n - 1, -1, -1):
            row, below = cost[i], cost[i + 1]
            if self.regexes[i] is None:
                row[m] = below[m]
                for j in range(m - 1, -1, -1):
                    row[j] = min(below[j], row[j + 1] + absorb)
                continue
            row[m] = below[m] + edit
            for j in range(m - 1, -1, -1):
                pair = below[j + 1] + (0 if self.line_matches(i, actual[j]) else edit)
                row[j] = min(pair, below[j] + edit, row[j + 1] + edit)
        ops: list[tuple[str, str]] = []
        i = j = 0
        while i < n or j < m:
            here = cost[i][j]
            if i == n:
                ops.append(("+", actual[j]))
                j += 1
            elif self.regexes[i] is None:
                if cost[i + 1][j] == here:     # the wildcard ends as early as it can
                    i += 1
                else:
                    ops.append(("=", actual[j]))
                    j += 1
            elif j < m and self.line_matches(i, actual[j]) and cost[i + 1][j + 1] == here:
                ops.append(("=", actual[j]))
                i, j = i + 1, j + 1
            elif j < m and cost[i + 1][j + 1] + edit == here:
                ops += [("-", self.lines[i]), ("+", actual[j])]
                i, j = i + 1, j + 1
            elif cost[i + 1][j] + edit == here:
                ops.append(("-", self.lines[i]))
                i += 1
            else:
                ops.append(("+", actual[j]))
                j += 1
        return ops


MAX_ALIGN_CELLS = 4_000_000     # a flood's log against a long section: diff its tail only


def diff(pattern: Pattern, actual: list[str], max_lines: int = 60, context: int = 2) -> str:
    """Expected against actual, headed by the first difference, in unified-diff
    hunks. Lines a wildcard matched are context (shown as the log has them), never
    a difference, so the first "-" or "+" is the first real difference."""
    shown = actual
    if len(pattern.lines) * len(actual) > MAX_ALIGN_CELLS:
        shown = actual[-(MAX_ALIGN_CELLS // max(1, len(pattern.lines))):]
    ops = pattern.align(shown)
    changed = [k for k, (op, _) in enumerate(ops) if op != "="]
    out = [pattern.first_difference(actual), "--- expected", "+++ actual"]
    body: list[str] = []
    k = 0
    while k < len(changed):
        first = last = changed[k]
        while k + 1 < len(changed) and changed[k + 1] - last <= 2 * context + 1:
            k += 1
            last = changed[k]
        lo, hi = max(0, first - context), min(len(ops), last + context + 1)
        line_no = sum(1 for op, _ in ops[:lo] if op != "-") + 1 + len(actual) - len(shown)
        body.append(f"@@ actual line {line_no} @@")
        body += [(" " if op == "=" else op) + text for op, text in ops[lo:hi]]
        k += 1
    out += body[:max_lines]
    if len(body) > max_lines:
        out.append(f"... ({len(body) - max_lines} more diff lines)")
    return "\n".join(out)


def lines_diff(want: list[str], got: list[str]) -> str:
    """Lines a test picked out of a log against the exact lines it wanted, as a
    unified diff (no wildcards: for a pattern, use `diff`)."""
    return "\n".join(difflib.unified_diff(want, got, "expected", "actual", lineterm=""))
