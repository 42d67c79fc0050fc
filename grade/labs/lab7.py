"""Stage 7: a FAT file system. Seeded volumes are made with the host's own tools
(mkfs.fat formats, mtools fills, sfdisk partitions); the kernel must list and
checksum them as the tools say, and what it writes must be what mdir/mtype read
back, on a volume that `fsck.fat -n` calls clean. Crashes (crash_after=K) may
leave lost clusters, nothing worse, and every file its old or its new contents;
corrupted volumes get their named error and are never written.

Every expected line comes from the model of the volume kept here (names in
creation order, contents) and from the BPB mkfs.fat wrote. Nothing is stored.
The tests come first; grade/labs/fatvol.py makes and inspects the volumes.
"""
from __future__ import annotations

import difflib
import hashlib
import re
import shutil
import struct
from pathlib import Path
from typing import Callable

from grade.core import Ctx, Disk, Result, test
from grade.drives import ISO_BOOT_CD, POSITIONS
from grade.labs.fatvol import (ToolFailed, Volume, describe, disk_image, fat_get, fat_set,
                               fsck_problems, listed_contents, make_volume, mdir_paths, pattern,
                               root_entry, take_volume_out, tree_problems)

# What one boot's operations may take: far inside the kernel's 4096 characters
# (CMDLINE_MAX_LENGTH, kernel/include/cmdline.h); at most 24 of them, for its 32 words.
CMDLINE_MAX = 400
# The bound on a hung boot. Stage 7 is stage 6 plus a disk: Bochs takes 6-9.5 s for one
# write test's boot at load 12 (QEMU 1-1.5 s), so the default 10 s cut correct runs on a
# loaded host (a write-fat12 HANG at seed 7). A real hang is still reported, later.
HANG_TIMEOUT = 30.0


# ---- the tests ----

@test(lab=7, name="read-fat12", points=10)
def read_fat12(ctx: Ctx) -> None:
    """A seeded FAT12 volume (bare or partitioned): listings and CRCs match mtools'."""
    read_volume(ctx, 12)


@test(lab=7, name="read-fat16", points=10)
def read_fat16(ctx: Ctx) -> None:
    """The same on FAT16."""
    read_volume(ctx, 16)


@test(lab=7, name="read-fat32", points=10)
def read_fat32(ctx: Ctx) -> None:
    """The same on FAT32 (the root is a cluster chain)."""
    read_volume(ctx, 32)


@test(lab=7, name="write-fat12", points=10)
def write_fat12(ctx: Ctx) -> None:
    """mkdir, create, replace, append, truncate, rm on FAT12: fsck.fat clean, mtools agree."""
    write_volume(ctx, 12)


@test(lab=7, name="write-fat16", points=10)
def write_fat16(ctx: Ctx) -> None:
    """The same on FAT16."""
    write_volume(ctx, 16)


@test(lab=7, name="write-fat32", points=10)
def write_fat32(ctx: Ctx) -> None:
    """The same on FAT32 (the free-cluster hint in FSInfo must stay right)."""
    write_volume(ctx, 32)


@test(lab=7, name="crash", points=15, paths=("kernel", "floppy"))
def crash(ctx: Ctx) -> None:
    """A large new file and a replaced one, with the plug pulled after K sector writes
    (K seeded, three times): every old file is intact (the replaced one old or new),
    the new file is absent or whole, and fsck.fat finds at worst lost clusters."""
    rng = ctx.rng
    v = make_volume(ctx, rng.choice([12, 16, 32]))
    v.populate()
    disk = disk_image(v, rng.random() < 0.5)
    pos = position(ctx)
    big = v.path("/", v.new_name("/", "long"))
    replaced = rng.choice(sorted(v.files))
    size, seed = rng.randint(30, 80) * 1024 + rng.randint(0, 1023), rng.randrange(1 << 32)
    rsize, rseed = rng.randint(1, 8000), rng.randrange(1 << 32)
    before = dict(v.files)
    ops = [(arg("write", f"{big}:{size}:{seed}"), m_write(v, big, size, seed)),
           (arg("write", f"{replaced}:{rsize}:{rseed}"), m_write(v, replaced, rsize, rseed))]
    crashes(ctx, v, disk, pos, before, ops,
            lambda writes: sorted(rng.sample(range(1, writes), min(3, writes - 1))))


