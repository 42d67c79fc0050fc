"""Stage 2: the keyboard queue. Keys typed through QMP must come back exactly.

Every test types a scenario drawn from the seed and computes, from the keys
alone, what the stage must print: the echo of each line (its characters, with
"\\b \\b" for each backspace that erased one), "line: <text>", and the count of
scancode bytes the handler received. Nothing expected is stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from random import Random

from grade.core import QEMU_ONLY, VIRTUAL_TIME, Ctx, tail, test

READY = "lab2: ready"
DROPPED_RE = re.compile(r"kbd: queue full, dropped (\d+)$")
QUEUE_BYTES = 128               # SCANCODE_QUEUE_SIZE in labs/lab2-keyboard/keyboard.c

LETTERS = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "1234567890"
DIGITS_SHIFTED = "!@#$%^&*()"
# US layout: QEMU qcode -> (plain, with Shift)
PUNCTUATION = {
    "minus": ("-", "_"), "equal": ("=", "+"), "bracket_left": ("[", "{"),
    "bracket_right": ("]", "}"), "semicolon": (";", ":"), "apostrophe": ("'", '"'),
    "grave_accent": ("`", "~"), "backslash": ("\\", "|"), "comma": (",", "<"),
    "dot": (".", ">"), "slash": ("/", "?"),
}
SHIFTS = ("shift", "shift_r")

# QEMU paces typed keys on its virtual clock (ui/input.c). Tied to the
# instruction count (VIRTUAL_TIME), that clock stops when the host starves
# the vCPU, so keys cannot pile up in the 16-byte PS/2 queue meanwhile.


def key_char(qcode: str, shift: bool, caps: bool) -> str:
    """The character a US keyboard types for a qcode (spc, letters, digits, punctuation)."""
    if qcode == "spc":
        return " "
    if qcode in LETTERS:
        return qcode.upper() if shift != caps else qcode
    if qcode in DIGITS:
        return DIGITS_SHIFTED[DIGITS.index(qcode)] if shift else qcode
    plain, shifted = PUNCTUATION[qcode]
    return shifted if shift else plain


@dataclass
class Typing:
    """Keys to send, and the log they must produce (the model of user/lab2.c)."""
    keys: list[str] = field(default_factory=list)
    echoes: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    caps: bool = False
    _echo: str = ""
    _line: str = ""

    def press(self, key: str) -> None:
        self.keys.append(key)
        parts = key.split("-")
        base, shift = parts[-1], any(p in SHIFTS for p in parts[:-1])
        if base == "caps_lock":
            self.caps = not self.caps
        elif base == "backspace":
            if self._line:
                self._line = self._line[:-1]
                self._echo += "\b \b"
        elif base == "esc":
            pass                            # the program prints the counters and ends
        elif base == "ret":
            self.echoes.append(self._echo)
            self.lines.append(self._line)
            self._echo = self._line = ""
        else:
            c = key_char(base, shift, self.caps)
            self._line += c
            self._echo += c

    @property
    def scancode_bytes(self) -> int:
        """Every key here is a one-byte make code and a one-byte break code."""
        return sum(2 * len(k.split("-")) for k in self.keys)


def random_key(rng: Random) -> str:
    """One key of text: a letter, digit, space or symbol, sometimes with a Shift."""
    kind = rng.random()
    if kind < 0.45:
        base = rng.choice(LETTERS)
    elif kind < 0.6:
        base = rng.choice(DIGITS)
    elif kind < 0.7:
        base = "spc"
    else:
        base = rng.choice(list(PUNCTUATION))
    if base != "spc" and rng.random() < 0.3:
        return f"{rng.choice(SHIFTS)}-{base}"
    return base


def type_line(t: Typing, rng: Random, length: int, editing: bool) -> None:
    """A line of text; with `editing`, backspaces (some past the start) and Caps Lock runs."""
    if editing and rng.random() < 0.3:
        for _ in range(rng.randint(1, 3)):
            t.press("backspace")            # on an empty line: nothing to erase
    for _ in range(length):
        r = rng.random()
        if editing and r < 0.12:
            for _ in range(rng.randint(1, 3)):
                t.press("backspace")
        elif editing and r < 0.18:
            t.press("caps_lock")
        else:
            t.press(random_key(rng))
    if t.caps:
        t.press("caps_lock")                # leave the lock off for the next line
    t.press("ret")


def finish(t: Typing) -> None:
    t.press("esc")


def random_lines(rng: Random, lines: int = 3) -> Typing:
    """A few random lines with editing, then Escape: the typing tests' scenario
    (lab 3's async echo reuses it)."""
    t = Typing()
    for _ in range(lines):
        type_line(t, rng, rng.randint(8, 30), editing=True)
    finish(t)
    return t


def typed_values(t: Typing) -> dict[str, str]:
    """${echoN} and ${lineN} for the expected log."""
    values = {f"echo{i + 1}": e for i, e in enumerate(t.echoes)}
    values.update({f"line{i + 1}": l for i, l in enumerate(t.lines)})
    return values


@test(lab=2, name="typing", points=15, paths=QEMU_ONLY)
def typing(ctx: Ctx) -> None:
    t = random_lines(ctx.rng)
    r = ctx.boot(ready=READY, keys=t.keys, qemu_args=VIRTUAL_TIME)
    ctx.expect(r, "typing", received=t.scancode_bytes, **typed_values(t))


@test(lab=2, name="burst", points=10, paths=QEMU_ONLY)
def burst(ctx: Ctx) -> None:
    t = Typing()
    type_line(t, ctx.rng, ctx.rng.randint(300, 400), editing=False)
    finish(t)
    r = ctx.boot(ready=READY, keys=t.keys, qemu_args=VIRTUAL_TIME)
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
