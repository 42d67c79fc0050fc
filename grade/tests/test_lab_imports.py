"""A lab's tests take shared helpers from shared modules (grade/keyboard.py, grade/drives.py,
grade/labs/fatvol.py, grade/core.py), never from another lab's test file: a lab's file is
its specification, and an edit there must not change what another lab grades. A hidden
test file (grade/hidden/labN.py), and a lab's second file (grade/labs/labNweb.py), may
import its own lab's visible file, nothing else's."""
from __future__ import annotations

import ast
import re
import unittest
from pathlib import Path

from grade.core import ROOT

LAB_MODULE = re.compile(r"^grade\.(?:labs|hidden)\.lab(\d+)$")


def lab_imports(text: str) -> list[tuple[int, str]]:
    """(line, module) of every import of a lab's test module (grade.labs.labN,
    grade.hidden.labN), in either import form."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [(node.lineno, n) for n in names if LAB_MODULE.match(n)]
    return found


def foreign_lab_imports(path: Path) -> list[str]:
    """The imports in a lab's test file of a test file that is not its own lab's visible one
    (a hidden file, or another file of the same lab: lab10web.py may use lab10.py's boot)."""
    own = int(re.match(r"lab(\d+)", path.stem).group(1))  # type: ignore[union-attr]
    sibling = path.parent.name == "hidden" or path.stem != f"lab{own}"
    allowed = {f"grade.labs.lab{own}"} if sibling else set()
    return [f"{path.relative_to(ROOT)}:{line}: imports {module}"
            for line, module in lab_imports(path.read_text())
            if module not in allowed]


class LabImports(unittest.TestCase):
    def test_no_lab_imports_another_labs_test_file(self) -> None:
        files = sorted([*(ROOT / "grade" / "labs").glob("lab*.py"),
                        *(ROOT / "grade" / "hidden").glob("lab*.py")])
        self.assertGreater(len(files), 8)
        found = [f for p in files for f in foreign_lab_imports(p)]
        self.assertEqual(found, [], "move the helper to a shared module")

    def test_the_check_finds_every_form_of_import(self) -> None:
        text = ("from grade.labs.lab7 import position\nimport grade.labs.lab2\n"
                "from grade.labs import lab3\nfrom grade.drives import position\n")
        self.assertEqual([m for _, m in lab_imports(text)],
                         ["grade.labs.lab7", "grade.labs.lab2", "grade.labs.lab3"])


if __name__ == "__main__":
    unittest.main()
