"""The web bench's load client, run in a process of its own: `python -m eduplan.bench._load < SPEC.json`.

One asyncio task per user on raw sockets, each requesting its pages in turn without pause until the time is up,
and printing the times per page and its own CPU time as JSON. A client of Python threads and urllib costs the
server's cores several ms per request (and the GIL serialises its clocks); this one parses only the status
line and the headers, so on a 2-core machine it takes a few percent of the CPU the server gets.

Each request opens its own connection (`Connection: close`), as nginx does towards gunicorn by default
(HTTP/1.0 upstream): the kernel hands each connection to whichever worker accepts first, so a busy worker does
not keep twenty users to itself.

SPEC: {"host", "port", "seconds", "users": [{"cookie": "sessionid=…; csrftoken=…", "pages": [[name, path], …]}]}
(seconds 0: each user requests each of its pages once, to warm the server)
OUT: {"times": {name: [ms, …]}, "cpu_ms": {name: [the server's CPU ms, …]}, "errors": {name: [message, …]},
      "elapsed_s", "cpu_s"}
"""

from __future__ import annotations

import asyncio
import json
import re
import resource
import sys
import time
from typing import Any

TIMEOUT = 120.0  # seconds one page may take before it counts as an error
CPU = re.compile(rb"\r\nServer-Timing: cpu;dur=([0-9.]+)", re.IGNORECASE)


async def _get(host: str, port: int, path: str, cookie: str) -> float | None:
    """One GET: the server's CPU ms for it; raises unless the answer is a 200 page (the login form is a 302)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
            "Accept: text/html\r\nConnection: close\r\n\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        status = head[9:12]
        await reader.read()  # to the end: the server closes when the page is complete
        if status != b"200":
            raise RuntimeError(f"status {status.decode(errors='replace')} at {path}")
    finally:
        writer.close()
    timing = CPU.search(head)  # the server's CPU time for the page (EDUPLAN_SERVER_TIMING)
    return float(timing.group(1)) if timing else None


async def _user(
    spec: dict[str, Any], user: dict[str, Any], k: int, deadline: float, out: dict[str, Any]
) -> None:
    pages = user["pages"]
    i = k  # users start on different pages
    while time.monotonic() < deadline if deadline else i < k + len(pages):  # no deadline: each page once
        name, path = pages[i % len(pages)]
        i += 1
        start = time.perf_counter()
        try:
            cpu = await asyncio.wait_for(_get(spec["host"], spec["port"], path, user["cookie"]), TIMEOUT)
            out["times"].setdefault(name, []).append((time.perf_counter() - start) * 1000)
            if cpu is not None:
                out["cpu_ms"].setdefault(name, []).append(cpu)
        except (TimeoutError, OSError, RuntimeError, asyncio.IncompleteReadError) as exc:
            out["errors"].setdefault(name, []).append(f"{type(exc).__name__}: {exc}"[:200])


async def _run(spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"times": {}, "errors": {}, "cpu_ms": {}}
    started = time.monotonic()
    deadline = started + float(spec["seconds"]) if spec["seconds"] else 0.0
    await asyncio.gather(*(_user(spec, u, k, deadline, out) for k, u in enumerate(spec["users"])))
    out["elapsed_s"] = time.monotonic() - started
    return out


def main() -> None:
    spec = json.load(sys.stdin)
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    out = asyncio.run(_run(spec))
    after = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_s"] = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
