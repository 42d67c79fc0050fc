"""Hidden lab 8 test: a full house. The visible tests run at most five programs
at once; this one runs the most `run=` takes (eight), copies of hello with seeded
arguments and of exit with seeded codes, so that every process slot, page
directory and kernel stack is in use at once and each is given back (the frame
count at the end must show no leak)."""
from __future__ import annotations

from grade.core import QEMU_ONLY, Ctx, test
from grade.labs.lab8 import TIMEOUT, boot, check_streams, hello_lines, progs_disk, word

MOST_PROGRAMS = 8                       # what run= takes (MAX_PROGRAMS, user/lab8.c)


@test(lab=8, name="full-house", points=5, paths=QEMU_ONLY, timeout=TIMEOUT, hidden=True)
def full_house(ctx: Ctx) -> None:
    rng = ctx.rng
    hellos = rng.randint(2, 5)
    programs: list[str] = []
    hello_out: list[str] = []
    exit_out: list[str] = []
    codes: dict[int, int] = {}
    for i in range(MOST_PROGRAMS):
        if i < hellos:
            argv = ["/hello"] + [word(ctx) for _ in range(rng.randint(0, 2))]
            programs.append(" ".join(argv))
            hello_out += hello_lines(argv)
        else:
            code, how = rng.randint(0, 255), rng.choice(["group", "exit", "return"])
            programs.append(f"/exit {code} {how}")
            exit_out.append(f"exit: exiting with {code} through {how}")
    order = list(range(MOST_PROGRAMS))
    rng.shuffle(order)
    programs = [programs[i] for i in order]
    for i, p in enumerate(programs):
        words = p.split()
        codes[i] = int(words[1]) if words[0] == "/exit" else 0
    disk = progs_disk(ctx)
    r = boot(ctx, programs, disk)
    check_streams(ctx, r, disk, {"hello": hello_out, "exit": exit_out},
                  [f"exit {p.split()[0]}: {codes[i]}" for i, p in enumerate(programs)],
                  unordered={"hello", "exit"})
