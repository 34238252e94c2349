"""Test database: built by running the Alembic migrations, on SQLite by default or on the PostgreSQL
named by LAOWU_TEST_DATABASE_URL (``make test`` runs the suite on both). Tables are emptied after each
test; the regions loaded by the migration stay."""

from __future__ import annotations

import base64
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

_tmp = Path(tempfile.mkdtemp(prefix="laowu-test-"))
TEST_DB_URL = os.environ.get("LAOWU_TEST_DATABASE_URL") or f"sqlite:///{_tmp / 'test.db'}"
os.environ["LAOWU_DATABASE_URL"] = TEST_DB_URL
os.environ["LAOWU_DATA_KEY"] = base64.b64encode(b"k" * 32).decode()
os.environ["LAOWU_DATA_KEY_FILE"] = str(_tmp / "data-key")
os.environ.setdefault("LAOWU_RATE_LIMIT_PER_MINUTE", "100000")

from alembic import command  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.auth import service as auth_service  # noqa: E402
from app.auth.deps import reset_limiter  # noqa: E402
from app.auth.principal import Principal, Role  # noqa: E402
from app.db import Base, get_engine, get_sessionmaker  # noqa: E402
from app.main import create_app  # noqa: E402
from app.ops.service import alembic_config  # noqa: E402

KEEP_TABLES = {"regions", "alembic_version"}


def pytest_report_header() -> str:
    return f"laowu test database: {TEST_DB_URL.split('://')[0]}"


@pytest.fixture(scope="session", autouse=True)
def migrated_db() -> Iterator[str]:
    if TEST_DB_URL.startswith("postgresql"):
        # A fresh schema per run, so a previous run's leftovers cannot hide a migration bug.
        with get_engine().begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    command.upgrade(alembic_config(TEST_DB_URL), "head")
    yield TEST_DB_URL
    get_engine().dispose()


def _empty_tables() -> None:
    engine = get_engine()
    names = [t.name for t in Base.metadata.sorted_tables if t.name not in KEEP_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE"))
        else:
            for name in reversed(names):
                conn.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture(autouse=True)
def clean_db(migrated_db: str) -> Iterator[None]:
    reset_limiter()
    yield
    _empty_tables()


@pytest.fixture
def session() -> Iterator[Session]:
    s = get_sessionmaker()()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def make_key() -> Callable[..., dict[str, str]]:
    """``make_key("sending", "620521")`` → Authorization headers for a fresh key."""

    def _make(role: str, region_code: str | None = None, name: str | None = None) -> dict[str, str]:
        with get_sessionmaker()() as s:
            _, secret = auth_service.create_key(
                session=s,
                name=name or f"{role}-{uuid.uuid4().hex[:6]}",
                role=Role(role),
                region_code=region_code,
            )
            s.commit()
        return {"Authorization": f"Bearer {secret}"}

    return _make


@pytest.fixture
def admin(make_key: Callable[..., dict[str, str]]) -> dict[str, str]:
    return make_key("admin")


def principal(role: str, region_code: str | None = None) -> Principal:
    return Principal(id=uuid.uuid4().hex, name=f"test-{role}", role=Role(role), region_code=region_code)
