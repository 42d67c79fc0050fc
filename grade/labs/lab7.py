"""Stage 7: a FAT file system. Seeded volumes are made with the host's own tools
(mkfs.fat formats, mtools fills, sfdisk partitions); the kernel must list and
checksum them as the tools say, and what it writes must be what mdir/mtype read
back, on a volume that `fsck.fat -n` calls clean. Crashes (crash_after=K) may
leave lost clusters, nothing worse; corrupted volumes get their named error and
are never written.

Every expected line comes from the model of the volume kept here (names in
creation order, contents) and from the BPB mkfs.fat wrote. Nothing is stored.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from grade.core import Ctx, Disk, Result, test

SECTOR = 512
CYLINDER = 16 * 63                  # Bochs wants whole cylinders of 16 heads x 63 sectors
POSITIONS = [(0, 0), (0, 1), (1, 0), (1, 1)]
ISO_BOOT_CD = (1, 1)                # the iso path boots from a CD-ROM there
PARTITION_TYPES = {12: [0x01], 16: [0x04, 0x06, 0x0E], 32: [0x0B, 0x0C]}
TOOL_ENV = {**os.environ, "MTOOLS_SKIP_CHECK": "1", "MTOOLS_LOWER_CASE": "0"}
NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
CMDLINE_MAX = 400                   # the kernel keeps 512 characters, its own path included


def pattern(seed: int, n: int) -> bytes:
    """user/lab7.c's write pattern: xorshift32 words from seed ^ 0x9E3779B9, little-endian."""
    x = (seed ^ 0x9E3779B9) & 0xFFFFFFFF or 1
    out = bytearray()
    while len(out) < n:
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out += struct.pack("<I", x)
    return bytes(out[:n])


def tool(*cmd: str, stdin: bytes | None = None) -> bytes:
    r = subprocess.run(cmd, input=stdin, capture_output=True, env=TOOL_ENV)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {r.stderr.decode(errors='replace')}")
    return r.stdout


def arg(key: str, value: str) -> str:
    """key=value, quoted as Linux's command line quotes when the value has a space."""
    return f'{key}="{value}"' if " " in value else f"{key}={value}"


@dataclass
class Geometry:
    """What the BPB says, computed as [FAT] "FAT Type Determination" does."""
    fat: int
    reserved: int
    nfats: int
    fat_sectors: int
    root_sectors: int
    data_sector: int
    spc: int
    clusters: int
    root_cluster: int

    @staticmethod
    def parse(boot: bytes) -> "Geometry":
        spc, reserved, nfats, root_ent = boot[13], *struct.unpack_from("<HBH", boot, 14)
        tot16, fat16 = struct.unpack_from("<H", boot, 19)[0], struct.unpack_from("<H", boot, 22)[0]
        total = tot16 or struct.unpack_from("<I", boot, 32)[0]
        fat_sectors = fat16 or struct.unpack_from("<I", boot, 36)[0]
        root_sectors = root_ent * 32 // SECTOR
        data = reserved + nfats * fat_sectors + root_sectors
        clusters = (total - data) // spc
        fat = 12 if clusters < 4085 else 16 if clusters < 65525 else 32
        root_cluster = struct.unpack_from("<I", boot, 44)[0] if fat == 32 else 0
        return Geometry(fat, reserved, nfats, fat_sectors, root_sectors, data, spc, clusters,
                        root_cluster)


