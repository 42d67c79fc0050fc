"""Stage 7: a FAT file system. Seeded volumes are made with the host's own tools
(mkfs.fat formats, mtools fills, sfdisk partitions); the kernel must list and
checksum them as the tools say, and what it writes must be what mdir/mtype read
back, on a volume that `fsck.fat -n` calls clean. Crashes may leave lost
clusters, nothing worse, every file its old or its new contents, and every
operation the kernel said was done done; the grader counts the writes and pulls
the plug itself, in QEMU's block layer (fatvol.py), never trusting the kernel's
own crash_after=K. Corrupted volumes get their named error and are never written.

Every expected line comes from the model of the volume kept here (names in
creation order, contents) and from the BPB mkfs.fat wrote; after the kernel's own
writes, a listing's order is the volume's, as mdir reads it. Nothing is stored.
The tests come first; grade/labs/fatvol.py makes and inspects the volumes.
"""
from __future__ import annotations

import re
import struct
import time
from pathlib import Path
from random import Random
from typing import Any, Callable, Iterable, Mapping

from grade.core import Ctx, Disk, Result, tail, test, verdict_for
from grade.drives import SECTOR, position
from grade.labs.fatvol import (NAME_CHARS, ToolFailed, Volume, WriteLog, copy_bytes, describe,
                               dir_names, disk_image, dos_device, fat_get, fat_set, fsck_problems,
                               logged_drive, make_volume, pattern, plugged_drive, read_write_log, root_entry,
                               take_volume_out, tree_problems, volume_files)
from grade.runner import CHECK_EVERY, Deadline

# What one boot's operations may take: far inside the kernel's 4096 characters
# (CMDLINE_MAX_LENGTH, kernel/include/cmdline.h); at most 24 of them, for its 32 words.
CMDLINE_MAX = 400
# The long names' boot: five paths of up to 270 characters. GRUB legacy's menu.lst (the
# iso, floppy and Bochs paths) passes such a line whole: tried with 1330 on each path.
LONG_CMDLINE_MAX = 1400
# [FAT] "FAT Long Directory Entries": 255 characters at most; 196 and up take 17-21
# entries, more than one sector holds (handouts/lab7.md section 2).
NAME_MAX, TWO_SECTORS = 255, 196
# The bound on a hung boot. Stage 7 is stage 6 plus a disk: Bochs takes 6-9.5 s for one
# write test's boot at load 12 (QEMU 1-1.5 s), so the default 10 s cut correct runs on a
# loaded host (a write-fat12 HANG at seed 7). A real hang is still reported, later.
HANG_TIMEOUT = 30.0
MODEL, SERIAL = "Cairn FAT disk", "CAIRN-FAT"      # the drive every test gives the kernel
# An operation of a crash test: its argument, the line it prints, the path it changes.
Op = tuple[str, str, str]
# How often a plugged boot asks QEMU whether the guest is paused yet. The runner's
# Machine offers QMP commands, not a wait on QMP's events, so the grader polls; the
# pause itself is deterministic (blkdebug counts), the poll only sees it.
PAUSE_POLL = 0.001


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
    """mkdir, create, replace, append, truncate, rm on FAT12: fsck.fat clean, mtools agree;
    then names of 196-255 characters made and removed, one of 256+ refused."""
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
    """A large new file and a replaced one. QEMU logs the run's sector writes; the crash
    after each write around a flush and after eight seeded ones is replayed from the
    log, and the plug is pulled for real after three seeded ones: every old file is
    intact (the replaced one old or new), the new file absent or whole, fsck.fat finds
    at worst lost clusters, and what the kernel said was done is there."""
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
    ops = [(arg("write", f"{big}:{size}:{seed}"), m_write(v, big, size, seed), big),
           (arg("write", f"{replaced}:{rsize}:{rseed}"), m_write(v, replaced, rsize, rseed),
            replaced)]

    def replays(log: WriteLog) -> list[int]:
        around = {f + d for f in log.flushes for d in (-1, 0, 1)}
        return sorted(around | set(seeded(rng, len(log.writes), 8)))

    crashes(ctx, v, disk, pos, before, ops, replays, lambda n: seeded(rng, n, 3))


