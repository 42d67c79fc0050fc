"""Hidden lab 6 test: the edges the visible tests leave out, in two boots.
  - spinners with a one-tick slice (slice=1), so every tick ends a slice: a
    slice count that is off by one, or never reset at a switch, shows here
    (the visible spin test's slices are 2-10 ms);
  - then, in the same boot and with the same slice, sleeps of 41-300 ms, two
    due on one tick: each longer than the 40 ms the visible sleep test asks
    for, several longer than one one-shot (54 ms), so the idle thread's
    tickless halts end on the sleepers' ticks many times;
  - priorities only at the two ends of the range and one between, each
    several times: bits 0 and 63 of the ready mask and first-come order among
    many equals (the visible prio test draws 0-63 and ties one pair). Its own
    boot, at the default slice: its threads print, and with one-tick slices
    two equals could take turns in the middle of a line (the console has no
    lock).
QEMU paths only, as the visible spin test: the shares are compared on
virtual time."""
from __future__ import annotations

from grade.core import Ctx, test
from grade.labs.lab6 import HANG_TIMEOUT, HZ, boot, check_shares


@test(lab=6, name="edges", points=5, paths=("kernel", "iso", "floppy"), timeout=HANG_TIMEOUT,
      hidden=True)
def edges(ctx: Ctx) -> None:
    rng = ctx.rng
    n = rng.randint(8, 16)
    spin_ms = max(60, 3 * n + rng.randint(0, 40))       # three one-tick slices each, at least
    middle = rng.randint(1, 62)
    prios = [0, 0, 63, 63, middle] + [rng.choice((0, 63, middle))
                                      for _ in range(rng.randint(7, 11))]
    rng.shuffle(prios)
    sleeps = [rng.randint(41, 300) for _ in range(rng.randint(5, 11))]
    sleeps.append(rng.choice(sleeps))                   # two due on one tick
    rng.shuffle(sleeps)
    r = boot(ctx, [f"spin={n}", "slice=1", f"spin_ms={spin_ms}",
                   "sleep=" + ",".join(map(str, sleeps))])
    ctx.expect(r, "sleep", hz=HZ)                       # the boot, anything, the clean end
    ctx.expect_filtered(r, "spin: ", [f"spin: {n} threads for {spin_ms} ms", "spin: done"])
    check_shares(ctx, r, n, 1, spin_ms)
    ctx.expect_filtered(r, "sleep: ", [f"sleep: s{i} slept {m} ms: woke on its tick"
                                       for i, m in enumerate(sleeps)])
    r = boot(ctx, ["prio=" + ",".join(map(str, prios))])
    ctx.expect(r, "prio", hz=HZ)
    order = sorted(range(len(prios)), key=lambda i: (-prios[i], i))
    ctx.expect_filtered(r, "prio: p", [f"prio: p{i} (priority {prios[i]}) runs" for i in order])
