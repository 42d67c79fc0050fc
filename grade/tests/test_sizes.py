"""The grader's Python keeps to the size rule the kernel keeps (tests/test_build_rules.py:
no C function over 50 lines): no function of grade/ or tools/*.py over 60 lines, so that
each reads in one screen and a long one is split into named steps.

A function's lines are counted from its `def` to its last line, less its docstring,
blank lines and lines that are only a comment: the rule is about how much a reader
must hold at once, and comments that say why should never push a function over it.
"""
from __future__ import annotations

import ast
import unittest
from pathlib import Path

from grade.core import ROOT

MAX_FUNCTION_LINES = 60


def sources() -> list[Path]:
    """Every Python file of the grader (hidden tests and self-tests too) and of tools/."""
    return sorted([*(ROOT / "grade").rglob("*.py"), *(ROOT / "tools").glob("*.py")])


def docstring_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[int]:
    first = node.body[0] if node.body else None
    if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)):
        return set(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return set()


def function_lines(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> int:
    """The lines a function holds, without its docstring, blank and comment-only lines."""
    skip = docstring_lines(node)
    return sum(1 for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)
               if n not in skip and lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#"))


def long_functions(text: str, limit: int) -> list[tuple[str, int, int]]:
    """(name, line of its def, length) of every function longer than `limit`, nested
    functions and methods included (each measured on its own, and inside its parent)."""
    lines = text.splitlines()
    return [(node.name, node.lineno, n) for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and (n := function_lines(node, lines)) > limit]


class Sizes(unittest.TestCase):
    def test_no_grader_or_tool_function_is_over_60_lines(self) -> None:
        long = [f"{p.relative_to(ROOT)}:{line}: {name} ({n} lines)" for p in sources()
                for name, line, n in long_functions(p.read_text(), MAX_FUNCTION_LINES)]
        self.assertEqual(long, [], f"split these into named steps (at most {MAX_FUNCTION_LINES} lines)")

    def test_the_measure_finds_a_long_function(self) -> None:
        body = ["    x = 1"] * 58
        text = "\n".join(["def f(a: int,", "      b: int) -> int:", *body, "    return x", ""])
        self.assertEqual(long_functions(text, 60), [("f", 1, 61)])
        self.assertEqual(long_functions(text, 61), [])

    def test_docstrings_comments_and_blank_lines_do_not_count(self) -> None:
        text = "\n".join(["class C:", "    async def g(self) -> None:", '        """Why:',
                          "        at length.", '        """', "", "        # because",
                          *["        await h()"] * 60, ""])
        self.assertEqual(long_functions(text, 60), [("g", 2, 61)])
        self.assertEqual(long_functions(text.replace("await h()", "# h()", 1), 60), [])

    def test_every_file_was_measured(self) -> None:
        names = {p.relative_to(ROOT).as_posix() for p in sources()}
        self.assertTrue({"grade/runner.py", "grade/labs/lab4.py", "tools/bochs.py"} <= names, names)


if __name__ == "__main__":
    unittest.main()
