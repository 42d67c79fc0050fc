"""keyboard.py - the model of typing on stage 2's keyboard, shared by every lab
whose program echoes typed lines (labs 2, 3 and 6): the keys QMP sends as qcodes,
the characters a US layout makes of them, and the echo and lines user/lab2.c prints
for them (its line editing: backspace, Caps Lock, Enter, Escape to end). KeyFeed
types them in steps QEMU's input queue can hold (hardware-notes.md section 4).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

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
    # printed[i]: the bytes the program has printed after its ready line once it has
    # taken keys 0..i (its echo, and "line: ..." at each Enter), for KeyFeed's pacing
    printed: list[int] = field(default_factory=list)
    _printed: int = 0
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
                self._printed += len("\b \b")
        elif base == "esc":
            pass                            # the program prints the counters and ends
        elif base == "ret":
            self.echoes.append(self._echo)
            self.lines.append(self._line)
            self._printed += len(f"\nline: {self._line}\n")
            self._echo = self._line = ""
        else:
            c = key_char(base, shift, self.caps)
            self._line += c
            self._echo += c
            self._printed += 1
        self.printed.append(self._printed)

    def insert_silent(self, at: int, key: str) -> None:
        """A key that types nothing (an arrow, say) slipped in before key `at`."""
        self.keys.insert(at, key)
        self.printed.insert(at, self.printed[at - 1] if at else 0)

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
    (labs 3 and 6 echo them too)."""
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


# QEMU's input layer (ui/input.c) queues what send-key asks for and drops, without a
# word, every event once 1024 entries wait: on a loaded host the grader can outrun a
# starved vCPU. Each part of a chord costs six entries: its press and a sync, the
# hold, its release and a sync, the hold again. (Measured: 400 keys sent at once to a
# guest that takes one every 20 ms type 190.)
INPUT_QUEUE_ENTRIES = 1024
STEP_ENTRIES = 500              # two steps waiting at once stay within the queue


def queue_entries(key: str) -> int:
    return 6 * len(key.split("-"))


class KeyFeed:
    """Keys typed in steps of at most STEP_ENTRIES queue entries. Step s goes once
    the guest has printed what the last key of step s - 2 makes it print, so no more
    than two steps ever wait in QEMU's queue. `printed[i]` is the count of bytes the
    guest prints after its ready line once it has taken keys 0..i (Typing.printed);
    without it the keys must fit in two steps, which need no waiting."""

    def __init__(self, keys: list[str], printed: list[int] | None = None) -> None:
        assert printed is None or len(printed) == len(keys), "one count a key"
        steps: list[list[str]] = [[]]
        entries = 0
        for key in keys:
            if steps[-1] and entries + queue_entries(key) > STEP_ENTRIES:
                steps.append([])
                entries = 0
            steps[-1].append(key)
            entries += queue_entries(key)
        if len(steps) > 2 and printed is None:
            raise ValueError(f"{len(keys)} keys are more than QEMU's input queue holds: "
                             "give what the guest prints for them")
        self.steps: list[tuple[int, list[str]]] = []      # (bytes printed first, keys)
        taken = 0                   # keys in the steps before the one before this
        for s, step in enumerate(steps):
            if s >= 2:
                taken += len(steps[s - 2])
            self.steps.append((printed[taken - 1] if s >= 2 and printed else 0, step))

    def due(self, printed: int) -> list[str]:
        """The keys that may go now the guest has printed `printed` bytes."""
        out: list[str] = []
        while self.steps and self.steps[0][0] <= printed:
            out += self.steps.pop(0)[1]
        return out

    @property
    def done(self) -> bool:
        return not self.steps
