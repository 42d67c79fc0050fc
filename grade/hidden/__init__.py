"""Hidden tests: grade/hidden/labN.py registers tests that run in `make grade` and
in the autograder, but are not in the student handout. Every test registered
here is hidden (its results carry "visibility": "after_published" for
Gradescope); each covers a scenario the visible tests of its lab do not."""
