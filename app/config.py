"""Settings from the environment (prefix ``LAOWU_``)."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LAOWU_", extra="ignore")

    database_url: str = "sqlite:///./laowu.db"
    # Base64 of 32 random bytes. When unset the key is read from (or created in) ``data_key_file``
    # so `make run` works on a fresh machine without committing a key.
    data_key: str | None = None
    data_key_file: Path = Path("./.laowu-data-key")
    log_level: str = "INFO"
    max_body_bytes: int = 20 * 1024 * 1024
    max_import_rows: int = 50_000
    rate_limit_per_minute: int = 600
    idempotency_ttl_hours: int = 24
    # A job receives at most ceil(headcount * multiple) proposals in one match run.
    match_capacity_multiple: float = 3.0
    timezone: str = "Asia/Shanghai"
    # PostgreSQL connections kept per worker process. Keep it at least the number of requests a worker
    # serves at once: a connection opened beyond it is closed after each request, and each new one
    # costs PostgreSQL a process start and every statement a fresh plan (a fifth of the list's
    # throughput at concurrency 32). Workers × (pool + 10 overflow) must stay under max_connections.
    db_pool_size: int = 20
    # Threads per worker process for short database calls (the key lookup, list pages): see
    # app.db.run_db. About the number of cores a worker can count on; more only adds GIL contention.
    db_threads: int = 2
    # Set by `laowu serve --workers N` for its workers: where they share their connection counts
    # (app.core.balance). Unset, each worker keeps the connections it accepted.
    balance_dir: Path | None = None


@lru_cache
def get_settings() -> Settings:
    return Settings()
