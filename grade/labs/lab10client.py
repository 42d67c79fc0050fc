"""Stage 10's HTTP client: lab 10's TCP active open against a real server on the host.

The grader serves seeded random bytes (16 KiB to 200 KiB: many segments, more than the
guest's 8 KiB window) from Python's http.server on 127.0.0.1 at a free port and boots
stage 10 with fetch=PORT/NAME: the kernel connects to QEMU's gateway 10.0.2.2:PORT,
which QEMU's user network forwards to that server, and prints the status, the body's
length and its CRC-32 (zlib's). A second boot fetches from a port nobody listens on:
the host refuses, slirp answers the SYN with an RST, and the kernel must say
"connection refused" and serve on. A submission's kernel reaches only the test's port
through the guard (netguard.Guard's allow_tcp_to).
"""
from __future__ import annotations

import http.server
import socket
import threading
import zlib

from grade.core import QEMU_ONLY, Ctx, test
from grade.labs.lab10 import TIMEOUT, Session, random_datagrams, serve, udp_echoes
from grade.netrelay import free_port
from grade.runner import Machine

BODY_MIN, BODY_MAX = 16 * 1024, 200 * 1024


class Server:
    """http.server on 127.0.0.1 at a free port: GET /NAME is the body, anything else 404."""

    def __init__(self, name: str, body: bytes) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                found = self.path == "/" + name
                self.send_response(200 if found else 404)
                self.send_header("Content-Length", str(len(body) if found else 0))
                self.end_headers()
                if found:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def fetch_line(lines: list[str], port: int, path: str) -> str | None:
    prefix = f"lab10: fetch 10.0.2.2:{port}{path}: "
    return next((l[len(prefix):] for l in lines if l.startswith(prefix)), None)


@test(lab=10, name="http-client", points=10, paths=QEMU_ONLY, timeout=3 * TIMEOUT)
def http_client(ctx: Ctx) -> None:
    """fetch=PORT/NAME gets the host server's seeded body: status 200, its length and
    CRC-32; from a port nobody listens on, 'connection refused', and the kernel serves on."""
    body = ctx.rng.randbytes(ctx.rng.randint(BODY_MIN, BODY_MAX))
    name = f"blob{ctx.rng.randint(0, 9999)}.bin"
    alive = udp_echoes(random_datagrams(ctx, 3))        # the kernel still serves after it
    with Server(name, body) as server:
        r, session, _ = serve(ctx, alive, args=(f"fetch={server.port}/{name}",),
                              allow_tcp_to=server.port)
    said = fetch_line(r.lines, server.port, "/" + name)
    want = f"status 200, {len(body)} bytes, crc32 {zlib.crc32(body):08x}"
    ctx.check(said == want, f"expected 'lab10: fetch 10.0.2.2:{server.port}/{name}: {want}'; "
                            f"the kernel said: {said}\n{r.log}")
    ctx.check(session.lost == 0, f"{session.lost} datagrams never came back after the fetch")

    closed = free_port(socket.SOCK_STREAM)              # nobody listens there
    r, session, _ = serve(ctx, alive, args=(f"fetch={closed}/x",), allow_tcp_to=closed)
    said = fetch_line(r.lines, closed, "/x")
    ctx.check(said == "connection refused",
              f"a port nobody listens on: expected 'connection refused'; the kernel said: {said}\n{r.log}")
    ctx.check(session.lost == 0, f"{session.lost} datagrams never came back after the refusal")
