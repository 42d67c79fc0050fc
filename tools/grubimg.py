#!/usr/bin/env python3
"""grubimg.py - GRUB legacy boot images of a Cairn kernel, built without root.

    grubimg.py iso    kernel.elf out.iso    [ARGS...]   El Torito CD (stage2_eltorito)
    grubimg.py floppy kernel.elf out.img    [ARGS...]   1.44 MB FAT12 floppy

The floppy needs GRUB's `setup (fd0)`, but Debian's grub shell is an i386
binary these hosts cannot run (handouts/hardware-notes.md §2). `install_stage1` does what
`setup (fd0)` does to a fresh mtools floppy (handouts/hardware-notes.md §2; GRUB
0.97 stage1/stage1.S and stage2/asm.S name the fields): stage1 becomes the
boot sector, keeping the BPB that mformat wrote, and is told where stage2
starts; stage2's first sector gets the blocklist of the rest of stage2.
"""
from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

GRUB_DIR = Path("/usr/lib/grub/x86_64-pc")   # Debian grub-legacy (arch-neutral files)
SECTOR = 512

# stage1.S: the BPB lives at 0x03..0x3D; stage2's first sector number at 0x44.
STAGE1_BPB = slice(0x03, 0x3E)
STAGE1_STAGE2_SECTOR = 0x44
# stage2 (start.S): the last blocklist entry of its first sector: start, count, segment.
STAGE2_BLOCKLIST_START = 0x1F8
STAGE2_BLOCKLIST_COUNT = 0x1FC


def menu_lst(args: list[str], root: str | None) -> str:
    lines = ["timeout 0", "default 0", "title Cairn"]
    if root:
        lines.append(f"root {root}")
    lines.append("kernel /kernel.elf " + " ".join(args))
    return "\n".join(lines) + "\n"


def run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        sys.exit(f"grubimg: {cmd[0]} is missing: run `make deps`")
    except subprocess.CalledProcessError as e:
        sys.exit(f"grubimg: {' '.join(cmd)} failed:\n{e.stderr.strip()}")


def need_grub_file(name: str) -> Path:
    path = GRUB_DIR / name
    if not path.exists():
        sys.exit(f"grubimg: {path} is missing: install grub-legacy (`make deps`)")
    return path


def build_iso(kernel: Path, out: Path, args: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        grub = root / "boot" / "grub"
        grub.mkdir(parents=True)
        shutil.copy(need_grub_file("stage2_eltorito"), grub / "stage2_eltorito")
        (grub / "menu.lst").write_text(menu_lst(args, None))   # root defaults to (cd)
        shutil.copy(kernel, root / "kernel.elf")
        run(["genisoimage", "-quiet", "-R", "-b", "boot/grub/stage2_eltorito",
             "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
             "-o", str(out), str(root)])


def fat_data_start(boot_sector: bytes) -> tuple[int, int]:
    """First data sector and sectors per cluster, from the FAT12 BPB."""
    (bytes_per_sec, sec_per_clus, reserved, nfats, root_entries,
     _total, _media, fat_size) = struct.unpack_from("<HBHBHHBH", boot_sector, 0x0B)
    if bytes_per_sec != SECTOR:
        raise ValueError(f"unexpected sector size {bytes_per_sec}")
    root_sectors = (root_entries * 32 + SECTOR - 1) // SECTOR
    return reserved + nfats * fat_size + root_sectors, sec_per_clus


def stage2_first_sector(image: Path, boot_sector: bytes) -> int:
    """LBA of stage2's first sector; it must be one contiguous cluster run."""
    chain = run(["mshowfat", "-i", str(image), "::/boot/grub/stage2"])
    runs = re.findall(r"<(\d+)(?:-(\d+))?>", chain)
    if len(runs) != 1:
        raise ValueError(f"stage2 is fragmented on the floppy: {chain.strip()}")
    first_cluster = int(runs[0][0])
    data_start, sec_per_clus = fat_data_start(boot_sector)
    return data_start + (first_cluster - 2) * sec_per_clus


def install_stage1(image: Path) -> int:
    """Make the floppy boot GRUB: what `setup (fd0)` writes. Returns stage2's LBA."""
    stage1 = bytearray(need_grub_file("stage1").read_bytes())
    stage2_len = need_grub_file("stage2").stat().st_size
    with open(image, "r+b") as img:
        boot = img.read(SECTOR)
        lba = stage2_first_sector(image, boot)
        stage1[STAGE1_BPB] = boot[STAGE1_BPB]
        struct.pack_into("<I", stage1, STAGE1_STAGE2_SECTOR, lba)
        img.seek(0)
        img.write(stage1)

        img.seek(lba * SECTOR)
        first = bytearray(img.read(SECTOR))
        rest = (stage2_len + SECTOR - 1) // SECTOR - 1
        struct.pack_into("<IH", first, STAGE2_BLOCKLIST_START, lba + 1, rest)
        img.seek(lba * SECTOR)
        img.write(first)
    return lba


def build_floppy(kernel: Path, out: Path, args: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        img = Path(tmp) / "floppy.img"
        img.write_bytes(bytes(2880 * SECTOR))
        menu = Path(tmp) / "menu.lst"
        menu.write_text(menu_lst(args, "(fd0)"))
        run(["mformat", "-i", str(img), "-f", "1440", "::"])
        run(["mmd", "-i", str(img), "::/boot", "::/boot/grub"])
        # stage2 first, so it lands in one contiguous run on the fresh image.
        run(["mcopy", "-i", str(img), str(need_grub_file("stage1")),
             str(need_grub_file("stage2")), "::/boot/grub/"])
        run(["mcopy", "-i", str(img), str(menu), "::/boot/grub/menu.lst"])
        run(["mcopy", "-i", str(img), str(kernel), "::/kernel.elf"])
        install_stage1(img)
        shutil.move(str(img), out)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in ("iso", "floppy"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, kernel, out, args = argv[0], Path(argv[1]), Path(argv[2]), argv[3:]
    if not kernel.exists():
        sys.exit(f"grubimg: {kernel} does not exist (build it first)")
    out.parent.mkdir(parents=True, exist_ok=True)
    (build_iso if kind == "iso" else build_floppy)(kernel, out, args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
