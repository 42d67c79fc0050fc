"""fatvol.py - the FAT volumes lab 7's grader makes and inspects with the host's
tools: mkfs.fat formats, mtools fills and reads back, sfdisk partitions,
fsck.fat judges. A Volume keeps the model of what is on it (names in creation
order, contents), and says what the kernel prints about it. Raw access to the
FAT and the root directory is here too, for the corrupted volumes.

[FAT] is Microsoft's FAT specification (fatgen103), as in labs/lab7-fat/.
"""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from grade.core import Ctx
from grade.drives import CYLINDER_SECTORS as CYLINDER, SECTOR

PARTITION_TYPES = {12: [0x01], 16: [0x04, 0x06, 0x0E], 32: [0x0B, 0x0C]}
TOOL_ENV = {**os.environ, "MTOOLS_SKIP_CHECK": "1", "MTOOLS_LOWER_CASE": "0"}
NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
DOS_DEVICES = {"CON", "PRN", "AUX", "NUL"}     # and COM0-9, LPT0-9: see dos_device


def dos_device(name: str) -> bool:
    """A name whose base (before the first period) is a DOS device's, such as "con.zw":
    mtools will not make a file of that name (it stores another), so a random name must
    not be one, or the volume the test builds is not the one it thinks."""
    base = name.split(".")[0].strip().upper()
    return base in DOS_DEVICES or (len(base) == 4 and base[:3] in ("COM", "LPT")
                                   and base[3].isdigit())


def xorshift(seed: int) -> Iterator[int]:
    """The kit's generator (user/lab7.c's pattern, user/progs' ulib.h): xorshift32
    words from seed ^ 0x9E3779B9 (never 0)."""
    x = (seed ^ 0x9E3779B9) & 0xFFFFFFFF or 1
    while True:
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        yield x


def pattern(seed: int, n: int) -> bytes:
    """user/lab7.c's write pattern: the generator's words, little-endian."""
    words = xorshift(seed)
    out = bytearray()
    while len(out) < n:
        out += struct.pack("<I", next(words))
    return bytes(out[:n])


class ToolFailed(RuntimeError):
    """A host tool refused. Making a volume, that is the grader's trouble; reading
    one the kernel wrote, it is the kernel's (callers say so as a problem)."""


def tool(*cmd: str, stdin: bytes | None = None) -> bytes:
    r = subprocess.run(cmd, input=stdin, capture_output=True, env=TOOL_ENV)
    if r.returncode != 0:
        why = "; ".join(r.stderr.decode(errors="replace").strip().splitlines())
        raise ToolFailed(f"{' '.join(cmd)} failed: {why}")
    return r.stdout


def mdir_paths(vol: Path) -> set[str]:
    """Every path on the volume as mdir lists it: "::/a/b" for files, "::/a/" for directories."""
    return {line.strip() for line in tool("mdir", "-/", "-b", "-i", str(vol), "::/")
            .decode(errors="replace").splitlines() if line.strip()}


def dir_names(vol: Path, d: str) -> list[str]:
    """The names in directory d in the order of its entries (mdir reads them in order)."""
    out = tool("mdir", "-b", "-i", str(vol), "::" + d).decode(errors="replace")
    return [line.strip().rstrip("/").rsplit("/", 1)[1] for line in out.splitlines() if line.strip()]


def mtype(vol: Path, p: str) -> bytes:
    return tool("mtype", "-i", str(vol), "::" + p)


def describe(data: bytes) -> str:
    """How a problem names a file's contents: its length and CRC-32."""
    return f"{len(data)} bytes crc32 0x{zlib.crc32(data):08x}"


def listed_contents(vol: Path, paths: Iterable[str],
                    listed: set[str]) -> tuple[dict[str, bytes], list[str]]:
    """mtype each of `paths` that mdir listed: their contents, and mtype's refusals."""
    got: dict[str, bytes] = {}
    refused: list[str] = []
    for p in paths:
        if f"::{p}" in listed:
            try:
                got[p] = mtype(vol, p)
            except ToolFailed as e:
                refused.append(str(e))
    return got, refused


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
            if name.lower() not in taken and not dos_device(name):
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


def make_volume(ctx: Ctx, fat: int, spc: int | None = None) -> Volume:
    """A freshly formatted volume of the given FAT type, with a seeded cluster size
    (spc sectors per cluster, if given)."""
    rng = ctx.rng
    if spc is None:
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
    copy_bytes(disk, out, v.start * SECTOR, v.sectors * SECTOR)
    return out


def copy_bytes(src: Path, dst: Path, offset: int = 0, length: int | None = None) -> None:
    """dst becomes `length` bytes of src from `offset` (all the rest: None), copied
    inside the host kernel (copy_file_range): a crash test copies a FAT32 disk of
    35 MB several times, ten times faster than through Python's buffers."""
    if length is None:
        length = src.stat().st_size - offset
    with open(src, "rb") as i, open(dst, "wb") as o:
        done = 0
        while done < length:
            n = os.copy_file_range(i.fileno(), o.fileno(), length - done, offset + done, done)
            if n == 0:
                raise RuntimeError(f"{src} ends before byte {offset + length}")
            done += n


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
    try:
        listed = mdir_paths(vol)
    except ToolFailed as e:
        return [str(e)]
    want = {f"::{d}/" for d in v.dirs if d != "/"} | {f"::{p}" for p in v.files}
    bad = [f"mdir shows {p}, which should not be there" for p in sorted(listed - want)]
    bad += [f"mdir does not show {p}" for p in sorted(want - listed)]
    got, refused = listed_contents(vol, v.files, listed)
    bad += refused
    bad += [f"mtype {p}: {describe(data)}, expected {describe(v.files[p])}"
            for p, data in got.items() if data != v.files[p]]
    return bad


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


