"""The expected-log templates: placeholders, wildcards, includes, the diff."""
import unittest

from grade import expect
from grade.expect import Pattern


class PatternTest(unittest.TestCase):
    def test_literal_lines_must_match_exactly(self) -> None:
        p = Pattern(["a", "b"])
        self.assertTrue(p.match(["a", "b"]))
        self.assertFalse(p.match(["a", "b", "c"]))
        self.assertFalse(p.match(["a"]))

    def test_wildcards(self) -> None:
        p = Pattern(["x ${*} y", "${**}", "end"])
        self.assertTrue(p.match(["x 1 2 y", "end"]))
        self.assertTrue(p.match(["x  y", "q", "r", "end"]))
        self.assertFalse(p.match(["x 1 z", "end"]))

    def test_regex_characters_are_literal(self) -> None:
        self.assertFalse(Pattern(["a.c"]).match(["abc"]))
        self.assertTrue(Pattern(["[0x10] (ok)"]).match(["[0x10] (ok)"]))

    def test_in_order(self) -> None:
        p = Pattern(["b", "d"])
        self.assertEqual(p.match_in_order(["a", "b", "c", "d"]), -1)
        self.assertEqual(p.match_in_order(["d", "b"]), 1)

    def test_diff_points_at_the_first_difference(self) -> None:
        d = expect.diff(Pattern(["one", "two", "three"]), ["one", "2", "three"])
        self.assertTrue(d.startswith("first difference at actual line 2: expected 'two', got '2'"), d)
        self.assertIn("-two", d)
        self.assertIn("+2", d)

    def test_a_matched_wildcard_is_never_a_difference(self) -> None:
        p = Pattern(["start", "${**}", "value ${*} here", "${**}", "end"])
        d = expect.diff(p, ["start", "noise", "value 7 here", "more", "more", "END"])
        changes = [l for l in d.splitlines()[3:] if l[:1] in "+-"]
        self.assertEqual(changes, ["-end", "+END"], d)
        self.assertNotIn("${", d.split("\n", 1)[1])

    def test_waiting_for_names_the_first_line_never_reached(self) -> None:
        p = Pattern(["a", "${**}", "b", "c ${*}", "${**}", "d"])
        self.assertEqual(p.waiting_for(["a", "x", "b"]), "c ${*}")
        self.assertEqual(p.waiting_for(["a", "x"]), "b")
        self.assertEqual(p.waiting_for(["a", "b", "c 1", "zz"]), "d")
        self.assertIsNone(p.waiting_for(["a", "b", "c 1", "d"]))

    def test_first_difference_after_a_wildcard(self) -> None:
        p = Pattern(["a", "${**}", "z"])
        self.assertIn("no line after actual line 1 matches 'z'", p.first_difference(["a", "b", "y"]))
        self.assertIn("the log ends after line 1", Pattern(["a", "b"]).first_difference(["a"]))
        self.assertIn("more than expected: 'c'", Pattern(["a"]).first_difference(["a", "c"]))

    def test_render_includes_and_values(self) -> None:
        lines = expect.render("lab0", "banner", {"stage": 0, "stage_name": "core",
                                                "loader": "qemu", "tag": "xyz"})
        self.assertEqual(lines[0], "Cairn stage 0 (core), booted by qemu")
        self.assertIn('command line: "grade tag=xyz"', lines)

    def test_missing_value_is_an_error(self) -> None:
        with self.assertRaises(expect.TemplateError):
            expect.render("lab0", "banner", {})


if __name__ == "__main__":
    unittest.main()