@test(lab=7, name="crash-each-write", points=15, paths=("kernel",))
def crash_each_write(ctx: Ctx) -> None:
    """An append that needs new clusters, a truncate to fewer clusters and the removal
    of a long name, in a seeded order. The crash after each of the run's sector writes
    (as QEMU logged them) is replayed, and the plug pulled for real at two seeded
    ones: every file is its old or its new self, never a mix, once new never old
    again, fsck.fat finds at worst lost clusters (a chain longer than its file's size
    is not lost), and what the kernel said was done is there. QEMU only: the boot
    path changes nothing a crash leaves."""
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
    ops = [(arg("append", f"{grow}:{more}:{seed}"), m_write(v, grow, more, seed, append=True),
            grow),
           (arg("truncate", f"{cut}:{keep}"), m_truncate(v, cut, keep), cut),
           (arg("rm", gone), m_rm(v, gone), gone)]
    rng.shuffle(ops)
    crashes(ctx, v, disk, pos, before, ops, lambda log: list(range(1, len(log.writes))),
            lambda n: seeded(rng, n, 2))


@test(lab=7, name="corrupt", points=15)
def corrupt(ctx: Ctx) -> None:
    """Seeded corruptions, one boot each: an impossible BPB, a looping chain, a size
    longer than the chain, a first cluster outside the volume. Each is named, and
    nothing is written. The four are made from one seeded volume (the kernel keeps
    the first inconsistency it finds, so each needs its own boot, not its own mkfs)."""
    rng = ctx.rng
    v = make_volume(ctx, rng.choice([12, 16, 32]))
    name = v.new_name("/", "upper")
    nclusters = rng.randint(2, 5)
    victim = v.add_file("/", name, rng.randbytes(nclusters * v.cluster_bytes - rng.randint(0, 100)))
    v.populate()
    pristine = v.vol.read_bytes()
    for case in ("bpb", "loop", "size", "cluster"):
        corrupt_case(ctx, v, bytearray(pristine), (victim, nclusters), case)


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
    reads = [("ls", "/"), ("ls", d), ("cat", f1), ("cat", old[1])]
    args = fit(ops + [(arg(k, p), []) for k, p in reads])[0]   # the read-backs that fit
    r = boot(ctx, disk, pos, args, snapshot=False)
    vol = take_volume_out(v, disk)
    reads = reads[:len(args) - len(ops)]
    for k, p in reads:
        if k == "ls":
            in_disk_order(v, vol, p)
    lines = [line for _, ls in ops for line in ls]
    lines += [line for k, p in reads for line in (v.listing(p) if k == "ls" else [v.cat(p)])]
    check_run(ctx, r, v.mount_line(pos), lines)
    bad = fsck_problems(vol, allow_lost=False)
    ctx.check(not bad, "fsck.fat -n finds the volume unclean after the writes:\n  " + "\n  ".join(bad))
    bad = tree_problems(v, vol)
    ctx.check(not bad, "the host tools see other files than the kernel wrote:\n  " + "\n  ".join(bad))
    long_names(ctx, v, disk, pos)


def long_name(rng: Random, n: int, taken: set[str]) -> str:
    """n characters, not in `taken` (case-insensitively): letters, digits, '-', '_',
    spaces and periods, never a space or a period first or last."""
    assert n >= 2
    while True:
        inner = "".join(rng.choice(NAME_CHARS + " .") for _ in range(n - 2))
        name = rng.choice(NAME_CHARS) + inner + rng.choice(NAME_CHARS)
        if name.lower() not in taken and not dos_device(name):
            return name


def long_names(ctx: Ctx, v: Volume, disk: Path, pos: tuple[int, int]) -> None:
    """One more boot on the written volume: a directory and a file with seeded names of
    196-255 characters (255 one time in three), the directory removed again, the file
    read back and listed; a name of 256 or more refused with nothing written. fsck.fat
    -n must find the volume clean, mdir and mtype show the file as the kernel wrote it."""
    rng = ctx.rng
    taken = {n.lower() for n in v.dirs["/"]}
    lengths = [rng.choice([NAME_MAX, rng.randint(TWO_SECTORS, NAME_MAX - 1)]) for _ in range(2)]
    d = v.path("/", long_name(rng, lengths[0], taken))
    f = v.path("/", long_name(rng, lengths[1], taken | {d[1:].lower()}))
    too_long = v.path("/", long_name(rng, rng.randint(NAME_MAX + 1, NAME_MAX + 15), set()))
    size, seed = rng.randint(0, 3 * v.cluster_bytes), rng.randrange(1 << 24)
    refused = f"write {too_long}: 1 bytes seed {seed}: error: name longer than 255 characters"
    ops = [(arg("mkdir", d), [m_mkdir(v, d)]),
           (arg("write", f"{f}:{size}:{seed}"), [m_write(v, f, size, seed)]),
           (arg("rm", d), [m_rm(v, d)]),
           (arg("write", f"{too_long}:1:{seed}"), [refused]),
           (arg("cat", f), [v.cat(f)])]
    r = boot(ctx, disk, pos, [a for a, _ in ops] + ["ls=/"], snapshot=False,
             limit=LONG_CMDLINE_MAX)
    vol = take_volume_out(v, disk)
    in_disk_order(v, vol, "/")
    check_run(ctx, r, v.mount_line(pos), [line for _, ls in ops for line in ls] + v.listing("/"))
    bad = fsck_problems(vol, allow_lost=False) + tree_problems(v, vol)
    ctx.check(not bad, f"after names of {lengths[0]} and {lengths[1]} characters (and one of "
                       f"{len(too_long) - 1} refused):\n  " + "\n  ".join(bad))


