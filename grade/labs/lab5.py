"""Stage 5: PCI. The listing must be QEMU's own view of the bus.

Every QEMU test boots with `wait`: the stage prints its listing, then
"lab5: waiting for a key"; the grader then asks QEMU for its view of the
bus (QMP query-pci), types a key, and computes from that answer the whole
expected log: each function's line (names from pci.ids through
tools/pciids.py, the generator the kernel's table comes from), its
subsystem and interrupt, its BARs (address and size as QEMU placed them),
the bus tree, and the counts. Nothing expected is stored; the extra devices,
their slots, bridges and functions, and the disks are drawn from the seed.
QEMU does not report revisions, so a function line's " (rev NN)" is free.
"""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from random import Random
from types import ModuleType
from typing import Any

from grade.core import ALL_PATHS, QEMU_ONLY, ROOT, Ctx, Disk, Result, test
from grade import expect
from grade.drives import CYLINDER_BYTES, SECTOR, drive_line, random_text
from grade.qmp import QMPError

WAIT = "lab5: waiting for a key"
# Devices QEMU emulates without a backend (a NIC without a netdev only warns).
DEVICES = ("e1000", "rtl8139", "ne2k_pci", "pcnet", "i82559er", "virtio-net-pci",
           "virtio-rng-pci", "pci-testdev", "piix3-usb-uhci")
FREE_SLOTS = range(3, 32)       # 0 host bridge, 1 PIIX3, 2 VGA (the pinned machine)


def _load_pciids() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cairn_pciids", ROOT / "tools" / "pciids.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod            # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


pciids = _load_pciids()


@lru_cache(maxsize=1)
def names() -> Any:
    return pciids.parse()


# ---- QEMU's view, from query-pci ----------------------------------------------

@dataclass
class Fn:
    bus: int
    slot: int
    fn: int
    vendor: int
    device: int
    cls: int
    subclass: int
    subsystem: tuple[int, int] | None       # None for a bridge (type 1 header)
    irq_pin: int
    irq: int
    regions: list[dict[str, Any]]
    secondary: int | None = None            # bridges
    subordinate: int | None = None
    children: list["Fn"] = field(default_factory=list)

    @property
    def bdf(self) -> str:
        return f"{self.bus:02x}:{self.slot:02x}.{self.fn:x}"

    @property
    def key(self) -> tuple[int, int, int]:
        return self.bus, self.slot, self.fn


def from_query(devices: list[dict[str, Any]]) -> list[Fn]:
    out = []
    for d in devices:
        ids = d["id"]
        sub = (ids["subsystem-vendor"], ids["subsystem"]) if "subsystem" in ids else None
        f = Fn(d["bus"], d["slot"], d["function"], ids["vendor"], ids["device"],
               d["class_info"]["class"] >> 8, d["class_info"]["class"] & 0xFF, sub,
               d.get("irq_pin", 0), d.get("irq", 0), d.get("regions", []))
        if "pci_bridge" in d:
            bus = d["pci_bridge"]["bus"]
            f.secondary, f.subordinate = bus["secondary"], bus["subordinate"]
            f.children = from_query(d["pci_bridge"].get("devices", []))
        out.append(f)
    return sorted(out, key=lambda f: f.key)


def flatten(fns: list[Fn]) -> list[Fn]:
    out = []
    for f in fns:
        out.append(f)
        out += flatten(f.children)
    return sorted(out, key=lambda f: f.key)


def size_string(size: int) -> str:
    units = "KMGTPE"
    u = -1
    while size >= 1024 and size % 1024 == 0 and u + 1 < len(units):
        size //= 1024
        u += 1
    return f"{size}" if u < 0 else f"{size}{units[u]}"


def irq_text(f: Fn) -> str:
    return f", IRQ {f.irq} (pin {'ABCD'[f.irq_pin - 1]})" if f.irq_pin else ""


