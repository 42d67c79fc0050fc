#!/usr/bin/env python3
"""pciids.py - turn pciutils' pci.ids into the compact C name table lab 5 uses.

pci.ids is the PCI ID Project's list (pci-ids.ucw.cz; GPL-2+ or 3-clause BSD),
shipped by Debian's pci.ids package as /usr/share/misc/pci.ids (hwdata links
it from /usr/share/hwdata/pci.ids). Its format:

    vvvv  Vendor name                  4 hex digits, two spaces
    \tdddd  Device name                one tab
    \t\tsvvv sddd  Subsystem name      two tabs (not used here)
    C cc  Class name                   the class section, at the end
    \tss  Subclass name
    \t\tpi  Prog-if name               (not used here)

The kernel gets every class and subclass name, every vendor name, and the
device names of the vendors in DEVICE_VENDORS only (Intel alone has thousands
of devices; these are the ones an emulator shows). Non-ASCII letters are
folded to ASCII, because the VGA console is code page 437 and the grader
compares bytes. The grader imports this module to compute the names it
expects, so kernel and grader cannot disagree about the rules:

    name_of(ids, vendor, device)   -> ("Intel Corporation", "82371SB PIIX3 IDE ...")
    class_name(ids, cls, sub)      -> "IDE interface"

Usage: pciids.py [--ids PATH] --out FILE.c
       pciids.py [--ids PATH] --expect --out FILE.c
The second writes, for the IDs in EXPECT_LOOKUPS, the names these rules give:
the host test of lab 5's lookup (tests/test_lab5_names.c) checks the kernel's
table against them, whatever version of pci.ids the host has.
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

SEARCH = (Path("/usr/share/misc/pci.ids"), Path("/usr/share/hwdata/pci.ids"))

# Vendors whose device names the kernel carries: Intel (PIIX, i440FX, e1000,
# ICH9), QEMU's Red Hat IDs (1b36 bridges, 1af4 virtio), Bochs/QEMU VGA (1234:
# not in pci.ids, kept for when it is), Realtek (rtl8139), AMD (pcnet), VIA,
# and the NE2000 clone QEMU emulates (10ec:8029 is Realtek's), plus VMware
# and Cirrus Logic (QEMU's other VGA).
DEVICE_VENDORS = (0x8086, 0x1b36, 0x1af4, 0x1234, 0x10ec, 0x1022, 0x1106, 0x15ad, 0x1013)

# What tests/test_lab5_names.c looks up: QEMU's devices (PIIX3 IDE, i440FX,
# e1000, the PCI-PCI bridge, rtl8139), the Bochs VGA (1234: not in pci.ids), a
# vendor whose devices the table leaves out (Broadcom), an unknown device of a
# kept vendor, and classes with and without a subclass name.
EXPECT_VENDORS = (0x8086, 0x10ec, 0x14e4, 0x1234, 0x1b36)
EXPECT_DEVICES = ((0x8086, 0x7010), (0x8086, 0x1237), (0x8086, 0x100e), (0x1b36, 0x0001),
                  (0x10ec, 0x8139), (0x1234, 0x1111), (0x8086, 0xfffe), (0x14e4, 0x1677))
EXPECT_CLASSES = ((0x01, 0x01), (0x06, 0x00), (0x06, 0x04), (0x03, 0x00), (0x02, 0x00),
                  (0x01, 0x7f), (0x77, 0x00))

UNKNOWN_VENDOR = "Unknown vendor"
UNKNOWN_DEVICE = "Device"
UNKNOWN_CLASS = "Unknown class"


@dataclass
class PciIds:
    vendors: dict[int, str] = field(default_factory=dict)
    devices: dict[tuple[int, int], str] = field(default_factory=dict)
    classes: dict[int, str] = field(default_factory=dict)          # class
    subclasses: dict[tuple[int, int], str] = field(default_factory=dict)


def ascii_fold(text: str) -> str:
    """'Böhm' -> 'Bohm'; anything with no ASCII base letter becomes '?'."""
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if ord(ch) < 128:
            out.append(ch)
        elif not unicodedata.combining(ch):
            out.append("?")
    return "".join(out)


def find_ids() -> Path:
    for p in SEARCH:
        if p.exists():
            return p
    raise FileNotFoundError("pci.ids not found in " + " or ".join(map(str, SEARCH)) +
                            ": install Debian's pci.ids package (make deps)")


def parse(path: Path | None = None) -> PciIds:
    ids = PciIds()
    text = (path or find_ids()).read_text(encoding="utf-8", errors="replace")
    vendor: int | None = None       # the vendor whose devices follow
    cls: int | None = None          # the class whose subclasses follow
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("C "):
            cls, name = int(line[2:4], 16), line[4:].strip()
            ids.classes[cls] = ascii_fold(name)
            vendor = None
        elif line.startswith("\t\t"):
            continue                                # subsystems, prog-ifs
        elif line.startswith("\t"):
            key, _, name = line[1:].partition(" ")
            if cls is not None and len(key) == 2:
                ids.subclasses[(cls, int(key, 16))] = ascii_fold(name.strip())
            elif vendor is not None and len(key) == 4:
                ids.devices[(vendor, int(key, 16))] = ascii_fold(name.strip())
        elif line[:4].strip() and line[4:6] == "  ":
            vendor, cls = int(line[:4], 16), None
            ids.vendors[vendor] = ascii_fold(line[6:].strip())
        # anything else (other sections, e.g. "X " or "L "): ignore
    return ids


def vendor_name(ids: PciIds, vendor: int) -> str:
    return ids.vendors.get(vendor, UNKNOWN_VENDOR)


def device_name(ids: PciIds, vendor: int, device: int) -> str:
    if vendor not in DEVICE_VENDORS:
        return UNKNOWN_DEVICE
    return ids.devices.get((vendor, device), UNKNOWN_DEVICE)


def name_of(ids: PciIds, vendor: int, device: int) -> tuple[str, str]:
    return vendor_name(ids, vendor), device_name(ids, vendor, device)


def class_name(ids: PciIds, cls: int, sub: int) -> str:
    """The subclass name, else the class name (as lspci does)."""
    return ids.subclasses.get((cls, sub)) or ids.classes.get(cls) or UNKNOWN_CLASS


# --- the C table -------------------------------------------------------------

def c_string(s: str) -> str:
    # '?' is escaped so that no "??x" can ever be read as a trigraph.
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("?", "\\?") + '"'


class Pool:
    """All names in one char array, NUL-separated; each name is an offset."""

    def __init__(self) -> None:
        self.offsets: dict[str, int] = {}
        self.parts: list[str] = []
        self.size = 0

    def add(self, s: str) -> int:
        if s not in self.offsets:
            self.offsets[s] = self.size
            self.parts.append(s)
            self.size += len(s.encode("ascii")) + 1
        return self.offsets[s]


def generate(ids: PciIds, source: str) -> str:
    pool = Pool()
    vendors = sorted((v, pool.add(n)) for v, n in ids.vendors.items())
    devices = sorted(((v << 16) | d, pool.add(n)) for (v, d), n in ids.devices.items()
                     if v in DEVICE_VENDORS)
    classes = sorted([(c << 8 | 0xFF, pool.add(n)) for c, n in ids.classes.items()
                      if (c, 0xFF) not in ids.subclasses] +         # FF: the class itself
                     [(c << 8 | s, pool.add(n)) for (c, s), n in ids.subclasses.items()])
    out = [f"/* Generated by tools/pciids.py from {source}: do not edit. */",
           '#include "pcinames.h"', ""]

    def table(name: str, rows: list[tuple[int, int]]) -> None:
        out.append(f"static const struct pci_name_entry {name}[{len(rows)}] = {{")
        for i in range(0, len(rows), 4):
            out.append("    " + " ".join(f"{{0x{k:08x}, {o}}}," for k, o in rows[i:i + 4]))
        out.append("};")
        out.append("")

    table("vendors", vendors)
    table("devices", devices)
    table("classes", classes)
    out.append(f"static const char pool[{pool.size}] =")
    for i, s in enumerate(pool.parts):           # the literal's own NUL ends the last name
        out.append("    " + c_string(s) + (";" if i == len(pool.parts) - 1 else ' "\\0"'))
    out += ["",
            "const struct pci_name_table pci_names = {",
            "    .vendors = vendors, .nvendors = sizeof vendors / sizeof vendors[0],",
            "    .devices = devices, .ndevices = sizeof devices / sizeof devices[0],",
            "    .classes = classes, .nclasses = sizeof classes / sizeof classes[0],",
            "    .pool = pool, .pool_size = sizeof pool,",
            "};", ""]
    return "\n".join(out)


def generate_expected(ids: PciIds, source: str) -> str:
    """struct pci_name_expect rows: kind 'v' (a = vendor), 'd' (a:b = vendor:device),
    'c' (a.b = class.subclass), and the name the rules above give."""
    rows = ([("v", v, 0, vendor_name(ids, v)) for v in EXPECT_VENDORS] +
            [("d", v, d, device_name(ids, v, d)) for v, d in EXPECT_DEVICES] +
            [("c", c, s, class_name(ids, c, s)) for c, s in EXPECT_CLASSES])
    out = [f"/* Generated by tools/pciids.py --expect from {source}: do not edit. */",
           "#include <stddef.h>",
           "#include <stdint.h>",
           "struct pci_name_expect { char kind; uint16_t a, b; const char *name; };",
           "const struct pci_name_expect pci_names_expected[] = {"]
    out += [f"    {{'{k}', 0x{a:04x}, 0x{b:04x}, {c_string(n)}}}," for k, a, b, n in rows]
    out += ["};",
            "const size_t pci_names_nexpected = sizeof pci_names_expected / sizeof pci_names_expected[0];",
            ""]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ids", type=Path, help="pci.ids (default: " + ", ".join(map(str, SEARCH)) + ")")
    ap.add_argument("--out", type=Path, required=True, help="the C file to write")
    ap.add_argument("--expect", action="store_true", help="write the test's expected names instead")
    a = ap.parse_args(argv)
    try:
        path = a.ids or find_ids()
    except FileNotFoundError as e:
        print(f"pciids.py: {e}", file=sys.stderr)
        return 1
    text = (generate_expected if a.expect else generate)(parse(path), path.name)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = a.out.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
