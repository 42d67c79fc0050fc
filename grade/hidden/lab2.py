"""Hidden lab 2 test: lines the visible tests rarely type - an empty line, a
line typed then erased to nothing (more backspaces than characters), and a
line of shifted punctuation typed with Caps Lock on (Caps Lock must not
shift symbols)."""
from __future__ import annotations

from grade.core import QEMU_ONLY, VIRTUAL_TIME, Ctx, test
from grade.keyboard import PUNCTUATION, SHIFTS, Typing, finish, random_key, typed_values
from grade.labs.lab2 import READY


@test(lab=2, name="edge-lines", points=5, paths=QEMU_ONLY, hidden=True)
def edge_lines(ctx: Ctx) -> None:
    rng = ctx.rng
    t = Typing()
    t.press("ret")                                  # an empty line
    n = rng.randint(3, 12)
    for _ in range(n):
        t.press(random_key(rng))
    for _ in range(n + rng.randint(1, 4)):          # erased, and then some
        t.press("backspace")
    t.press("ret")
    t.press("caps_lock")
    for _ in range(rng.randint(5, 20)):
        key = rng.choice(list(PUNCTUATION))
        t.press(f"{rng.choice(SHIFTS)}-{key}" if rng.random() < 0.5 else key)
    t.press("caps_lock")
    t.press("ret")
    finish(t)
    r = ctx.boot(ready=READY, keys=t, qemu_args=VIRTUAL_TIME)
    ctx.expect(r, "typing", received=t.scancode_bytes, **typed_values(t))
