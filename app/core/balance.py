"""Even out keep-alive connections between worker processes.

``laowu serve --workers N`` runs N processes on one shared listening socket. A new connection goes to
whichever worker accepts first, and a burst of them (portals starting together, a proxy opening its
pool) can land mostly on one: seen here, 28 of 32 on one of two workers. District portals keep their
connections for hours, so that worker then serves most of the traffic on one core while the other
idles, and its clients wait twice as long.

Each worker counts the connections it served in the last second and publishes the count in a shared
directory (``LAOWU_BALANCE_DIR``, set by ``laowu serve``). A worker with at least two more than the
least busy one answers one request with ``Connection: close``; the client reconnects, as HTTP/1.1
clients do, and the new connection goes to a worker that has time to accept it. At most one
connection is shed per quarter second per worker, so the counts settle without churn.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

WINDOW_S = 1.0  # a connection counts as active when it sent a request this recently
SYNC_S = 0.5  # how often a worker publishes its count and reads the others'
STALE_S = 3.0  # a count older than this is a worker that is gone
SHED_GAP_S = 0.25


def should_shed(mine: int, others: list[int]) -> bool:
    """Shed one connection when this worker has two or more above the least busy worker."""
    return bool(others) and mine - min(others) >= 2


class ConnectionBalancer:
    def __init__(self, app: ASGIApp, *, directory: Path | None) -> None:
        self.app = app
        self.directory = directory
        self.own = directory / str(os.getpid()) if directory else None
        self.seen: dict[tuple[str, int], float] = {}
        self.others: list[int] = []
        self.shed_at = 0.0
        self.ticker: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.own is not None and self.ticker is None and scope["type"] == "lifespan":
            # Publish on a clock, not per request: a worker that got no connections must say so.
            self.ticker = asyncio.get_running_loop().create_task(self._tick())
        client = scope.get("client") if scope["type"] == "http" else None
        if self.own is None or not client:
            await self.app(scope, receive, send)
            return
        now = time.monotonic()
        key = (str(client[0]), int(client[1]))
        self.seen[key] = now
        if now - self.shed_at < SHED_GAP_S or not should_shed(len(self.seen), self.others):
            await self.app(scope, receive, send)
            return
        self.shed_at = now
        del self.seen[key]

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
            await send(message)

        await self.app(scope, receive, send_closing)

    async def _tick(self) -> None:
        while True:
            self.sync(time.monotonic())
            await asyncio.sleep(SYNC_S)

    def sync(self, now: float) -> None:
        """Drop connections idle for a second, publish this worker's count, read the others'."""
        assert self.directory is not None and self.own is not None
        self.seen = {k: t for k, t in self.seen.items() if now - t < WINDOW_S}
        wall = time.time()
        others = []
        # The directory is advisory: when it cannot be read or written the worker just serves.
        with contextlib.suppress(OSError):
            tmp = self.own.with_suffix(".tmp")
            tmp.write_text(str(len(self.seen)))
            tmp.replace(self.own)
            for entry in self.directory.iterdir():
                if entry == self.own or entry.suffix:
                    continue
                with contextlib.suppress(OSError, ValueError):
                    if wall - entry.stat().st_mtime < STALE_S:
                        others.append(int(entry.read_text()))
        self.others = others
