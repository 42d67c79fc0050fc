"""Hidden lab 7 test: the edges of a file's size and a directory's depth. The
visible write tests start from populated two-level trees and random sizes; this
one writes a file of exactly N clusters four directories deep, grows an empty
file from no cluster at all (its first cluster is 0 until then), cuts a file to
nothing (its chain must be freed and its first cluster become 0), and replaces a
file with one of exactly one cluster. fsck.fat -n must find the volume clean and
mtools must read what the kernel says it wrote."""
from __future__ import annotations

from grade.core import Ctx, test
from grade.labs.fatvol import (disk_image, fsck_problems, make_volume, take_volume_out,
                               tree_problems)
from grade.labs.lab7 import (arg, boot, check_run, fit, m_mkdir, m_truncate, m_write,
                             position)


@test(lab=7, name="edges", points=5, hidden=True)
def edges(ctx: Ctx) -> None:
    rng = ctx.rng
    v = make_volume(ctx, rng.choice([12, 16, 32]))
    v.populate()
    disk = disk_image(v, rng.random() < 0.5)
    pos = position(ctx)
    old = sorted(v.files, key=lambda p: (len(p), p))   # the volume's own files, shortest first
    cut, replaced = old[0], old[1]
    ops: list[tuple[str, list[str]]] = []
    d = "/"
    for _ in range(4):                  # four levels of short names: the line stays short
        d = v.path(d, v.new_name(d, "upper"))
        ops.append((arg("mkdir", d), [m_mkdir(v, d)]))
    deep = v.path(d, v.new_name(d, "upper"))
    n = rng.randint(1, 4) * v.cluster_bytes
    seeds = [rng.randrange(1 << 24) for _ in range(3)]
    ops.append((arg("write", f"{deep}:{n}:{seeds[0]}"), [m_write(v, deep, n, seeds[0])]))
    empty = v.path("/", v.new_name("/", "lower"))
    grow = rng.randint(1, 2 * v.cluster_bytes)
    ops.append((arg("write", f"{empty}:0:{seeds[1]}"), [m_write(v, empty, 0, seeds[1])]))
    ops.append((arg("append", f"{empty}:{grow}:{seeds[2]}"),
                [m_write(v, empty, grow, seeds[2], append=True)]))
    ops.append((arg("truncate", f"{cut}:0"), [m_truncate(v, cut, 0)]))
    ops.append((arg("write", f"{replaced}:{v.cluster_bytes}:{seeds[0]}"),
                [m_write(v, replaced, v.cluster_bytes, seeds[0])]))
    assert len(fit(ops)[0]) == len(ops), "the edges test's command line is too long"
    ops += [(arg("cat", empty), [v.cat(empty)]), (arg("cat", cut), [v.cat(cut)]),
            (arg("cat", deep), [v.cat(deep)]), (arg("ls", d), v.listing(d))]
    args, lines = fit(ops)
    r = boot(ctx, disk, pos, args, snapshot=False)
    check_run(ctx, r, v.mount_line(pos), lines)
    vol = take_volume_out(v, disk)
    bad = fsck_problems(vol, allow_lost=False) + tree_problems(v, vol)
    ctx.check(not bad, "after the writes, fsck.fat -n or mtools disagree:\n  " + "\n  ".join(bad))