def in_disk_order(v: Volume, vol: Path, d: str) -> None:
    """Directory d's names in the model, in the order the volume holds them. The model
    keeps creation order, which is disk order unless a new name took free slots before
    an older one: a removed name's, or the rest of a sector a longer name did not fit
    in (handouts/lab7.md section 2); how many slots a name takes is the kernel's choice
    (a long entry, or case bits, for "a.txt"). The names stay the model's: tree_problems
    checks them."""
    try:
        on_disk = dir_names(vol, d)
    except ToolFailed:
        return
    if sorted(on_disk) == sorted(v.dirs[d]):
        v.dirs[d] = on_disk


def corrupt_case(ctx: Ctx, v: Volume, img: bytearray, file: tuple[str, int], case: str) -> None:
    """One corruption of the volume `img` (the bytes of v.vol), whose root holds the
    file (path, clusters) first; booted, bare or partitioned."""
    rng = ctx.rng
    g = v.geo
    assert g is not None
    victim, nclusters = file
    name = victim[1:]
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
    v.vol.write_bytes(img)
    v.start, v.partition = 0, 0                 # disk_image sets them for a partition only
    disk = disk_image(v, rng.random() < 0.5)
    pos = position(ctx)
    before = disk.read_bytes()          # kept whole (a FAT32 disk: ~35 MB), compared after
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
    ctx.check(disk.read_bytes() == before,
              f"the {case} case: the kernel changed the disk of an inconsistent volume")


def crashes(ctx: Ctx, v: Volume, disk: Path, pos: tuple[int, int], before: dict[str, bytes],
            ops: list[Op], replays: Callable[[WriteLog], list[int]],
            plugs: Callable[[int], list[int]]) -> None:
    """Run `ops` on `disk` once whole with QEMU logging its writes, and check what it
    left; then the crash after each write K of replays(log) (replayed from the log)
    and after each K of plugs(writes) (the plug pulled in QEMU). The files were
    `before` on the disk; `v` holds them as the ops leave them."""
    pristine = ctx.workdir / "before.img"
    copy_bytes(disk, pristine)
    log = dry_run(ctx, v, disk, pos, ops)
    n = len(log.writes)
    replay(ctx, v, pristine, log, before, [k for k in replays(log) if 0 < k < n],
           [p for _, _, p in ops])
    for k in plugs(n):
        pull_the_plug(ctx, v, pristine, pos, ops, before, k, n)


def seeded(rng: Random, n: int, count: int) -> list[int]:
    """`count` seeded crash points among the n - 1 between two writes."""
    return sorted(rng.sample(range(1, n), min(count, n - 1))) if n > 1 else []


def dry_run(ctx: Ctx, v: Volume, disk: Path, pos: tuple[int, int], ops: list[Op]) -> WriteLog:
    """The whole run, its writes logged by QEMU: it must print the ops' lines and
    leave the volume clean with every op done, all inside the volume."""
    wlog = ctx.workdir / "writes.log"
    drive = logged_drive(disk, wlog, pos, MODEL, SERIAL)
    r = boot(ctx, disk, pos, [a for a, _, _ in ops], drive=drive)
    check_run(ctx, r, v.mount_line(pos), [line for _, line, _ in ops])
    log = read_write_log(wlog)
    outside = [f"sector write {i + 1} is to LBA {lba}, outside the volume"
               for i, (lba, _) in enumerate(log.writes) if not v.start <= lba < v.start + v.sectors]
    vol = take_volume_out(v, disk)
    bad = outside[:5] + fsck_problems(vol, allow_lost=False) + model_problems(v, vol)
    ctx.check(not bad, f"after the whole run (no crash; QEMU counted {len(log.writes)} sector "
                       "writes):\n  " + "\n  ".join(bad))
    return log