@test(lab=7, name="crash-each-write", points=15, paths=("kernel",))
def crash_each_write(ctx: Ctx) -> None:
    """An append that needs new clusters, a truncate to fewer clusters and the removal
    of a long name, in a seeded order, with the plug pulled after each of their sector
    writes in turn: every file is its old or its new self, never a mix, and fsck.fat
    finds at worst lost clusters (a chain longer than its file's size is not lost).
    QEMU only: about twenty boots, and the boot path changes nothing a crash leaves."""
    rng = ctx.rng
    v = make_volume(ctx, rng.choice([12, 16, 32]), spc=1)    # small clusters: few writes
    v.populate()
    cb = v.cluster_bytes
    grow = v.add_file("/", v.new_name("/", "long"), rng.randbytes(rng.randint(1, 2 * cb - 1)))
    room = -len(v.files[grow]) % cb                 # what still fits in its last cluster
    more, seed = rng.randint(room + 1, room + 2 * cb), rng.randrange(1 << 32)
    cut = v.add_file("/", v.new_name("/"), rng.randbytes(rng.randint(2 * cb + 1, 4 * cb)))
    keep = rng.randint(1, (len(v.files[cut]) - 1) // cb * cb)
    # The first name in a new directory: its long and 8.3 entries share a sector
    # (handouts/lab7.md: no order removes a name split over two sectors safely).
    d = v.add_dir("/", v.new_name("/", "upper"))
    gone = v.add_file(d, v.new_name(d, "long"), rng.randbytes(rng.randint(1, 3 * cb)))
    disk = disk_image(v, rng.random() < 0.5)
    pos = position(ctx)
    before = dict(v.files)
    ops = [(arg("append", f"{grow}:{more}:{seed}"), m_write(v, grow, more, seed, append=True)),
           (arg("truncate", f"{cut}:{keep}"), m_truncate(v, cut, keep)),
           (arg("rm", gone), m_rm(v, gone))]
    rng.shuffle(ops)
    crashes(ctx, v, disk, pos, before, ops, lambda writes: list(range(1, writes)))


@test(lab=7, name="corrupt", points=15)
def corrupt(ctx: Ctx) -> None:
    """Seeded corruptions, one boot each: an impossible BPB, a looping chain, a size
    longer than the chain, a first cluster outside the volume. Each is named, and
    nothing is written."""
    for case in ("bpb", "loop", "size", "cluster"):
        corrupt_case(ctx, case)


# ---- what the tests do ----

def read_volume(ctx: Ctx, fat: int) -> None:
    v = make_volume(ctx, fat)
    v.populate()
    disk = disk_image(v, ctx.rng.random() < 0.5)
    pos = position(ctx)
    ops = [(arg("ls", d), v.listing(d)) for d in v.dirs]
    ops += [(arg("cat", p), [v.cat(p)]) for p in v.files]
    ctx.rng.shuffle(ops)
    args, lines = fit(ops)
    r = boot(ctx, disk, pos, args)
    check_run(ctx, r, v.mount_line(pos), lines)


def write_volume(ctx: Ctx, fat: int) -> None:
    rng = ctx.rng
    v = make_volume(ctx, fat)
    v.populate()
    disk = disk_image(v, rng.random() < 0.5)
    pos = position(ctx)
    # The shorter paths, so that every operation fits in CMDLINE_MAX.
    old = rng.sample(sorted(v.files, key=lambda p: (len(p), p))[:5], min(4, len(v.files)))
    seeds = [rng.randrange(1 << 24) for _ in range(5)]
    d = v.path("/", v.new_name("/", "long"))
    ops: list[tuple[str, list[str]]] = [(arg("mkdir", d), [m_mkdir(v, d)])]
    f1 = v.path(d, v.new_name(d))
    n1 = rng.randint(1, 12) * v.cluster_bytes + rng.randint(0, 700)
    ops.append((arg("write", f"{f1}:{n1}:{seeds[0]}"), [m_write(v, f1, n1, seeds[0])]))
    f2 = v.path("/", v.new_name("/", "lower"))
    n2 = rng.randint(0, 3000)
    ops.append((arg("write", f"{f2}:{n2}:{seeds[1]}"), [m_write(v, f2, n2, seeds[1])]))
    n3 = rng.randint(0, 9000)
    ops.append((arg("write", f"{old[0]}:{n3}:{seeds[2]}"), [m_write(v, old[0], n3, seeds[2])]))
    n4 = rng.randint(1, 5000)
    ops.append((arg("append", f"{old[1]}:{n4}:{seeds[3]}"),
                [m_write(v, old[1], n4, seeds[3], append=True)]))
    n5 = rng.randint(0, len(v.files[old[2]]) + 1000)
    ops.append((arg("truncate", f"{old[2]}:{n5}"), [m_truncate(v, old[2], n5)]))
    x = v.path("/", v.new_name("/", "upper"))
    ops += [(arg("mkdir", x), [m_mkdir(v, x)]), (arg("rm", x), [m_rm(v, x)])]
    if len(old) > 3:
        ops.append((arg("rm", old[3]), [m_rm(v, old[3])]))
    assert len(fit(ops)[0]) == len(ops), "the write test's command line is too long"
    ops += [(arg("ls", "/"), v.listing("/")), (arg("ls", d), v.listing(d)),
            (arg("cat", f1), [v.cat(f1)]), (arg("cat", old[1]), [v.cat(old[1])])]
    args, lines = fit(ops)              # the read-backs as far as they fit
    r = boot(ctx, disk, pos, args, snapshot=False)
    check_run(ctx, r, v.mount_line(pos), lines)
    vol = take_volume_out(v, disk)
    bad = fsck_problems(vol, allow_lost=False)
    ctx.check(not bad, "fsck.fat -n finds the volume unclean after the writes:\n  " + "\n  ".join(bad))
    bad = tree_problems(v, vol)
    ctx.check(not bad, "the host tools see other files than the kernel wrote:\n  " + "\n  ".join(bad))


def corrupt_case(ctx: Ctx, case: str) -> None:
    rng = ctx.rng
    v = make_volume(ctx, rng.choice([12, 16, 32]))
    g = v.geo
    assert g is not None
    name = v.new_name("/", "upper")
    nclusters = rng.randint(2, 5)
    victim = v.add_file("/", name, rng.randbytes(nclusters * v.cluster_bytes - rng.randint(0, 100)))
    v.populate()
    img = bytearray(v.vol.read_bytes())
    ent = root_entry(img, g, name)
    first = struct.unpack_from("<H", img, ent + 26)[0] | (
        struct.unpack_from("<H", img, ent + 20)[0] << 16 if g.fat == 32 else 0)
    if case == "bpb":
        field_, value, why = rng.choice([(13, 3, "sectors per cluster is not a power of two (3)"),
                                         (16, 0, "no FAT copies (0)"),
                                         (14, 0, "no reserved sectors (0)")])
        img[field_] = value
        if field_ == 14:
            img[15] = 0
    elif case == "loop":
        last = first
        while fat_get(img, g, last) < {12: 0xFF8, 16: 0xFFF8, 32: 0x0FFFFFF8}[g.fat]:
            last = fat_get(img, g, last)
        fat_set(img, g, last, first)
        why = f"the chain from cluster {first} loops"
    elif case == "size":
        size = (nclusters + rng.randint(1, 3)) * v.cluster_bytes - rng.randint(0, v.cluster_bytes - 1)
        struct.pack_into("<I", img, ent + 28, size)
        why = f'"{name}" is {size} bytes but its chain has only {nclusters} clusters'
    else:
        bad = rng.choice([1, g.clusters + 2 + rng.randrange(100)])
        struct.pack_into("<H", img, ent + 26, bad & 0xFFFF)
        struct.pack_into("<H", img, ent + 20, bad >> 16 if g.fat == 32 else 0)
        why = f'"{name}" starts at cluster {bad}, outside the volume'
    v.vol.write_bytes(bytes(img))
    disk = disk_image(v, rng.random() < 0.5)
    pos = position(ctx)
    digest = hashlib.sha256(disk.read_bytes()).hexdigest()
    args = [arg("cat", victim), "write=/NEW.BIN:100:1"]
    r = boot(ctx, disk, pos, args, snapshot=False)
    where = f"ata{pos[0]} {'slave' if pos[1] else 'master'}"
    if case == "bpb":
        why = (f"partition 1: {why}" if v.partition else
               f"sector 0 is neither a FAT boot sector ({why}) nor an MBR with a FAT partition")
        ctx.expect(r, "novolume", where=where, why=why)
    else:
        err = f"error: inconsistent volume: {why}; read-only from now on"
        writes = check_run(ctx, r, v.mount_line(pos), [f"cat {victim}: {err}",
                                                         f"write /NEW.BIN: 100 bytes seed 1: {err}"])
        ctx.check(writes == "0", f"the kernel wrote {writes} sectors to an inconsistent volume")
    ctx.check(hashlib.sha256(disk.read_bytes()).hexdigest() == digest,
              f"the {case} case: the kernel changed the disk of an inconsistent volume")


def crashes(ctx: Ctx, v: Volume, disk: Path, pos: tuple[int, int], before: dict[str, bytes],
            ops: list[tuple[str, str]], points: Callable[[int], list[int]]) -> None:
    """Run `ops` (argument, expected line) on `disk` once whole, counting its sector
    writes, then once for each K of points(writes) with the plug pulled after write K.
    The files were `before` on the disk; `v` holds them as the ops leave them."""
    args = [a for a, _ in ops]
    r = boot(ctx, disk, pos, args)                  # a dry run counts the sector writes
    writes = int(check_run(ctx, r, v.mount_line(pos), [line for _, line in ops]))
    image = ctx.workdir / "crash.img"
    for k in points(writes):
        shutil.copyfile(disk, image)
        r = boot(ctx, image, pos, args + [f"crash_after={k}"], snapshot=False)
        ctx.expect(r, "crash", k=k)
        bad = crash_problems(v, take_volume_out(v, image), before)
        ctx.check(not bad, f"after a crash at sector write {k} of {writes} ({' '.join(args)}):"
                           "\n  " + "\n  ".join(bad))


def crash_problems(v: Volume, vol: Path, before: dict[str, bytes]) -> list[str]:
    """What a crash must not leave: fsck.fat finding more than lost clusters, a file
    that is neither its old nor its new self, a removed file half there."""
    bad = [f"fsck.fat: {line}" for line in fsck_problems(vol, allow_lost=True)]
    try:
        listed = mdir_paths(vol)
    except ToolFailed as e:
        return bad + [str(e)]
    paths = sorted(before.keys() | v.files.keys())
    got, refused = listed_contents(vol, paths, listed)
    bad += refused
    for p in paths:
        old, new = before.get(p), v.files.get(p)
        if f"::{p}" not in listed and old is not None and new is not None:
            bad.append(f"{p} is gone")
        elif p in got and got[p] not in (old, new):
            what = ("its old contents nor its new ones" if old is not None and new is not None
                    else "whole" if old is None else "its old contents (it was being removed)")
            bad.append(f"{p} is {describe(got[p])}: not {what}")
    return bad


def arg(key: str, value: str) -> str:
    """key=value, quoted as Linux's command line quotes when the value has a space."""
    return f'{key}="{value}"' if " " in value else f"{key}={value}"


def position(ctx: Ctx) -> tuple[int, int]:
    free = [p for p in POSITIONS if not (ctx.path == "iso" and p == ISO_BOOT_CD)]
    return ctx.rng.choice(free)


def boot(ctx: Ctx, disk: Path, pos: tuple[int, int], args: list[str],
         snapshot: bool = True) -> Result:
    length = sum(len(a) + 1 for a in args)
    assert length <= CMDLINE_MAX and len(args) < 30, f"command line too long: {args}"
    return ctx.boot(args=args, disks=[Disk(disk, pos[0], pos[1], model="Cairn FAT disk",
                                           serial="CAIRN-FAT", snapshot=snapshot)],
                    timeout=HANG_TIMEOUT)


def check_run(ctx: Ctx, r: Result, mount: str, lines: list[str]) -> str:
    """The whole log: boot, the mount line, exactly `lines`, the sync line. Returns
    the sync line's count of sector writes."""
    ctx.expect(r, "run", mount=mount)
    got = r.lines
    start = got.index(mount) + 1
    end = next(i for i in range(start, len(got)) if got[i].startswith("fat: sync: "))
    if got[start:end] != lines:
        ctx.fail("the operations printed something else:\n" + "\n".join(
            difflib.unified_diff(lines, got[start:end], "expected", "kernel", lineterm="")))
    return re.search(r"(\d+) sector writes", got[end]).group(1)  # type: ignore[union-attr]


# ---- the model of what the kernel's operations do ----

def split(p: str) -> tuple[str, str]:
    parent, name = p.rsplit("/", 1)
    return parent or "/", name


def m_mkdir(v: Volume, p: str) -> str:
    parent, name = split(p)
    v.dirs[parent].append(name)
    v.dirs[p] = []
    return f"mkdir {p}: ok"


def m_write(v: Volume, p: str, size: int, seed: int, append: bool = False) -> str:
    parent, name = split(p)
    if p not in v.files:
        v.dirs[parent].append(name)
        v.files[p] = b""
    data = pattern(seed, size)
    v.files[p] = v.files[p] + data if append else data
    return f"{'append' if append else 'write'} {p}: {size} bytes seed {seed}: ok"


def m_truncate(v: Volume, p: str, size: int) -> str:
    v.files[p] = v.files[p][:size] + bytes(max(0, size - len(v.files[p])))
    return f"truncate {p}: {size} bytes: ok"


def m_rm(v: Volume, p: str) -> str:
    parent, name = split(p)
    v.dirs[parent].remove(name)
    v.files.pop(p, None)
    v.dirs.pop(p, None)
    return f"rm {p}: ok"


def fit(ops: list[tuple[str, list[str]]]) -> tuple[list[str], list[str]]:
    """As many (argument, expected lines) pairs as the command line holds, in order."""
    args: list[str] = []
    lines: list[str] = []
    for a, ls in ops:
        if sum(len(x) + 1 for x in args) + len(a) + 1 > CMDLINE_MAX or len(args) == 24:
            break
        args.append(a)
        lines += ls
    return args, lines