def function_lines(f: Fn) -> list[str]:
    ids = names()
    vendor, device = pciids.name_of(ids, f.vendor, f.device)
    lines = [f"{f.bdf} {pciids.class_name(ids, f.cls, f.subclass)} [{f.cls:02x}{f.subclass:02x}]: "
             f"{vendor} {device} [{f.vendor:04x}:{f.device:04x}]{expect.ANY_TEXT}"]
    if f.secondary is not None:
        lines.append(f"  Bus: secondary={f.secondary:02x}, subordinate={f.subordinate:02x}"
                     + irq_text(f))
    elif f.subsystem is not None:
        lines.append(f"  Subsystem: [{f.subsystem[0]:04x}:{f.subsystem[1]:04x}]" + irq_text(f))
    for r in sorted(f.regions, key=lambda r: r["bar"]):
        if r["bar"] > 5:
            continue                        # the expansion ROM: not listed
        size = size_string(r["size"])
        if r["type"] == "io":
            lines.append(f"  BAR{r['bar']}: I/O at 0x{r['address']:x} [size={size}]")
        else:
            width = "64-bit" if r.get("mem_type_64") else "32-bit"
            pre = "" if r.get("prefetch") else "non-"
            lines.append(f"  BAR{r['bar']}: Memory at 0x{r['address']:x} ({width}, {pre}prefetchable)"
                         f" [size={size}]")
    return lines


def tree_lines(fns: list[Fn], bus: int, depth: int = 0) -> list[str]:
    """The stage's bus tree: a bus's functions as dev.fn, then each bridge's bus below it."""
    lines = [" " * (2 * depth + 2) + f"bus {bus:02x}:" +
             "".join(f" {f.slot:02x}.{f.fn:x}" for f in fns)]
    for f in fns:
        if f.secondary is not None and f.secondary > bus:
            lines.append(" " * (2 * depth + 4) + f"{f.bdf} bridge to:")
            lines += tree_lines(f.children, f.secondary, depth + 2)
    return lines


@dataclass
class View:
    roots: list[tuple[int, list[Fn]]] = field(default_factory=list)     # (bus, functions)

    @property
    def functions(self) -> list[Fn]:
        return sorted((f for _, fns in self.roots for f in flatten(fns)), key=lambda f: f.key)

    @property
    def buses(self) -> int:
        return len(self.roots) + sum(1 for f in self.functions if f.secondary is not None)


def query_view(m: Any) -> View:
    return View([(b["bus"], from_query(b["devices"])) for b in m.qmp("query-pci")])


# ---- the scenario ----------------------------------------------------------------

NAME_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def make_disks(ctx: Ctx, taken: set[tuple[int, int]]) -> list[Disk]:
    rng = ctx.rng
    spots = [(c, u) for c in (0, 1) for u in (0, 1) if (c, u) not in taken]
    disks = []
    for i, (c, u) in enumerate(sorted(rng.sample(spots, rng.randint(1, len(spots))))):
        path = ctx.workdir / f"disk{i}.img"
        with open(path, "wb") as f:
            f.truncate(CYLINDER_BYTES * rng.randint(2, 40))
        disks.append(Disk(path, c, u, model=f"Cairn PCI {random_text(rng, NAME_CHARS, 6)}",
                          serial=f"PCI-{random_text(rng, NAME_CHARS, 8)}",
                          firmware=f"F{rng.randint(1, 999)}"))
    return disks