def model_problems(v: Volume, vol: Path) -> list[str]:
    """What the volume holds that the model does not say, or lacks: fatvol.tree_problems'
    verdict, read by one `mcopy -s` (as a crash state is) instead of mdir and an mtype
    for each file (up to 20 processes for a crash test's tree)."""
    got, dirs, bad = volume_files(vol, v.ctx.workdir / "files")
    want_dirs = {d for d in v.dirs if d != "/"}
    bad += [f"the volume holds {p}, which should not be there"
            for p in sorted((got.keys() - v.files.keys()) | (dirs - want_dirs))]
    bad += [f"the volume does not hold {p}"
            for p in sorted((v.files.keys() - got.keys()) | (want_dirs - dirs))]
    bad += [f"{p} is {describe(got[p])}, expected {describe(v.files[p])}"
            for p in sorted(got.keys() & v.files.keys()) if got[p] != v.files[p]]
    return bad


def replay(ctx: Ctx, v: Volume, pristine: Path, log: WriteLog, before: dict[str, bytes],
           points: list[int], watch: list[str]) -> None:
    """The volume a crash after write K leaves is the one before the run plus the
    log's first K writes: one copy, written forward from point to point. A file
    once seen new must stay new (nothing done is undone by a later write)."""
    vol = take_volume_out(v, pristine)
    done, first_new = 0, dict[str, int]()
    with open(vol, "r+b") as f:
        for k in sorted(set(points)):
            for lba, data in log.writes[done:k]:
                f.seek((lba - v.start) * SECTOR)
                f.write(data)
            f.flush()
            done = k
            was_new = {p: f"it was its new self after sector write {j}"
                       for p, j in first_new.items()}
            bad, new = crash_check(v, vol, before, was_new, watch)
            ctx.check(not bad, f"after a crash at sector write {k} of {len(log.writes)} "
                               "(replayed from the writes QEMU logged):\n  " + "\n  ".join(bad))
            first_new.update({p: k for p in new if p not in first_new})


def pull_the_plug(ctx: Ctx, v: Volume, pristine: Path, pos: tuple[int, int], ops: list[Op],
                  before: dict[str, bytes], k: int, n: int) -> None:
    """Run the ops again on the volume as it was, with QEMU pausing the guest at its
    write k + 1: the volume must be as a crash may leave it, with every op the
    kernel said was done before the pause done."""
    image = ctx.workdir / "crash.img"
    copy_bytes(pristine, image)
    args = [a for a, _, _ in ops]
    where = f"the plug pulled after sector write {k} of {n} ({' '.join(args)})"
    watch = PauseWatch()
    r = boot(ctx, image, pos, args, expect_exit=None, ready="Cairn stage", on_ready=watch,
             drive=plugged_drive(image, ctx.workdir / "plug.rules", k, pos, MODEL, SERIAL))
    if not watch.paused:
        if r.exit == "success":
            ctx.fail(f"{where}: the kernel ended without trying sector write {k + 1} (its dry "
                     f"run made {n}); the last lines were:\n{tail(r.log)}")
        failure = verdict_for(r)
        failure.details = f"{where}: {failure.details}"
        raise failure
    done = reported_done(ctx, r, v.mount_line(pos), ops, where)
    bad = crash_problems(v, take_volume_out(v, image), before, done)
    ctx.check(not bad, f"{where}:\n  " + "\n  ".join(bad))


class PauseWatch:
    """on_ready of a plugged boot: wait until QEMU has paused the guest (blkdebug's
    failed write under werror=stop), then end QEMU. The runner still reads the
    serial log to its end, so the lines printed before the pause are kept."""

    def __init__(self) -> None:
        self.paused = False

    def __call__(self, m: Any) -> None:
        # The runner's bound, which the host's load stretches, is ours while we wait.
        # It cannot have passed before HANG_TIMEOUT, so /proc is not read until then.
        bound = Deadline(m.pid, HANG_TIMEOUT)
        look = bound.start + HANG_TIMEOUT
        while True:
            # Raises QMPError once QEMU has exited by itself: the runner notes it.
            if m.qmp("query-status")["status"] == "io-error":
                self.paused = True
                m.proc.kill()
                return
            if time.monotonic() >= look:
                if bound.left() <= 0:
                    return                          # the runner then calls it a hang
                look = time.monotonic() + CHECK_EVERY
            time.sleep(PAUSE_POLL)


