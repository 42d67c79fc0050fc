"""The grader's own tests (make grader-tests), run with -W error: a warning is a
failure. A ResourceWarning for a pipe or socket left open is raised when the
object is collected, where no test can catch it: it is recorded here instead,
and test_zz_resources (discovered last) fails if any was."""
from __future__ import annotations

import sys
from typing import Any

UNRAISABLE: list[str] = []


def _record(unraisable: Any) -> None:
    UNRAISABLE.append(f"{unraisable.exc_type.__name__}: {unraisable.exc_value}")
    sys.__unraisablehook__(unraisable)


sys.unraisablehook = _record
