"""app.db.run_db: short database calls share a small, fixed number of threads per process."""

from __future__ import annotations

import threading
import time

import anyio

from app.config import get_settings
from app.db import run_db


def test_run_db_runs_at_most_db_threads_calls_at_once() -> None:
    lock = threading.Lock()
    active = peak = 0

    def call() -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.05)
        with lock:
            active -= 1

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(4 * get_settings().db_threads + 1):
                tg.start_soon(run_db, call)

    anyio.run(main)
    assert peak == get_settings().db_threads


def test_run_db_returns_the_result_and_raises_the_error() -> None:
    async def main() -> None:
        assert await run_db(lambda: 41 + 1) == 42
        try:
            await run_db(lambda: 1 // 0)
        except ZeroDivisionError:
            return
        raise AssertionError("the error of the call must reach the caller")

    anyio.run(main)