def drive_lines(r: Result, disks: list[Disk], cdrom_at: tuple[int, int] | None) -> list[str]:
    ports = {0: (0x1F0, 0x3F6, 14), 1: (0x170, 0x376, 15)}
    out = []
    for c in (0, 1):
        out.append(f"  ata{c}: ports 0x{ports[c][0]:x}/0x{ports[c][1]:x}, IRQ {ports[c][2]}")
        for u in (0, 1):
            where = f"  ata{c} {('master', 'slave')[u]}: "
            disk = next((d for d in disks if (d.channel, d.unit) == (c, u)), None)
            if disk:
                out.append(where + drive_line(r, disk, disk.path.stat().st_size // SECTOR))
            elif cdrom_at == (c, u):
                out.append(where + "ATAPI device, not supported")
            else:
                out.append(where + "no device")
    return out


def check(ctx: Ctx, r: Result, section: str, blocks: dict[str, list[str]], **values: Any) -> None:
    """The whole log against `section`, whose ${name} lines for each block are
    replaced by the block's lines."""
    marks = {name: f"\x00{name}\x00" for name in blocks}
    lines: list[str] = []
    for line in expect.render(ctx.lab_file, section, ctx.values(r, {**values, **marks})):
        name = next((n for n, m in marks.items() if line == m), None)
        lines += blocks[name] if name else [line]
    ctx.expect_pattern(r, expect.Pattern(lines))


def accesses_used(ctx: Ctx, r: Result) -> int:
    line = next((l for l in r.lines if l.startswith("lab5: ") and "config accesses (recursive" in l), "")
    words = line.split()
    try:
        return int(words[words.index("config") - 1])
    except (ValueError, IndexError):
        ctx.fail(f"no config access count in the log (line: {line!r})")
        raise


def run_qemu_test(ctx: Ctx, qemu_args: list[str], disks: list[Disk]) -> tuple[Result, View]:
    view = View()

    def on_ready(m: Any) -> None:
        view.roots = query_view(m).roots
        try:
            m.send_keys(["ret"])
        except (OSError, QMPError):
            pass        # the kernel took the key and QEMU exited before it answered: fine

    r = ctx.boot(args=["wait"], disks=disks, qemu_args=qemu_args, ready=WAIT, on_ready=on_ready)
    if not view.roots:
        ctx.fail(f'the stage never printed "{WAIT}", so QEMU\'s view could not be read')
    cdrom = (1, 1) if r.path == "iso" else None       # the runner's boot CD
    fns = view.functions
    tree = [line for bus, roots in view.roots for line in tree_lines(roots, bus)]
    check(ctx, r, "pci", {
        "listing": [line for f in fns for line in function_lines(f)],
        "tree": tree,
        "drives": drive_lines(r, disks, cdrom),
    }, functions=len(fns), buses=view.buses)
    return r, view


# ---- tests ---------------------------------------------------------------------

@test(lab=5, name="default-machine", points=10, paths=ALL_PATHS)
def default_machine(ctx: Ctx) -> None:
    """The pinned machine and its PIIX3 IDE: listing, BARs, tree, disks through PCI."""
    if ctx.path == "bochs":
        disks = make_disks(ctx, set())
        r = ctx.boot(disks=disks)
        check(ctx, r, "bochs", {"drives": drive_lines(r, disks, None)})
        return
    disks = make_disks(ctx, {(1, 1)} if ctx.path == "iso" else set())
    run_qemu_test(ctx, [], disks)


def random_device(rng: Random) -> str:
    return rng.choice(DEVICES)


def extra_devices(rng: Random, nested: bool) -> tuple[list[str], int]:
    """QEMU options for NICs and others at random slots, a multi-function device
    with gaps between its functions, and a bridge with devices behind it
    (behind a second bridge too when `nested`). Returns (args, bridges)."""
    slots = rng.sample(list(FREE_SLOTS), 4)
    args: list[str] = []
    for slot in slots[:rng.randint(1, 2)]:
        args += ["-device", f"{random_device(rng)},addr={slot:02x}.0"]
    mf = slots[2]
    fns = [0] + sorted(rng.sample(range(1, 8), rng.randint(1, 3)))
    for fn in fns:
        extra = ",multifunction=on" if fn == 0 else ""
        args += ["-device", f"{random_device(rng)},addr={mf:02x}.{fn}{extra}"]
    args += ["-device", f"pci-bridge,chassis_nr=1,id=br1,addr={slots[3]:02x}.0"]
    behind = rng.sample(range(0, 32), 3)
    for slot in behind[:rng.randint(1, 2)]:
        args += ["-device", f"{random_device(rng)},bus=br1,addr={slot:02x}.0"]
    if not nested:
        return args, 1
    args += ["-device", f"pci-bridge,chassis_nr=2,id=br2,bus=br1,addr={behind[2]:02x}.0",
             "-device", f"{random_device(rng)},bus=br2,addr={rng.randint(0, 31):02x}.0"]
    return args, 2


@test(lab=5, name="extra-devices", points=15, paths=QEMU_ONLY)
def extra_devices_test(ctx: Ctx) -> None:
    """Random NICs and others, a multi-function device, a bridge with devices behind it."""
    args, _ = extra_devices(ctx.rng, nested=False)
    run_qemu_test(ctx, args, make_disks(ctx, set()))


@test(lab=5, name="nested-bridges", points=10, paths=QEMU_ONLY)
def nested_bridges(ctx: Ctx) -> None:
    """A bridge behind a bridge: the scan must descend twice; and it must stay cheap."""
    args, _ = extra_devices(ctx.rng, nested=True)
    r, view = run_qemu_test(ctx, args, make_disks(ctx, set()))
    # A scan that follows the topology reads 32 slots per bus and a few dozen
    # registers per function (header, BAR sizing): far below the 65536 of a
    # brute-force 256 x 32 x 8 scan.
    bound = 64 * view.buses + 64 * len(view.functions)
    used = accesses_used(ctx, r)
    ctx.check(used <= bound,
              f"the scan used {used} config accesses for {len(view.functions)} functions on "
              f"{view.buses} buses; following the bridges needs at most {bound} "
              "(is it still trying every bus?)")
