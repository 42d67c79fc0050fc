"""Hidden lab 5 test: two bridges side by side on bus 0, one with devices
behind it and one with nothing behind it (the visible tests chain bridges,
never put two on one bus, and never leave one empty)."""
from __future__ import annotations

from grade.core import QEMU_ONLY, Ctx, test
from grade.labs.lab5 import FREE_SLOTS, make_disks, random_device, run_qemu_test


@test(lab=5, name="sibling-bridges", points=5, paths=QEMU_ONLY, hidden=True)
def sibling_bridges(ctx: Ctx) -> None:
    rng = ctx.rng
    a, b, nic = rng.sample(list(FREE_SLOTS), 3)
    args = ["-device", f"{random_device(rng)},addr={nic:02x}.0",
            "-device", f"pci-bridge,chassis_nr=1,id=br1,addr={a:02x}.0",
            "-device", f"pci-bridge,chassis_nr=2,id=br2,addr={b:02x}.0"]
    for slot in rng.sample(range(32), rng.randint(1, 3)):
        args += ["-device", f"{random_device(rng)},bus=br1,addr={slot:02x}.0"]
    run_qemu_test(ctx, args, make_disks(ctx, set()))