@dataclass
class Volume:
    """A FAT volume on a disk image, and what is on it."""
    ctx: Ctx
    fat: int
    vol: Path                       # the volume alone, for mtools and fsck.fat
    sectors: int
    geo: Geometry | None = None
    partition: int = 0
    start: int = 0
    dirs: dict[str, list[str]] = field(default_factory=lambda: {"/": []})
    files: dict[str, bytes] = field(default_factory=dict)

    def path(self, parent: str, name: str) -> str:
        return parent.rstrip("/") + "/" + name

    def add_dir(self, parent: str, name: str) -> str:
        p = self.path(parent, name)
        tool("mmd", "-i", str(self.vol), "::" + p)
        self.dirs[parent].append(name)
        self.dirs[p] = []
        return p

    def add_file(self, parent: str, name: str, data: bytes) -> str:
        p = self.path(parent, name)
        src = self.ctx.workdir / "src.bin"
        src.write_bytes(data)
        tool("mcopy", "-i", str(self.vol), str(src), "::" + p)
        self.dirs[parent].append(name)
        self.files[p] = data
        return p

    def new_name(self, parent: str, kind: str | None = None) -> str:
        """A name not yet in `parent` (case-insensitively): 8.3 in capitals, 8.3 in
        small letters, or long with spaces and mixed case."""
        rng = self.ctx.rng
        taken = {n.lower() for n in self.dirs[parent]}
        while True:
            k = kind or rng.choice(["upper", "lower", "long"])
            base = "".join(rng.choice(NAME_CHARS[:26]) for _ in range(rng.randint(1, 8)))
            ext = "".join(rng.choice(NAME_CHARS[:26]) for _ in range(rng.randint(0, 3)))
            if k == "upper":
                name = base.upper() + ("." + ext.upper() if ext else "")
            elif k == "lower":
                name = base + ("." + ext if ext else "")
            else:
                words = ["".join(rng.choice(NAME_CHARS) for _ in range(rng.randint(1, 6)))
                         for _ in range(rng.randint(2, 3))]
                name = " ".join(words) + rng.choice(["", ".txt", ".bin", ".data"])
            if name.lower() not in taken:
                return name

    def some_size(self) -> int:
        rng, cb = self.ctx.rng, self.cluster_bytes
        return rng.choice([0, rng.randint(1, 600), rng.randint(1, 4) * cb,
                           rng.randint(cb + 1, 6 * cb), rng.randint(1, 20000)])

    @property
    def cluster_bytes(self) -> int:
        assert self.geo is not None
        return self.geo.spc * SECTOR

    def populate(self) -> None:
        """Files and directories two levels deep, names and sizes from the seed."""
        rng = self.ctx.rng
        for _ in range(rng.randint(2, 3)):
            self.add_file("/", self.new_name("/"), rng.randbytes(self.some_size()))
        for _ in range(rng.randint(1, 2)):
            d = self.add_dir("/", self.new_name("/"))
            for _ in range(rng.randint(1, 2)):
                self.add_file(d, self.new_name(d), rng.randbytes(self.some_size()))
            if rng.random() < 0.5:
                sub = self.add_dir(d, self.new_name(d, "upper"))
                self.add_file(sub, self.new_name(sub), rng.randbytes(self.some_size()))

    # ---- what the kernel prints ----

    def listing(self, d: str) -> list[str]:
        out = [f"ls {d}"]
        for name in self.dirs[d]:
            p = self.path(d, name)
            out.append(f"  dir {name}" if p in self.dirs else f"  file {len(self.files[p])} {name}")
        n = len(self.dirs[d])
        return out + [f"ls {d}: {n} entr{'y' if n == 1 else 'ies'}"]

    def cat(self, p: str) -> str:
        data = self.files[p]
        return f"cat {p}: {len(data)} bytes crc32 0x{zlib.crc32(data):08x}"

    def mount_line(self, pos: tuple[int, int]) -> str:
        assert self.geo is not None
        where = f"partition {self.partition} at LBA {self.start}" if self.partition else "whole disk"
        return (f"fat: ata{pos[0]} {'slave' if pos[1] else 'master'}: FAT{self.fat}, {where}, "
                f"{self.geo.clusters} clusters of {self.cluster_bytes} bytes")


