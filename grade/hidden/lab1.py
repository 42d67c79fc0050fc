"""Hidden lab 1 test: ticks at a PIT rate above the visible tests' range
(2001-10000 Hz, a divisor of 119 to 596), where an off-by-one divisor or a
tick handler that is too slow shows up."""
from __future__ import annotations

from grade.core import Ctx, test
from grade.labs.lab1 import boot, check_wakeups, tick_values


@test(lab=1, name="fast-ticks", points=5, hidden=True)
def fast_ticks(ctx: Ctx) -> None:
    hz = ctx.rng.randint(2001, 10000)
    n = ctx.rng.randint(50, 300)
    r = boot(ctx, [f"hz={hz}", f"ticks={n}"])     # virtual time: no tick lost to host load
    ctx.expect(r, "ticks", **tick_values(ctx, n, hz))
    check_wakeups(ctx, r.log, n)
