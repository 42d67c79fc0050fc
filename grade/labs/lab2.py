"""Stage 2: the keyboard queue. Keys typed through QMP must come back exactly.

Every test types a scenario drawn from the seed and computes, from the keys
alone, what the stage must print: the echo of each line (its characters, with
"\\b \\b" for each backspace that erased one), "line: <text>", and the count of
scancode bytes the handler received. Nothing expected is stored. held-keys
holds keys down through raw QMP key events, so that their make codes repeat.
"""
from __future__ import annotations

import re
from typing import Any

from grade.core import QEMU_ONLY, VIRTUAL_TIME, Ctx, tail, test
from grade.keyboard import DIGITS, LETTERS, Typing, finish, random_lines, type_line, typed_values

READY = "lab2: ready"
DROPPED_RE = re.compile(r"kbd: queue full, dropped (\d+)$")
QUEUE_BYTES = 128               # SCANCODE_QUEUE_SIZE in labs/lab2-keyboard/keyboard.c

# QEMU paces typed keys on its virtual clock (ui/input.c). Tied to the
# instruction count (VIRTUAL_TIME), that clock stops when the host starves
# the vCPU, so keys cannot pile up in the 16-byte PS/2 queue meanwhile.


@test(lab=2, name="typing", points=15, paths=QEMU_ONLY)
def typing(ctx: Ctx) -> None:
    t = random_lines(ctx.rng)
    r = ctx.boot(ready=READY, keys=t, qemu_args=VIRTUAL_TIME)
    ctx.expect(r, "typing", received=t.scancode_bytes, **typed_values(t))


@test(lab=2, name="burst", points=10, paths=QEMU_ONLY)
def burst(ctx: Ctx) -> None:
    t = Typing()
    type_line(t, ctx.rng, ctx.rng.randint(150, 200), editing=False)
    finish(t)
    r = ctx.boot(ready=READY, keys=t, qemu_args=VIRTUAL_TIME)
    ctx.expect(r, "burst", echo=t.echoes[0], line=t.lines[0], received=t.scancode_bytes)


@test(lab=2, name="queue-full", points=10, paths=QEMU_ONLY)
def queue_full(ctx: Ctx) -> None:
    """With kbd_hold=N the program reads nothing until the handler has received
    N bytes: the queue must keep the first QUEUE_BYTES, drop and count what came
    after, and overwrite nothing. The program notices the Nth byte between two
    interrupts, and one or two more bytes may land first, so the number dropped
    is read from the log; it must be at least N - QUEUE_BYTES and must account
    for exactly the bytes missing from the echo."""
    kept_keys = QUEUE_BYTES // 2            # letters: a make and a break each
    lost_keys = ctx.rng.randint(5, 40)
    n = kept_keys + lost_keys + ctx.rng.randint(30, 60)
    t = Typing()
    for _ in range(n):
        t.press(ctx.rng.choice(LETTERS + DIGITS))
    t.press("ret")
    finish(t)
    hold = 2 * (kept_keys + lost_keys)
    r = ctx.boot(args=[f"kbd_hold={hold}"], ready=READY, keys=t.keys, qemu_args=VIRTUAL_TIME)

    reported = [int(m.group(1)) for m in map(DROPPED_RE.match, r.lines) if m]
    ctx.check(len(reported) == 1, "expected exactly one 'kbd: queue full, dropped N' line, got "
              f"{len(reported)}:\n{tail(r.log)}")
    dropped = reported[0]
    ctx.check(hold - QUEUE_BYTES <= dropped <= hold - QUEUE_BYTES + 4,
              f"the queue dropped {dropped} bytes; with kbd_hold={hold} and a queue of "
              f"{QUEUE_BYTES} bytes it must drop {hold - QUEUE_BYTES} (a few more at most)")
    # Byte 2i is key i's make: the key types iff its make survived.
    lost = range(QUEUE_BYTES, QUEUE_BYTES + dropped)
    survived = "".join(k for i, k in enumerate(t.keys[:n]) if 2 * i not in lost)
    ctx.expect(r, "queue-full", dropped=dropped, echo=survived, line=survived,
               received=t.scancode_bytes)


def hold_key(machine: Any, qcode: str, repeats: int) -> None:
    """A key held down: its key-down event `repeats` more times, then one key-up,
    in one QMP command. QEMU's PS/2 keyboard sends the make code for every
    key-down (hw/input/ps2.c), so the guest sees typematic repeat: makes with no
    break between. At most 6 bytes: well within the 16-byte PS/2 queue."""
    def event(down: bool) -> dict[str, Any]:
        return {"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": qcode}}}
    machine.qmp("input-send-event", events=[event(True)] * (repeats + 1) + [event(False)])


@test(lab=2, name="held-keys", points=5, paths=QEMU_ONLY)
def held_keys(ctx: Ctx) -> None:
    """A held letter types once per make code, its repeats too; a held Caps Lock
    toggles once, not once per repeat (its makes are even in number, so a decoder
    that toggles on each leaves Caps Lock off and types lower case)."""
    rng = ctx.rng
    letter, letter_repeats = rng.choice(LETTERS), rng.randint(1, 4)
    caps_repeats = rng.choice([1, 3])
    after = [rng.choice(LETTERS) for _ in range(rng.randint(2, 6))]
    text = letter * (letter_repeats + 1) + "".join(after).upper()

    def on_ready(machine: Any) -> None:
        hold_key(machine, letter, letter_repeats)
        hold_key(machine, "caps_lock", caps_repeats)
        machine.send_keys(after + ["caps_lock", "ret", "esc"])

    received = (letter_repeats + 2) + (caps_repeats + 2) + 2 * (len(after) + 3)
    r = ctx.boot(ready=READY, on_ready=on_ready, qemu_args=VIRTUAL_TIME)
    ctx.expect(r, "burst", echo=text, line=text, received=received)
