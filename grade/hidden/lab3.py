"""Hidden lab 3 test: the most timers the stage takes (6), one of them due
every tick, so that every tick has ties and the timer queue is never empty.
QEMU paths only: with a period of one tick, only virtual time (VIRTUAL_TIME)
keeps a correct executor from ever being a period behind; Bochs runs in real
time and, loaded, is."""
from __future__ import annotations

from grade.core import VIRTUAL_TIME, Ctx, test
from grade.labs.lab3 import timer_lines


@test(lab=3, name="six-timers", points=5, paths=("kernel", "iso", "floppy"), hidden=True)
def six_timers(ctx: Ctx) -> None:
    periods = [1] + [ctx.rng.randint(2, 9) for _ in range(5)]
    ctx.rng.shuffle(periods)
    horizon = ctx.rng.randint(12, 20)
    r = ctx.boot(args=["hz=100", "periods=" + ",".join(map(str, periods)),
                       f"horizon={horizon}", "children=0", "idle=1"], qemu_args=VIRTUAL_TIME)
    ctx.expect_lines(r, "timers", ntimers=len(periods), horizon=horizon)
    ctx.expect_filtered(r, "timer ", timer_lines(periods, horizon))
    ctx.expect(r, "run", hz=100)
