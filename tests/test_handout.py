"""Tests of tools/handout.py's marker syntax (run by `make test`)."""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from handout import MarkerError, strip_text  # noqa: E402

C_SRC = """int f(void)
{
    /* LAB 2: BEGIN SOLUTION */
    return 42;
    /* LAB 2: STUB
    panic("lab2: f not implemented");
    LAB 2: END SOLUTION */
}
/* LAB 3: BEGIN SOLUTION */
static int helper(void) { return 1; }
/* LAB 3: END SOLUTION */
"""

PY_SRC = """def f():
    # LAB 4: BEGIN SOLUTION
    return 42
    # LAB 4: STUB
    # raise NotImplementedError("lab4")
    # LAB 4: END SOLUTION
"""


class StripTest(unittest.TestCase):
    def test_c_stub_replaces_solution(self) -> None:
        out, seen = strip_text(C_SRC, "f.c", None)
        self.assertEqual(seen, {2, 3})
        self.assertNotIn("return 42", out)
        self.assertNotIn("helper", out)
        self.assertIn('    /* LAB 2: your code here */\n    panic("lab2: f not implemented");\n', out)
        self.assertIn("/* LAB 3: your code here */\n", out)     # a block without a stub too
        self.assertNotIn("SOLUTION", out)

    def test_only_chosen_labs_are_stripped(self) -> None:
        out, _ = strip_text(C_SRC, "f.c", {3})
        self.assertIn("return 42", out)
        self.assertNotIn("helper", out)
        self.assertIn("LAB 2: BEGIN SOLUTION", out)     # untouched, markers and all

    def test_unstripped_text_is_unchanged(self) -> None:
        self.assertEqual(strip_text(C_SRC, "f.c", set())[0], C_SRC)

    def test_python_stub_is_uncommented(self) -> None:
        out, _ = strip_text(PY_SRC, "f.py", None)
        self.assertEqual(out, 'def f():\n    # LAB 4: your code here\n'
                              '    raise NotImplementedError("lab4")\n')

    def test_unclosed_block_is_an_error(self) -> None:
        with self.assertRaisesRegex(MarkerError, "never closed"):
            strip_text("/* LAB 1: BEGIN SOLUTION */\nx\n", "g.c", None)

    def test_mismatched_lab_is_an_error(self) -> None:
        with self.assertRaisesRegex(MarkerError, "closes LAB 1"):
            strip_text("/* LAB 1: BEGIN SOLUTION */\n/* LAB 2: END SOLUTION */\n", "g.c", None)

    def test_stray_end_is_an_error(self) -> None:
        with self.assertRaisesRegex(MarkerError, "outside"):
            strip_text("/* LAB 1: END SOLUTION */\n", "g.c", None)


if __name__ == "__main__":
    unittest.main()
