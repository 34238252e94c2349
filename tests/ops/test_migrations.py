"""Schema changes go through Alembic only: upgrade, downgrade and no drift, on the database under test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import app.models  # noqa: F401
from app.db import Base
from app.ops.service import alembic_config, head_revision
from tests.conftest import TEST_DB_URL, _tmp


@pytest.fixture
def scratch_url() -> Iterator[str]:
    """An empty database of the same kind as the one under test."""
    if TEST_DB_URL.startswith("sqlite"):
        yield f"sqlite:///{_tmp / f'migr-{uuid.uuid4().hex}.db'}"
        return
    name = f"laowu_migr_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(TEST_DB_URL, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(TEST_DB_URL).set(database=name).render_as_string(hide_password=False)
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


def test_upgrade_to_head_then_downgrade_to_base(scratch_url: str) -> None:
    cfg = alembic_config(scratch_url)
    command.upgrade(cfg, "head")
    engine = create_engine(scratch_url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        # The regions table is loaded by the migration itself.
        assert conn.execute(text("SELECT name FROM regions WHERE code = '620521'")).scalar() == "清水县"
    command.downgrade(cfg, "base")
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    command.upgrade(cfg, "head")
    engine.dispose()


def test_models_and_migrations_do_not_drift(scratch_url: str) -> None:
    command.upgrade(alembic_config(scratch_url), "head")
    engine = create_engine(scratch_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == [], f"models differ from migrations; add an Alembic revision: {diff}"