def make_volume(ctx: Ctx, fat: int) -> Volume:
    """A freshly formatted volume of the given FAT type, with a seeded cluster size."""
    rng = ctx.rng
    spc = rng.choice([1, 2, 4]) if fat != 32 else 1
    if fat == 12:                   # whole cylinders, rounded down: under 4085 clusters
        sectors = rng.randint(1, 4000 * spc // CYLINDER) * CYLINDER
    else:                           # rounded up: at least 4085 (65525) clusters
        clusters = rng.randint(4200, 20000) if fat == 16 else rng.randint(66500, 70000)
        sectors = (clusters * spc + 600) // CYLINDER * CYLINDER + CYLINDER
    vol = ctx.workdir / f"fat{fat}.vol"
    vol.unlink(missing_ok=True)
    with open(vol, "wb") as f:
        f.truncate(sectors * SECTOR)
    tool("mkfs.fat", "-F", str(fat), "-s", str(spc), "-S", str(SECTOR), "-n", "CAIRN",
         "-i", f"{rng.randrange(1 << 32):08x}", str(vol))
    v = Volume(ctx, fat, vol, sectors)
    v.geo = Geometry.parse(vol.read_bytes()[:SECTOR])
    assert v.geo.fat == fat, f"mkfs.fat made FAT{v.geo.fat}, not FAT{fat}"
    return v


def disk_image(v: Volume, partitioned: bool) -> Path:
    """The disk the kernel gets: the volume alone, or behind an MBR (sfdisk)."""
    disk = v.ctx.workdir / "disk.img"
    if not partitioned:
        shutil.copyfile(v.vol, disk)
        return disk
    v.start = v.ctx.rng.choice([63, 2048, CYLINDER])
    total = v.start + v.sectors + CYLINDER
    total -= total % CYLINDER
    with open(disk, "wb") as f:
        f.truncate(total * SECTOR)
        f.seek(v.start * SECTOR)
        f.write(v.vol.read_bytes())
    v.partition = 1
    ptype = v.ctx.rng.choice(PARTITION_TYPES[v.fat])
    tool("sfdisk", "--no-reread", "--no-tell-kernel", "-q", str(disk),
         stdin=f"label: dos\nstart={v.start}, size={v.sectors}, type={ptype:x}\n".encode())
    return disk


def take_volume_out(v: Volume, disk: Path) -> Path:
    """After the run: the volume's bytes as a file of their own, for the host tools."""
    out = v.ctx.workdir / "after.vol"
    with open(disk, "rb") as f:
        f.seek(v.start * SECTOR)
        out.write_bytes(f.read(v.sectors * SECTOR))
    return out


def position(ctx: Ctx) -> tuple[int, int]:
    free = [p for p in POSITIONS if not (ctx.path == "iso" and p == ISO_BOOT_CD)]
    return ctx.rng.choice(free)


def boot(ctx: Ctx, disk: Path, pos: tuple[int, int], args: list[str],
         snapshot: bool = True) -> Result:
    length = sum(len(a) + 1 for a in args)
    assert length <= CMDLINE_MAX and len(args) < 30, f"command line too long: {args}"
    return ctx.boot(args=args, disks=[Disk(disk, pos[0], pos[1], model="Cairn FAT disk",
                                           serial="CAIRN-FAT", snapshot=snapshot)])


def check_run(ctx: Ctx, r: Result, mount: str, lines: list[str]) -> str:
    """The whole log: boot, the mount line, exactly `lines`, the sync line. Returns
    the sync line's count of sector writes."""
    ctx.expect(r, "run", mount=mount)
    got = r.lines
    start = got.index(mount) + 1
    end = next(i for i in range(start, len(got)) if got[i].startswith("fat: sync: "))
    if got[start:end] != lines:
        import difflib
        ctx.fail("the operations printed something else:\n" + "\n".join(
            difflib.unified_diff(lines, got[start:end], "expected", "kernel", lineterm="")))
    return re.search(r"(\d+) sector writes", got[end]).group(1)  # type: ignore[union-attr]


def fsck_problems(vol: Path, allow_lost: bool) -> list[str]:
    """fsck.fat -n's complaints; lost clusters (and FAT copies that differ only in
    them, and FSInfo's count left "unknown") are allowed after a crash."""
    r = subprocess.run(["fsck.fat", "-n", str(vol)], capture_output=True, text=True,
                       env=TOOL_ENV)
    ok = [r"fsck\.fat \d.*", r".*: \d+ files, \d+/\d+ clusters", r"\s*"]
    if allow_lost:
        ok += [r"Reclaimed \d+ unused clusters? \(\d+ bytes\)\.", r"Leaving filesystem unchanged\.",
               r"FATs differ but appear to be intact\.", r"\s+Using first FAT\.",
               # FSInfo's count is set to "unknown" until the final sync ([FAT] "FSInfo
               # Sector Structure": 0xFFFFFFFF means compute it); fsck.fat says so
               r"Free cluster summary uninitialized \(should be \d+\)"]
    bad = [line for line in (r.stdout + r.stderr).splitlines()
           if not any(re.fullmatch(p, line) for p in ok)]
    if r.returncode != 0 and not allow_lost and not bad:
        bad = [f"fsck.fat exited with {r.returncode}"]
    return bad


def tree_problems(v: Volume, vol: Path) -> list[str]:
    """What mdir and mtype show that the model does not say."""
    listed = {line.strip() for line in tool("mdir", "-/", "-b", "-i", str(vol), "::/")
              .decode(errors="replace").splitlines() if line.strip()}
    want = {f"::{d}/" for d in v.dirs if d != "/"} | {f"::{p}" for p in v.files}
    bad = [f"mdir shows {p}, which should not be there" for p in sorted(listed - want)]
    bad += [f"mdir does not show {p}" for p in sorted(want - listed)]
    for p, data in v.files.items():
        if f"::{p}" in listed:
            got = tool("mtype", "-i", str(vol), "::" + p)
            if got != data:
                bad.append(f"mtype {p}: {len(got)} bytes crc32 0x{zlib.crc32(got):08x}, expected "
                           f"{len(data)} bytes crc32 0x{zlib.crc32(data):08x}")
    return bad


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


# ---- the tests ----

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


def write_volume(ctx: Ctx, fat: int) -> None:
    rng = ctx.rng
    v = make_volume(ctx, fat)
    v.populate()
    disk = disk_image(v, rng.random() < 0.5)
    pos = position(ctx)
    # The shorter paths: the command line holds 512 characters.
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
    args = [arg("write", f"{big}:{size}:{seed}"), arg("write", f"{replaced}:{rsize}:{rseed}")]
    before = dict(v.files)
    lines = [m_write(v, big, size, seed), m_write(v, replaced, rsize, rseed)]
    after = dict(v.files)
    r = boot(ctx, disk, pos, args)                  # a dry run counts the sector writes
    writes = int(check_run(ctx, r, v.mount_line(pos), lines))
    for k in sorted(rng.sample(range(1, writes), min(3, writes - 1))):
        image = ctx.workdir / f"crash{k}.img"
        shutil.copyfile(disk, image)
        r = boot(ctx, image, pos, args + [f"crash_after={k}"], snapshot=False)
        ctx.expect(r, "crash", k=k)
        vol = take_volume_out(v, image)
        bad = fsck_problems(vol, allow_lost=True)
        ctx.check(not bad, f"after a crash at sector write {k} of {writes}, fsck.fat finds "
                           "more than lost clusters:\n  " + "\n  ".join(bad))
        listed = tool("mdir", "-/", "-b", "-i", str(vol), "::/").decode(errors="replace")
        for p, data in before.items():
            got = tool("mtype", "-i", str(vol), "::" + p)
            ctx.check(got in (data, after[p]), f"after a crash at sector write {k} of {writes}, "
                      f"{p} is {len(got)} bytes crc32 0x{zlib.crc32(got):08x}: neither its old "
                      f"contents nor its new ones")
        if f"::{big}" in listed.splitlines():
            got = tool("mtype", "-i", str(vol), "::" + big)
            ctx.check(got == after[big], f"after a crash at sector write {k} of {writes}, the new "
                      f"file {big} is there but not whole ({len(got)} of {size} bytes)")


def fat_offset(g: Geometry, c: int, copy: int) -> tuple[int, int]:
    """Byte offset (in the volume) of cluster c's entry in FAT copy `copy`, and its width."""
    base = (g.reserved + copy * g.fat_sectors) * SECTOR
    return {12: (base + c + c // 2, 2), 16: (base + 2 * c, 2), 32: (base + 4 * c, 4)}[g.fat]


def fat_get(img: bytearray, g: Geometry, c: int) -> int:
    off, width = fat_offset(g, c, 0)
    value = int.from_bytes(img[off:off + width], "little")
    return {12: (value >> 4) if c & 1 else value & 0xFFF, 16: value, 32: value & 0x0FFFFFFF}[g.fat]


def fat_set(img: bytearray, g: Geometry, c: int, value: int) -> None:
    for copy in range(g.nfats):
        off, width = fat_offset(g, c, copy)
        old = int.from_bytes(img[off:off + width], "little")
        if g.fat == 12:
            value12 = (old & 0x000F) | (value << 4) if c & 1 else (old & 0xF000) | value
            img[off:off + 2] = value12.to_bytes(2, "little")
        else:
            img[off:off + width] = value.to_bytes(width, "little")


def root_entry(img: bytearray, g: Geometry, name: str) -> int:
    """The byte offset of the root directory's 8.3 entry for NAME.EXT."""
    base, _, ext = name.partition(".")
    sfn = (base.ljust(8) + ext.ljust(3)).encode()
    if g.fat == 32:
        start, length = (g.data_sector + (g.root_cluster - 2) * g.spc) * SECTOR, g.spc * SECTOR
    else:
        start = (g.reserved + g.nfats * g.fat_sectors) * SECTOR
        length = g.root_sectors * SECTOR
    for off in range(start, start + length, 32):
        if img[off:off + 11] == sfn:
            return off
    raise RuntimeError(f"no root entry {sfn!r}")


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


@test(lab=7, name="corrupt", points=15)
def corrupt(ctx: Ctx) -> None:
    """Seeded corruptions, one boot each: an impossible BPB, a looping chain, a size
    longer than the chain, a first cluster outside the volume. Each is named, and
    nothing is written."""
    for case in ("bpb", "loop", "size", "cluster"):
        corrupt_case(ctx, case)
