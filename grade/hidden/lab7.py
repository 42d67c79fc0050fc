"""Hidden lab 7 tests. Edges: the edges of a file's size and a directory's depth. The
visible write tests start from populated two-level trees and random sizes; this
one writes a file of exactly N clusters four directories deep, grows an empty
file from no cluster at all (its first cluster is 0 until then), cuts a file to
nothing (its chain must be freed and its first cluster become 0), and replaces a
file with one of exactly one cluster. fsck.fat -n must find the volume clean and
mtools must read what the kernel says it wrote. crash-grow-dir: crashes while a
full directory grows (handouts/lab7.md, section 2's details)."""
from __future__ import annotations

import shutil

from grade.core import Ctx, test
from grade.drives import SECTOR, position
from grade.labs.fatvol import (Geometry, Volume, disk_image, fat_get, fsck_problems, make_volume,
                               take_volume_out, tool, tree_problems)
from grade.labs.lab7 import (arg, boot, check_run, crashes, fit, m_mkdir, m_truncate,
                             m_write, seeded)


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


@test(lab=7, name="crash-grow-dir", points=5, hidden=True, paths=("kernel",))
def crash_grow_dir(ctx: Ctx) -> None:
    """A long name created in a directory whose one cluster has a single free slot
    (the rest of its sector is marked free, then a zeroed cluster is linked on),
    and a new directory: the crash after each of the run's sector writes, as QEMU
    logged them, and the plug pulled for real at two seeded ones (lab7.crashes).
    Every old file stays, the new one is absent or whole, fsck.fat finds at worst
    lost clusters, and what the kernel said was done is there."""
    rng = ctx.rng
    v = make_volume(ctx, rng.choice([12, 16, 32]), spc=1)   # a directory cluster: 16 slots
    v.populate()
    scribble(v)
    d = v.add_dir("/", v.new_name("/", "upper"))
    add_files(v, d, 13)                 # "." and ".." and 13 names of one slot each
    name = v.new_name(d, "long")        # at least two slots: a long entry and its 8.3 one
    new, size, seed = v.path(d, name), rng.randint(1, 3 * v.cluster_bytes), rng.randrange(1 << 32)
    disk = disk_image(v, rng.random() < 0.5)
    pos = position(ctx)
    before = dict(v.files)
    sub = v.path("/", v.new_name("/", "upper"))
    ops = [(arg("write", f"{new}:{size}:{seed}"), m_write(v, new, size, seed), new),
           (arg("mkdir", sub), m_mkdir(v, sub), sub)]
    crashes(ctx, v, disk, pos, before, ops, lambda log: list(range(1, len(log.writes))),
            lambda n: seeded(rng, n, 2))


def add_files(v: Volume, d: str, n: int) -> None:
    """n seeded files of 0-600 bytes with 8.3 names in capitals, made in order in
    directory d by one mcopy (one process, not n: mcopy copies its sources in the
    order given, so the directory holds them in that order, one slot each)."""
    rng = v.ctx.rng
    src = v.ctx.workdir / "srcs"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir()
    made: list[tuple[str, bytes]] = []
    for _ in range(n):
        name = v.new_name(d, "upper")
        data = rng.randbytes(rng.randint(0, 600))
        (src / name).write_bytes(data)
        v.dirs[d].append(name)              # new_name's next pick must differ
        made.append((name, data))
    tool("mcopy", "-i", str(v.vol), *(str(src / name) for name, _ in made), "::" + d)
    v.files.update({v.path(d, name): data for name, data in made})


def scribble(v: Volume) -> None:
    """Junk in every free cluster, as on a used disk (freeing a chain does not clear
    it): a new directory cluster linked before its zeros are on the disk then reads
    as entries of junk, not as an empty cluster. The junk is 64 seeded clusters over
    and over, written over the data area, the used clusters then put back (FAT32's
    70000 clusters of fresh random bytes, each looked up alone, took 0.4 s of CPU):
    junk is junk, what matters is that no free cluster reads as zeros."""
    g = v.geo
    assert g is not None
    size = g.spc * SECTOR
    with open(v.vol, "r+b") as f:
        head = bytearray(f.read((g.reserved + g.fat_sectors) * SECTOR))     # the first FAT
        used = [c for c in range(2, g.clusters + 2) if fat_get(head, g, c) != 0] \
            if g.fat == 12 else used_clusters(head, g)
        kept = {}
        for c in used:
            f.seek((g.data_sector + (c - 2) * g.spc) * SECTOR)
            kept[c] = f.read(size)
        pool = v.ctx.rng.randbytes(64 * size)
        f.seek(g.data_sector * SECTOR)
        for first in range(0, g.clusters, 64):
            f.write(pool[:min(64, g.clusters - first) * size])
        for c, data in kept.items():
            f.seek((g.data_sector + (c - 2) * g.spc) * SECTOR)
            f.write(data)


def used_clusters(img: bytearray, g: Geometry) -> list[int]:
    """The clusters of a FAT16 or FAT32 volume whose entry is not 0 (free), read as
    one array of entries: a Python call per entry of FAT32's 70000 is slow."""
    off = g.reserved * SECTOR
    width = 2 if g.fat == 16 else 4
    entries = memoryview(img)[off:off + (g.clusters + 2) * width].cast("H" if width == 2 else "I")
    mask = 0xFFFF if width == 2 else 0x0FFFFFFF
    return [c for c in range(2, g.clusters + 2) if entries[c] & mask]