# ---- the grader's side of the disk: every write counted, and the plug ----
# A crash test must not take the kernel's word for what reached the disk. QEMU's
# block layer counts instead: the dry run puts a blklogwrites node between the
# drive and the image, which records every write the drive took (sector and
# data, in order) and every flush, in dm-log-writes' format; a crashed run puts
# a blkdebug node there, whose rules let K writes through and fail write K+1,
# and the drive's werror=stop then pauses the guest before it runs another
# instruction: the plug is pulled from outside. PIO (lab 4) writes one sector a
# request (QEMU's WRITE SECTORS takes a sector per I/O), so a request is a sector.

LOG_MAGIC = 0x6A736677736872           # dm-log-writes' superblock magic
LOG_FLUSH, LOG_DISCARD = 1, 4           # its entry flags


@dataclass
class WriteLog:
    """What the drive took, as QEMU saw it."""
    writes: list[tuple[int, bytes]]     # each sector write in order: (LBA, its 512 bytes)
    flushes: list[int]                  # each flush: the number of writes before it


def read_write_log(log: Path) -> WriteLog:
    """Parse blklogwrites' log of SECTOR-byte sectors (its default). QEMU writes the
    superblock at each flush only, so a kernel that never flushes leaves none (and
    its count of entries stops at the last flush): the log file starts empty, and
    every entry to its end is read."""
    data = log.read_bytes()
    magic = struct.unpack_from("<Q", data)[0] if len(data) >= SECTOR else 0
    if magic not in (0, LOG_MAGIC):
        raise RuntimeError(f"{log} is not a write log")
    out = WriteLog([], [])
    sector = SECTOR
    off = sector
    while off + 32 <= len(data):
        lba, count, flags, _ = struct.unpack_from("<QQQQ", data, off)
        off += sector
        if flags & LOG_FLUSH:
            out.flushes.append(len(out.writes))
        if flags & LOG_DISCARD:
            continue
        for i in range(count):
            out.writes.append((lba + i, data[off:off + sector]))
            off += sector
    return out


def qemu_escape(value: str) -> str:
    """A value inside a QEMU option: commas doubled (as grade/runner.py's disks)."""
    return value.replace(",", ",,")


def ide_drive(pos: tuple[int, int], node: str, model: str, serial: str) -> str:
    return (f"ide-hd,drive={node},bus=ide.{pos[0]},unit={pos[1]},model={qemu_escape(model)},"
            f"serial={qemu_escape(serial)},ver=1.0")


def logged_drive(disk: Path, log: Path, pos: tuple[int, int], model: str,
                 serial: str) -> list[str]:
    """QEMU options for a drive on `disk` whose writes go to `log` as well."""
    log.write_bytes(b"")
    return ["-blockdev", f"driver=file,node-name=img,filename={qemu_escape(str(disk))}",
            "-blockdev", f"driver=file,node-name=wlog,filename={qemu_escape(str(log))}",
            "-blockdev", "driver=blklogwrites,node-name=logged,file=img,log=wlog",
            "-device", ide_drive(pos, "logged", model, serial)]


def plugged_drive(disk: Path, rules: Path, k: int, pos: tuple[int, int], model: str,
                  serial: str) -> list[str]:
    """QEMU options for a drive on `disk` that takes k writes and pauses the guest at
    the next. blkdebug's state counts write_aio events (the raw node above it sends
    one per write): rule s moves state s to s+1, and in state k+1 every write fails
    with EIO (5), which werror=stop turns into a pause (QMP's STOP event)."""
    steps = "".join(f'[set-state]\nevent = "write_aio"\nstate = "{s}"\nnew_state = "{s + 1}"\n\n'
                    for s in range(1, k + 1))
    rules.write_text(steps + f'[inject-error]\nevent = "write_aio"\nstate = "{k + 1}"\n'
                             'errno = "5"\nonce = "off"\n')
    return ["-blockdev", f"driver=file,node-name=img,filename={qemu_escape(str(disk))}",
            "-blockdev", f"driver=blkdebug,node-name=plug,config={qemu_escape(str(rules))},"
                         "image=img",
            "-blockdev", "driver=raw,node-name=plugged,file=plug",
            "-device", ide_drive(pos, "plugged", model, serial) + ",werror=stop"]


def volume_files(vol: Path, dest: Path) -> tuple[dict[str, bytes], set[str], list[str]]:
    """Every file on the volume ("/dir/name": contents) and every directory as one
    `mcopy -s` reads them (one process for the whole tree: a crash test reads many
    volumes), and what mcopy refused."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    r = subprocess.run(["mcopy", "-s", "-n", "-i", str(vol), "::/", str(dest)],
                       capture_output=True, env=TOOL_ENV)
    refused = [f"mcopy -s: {line}" for line in r.stderr.decode(errors="replace").splitlines()
               if line.strip()]
    if r.returncode != 0 and not refused:
        refused = [f"mcopy -s exited with {r.returncode}"]
    found = sorted(dest.rglob("*"))
    files = {"/" + str(p.relative_to(dest)): p.read_bytes() for p in found if p.is_file()}
    dirs = {"/" + str(p.relative_to(dest)) for p in found if p.is_dir()}
    return files, dirs, refused
