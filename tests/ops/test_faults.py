"""The database going away mid-traffic: 503 problem+json without a trace, and recovery when it returns.

PostgreSQL only: the service reaches it over TCP through a proxy the test cuts and restores (SQLite has
no server to lose).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from unittest import mock

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from app.db import make_engine
from app.main import create_app
from tests.conftest import TEST_DB_URL

pytestmark = pytest.mark.skipif(not TEST_DB_URL.startswith("postgresql"), reason="needs a database server")


class TcpProxy:
    """Forwards 127.0.0.1:<port> to the database; ``cut()`` drops every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for s in self.conns:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass
            self.conns.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def proxied_client() -> Iterator[tuple[TestClient, TcpProxy]]:
    url = make_url(TEST_DB_URL)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxied_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    engine = make_engine(proxied_url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with (
        mock.patch("app.db.get_sessionmaker", return_value=factory),
        mock.patch("app.core.idempotency.get_sessionmaker", return_value=factory),
        mock.patch("app.ops.service.get_engine", return_value=engine),
        TestClient(create_app(), raise_server_exceptions=False) as client,
    ):
        yield client, proxy
    proxy.close()
    engine.dispose()


def test_database_down_gives_503_and_service_recovers(
    proxied_client: tuple[TestClient, TcpProxy], make_key: Callable[..., dict[str, str]]
) -> None:
    client, proxy = proxied_client
    admin = make_key("admin")
    assert client.get("/v1/regions/620521", headers=admin).status_code == 200
    assert client.get("/readyz").status_code == 200

    proxy.cut()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    for _ in range(3):
        r = client.get("/v1/regions/620521", headers=admin)
        assert r.status_code == 503
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "Traceback" not in r.text and "psycopg" not in r.text
        assert r.headers.get("Retry-After")
    posted = client.post(
        "/v1/partnerships",
        json={"receiving_region_code": "120105", "sending_region_code": "620521", "valid_from": "2019-01-01"},
        headers={**admin, "Idempotency-Key": "while-down"},
    )
    assert posted.status_code == 503
    assert client.get("/healthz").status_code == 200

    proxy.restore()
    assert client.get("/readyz").status_code == 200
    assert client.get("/v1/regions/620521", headers=admin).status_code == 200
    # The request refused while the database was down can be retried with the same key.
    retried = client.post(
        "/v1/partnerships",
        json={"receiving_region_code": "120105", "sending_region_code": "620521", "valid_from": "2019-01-01"},
        headers={**admin, "Idempotency-Key": "while-down"},
    )
    assert retried.status_code == 201


def test_idle_pooled_connection_is_pinged_and_replaced_when_the_server_dropped_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Connections idle past the window are pinged before use; busy ones are not (no round trip)."""
    engine = make_engine(TEST_DB_URL)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("select pg_backend_pid()")).scalar_one()
        with mock.patch.object(engine.dialect, "do_ping", wraps=engine.dialect.do_ping) as ping:
            # Checked in a moment ago: used as it is.
            with engine.connect() as conn:
                assert conn.execute(text("select pg_backend_pid()")).scalar_one() == pid
            assert ping.call_count == 0

            # The server drops it while it rests in the pool, and the window has passed.
            other = create_engine(TEST_DB_URL, poolclass=NullPool)
            with other.connect() as admin:
                admin.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
            other.dispose()
            monkeypatch.setattr("app.db.PING_AFTER_IDLE_S", 0.0)
            with engine.connect() as conn:
                assert conn.execute(text("select pg_backend_pid()")).scalar_one() != pid
            assert ping.call_count >= 1
    finally:
        engine.dispose()
