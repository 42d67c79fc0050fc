#!/usr/bin/env python3
"""mkbad.py - malformed ELF files, made from a good program, that a loader
must refuse (and never load). Usage: mkbad.py KIND GOOD_ELF OUT

  badmachine  e_machine EM_X86_64 (62) instead of EM_386 (3)
  badclass    e_ident[EI_CLASS] ELFCLASS64 (2) instead of ELFCLASS32 (1)
  truncated   the first 40 bytes only: shorter than the 52-byte ELF header
  shortphdr   cut in the middle of the program header table
  shortseg    headers whole, cut in the middle of the executable PT_LOAD's bytes
  kernelseg   the first PT_LOAD moved to 0x00100000, inside the kernel's part
              of every address space (below 0x08000000 on stage 8)

Field offsets are those of the System V ABI's ELF32 header and program header
("gABI", chapter 4 and 5). Each result is checked to be malformed as named.
"""
from __future__ import annotations

import struct
import sys
from pathlib import Path

EHDR_SIZE = 52
EI_CLASS = 4
E_MACHINE = 18                          # Elf32_Half
E_PHOFF = 28                            # Elf32_Off
E_PHENTSIZE, E_PHNUM = 42, 44           # Elf32_Half each
PT_LOAD = 1
PF_X = 1
KERNEL_ADDRESS = 0x00100000


def program_headers(elf: bytes) -> list[tuple[int, tuple[int, ...]]]:
    """(offset of the header, its 8 fields) for each program header."""
    phoff = struct.unpack_from("<I", elf, E_PHOFF)[0]
    phentsize, phnum = struct.unpack_from("<HH", elf, E_PHENTSIZE)
    return [(phoff + i * phentsize, struct.unpack_from("<8I", elf, phoff + i * phentsize))
            for i in range(phnum)]


def loads(elf: bytes) -> list[tuple[int, tuple[int, ...]]]:
    return [(at, ph) for at, ph in program_headers(elf) if ph[0] == PT_LOAD]


def make(kind: str, good: bytes) -> bytes:
    elf = bytearray(good)
    if kind == "badmachine":
        struct.pack_into("<H", elf, E_MACHINE, 62)
    elif kind == "badclass":
        elf[EI_CLASS] = 2
    elif kind == "truncated":
        elf = elf[:40]
    elif kind == "shortphdr":
        at, _ = program_headers(good)[-1]
        elf = elf[:at + 8]
    elif kind == "shortseg":
        text = next(ph for _, ph in loads(good) if ph[6] & PF_X)
        elf = elf[:text[1] + text[4] // 2]
    elif kind == "kernelseg":
        at, ph = loads(good)[0]
        struct.pack_into("<II", elf, at + 8, KERNEL_ADDRESS, KERNEL_ADDRESS)
    else:
        sys.exit(f"mkbad.py: unknown kind '{kind}' (see its docstring)")
    return bytes(elf)


def main() -> int:
    if len(sys.argv) != 4:
        sys.exit("usage: mkbad.py KIND GOOD_ELF OUT")
    kind, good_path, out = sys.argv[1:]
    good = Path(good_path).read_bytes()
    if good[:4] != b"\x7fELF" or good[EI_CLASS] != 1 or len(loads(good)) < 2:
        sys.exit(f"mkbad.py: {good_path} is not an ELF32 program with two PT_LOADs")
    bad = make(kind, good)
    assert bad != good, kind
    Path(out).write_bytes(bad)
    return 0


if __name__ == "__main__":
    sys.exit(main())