def reported_done(ctx: Ctx, r: Result, mount: str, ops: list[Op], where: str) -> dict[str, str]:
    """The paths of the ops whose whole line the kernel printed before the pause. Up
    to it the log is the dry run's: the ops' lines in order, the last maybe cut."""
    got = r.lines
    if mount not in got:
        ctx.fail(f"{where}: the log before the pause has no mount line {mount!r}; it was:\n"
                 + "\n".join(got[-15:]))
    after = got[got.index(mount) + 1:]
    done: dict[str, str] = {}
    for i, printed in enumerate(after):
        line = ops[i][1] if i < len(ops) else None
        if printed == line:
            done[ops[i][2]] = f"the kernel printed {line!r} before the plug"
        elif not (line and i == len(after) - 1 and line.startswith(printed)):
            ctx.fail(f"{where}: before the pause the kernel printed {printed!r} where the "
                     f"run prints {line!r}")
    return done


def crash_problems(v: Volume, vol: Path, before: dict[str, bytes],
                   committed: Mapping[str, str] | None = None) -> list[str]:
    """What a crash must not leave: fsck.fat finding more than lost clusters, a file
    that is neither its old nor its new self, a removed file half there, or a file
    in `committed` (path: why it must be new) not its new self."""
    return crash_check(v, vol, before, committed or {})[0]


def crash_check(v: Volume, vol: Path, before: dict[str, bytes], committed: Mapping[str, str],
                watch: Iterable[str] = ()) -> tuple[list[str], set[str]]:
    """crash_problems, and which of the files and of the paths in `committed` and
    `watch` are their new selves (a directory: there; a removed path: gone)."""
    bad = [f"fsck.fat: {line}" for line in fsck_problems(vol, allow_lost=True)]
    got, dirs, refused = volume_files(vol, v.ctx.workdir / "files")
    bad += refused
    new: set[str] = set()
    for p in sorted(before.keys() | v.files.keys() | committed.keys() | set(watch)):
        old, want, now = before.get(p), v.files.get(p), got.get(p)
        if p in v.dirs:
            is_new = p in dirs
        else:                           # a file, or nothing (removed) and no directory
            is_new = now == want and (want is not None or p not in dirs)
        if is_new:
            new.add(p)
        if now is None and old is not None and want is not None:
            bad.append(f"{p} is gone")
        elif now is not None and now not in (old, want):
            what = ("its old contents nor its new ones" if old is not None and want is not None
                    else "whole" if old is None else "its old contents (it was being removed)")
            bad.append(f"{p} is {describe(now)}: not {what}")
    bad += [f"{p} is not its new self, yet {why}" for p, why in committed.items() if p not in new]
    return bad, new


def arg(key: str, value: str) -> str:
    """key=value, quoted as Linux's command line quotes when the value has a space."""
    return f'{key}="{value}"' if " " in value else f"{key}={value}"


def boot(ctx: Ctx, disk: Path, pos: tuple[int, int], args: list[str], snapshot: bool = True,
         drive: list[str] | None = None, limit: int = CMDLINE_MAX, **kwargs: Any) -> Result:
    """Boot with `disk` at `pos`, or with the QEMU options `drive` (the crash tests'
    drives: fatvol.logged_drive, plugged_drive) instead; kwargs go to ctx.boot. The
    command line holds at most `limit` characters."""
    length = sum(len(a) + 1 for a in args)
    assert length <= limit and len(args) < 30, f"command line too long: {args}"
    disks = [] if drive else [Disk(disk, pos[0], pos[1], MODEL, SERIAL, snapshot=snapshot)]
    return ctx.boot(args=args, disks=disks, qemu_args=drive or [], timeout=HANG_TIMEOUT, **kwargs)


def check_run(ctx: Ctx, r: Result, mount: str, lines: list[str]) -> str:
    """The whole log: boot, the mount line, exactly `lines`, the sync line. Returns
    the sync line's count of sector writes."""
    ctx.expect(r, "run", mount=mount)
    got = r.lines
    start = got.index(mount) + 1
    end = next(i for i in range(start, len(got)) if got[i].startswith("fat: sync: "))
    ctx.expect_same(got[start:end], lines, "the lines of the operations")
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


