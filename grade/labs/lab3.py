"""Stage 3: cooperative tasks on an executor with wakers.

Everything the stage prints follows from its command line and the keys typed,
so each test computes what it expects: the timer tasks' order from the
periods (by tick, ties by timer index, which is spawn order), the children's
order from round-robin polling, the echo from lab 2's typing model. The extended-keys
test types keys whose codes come after an 0xE0 prefix (arrows, Home, End...)
in between: they type nothing, so the echo is the same, but a key stream that
waits after a prefix byte hangs, and one that drops the prefix types keypad
digits. Two tests
look at costs instead of text, both counted by the executor itself (never a
host time): the idle probe's counters (a task is polled only when woken) and
the polls while the kernel waits for keys (a busy-polling executor polls
without end).
"""
from __future__ import annotations

import re
import time
from typing import Any

from grade.core import QEMU_ONLY, VIRTUAL_TIME, Ctx, test
from grade.keyboard import random_lines, typed_values

READY = "lab3: ready"
IDLE_RE = re.compile(r"^idle: ticks=(\d+) polls=(\d+) wakes=(\d+) sleeps=(\d+)$")
STATS_RE = re.compile(r"^stats: polls=(\d+) ")
IDLE_POLL_LIMIT = 100           # a correct executor: about 40 (the tasks' own polls and 2 keys)
IDLE_WINDOW = 0.2               # seconds the kernel waits for a key: a busy poller polls ~300000 times in it


def timer_lines(periods: list[int], horizon: int) -> list[str]:
    """Timer i fires at every multiple of periods[i] up to the horizon; lines
    come by tick, and timers due on the same tick in index (= spawn) order."""
    events = sorted((t, i) for i, p in enumerate(periods) for t in range(p, horizon + 1, p))
    return [f"timer {i}: tick {t}" for t, i in events]


@test(lab=3, name="number", points=5)
def number(ctx: Ctx) -> None:
    r = ctx.boot(args=["idle=1"], qemu_args=VIRTUAL_TIME)
    ctx.expect_lines(r, "number")
    ctx.expect(r, "run", hz=1000)


@test(lab=3, name="timers", points=15)
def timers(ctx: Ctx) -> None:
    n = ctx.rng.randint(2, 5)
    periods = [ctx.rng.randint(2, 7) for _ in range(n)]
    if len(set(periods)) == n:          # make sure two timers tie on some tick
        periods[ctx.rng.randrange(1, n)] = periods[0]
    horizon = ctx.rng.randint(15, 28)
    # 100 Hz: a tick (10 ms of instruction-counted time) is far longer than
    # printing a tie's lines, so a correct executor is never a period behind,
    # and the order is exact, however loaded the host.
    r = ctx.boot(args=["hz=100", "periods=" + ",".join(map(str, periods)),
                       f"horizon={horizon}", "children=0", "idle=1"], qemu_args=VIRTUAL_TIME)
    ctx.expect_lines(r, "timers", ntimers=n, horizon=horizon)
    ctx.expect_filtered(r, "timer ", timer_lines(periods, horizon))
    ctx.expect(r, "run", hz=100)


@test(lab=3, name="children", points=10)
def children(ctx: Ctx) -> None:
    n = ctx.rng.randint(2, 16)
    r = ctx.boot(args=[f"children={n}", "idle=1"], qemu_args=VIRTUAL_TIME)
    ctx.expect_lines(r, "children", n=n)
    ctx.expect_filtered(r, "child ", [f"child {i}: done after {i} yields" for i in range(n)])
    ctx.expect(r, "run", hz=1000)


@test(lab=3, name="busy-poll", points=10)
def busy_poll(ctx: Ctx) -> None:
    """Idle for N ticks with one task asleep: one poll (at its deadline), about
    one hlt per tick. A busy-polling executor polls thousands of times."""
    n = ctx.rng.randint(40, 150)
    r = ctx.boot(args=[f"idle={n}"], qemu_args=VIRTUAL_TIME)
    ctx.expect(r, "run", hz=1000)
    m = next((IDLE_RE.match(l) for l in r.lines if IDLE_RE.match(l)), None)
    ctx.check(m is not None, "no 'idle: ...' line")
    assert m is not None
    ticks, polls, wakes, sleeps = (int(g) for g in m.groups())
    ctx.check(ticks >= n, f"idle probe slept {ticks} ticks, asked for {n}")
    ctx.check(polls <= 2, f"{polls} polls while idle for {ticks} ticks: a task must be polled "
                          f"only when woken (expected 1)")
    ctx.check(wakes <= 2, f"{wakes} wakes while idle (expected 1: the timer's)")
    ctx.check(1 <= sleeps <= ticks + 2,
              f"{sleeps} hlt sleeps in {ticks} ticks: the executor must halt when nothing is "
              f"ready, and each timer interrupt should end one sleep")


@test(lab=3, name="typing", points=15, paths=QEMU_ONLY)
def typing(ctx: Ctx) -> None:
    t = random_lines(ctx.rng)
    # Virtual time paces the keys, so a busy host cannot overflow the PS/2 buffer (lab 2).
    r = ctx.boot(args=["kbd", "idle=1"], ready=READY, keys=t, qemu_args=VIRTUAL_TIME)
    ctx.expect(r, "typing", hz=1000, received=t.scancode_bytes, **typed_values(t))


# 0xE0 keys that type no character: E0 make, E0 break, four bytes each.
NAVIGATION_KEYS = ["up", "down", "left", "right", "home", "end", "pgup", "pgdn"]


@test(lab=3, name="extended-keys", points=10, paths=QEMU_ONLY)
def extended_keys(ctx: Ctx) -> None:
    """Lab 3's key stream (scancodes.c, keys_next): a key event of several bytes."""
    t = random_lines(ctx.rng)
    plain_bytes = t.scancode_bytes
    n = ctx.rng.randint(6, 14)
    for _ in range(n):                  # anywhere before the final Escape
        t.insert_silent(ctx.rng.randrange(len(t.keys)), ctx.rng.choice(NAVIGATION_KEYS))
    r = ctx.boot(args=["kbd", "idle=1"], ready=READY, keys=t, qemu_args=VIRTUAL_TIME)
    ctx.expect(r, "typing", hz=1000, received=plain_bytes + 4 * n, **typed_values(t))


@test(lab=3, name="idle-cpu", points=10, paths=QEMU_ONLY, waits=True)
def idle_cpu(ctx: Ctx) -> None:
    """While the kernel waits for a key, the executor must sleep in hlt, not poll:
    the echo task is polled only when a key wakes it. Judged on the executor's
    own poll count, which does not depend on how long the wait lasts or how
    busy the host is: a busy-polling executor polls thousands of times a tick.
    (A spinning executor that never halts fails busy-poll's sleep count.)"""
    def wait_then_escape(m: Any) -> None:
        time.sleep(IDLE_WINDOW)         # the wait that is judged: nothing to wait for instead
        m.send_keys(["esc"])

    r = ctx.boot(args=["kbd", "idle=1"], ready=READY, on_ready=wait_then_escape)
    ctx.expect(r, "idle-cpu", hz=1000)
    m = next((STATS_RE.match(l) for l in r.lines if STATS_RE.match(l)), None)
    ctx.check(m is not None, "no 'stats: polls=N ...' line")
    assert m is not None
    polls = int(m.group(1))
    ctx.check(polls <= IDLE_POLL_LIMIT,
              f"{polls} polls in all (limit {IDLE_POLL_LIMIT}) though nothing happened for "
              f"{IDLE_WINDOW:.1f} s but the wait for a key: does the executor poll tasks "
              f"that were not woken, instead of halting?")
