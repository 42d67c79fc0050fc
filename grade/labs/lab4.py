"""Stage 4: ATA PIO. Disks made from the seed, on random positions; the stage
must list them, checksum the sectors it is told to read (polled, then again
with the IRQ-driven futures on both channels at once), report a read past the
end as an error, and write a sector that is really on the image afterwards.
Slow disks must be waited for, and a drive that stops answering must cost one
reported timeout per command, never the drives after it.

The tests come first: they are the lab's specification. The Scenario after
them computes every expected line from the images: their sizes, the model,
serial and firmware strings the emulator was given (Bochs can't set the serial
nor the firmware), zlib.crc32 of the sectors, and the write pattern (the
xorshift32 of user/lab4.c). Nothing expected is stored.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from grade.core import QEMU_ONLY, Ctx, Disk, Result, test
from grade.drives import (CYLINDER_SECTORS, HEADS, ISO_BOOT_CD, POSITIONS, SECTOR,
                          SECTORS_PER_TRACK, drive_line, random_text)

LBA28_LIMIT = 1 << 28
NREADS = 6                          # the "run" section of lab4.log has six read lines
MODEL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._"
SERIAL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
# QEMU's throttle for a slow disk (a leaky bucket that holds a tenth of a second's bytes):
# once a 512-byte request has gone through, the next waits until 512/bps - 0.1 s after it.
# Reads at 1500 bytes/s: the polled read back and the IRQ read each wait about 0.24 s.
# Writes at 600 bytes/s, the bucket filled by the polled write: the IRQ write comes about
# 0.5 s after it and waits about 0.27 s more. cache.no-flush: the FLUSH CACHE between the
# polled write and the read back returns at once (the write still reaches the image file),
# so no fdatasync of a busy host eats the read back's wait. The throttle counts host time
# (QEMU 7.2 has no throttle on the guest's instruction-counted clock, and a disk under
# -icount races the guest's deadlines: core.VIRTUAL_TIME), so each slow command costs its
# wait in wall time: a quarter second is what the bug needs. A polled wait bounded by a
# count of status reads (QEMU TCG answers one in 50-150 ns on a quiet host) gives up before
# the drive answers up to a count of 1.5-5 million (a million: the read back fails), and an
# IRQ-driven deadline of 0.1 s times out (grade/tests/test_lab4_slow.py).
SLOW_READ_BPS, SLOW_WRITE_BPS = 1500, 600
SLOW_DISK = (f"throttling.bps-read={SLOW_READ_BPS},throttling.bps-write={SLOW_WRITE_BPS},"
             "cache.no-flush=on")
# A drive that stops answering: at 1 byte/s its first request never completes.
STUCK_DISK = "throttling.bps-total=1"
# ata_timeout=: the deadline cap for that test. Each of the stuck drive's two commands
# (polled, future) costs one cap of wall time; the good drives' commands must end within
# it on a loaded host (their reads take microseconds; a thread of QEMU waiting for a CPU,
# tens of ms). Half a second: the lost-IRQ check's period (labs/lab4-ata/ata_private.h).
STUCK_TIMEOUT_MS = 500
STUCK_STATUS = 0xD0                 # QEMU's status while a PIO read is pending: BSY DRDY DSC


@test(lab=4, name="probe-read-write", points=10)
def probe_read_write(ctx: Ctx) -> None:
    """Two or three disks and a CD-ROM on random positions; reads, one past the end; a write."""
    s = Scenario(ctx)
    free = s.free_positions()
    ctx.rng.shuffle(free)
    s.add_cdrom(free.pop())
    for pos in free[:ctx.rng.randint(2, len(free))]:
        s.add_disk(pos, s.random_disk_sectors())
    reads = s.some_reads(NREADS, past_end=True)
    s.boot_and_check(reads, s.some_write(reads))


@test(lab=4, name="slaves-only", points=5)
def slaves_only(ctx: Ctx) -> None:
    """Disks on the slave positions only: the masters are empty (the seed probed the
    secondary slave as a master and found nothing)."""
    s = Scenario(ctx)
    for pos in [(0, 1), (1, 1)]:
        if pos in s.free_positions():
            s.add_disk(pos, s.random_disk_sectors())
    reads = s.some_reads(NREADS, past_end=True, empty=True)
    s.boot_and_check(reads, s.some_write(reads))


@test(lab=4, name="both-channels", points=10)
def both_channels(ctx: Ctx) -> None:
    """A disk on each channel, read three times each: the IRQ futures overlap."""
    s = Scenario(ctx)
    for ch in (0, 1):
        units = [u for c, u in s.free_positions() if c == ch]
        s.add_disk((ch, ctx.rng.choice(units)), s.random_disk_sectors())
    reads = s.some_reads(NREADS, past_end=False)
    s.boot_and_check(reads, s.some_write(reads))


@test(lab=4, name="irq-overlap", points=10, paths=("kernel",), waits=True)
def irq_overlap(ctx: Ctx) -> None:
    """Slow disks (QEMU throttled to 25 requests a second) on both channels: the futures
    must sleep until their IRQ wakes them (a handler that does not wake loses wake-ups),
    and the two channels work at the same time."""
    s = Scenario(ctx)
    for ch in (0, 1):
        s.add_disk((ch, ctx.rng.randint(0, 1)), s.random_disk_sectors())
    reads = s.some_reads(NREADS, past_end=False)
    s.boot_and_check(reads, s.some_write(reads), throttle_iops=25)


@test(lab=4, name="read-error", points=5, paths=("kernel",))
def read_error(ctx: Ctx) -> None:
    """A disk whose sector S cannot be read (QEMU's blkdebug): reading S, polled, with a
    future, and inside a multi-sector command, is an error with the drive's error register
    decoded; the sectors around it still read fine."""
    s = Scenario(ctx)
    pos = ctx.rng.choice(s.free_positions())
    d = s.add_disk(pos, s.random_disk_sectors())
    bad = ctx.rng.randrange(1, d.sectors - 1)
    s.bad[pos] = bad
    for lba in (bad - 1, bad, bad + 1):
        s.fill_sector(pos, lba)
    reads = [(pos, bad - 1), (pos, bad), (pos, bad + 1), (pos, bad),
             (pos, 0), (pos, d.sectors)]
    s.fill_sector(pos, 0)
    ctx.rng.shuffle(reads)
    wlba = bad
    while wlba in (bad - 1, bad, bad + 1, 0):
        wlba = ctx.rng.randrange(d.sectors)
    d.disk.snapshot = False
    s.fill_sector(pos, wlba)
    s.boot_and_check(reads, (pos, wlba))


@test(lab=4, name="lba48", points=10, paths=("kernel", "floppy"))
def lba48(ctx: Ctx) -> None:
    """A sparse disk beyond 128 GiB: LBA48 reads on both sides of 2^28 and a write beyond it."""
    s = Scenario(ctx)
    positions = s.free_positions()
    ctx.rng.shuffle(positions)
    big = positions.pop()
    sectors = LBA28_LIMIT + ctx.rng.randint(1, 1 << 24) * CYLINDER_SECTORS
    s.add_disk(big, sectors - sectors % CYLINDER_SECTORS)
    small = positions.pop()
    s.add_disk(small, s.random_disk_sectors())
    n = s.drives[big].sectors
    lbas = [LBA28_LIMIT - 1, LBA28_LIMIT, ctx.rng.randrange(LBA28_LIMIT, n), n - 1]
    for lba in lbas:
        s.fill_sector(big, lba)
    reads = [(big, lba) for lba in lbas] + [(big, n), (small, 0)]
    s.fill_sector(small, 0)
    ctx.rng.shuffle(reads)
    wlba = lbas[0]
    while wlba in lbas:
        wlba = ctx.rng.randrange(LBA28_LIMIT + 1, n - 1)
    s.drives[big].disk.snapshot = False
    s.fill_sector(big, wlba)
    s.boot_and_check(reads, (big, wlba), around=LBA28_LIMIT)


@test(lab=4, name="no-disks", points=5)
def no_disks(ctx: Ctx) -> None:
    """Nothing attached: four "no device" lines at once (no hang), errors for every request."""
    s = Scenario(ctx)
    rng = ctx.rng
    reads = [(rng.choice(POSITIONS), rng.randrange(1 << 20)) for _ in range(NREADS)]
    s.boot_and_check(reads, (rng.choice(POSITIONS), rng.randrange(1 << 20)))



@test(lab=4, name="slow-disk", points=5, paths=QEMU_ONLY, timeout=30.0)
def slow_disk(ctx: Ctx) -> None:
    """A slow disk: the polled read back of the written sector, the IRQ-driven read and the
    IRQ-driven write each wait about a quarter of a second (SLOW_READ_BPS). Polled and
    IRQ-driven, every wait must last as long as the drive needs (the deadlines are 30 s),
    however many status reads that is. QEMU's throttle lets a request through an empty
    bucket, but QEMU reads a disk's first sector itself as it creates the drive, to guess
    its geometry from a partition table (hw/block/block.c: blkconf_geometry), which would
    make the first polled read wait too (a fourth wait, judging nothing new): the drive is
    given the geometry QEMU would guess for a disk without one (hd-geometry.c:
    guess_chs_for_size), so QEMU reads nothing and the kernel's first read and first write
    find their buckets empty."""
    s = Scenario(ctx)
    pos = ctx.rng.choice(s.free_positions())
    d = s.add_disk(pos, s.random_disk_sectors())
    s.drive_options[pos] = SLOW_DISK
    s.device_options[pos] = (f"cyls={d.sectors // CYLINDER_SECTORS},heads={HEADS},"
                             f"secs={SECTORS_PER_TRACK}")
    lba = ctx.rng.randrange(d.sectors)
    s.fill_sector(pos, lba)
    s.boot_and_check([(pos, lba)], s.some_write([(pos, lba)]), section="slow")


@test(lab=4, name="drive-stops", points=5, paths=QEMU_ONLY, timeout=30.0, waits=True)
def drive_stops(ctx: Ctx) -> None:
    """A drive that stops answering, next to a good drive on the same channel and one on
    the other channel. Its read is one timeout, polled and as a future (every deadline is
    capped at half a second by ata_timeout=); the channel is then reset, so the good
    drives' reads that follow still work: no cascade of errors after the timeout."""
    s = Scenario(ctx)
    stuck_ch = ctx.rng.randint(0, 1)
    stuck, good = [(stuck_ch, u) for u in ctx.rng.sample([0, 1], 2)]
    other = (1 - stuck_ch, ctx.rng.randint(0, 1))
    for pos in (stuck, good, other):
        if pos in s.free_positions():
            s.add_disk(pos, s.random_disk_sectors())
    s.stuck.add(stuck)
    s.drive_options[stuck] = STUCK_DISK
    reads = s.some_reads(NREADS - 1, past_end=False, among=[good, other])
    reads.insert(ctx.rng.randrange(NREADS), (stuck, ctx.rng.randrange(s.drives[stuck].sectors)))
    # The write goes past the end of a good disk: refused before any I/O, so that no
    # flush of the image can outlast the capped deadline on a busy host.
    write = (good, s.drives[good].sectors + ctx.rng.randint(0, 100))
    s.boot_and_check(reads, write, span_on=good,
                     args=[f"ata_timeout={STUCK_TIMEOUT_MS}"])

# ---- the scenario behind the tests ------------------------------------------------------


@dataclass
class Drive:
    disk: Disk
    sectors: int                    # 0 for a CD-ROM


def pattern(seed: int) -> bytes:
    """The sector user/lab4.c writes: xorshift32 words from seed ^ 0x9E3779B9, little-endian."""
    x = (seed ^ 0x9E3779B9) & 0xFFFFFFFF or 1
    out = bytearray()
    for _ in range(SECTOR // 4):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out += struct.pack("<I", x)
    return bytes(out)


def sector_of(path: Path, lba: int) -> bytes:
    with open(path, "rb") as f:
        f.seek(lba * SECTOR)
        data = f.read(SECTOR)
    return data + bytes(SECTOR - len(data))


def custom_drive_args(disks: list[Disk], workdir: Path, iops: int,
                      bad: dict[tuple[int, int], int],
                      options: dict[tuple[int, int], str],
                      device_options: dict[tuple[int, int], str]) -> list[str]:
    """QEMU options for disks the runner's Disk cannot describe: each limited to `iops`
    requests a second (0: no limit), reads of a bad sector failing with EIO (QEMU's
    blkdebug driver; the IDE drive then aborts the command: ERR, ABRT), and any
    -drive options of a position (a throttle that makes it slow or stuck) and -device
    options (a geometry)."""
    def esc(v: str) -> str:
        return v.replace(",", ",,")
    args: list[str] = []
    for i, d in enumerate(disks):
        drive = f"if=none,id=custom{i},format=raw,snapshot={'on' if d.snapshot else 'off'}"
        if (d.channel, d.unit) in bad:
            conf = workdir / f"blkdebug{i}.conf"
            conf.write_text(f'[inject-error]\nevent = "read_aio"\nerrno = "5"\n'
                            f'sector = "{bad[(d.channel, d.unit)]}"\nonce = "off"\n')
            drive += (f",file.driver=blkdebug,file.config={esc(str(conf))},"
                      f"file.image.filename={esc(str(d.path))},rerror=report,werror=report")
        else:
            drive += f",file={esc(str(d.path))}"
        if iops:
            drive += f",throttling.iops-total={iops}"
        if (d.channel, d.unit) in options:
            drive += "," + options[(d.channel, d.unit)]
        device = (f"ide-hd,drive=custom{i},bus=ide.{d.channel},unit={d.unit},"
                  f"model={esc(d.model)},serial={esc(d.serial)},ver={esc(d.firmware)}")
        if (d.channel, d.unit) in device_options:
            device += "," + device_options[(d.channel, d.unit)]
        args += ["-drive", drive, "-device", device]
    return args


class Scenario:
    """The drives of one boot and what the stage must print about them."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.drives: dict[tuple[int, int], Drive] = {}
        self.bad: dict[tuple[int, int], int] = {}      # position -> the sector that fails
        self.stuck: set[tuple[int, int]] = set()        # drives that never finish a read
        self.drive_options: dict[tuple[int, int], str] = {}   # position -> extra -drive options
        self.device_options: dict[tuple[int, int], str] = {}  # position -> extra -device options

    def free_positions(self) -> list[tuple[int, int]]:
        taken = set(self.drives)
        if self.ctx.path == "iso":
            taken.add(ISO_BOOT_CD)
        return [p for p in POSITIONS if p not in taken]

    def add_disk(self, pos: tuple[int, int], sectors: int, snapshot: bool = True) -> Drive:
        ch, unit = pos
        path = self.ctx.workdir / f"disk{ch}{unit}.img"
        with open(path, "wb") as f:
            f.truncate(sectors * SECTOR)                # sparse: a big disk costs nothing
            for _ in range(16):                         # random stretches; the rest reads as zeros
                lba = self.ctx.rng.randrange(sectors)
                n = min(self.ctx.rng.randint(1, 64), sectors - lba)
                f.seek(lba * SECTOR)
                f.write(self.ctx.rng.randbytes(n * SECTOR))
        model = random_text(self.ctx.rng, MODEL_CHARS, 40, spaces=True)
        serial = random_text(self.ctx.rng, SERIAL_CHARS, 20, spaces=True)
        firmware = random_text(self.ctx.rng, SERIAL_CHARS, self.ctx.rng.randint(1, 8), spaces=True)
        d = Drive(Disk(path, ch, unit, model=model, serial=serial, firmware=firmware,
                       snapshot=snapshot), sectors)
        self.drives[pos] = d
        return d

    def add_cdrom(self, pos: tuple[int, int]) -> None:
        ch, unit = pos
        path = self.ctx.workdir / f"cd{ch}{unit}.iso"
        path.write_bytes(self.ctx.rng.randbytes(64 * 2048))
        self.drives[pos] = Drive(Disk(path, ch, unit, model="Cairn CD", serial="CD0001",
                                      cdrom=True), 0)

    def random_disk_sectors(self, max_cylinders: int = 64) -> int:
        return self.ctx.rng.randint(4, max_cylinders) * CYLINDER_SECTORS

    def fill_sector(self, pos: tuple[int, int], lba: int) -> None:
        """Random bytes at a sector the stage will read or overwrite."""
        d = self.drives[pos]
        with open(d.disk.path, "r+b") as f:
            f.seek(lba * SECTOR)
            f.write(self.ctx.rng.randbytes(SECTOR))

    # ---- what the stage prints ----

    def kind(self, pos: tuple[int, int]) -> str:
        if pos in self.drives:
            return "cd" if self.drives[pos].disk.cdrom else "disk"
        if self.ctx.path == "iso" and pos == ISO_BOOT_CD:
            return "cd"
        return "none"

    def listing(self, r: Result, pos: tuple[int, int]) -> str:
        kind = self.kind(pos)
        if kind == "none":
            return "no device"
        if kind == "cd":
            return "ATAPI device, not supported"
        d = self.drives[pos]
        return drive_line(r, d.disk, d.sectors)

    @staticmethod
    def name(pos: tuple[int, int]) -> str:
        return f"ata{pos[0]} {'slave' if pos[1] else 'master'}"

    def error(self, pos: tuple[int, int], lba: int, n: int = 1,
              reading: bool = True) -> str | None:
        kind = self.kind(pos)
        if kind == "none":
            return f"error: ata{pos[0]}-{'slave' if pos[1] else 'master'}: no device"
        if kind == "cd":
            return (f"error: ata{pos[0]}-{'slave' if pos[1] else 'master'}: "
                    "ATAPI device, not supported")
        size = self.drives[pos].sectors
        if lba + n > size:
            return f"error: LBA {lba}+{n} is past the end of the disk ({size} sectors)"
        command = "READ SECTORS EXT" if lba + n >= LBA28_LIMIT else "READ SECTORS"
        if pos in self.stuck:
            assert reading, "the stuck drive is only read"
            return f"error: {command} at LBA {lba}: timeout (status 0x{STUCK_STATUS:02x})"
        bad = self.bad.get(pos)
        if reading and bad is not None and lba <= bad < lba + n:
            return f"error: {command} at LBA {bad}: error 0x04 (ABRT)"
        return None

    def read_line(self, pos: tuple[int, int], lba: int) -> str:
        err = self.error(pos, lba)
        if err:
            return f"{self.name(pos)} lba {lba}: {err}"
        crc = zlib.crc32(sector_of(self.drives[pos].disk.path, lba))
        return f"{self.name(pos)} lba {lba}: crc32 0x{crc:08x}"

    def span_line(self, pos: tuple[int, int], lba: int, n: int) -> str:
        err = self.error(pos, lba, n)
        head = f"{self.name(pos)} lba {lba}+{n}: "
        if err:
            return head + err
        with open(self.drives[pos].disk.path, "rb") as f:
            f.seek(lba * SECTOR)
            data = f.read(n * SECTOR)
        crc = zlib.crc32(data + bytes(n * SECTOR - len(data)))
        return head + f"crc32 0x{crc:08x} polled, 0x{crc:08x} irq"

    def some_span(self, write: tuple[tuple[int, int], int], around: int | None = None,
                  max_n: int = 64, on: tuple[int, int] | None = None) -> tuple[tuple[int, int], int, int]:
        """Consecutive sectors for one multi-sector command, away from the written one
        (or across `around` on the written disk); filled with random bytes."""
        rng = self.ctx.rng
        n = rng.randint(2, max_n)
        disks = self.disk_positions()
        if not disks:
            return rng.choice(POSITIONS), rng.randrange(1000), n
        if on is not None:
            pos = on
        elif around is not None:
            pos = write[0]
        else:
            pos = rng.choice(disks)
        size = self.drives[pos].sectors
        while True:
            lba = around - rng.randint(1, n - 1) if around is not None else rng.randrange(size - n)
            if not (pos == write[0] and lba <= write[1] < lba + n):
                break
        for i in range(n):
            self.fill_sector(pos, lba + i)
        return pos, lba, n

    def plan_span(self, write: tuple[tuple[int, int], int], throttled: bool,
                  around: int | None, on: tuple[int, int] | None) -> tuple[str, str]:
        """The span= option and its expected line: across the bad sector if there is one."""
        if self.bad:
            spos, bad = next(iter(self.bad.items()))
            sn = self.ctx.rng.randint(2, 64)
            slba = max(0, bad - self.ctx.rng.randint(0, sn - 1))
        else:
            # A throttled disk serves each sector of a PIO command as one request: keep it short.
            spos, slba, sn = self.some_span(write, around, 4 if throttled else 64, on)
        return f"span={spos[0]}.{spos[1]}:{slba}+{sn}", self.span_line(spos, slba, sn)

    def boot_and_check(self, reads: list[tuple[tuple[int, int], int]],
                       write: tuple[tuple[int, int], int], throttle_iops: int = 0,
                       around: int | None = None, section: str = "run",
                       span_on: tuple[int, int] | None = None,
                       args: Sequence[str] = ()) -> None:
        """Boot with these reads and this write; check the log (section `section` of
        lab4.log; "slow" has no span) and the written image. throttle_iops: QEMU serves
        each disk at most this many requests a second, so a command keeps the drive busy
        and the futures must sleep until their IRQ."""
        ctx = self.ctx
        assert section != "run" or len(reads) == NREADS
        seed = ctx.rng.randrange(1 << 32)
        wpos, wlba = write
        values: dict[str, object] = {}
        kernel_args = ["read=" + ",".join(f"{p[0]}.{p[1]}:{lba}" for p, lba in reads),
                       f"write={wpos[0]}.{wpos[1]}:{wlba}", f"seed={seed}", *args]
        if section == "run":
            span_arg, values["span"] = self.plan_span(write, bool(throttle_iops), around, span_on)
            kernel_args.append(span_arg)
        # Expected read lines come from the images as they are before the boot.
        values.update({f"r{i}": self.read_line(p, lba) for i, (p, lba) in enumerate(reads)})
        werr = self.error(wpos, wlba, reading=False)
        disks = [d.disk for d in self.drives.values()]
        qemu_args: list[str] = []
        if throttle_iops or self.bad or self.drive_options:
            qemu_args = custom_drive_args(disks, ctx.workdir, throttle_iops, self.bad,
                                          self.drive_options, self.device_options)
            disks = []
        r = ctx.boot(args=kernel_args, disks=disks, qemu_args=qemu_args)
        for pos in POSITIONS:
            values[f"ata{pos[0]}_{'slave' if pos[1] else 'master'}"] = self.listing(r, pos)
        wname = f"{self.name(wpos)} lba {wlba}"
        values["w"] = f"{wname} seed {seed}: " + (werr or "written, flushed, read back: ok")
        values["iw"] = f"{wname}: " + (werr or "written, flushed, read back: ok")
        values["nreads"] = len(reads)
        # Every future yields after its command, so the channels with reads overlap.
        channels = {p[0] for p, lba in reads if self.kind(p) == "disk"}
        values["busy"] = values["nchan"] = f"{len(channels)} channel{'' if len(channels) == 1 else 's'}"
        ctx.expect(r, section, **values)
        if werr is None:
            self.check_written(wpos, wlba, seed)

    def check_written(self, pos: tuple[int, int], lba: int, seed: int) -> None:
        got = sector_of(self.drives[pos].disk.path, lba)
        self.ctx.check(got == pattern(seed),
                       f"after the run, sector {lba} of {self.name(pos)}'s image does not hold "
                       f"the pattern of seed {seed} (first bytes {got[:8].hex()}, expected "
                       f"{pattern(seed)[:8].hex()}): the write or the flush was lost")

    def disk_positions(self) -> list[tuple[int, int]]:
        return [p for p, d in self.drives.items() if not d.disk.cdrom]

    def some_reads(self, n: int, past_end: bool = True, empty: bool = False,
                   among: list[tuple[int, int]] | None = None) -> list[tuple[tuple[int, int], int]]:
        """n reads: edges and random sectors of the disks (made random first, all of them or
        those `among`), plus errors."""
        rng = self.ctx.rng
        disks = self.disk_positions() if among is None else among
        reads: list[tuple[tuple[int, int], int]] = []
        if past_end and disks:
            p = rng.choice(disks)
            reads.append((p, self.drives[p].sectors + rng.choice([0, 0, 1, 1000])))
        if empty:
            others = [p for p in POSITIONS if self.kind(p) != "disk"]
            if others:
                reads.append((rng.choice(others), rng.randrange(1000)))
        while len(reads) < n and disks:
            p = disks[len(reads) % len(disks)]
            n_sec = self.drives[p].sectors
            lba = rng.choice([0, n_sec - 1, rng.randrange(n_sec), rng.randrange(n_sec)])
            self.fill_sector(p, lba)
            reads.append((p, lba))
        while len(reads) < n:
            reads.append((rng.choice(POSITIONS), rng.randrange(1000)))
        rng.shuffle(reads)
        return reads

    def some_write(self, reads: list[tuple[tuple[int, int], int]]) -> tuple[tuple[int, int], int]:
        """A sector of a disk that no read looks at (the reads' CRCs are of the old contents)."""
        rng = self.ctx.rng
        disks = self.disk_positions()
        pos = rng.choice(disks)
        read_here = {lba for p, lba in reads if p == pos}
        while True:
            lba = rng.randrange(self.drives[pos].sectors)
            if lba not in read_here:
                break
        self.drives[pos].disk.snapshot = False
        self.fill_sector(pos, lba)
        return pos, lba
