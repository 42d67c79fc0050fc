"""Hidden lab 4 test: a disk on all four positions (the visible tests always
leave one empty or put a CD-ROM there), reads spread over them, one write."""
from __future__ import annotations

from grade.core import Ctx, test
from grade.labs.lab4 import NREADS, Scenario


@test(lab=4, name="four-disks", points=5, hidden=True)
def four_disks(ctx: Ctx) -> None:
    s = Scenario(ctx)
    for pos in s.free_positions():
        s.add_disk(pos, s.random_disk_sectors())
    reads = s.some_reads(NREADS, past_end=True)
    s.boot_and_check(reads, s.some_write(reads))
