"""Cairn's grader: boots each stage in QEMU (or Bochs), drives it with a seeded
scenario, and diffs its serial log against the expected one. Entry point:
`python3 -m grade --help`."""
