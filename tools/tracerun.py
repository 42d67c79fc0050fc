#!/usr/bin/env python3
"""tracerun.py - boot stage 6 with `trace` and the given options, as the grader
boots it (its pinned machine from boot/qemu-machine.args and its virtual time,
through grade/runner.py), and save the serial log with the trace in it, for
tools/tracesvg.py to draw. `make lab6-trace ARGS=...` runs both.

    python3 tools/tracerun.py --kernel build/lab6/kernel.elf --log trace.log \
        [--keys h,i,ret,esc] -- spin=3 slice=5

--keys types QEMU key names (qcodes, as `sendkey` takes them) once the stage
prints "lab6: ready" (the `kbd` option). Exit status 0 when the kernel
ended with success and printed a trace; otherwise the log's tail and 1.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from grade import runner                            # noqa: E402  (after the path)
from grade.core import VIRTUAL_TIME, key_feed        # noqa: E402

READY = "lab6: ready"
TIMEOUT = 60.0                  # seconds the emulator may run (stretched on a loaded host)


def main() -> int:
    ap = argparse.ArgumentParser(description="Boot stage 6 with `trace` and save its serial log.")
    ap.add_argument("--kernel", type=Path, required=True, help="build/lab6/kernel.elf")
    ap.add_argument("--log", type=Path, required=True, help="where the serial log goes")
    ap.add_argument("--keys", default="", help="qcodes to type at 'lab6: ready', e.g. h,i,ret,esc")
    ap.add_argument("args", nargs="*", help="stage 6's options (after --)")
    opts = ap.parse_args()
    if not opts.kernel.is_file():
        print(f"tracerun: {opts.kernel}: no such kernel (make lab6)", file=sys.stderr)
        return 2
    keys = [k for k in opts.keys.split(",") if k]
    words = ["grade", "trace", *opts.args]
    cmd = [runner.QEMU, *runner.MACHINE, "-serial", "stdio", *VIRTUAL_TIME,
           "-kernel", str(opts.kernel), "-append", " ".join(words)]
    runner.install_signal_handlers()    # Ctrl-C: QEMU is stopped, not left behind
    try:
        with tempfile.TemporaryDirectory(prefix="cairn-trace-") as work:
            r = runner.run_qemu(cmd, READY if keys else None, key_feed(keys), None, None, TIMEOUT,
                                bool(keys), Path(work))
    except KeyboardInterrupt:
        runner.kill_all()
        print("tracerun: interrupted", file=sys.stderr)
        return 130
    opts.log.parent.mkdir(parents=True, exist_ok=True)
    opts.log.write_text(r.log, encoding="utf-8")
    if r.exit != "success" or "trace: end" not in r.log:
        tail = "\n".join(r.log.splitlines()[-15:])
        print(f"tracerun: stage 6 ended with {r.exit}, not success with a trace "
              f"(log: {opts.log}):\n{tail}\n{r.stderr.strip()}", file=sys.stderr)
        return 1
    print(f"tracerun: {' '.join(words)} -> {opts.log}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
