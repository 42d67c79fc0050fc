"""qmp.py - just enough of the QEMU Machine Protocol (docs/interop/qmp-spec).

QEMU is told to connect to us (`-chardev socket,path=...` without server=on),
so the socket exists before QEMU starts: no waiting for a file to appear.
"""
from __future__ import annotations

import json
import socket
from typing import Any


class QMPError(Exception):
    pass


class QMP:
    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.file = conn.makefile("rwb", buffering=0)
        self.events: list[dict[str, Any]] = []
        greeting = self._read()
        if "QMP" not in greeting:
            raise QMPError(f"unexpected QMP greeting: {greeting}")
        self.command("qmp_capabilities")

    def _read(self) -> dict[str, Any]:
        line = self.file.readline()
        if not line:
            raise QMPError("QEMU closed the QMP connection")
        return json.loads(line)

    def command(self, name: str, **arguments: Any) -> Any:
        msg: dict[str, Any] = {"execute": name}
        if arguments:
            msg["arguments"] = arguments
        self.file.write(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                raise QMPError(f"{name}: {reply['error'].get('desc', reply['error'])}")
            return reply.get("return")

    def close(self) -> None:
        try:
            self.file.close()
            self.conn.close()
        except OSError:
            pass
