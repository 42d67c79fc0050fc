"""drives.py - the IDE drives the grader makes: one home for their facts.

The disk geometry every image is a whole number of cylinders of (Bochs wants
a flat image of exactly cylinders x heads x sectors per track: grade/bochs.py),
the random identity strings a drive gets, and the line a stage prints for a
drive it found (labs/lab4-ata prints it; stage 4 and stage 5 both list drives).
"""
from __future__ import annotations

from random import Random

from grade.core import Ctx, Disk, Result

SECTOR = 512
HEADS = 16                      # the geometry Bochs autodetects too
SECTORS_PER_TRACK = 63
CYLINDER_SECTORS = HEADS * SECTORS_PER_TRACK
CYLINDER_BYTES = CYLINDER_SECTORS * SECTOR
# The four ATA positions (channel, unit); the iso path boots from a CD-ROM at the
# secondary slave, so a test booted that way puts no disk there.
POSITIONS = [(0, 0), (0, 1), (1, 0), (1, 1)]
ISO_BOOT_CD = (1, 1)


def position(ctx: Ctx) -> tuple[int, int]:
    """A seeded ATA position for a test's one disk, never the iso path's boot CD's."""
    free = [p for p in POSITIONS if not (ctx.path == "iso" and p == ISO_BOOT_CD)]
    return ctx.rng.choice(free)


def random_text(rng: Random, alphabet: str, n: int, spaces: bool = False) -> str:
    """n characters of the alphabet; with spaces, inner spaces too, never at the
    ends (the kernel trims an IDENTIFY string's padding)."""
    if not spaces or n == 1:
        return "".join(rng.choice(alphabet) for _ in range(n))
    middle = alphabet + "  "
    return (rng.choice(alphabet) + "".join(rng.choice(middle) for _ in range(n - 2))
            + rng.choice(alphabet))


def drive_line(r: Result, disk: Disk, sectors: int) -> str:
    """What the stage prints for a hard disk it identified. Bochs can't set the
    serial (it reports its own) nor the firmware revision (empty)."""
    firmware = "" if r.path == "bochs" else disk.firmware
    return (f'disk "{disk.model}" serial "{r.disk_serial(disk)}" fw "{firmware}" '
            f"{sectors} sectors ({sectors // 2048} MiB) LBA48")
