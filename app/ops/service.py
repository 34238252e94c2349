"""Readiness: the database answers and its schema is at the migrations' head."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from app.db import get_engine


def _migrations_dir() -> Path:
    # Beside the package in a checkout (editable install); the working directory in the Docker image.
    beside = Path(__file__).resolve().parent.parent.parent / "migrations"
    return beside if beside.is_dir() else Path.cwd() / "migrations"


MIGRATIONS_DIR = _migrations_dir()


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


@lru_cache
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def readiness() -> tuple[bool, str, str | None, str]:
    engine = get_engine()
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError:
        return False, engine.dialect.name, None, "数据库不可达"
    if current != head_revision():
        return False, engine.dialect.name, current, "数据库迁移未到最新版本，请运行 laowu migrate"
    return True, engine.dialect.name, current, ""
