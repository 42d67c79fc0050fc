"""Runs last (discovery is alphabetical): no test left a pipe, socket or file
open behind it (see grade/tests/__init__.py)."""
import gc
import unittest

from grade.tests import UNRAISABLE


class NoLeaksTest(unittest.TestCase):
    def test_nothing_was_left_open(self) -> None:
        gc.collect()
        self.assertEqual(UNRAISABLE, [], "warnings raised while objects were collected")


if __name__ == "__main__":
    unittest.main()
