"""app.core.balance: a worker well above the least busy one sheds a keep-alive connection."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import anyio

from app.core import balance
from app.core.balance import ConnectionBalancer, should_shed


async def _ok(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _request(mw: ConnectionBalancer, port: int) -> dict[bytes, bytes]:
    """Headers of the response to one request from 127.0.0.1:<port>."""
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "client": ("127.0.0.1", port), "headers": []}
    anyio.run(mw, scope, receive, send)
    return dict(sent[0]["headers"])


def _peer(directory: Path, count: int, age_s: float = 0.0) -> None:
    peer = directory / "999999"
    peer.write_text(str(count))
    if age_s:
        then = time.time() - age_s
        os.utime(peer, (then, then))


def test_should_shed_only_two_above_the_least_busy() -> None:
    assert should_shed(18, [14])
    assert should_shed(3, [1, 5])
    assert not should_shed(17, [16])
    assert not should_shed(16, [16])
    assert not should_shed(5, [])  # alone, or the others unknown


def test_busier_worker_answers_one_request_with_connection_close(tmp_path: Path) -> None:
    mw = ConnectionBalancer(_ok, directory=tmp_path)
    _peer(tmp_path, 0)
    for port in (1001, 1002, 1003):
        assert b"connection" not in _request(mw, port)  # the others' count is not read yet
    mw.sync(time.monotonic())
    assert (tmp_path / str(os.getpid())).read_text() == "3"
    assert _request(mw, 1001)[b"connection"] == b"close"
    # One connection per quarter second at most, however uneven.
    assert b"connection" not in _request(mw, 1002)


def test_even_workers_keep_their_connections(tmp_path: Path) -> None:
    mw = ConnectionBalancer(_ok, directory=tmp_path)
    _peer(tmp_path, 2)
    for port in (1001, 1002, 1003):
        _request(mw, port)
    mw.sync(time.monotonic())
    assert all(b"connection" not in _request(mw, p) for p in (1001, 1002, 1003))


def test_a_gone_worker_does_not_count(tmp_path: Path) -> None:
    mw = ConnectionBalancer(_ok, directory=tmp_path)
    _peer(tmp_path, 0, age_s=balance.STALE_S + 5)
    for port in (1001, 1002, 1003):
        _request(mw, port)
    mw.sync(time.monotonic())
    assert mw.others == []
    assert b"connection" not in _request(mw, 1001)


def test_idle_connections_stop_counting(tmp_path: Path) -> None:
    mw = ConnectionBalancer(_ok, directory=tmp_path)
    for port in (1001, 1002, 1003):
        _request(mw, port)
    mw.sync(time.monotonic() + balance.WINDOW_S + 0.1)
    assert mw.seen == {}


def test_without_a_directory_nothing_changes() -> None:
    mw = ConnectionBalancer(_ok, directory=None)
    assert all(b"connection" not in _request(mw, p) for p in range(1001, 1010))
    assert mw.ticker is None
