"""Progress-report speed: 1,000,000 placements on PostgreSQL (target < 2 s), 100,000 on SQLite.

Usage (from the repo root): .venv/bin/python bench/reports.py [--placements 1000000] [--sqlite 100000]

PostgreSQL comes from LAOWU_BENCH_POSTGRES_URL (a scratch database: the bench migrates it and adds, then
removes, its own rows); without it the script re-runs itself under tools/with-postgres.sh, which starts
a throwaway cluster. Prints the time of the report's service function and of GET
/v1/reports/progress?period=2019 over HTTP (in-process ASGI), best and median of several runs.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TIANJIN = [
    "120116", "120101", "120105", "120102", "120103", "120104", "120106", "120110",
    "120111", "120112", "120113", "120114", "120115", "120119", "120118", "120117",
]  # fmt: skip
COUNTIES = [
    "620502", "620503", "620521", "620522", "620523", "620524", "620525", "620802", "620821", "620822",
    "620823", "620825", "620826", "620881", "621002", "621021", "621022", "621023", "621024", "621025",
    "621026", "621027", "623001", "623021", "623022", "623023", "623024", "623025", "623026", "623027",
    "621102", "621121", "621122", "621123", "621124", "621125", "621126", "130821", "130822", "130824",
    "130825", "130826", "130827", "130828", "130881",
]  # fmt: skip
CATEGORIES = ["in_receiving", "local", "elsewhere"]
BENCH_BY = "bench-reports"
RUNS = 5


def _setup_env(url: str) -> None:
    os.environ["LAOWU_DATABASE_URL"] = url
    os.environ.setdefault("LAOWU_DATA_KEY", base64.b64encode(b"b" * 32).decode())
    os.environ.setdefault("LAOWU_RATE_LIMIT_PER_MINUTE", "100000")
    os.environ.setdefault("LAOWU_LOG_LEVEL", "WARNING")


def _generate(n_placements: int, seed: int = 2019) -> tuple[list[tuple[str, str]], list[tuple]]:  # type: ignore[type-arg]
    """Seekers (id, county) and placements: a third of the labourers placed more than once."""
    rng = random.Random(seed)
    n_seekers = max(1, n_placements * 2 // 3)
    seekers = [(f"{i:032x}", COUNTIES[i % len(COUNTIES)]) for i in range(n_seekers)]
    partner = {c: TIANJIN[i % len(TIANJIN)] for i, c in enumerate(COUNTIES)}
    base = date(2019, 1, 1)
    placements = []
    for i in range(n_placements):
        sid, county = seekers[i % n_seekers] if i < n_seekers else seekers[rng.randrange(n_seekers)]
        # All within 2019: the report has to read every placement (the worst case for one year).
        started = base + timedelta(days=rng.randrange(365))
        placements.append((f"p{i:031x}", sid, county, partner[county], CATEGORIES[rng.randrange(3)], started))
    return seekers, placements


def _migrate(url: str) -> None:
    from alembic import command

    from app.ops.service import alembic_config

    command.upgrade(alembic_config(url), "head")


def _fixtures(session_factory: Callable[[], object]) -> tuple[str, Callable[[], None]]:
    """Targets and partnerships for 2019, and an admin key; returns the key and a cleanup function."""
    from sqlalchemy import delete

    from app.auth import service as auth_service
    from app.auth.models import ApiKey
    from app.auth.principal import Role
    from app.partnerships.models import Partnership, Target

    with session_factory() as s:  # type: ignore[attr-defined]
        for i, code in enumerate(TIANJIN):
            s.add(Target(receiving_region_code=code, period="2019", employed_in_receiving=100 + i))
        for i, county in enumerate(COUNTIES):
            s.add(
                Partnership(
                    receiving_region_code=TIANJIN[i % len(TIANJIN)],
                    sending_region_code=county,
                    valid_from=date(2018, 1, 1),
                    agreement_no=BENCH_BY,
                )
            )
        key, secret = auth_service.create_key(session=s, name=BENCH_BY, role=Role.admin, region_code=None)
        s.commit()
        key_id = key.id

    def cleanup() -> None:
        with session_factory() as s:  # type: ignore[attr-defined]
            s.execute(
                delete(Target).where(Target.period == "2019", Target.receiving_region_code.in_(TIANJIN))
            )
            s.execute(delete(Partnership).where(Partnership.agreement_no == BENCH_BY))
            s.execute(delete(ApiKey).where(ApiKey.id == key_id))
            s.commit()

    return secret, cleanup


def _time(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times[0], min(times), statistics.median(times)


def _measure(label: str, n: int, secret: str) -> None:
    from fastapi.testclient import TestClient

    from app.auth.principal import Principal, Role
    from app.db import get_sessionmaker
    from app.main import create_app
    from app.reports import service

    admin = Principal(id="bench", name="bench", role=Role.admin, region_code=None)

    def call_service() -> None:
        with get_sessionmaker()() as s:
            report = service.progress(session=s, principal=admin, period="2019")
            assert len(report.rows) == len(TIANJIN)

    first, best, median = _time(call_service)
    print(
        f"{label}: {n:,} placements — service function: first {first:.3f} s, best {best:.3f} s, median {median:.3f} s"
    )
    with TestClient(create_app()) as client:
        headers = {"Authorization": f"Bearer {secret}"}

        def call_http() -> None:
            r = client.get("/v1/reports/progress", params={"period": "2019"}, headers=headers)
            assert r.status_code == 200, r.text

        first, best, median = _time(call_http)
        achieved = client.get("/v1/reports/progress", params={"period": "2019"}, headers=headers).json()
    print(
        f"{label}: {n:,} placements — GET /v1/reports/progress?period=2019: first {first:.3f} s, best {best:.3f} s, median {median:.3f} s"
    )
    t = achieved["totals"]
    print(
        f"{label}: 2019 achieved — in_receiving {t['employed_in_receiving']['achieved']:,}, "
        f"local {t['employed_locally']['achieved']:,}, elsewhere {t['employed_elsewhere']['achieved']:,}"
    )


def bench_postgres(url: str, n: int) -> None:
    import psycopg
    from sqlalchemy import delete

    _setup_env(url)
    _migrate(url)
    from app.db import get_sessionmaker
    from app.placements.models import Placement
    from app.seekers.models import Seeker

    seekers, placements = _generate(n)
    raw_url = url.replace("postgresql+psycopg://", "postgresql://")
    t0 = time.perf_counter()
    with psycopg.connect(raw_url) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY seekers (id, owner_region_code, external_id, name, id_number_enc, id_number_bidx, "
            "id_number_masked, gender, birth_date, hukou_region_code, skills, certificates, "
            "desired_occupations, occupation_codes, wants_work, mobility, preferred_region_codes, "
            "needs_housing, employment_status, tags, training_needs, tags_text, occupation_codes_text, "
            "content_hash, version, created_at, updated_at) FROM STDIN"
        ) as copy:
            buf = io.StringIO()
            for sid, county in seekers:
                buf.write(
                    f"{sid}\t{county}\tB-{sid}\t测试\tx\t{sid}\t{county}********0000\tmale\t1990-01-01\t{county}\t"
                    "[]\t[]\t[]\t[]\tt\tcross_province\t[]\tf\temployed\t[]\t[]\t,\t,\t"
                    f"{sid}\t1\t2018-01-01 00:00:00+00\t2018-01-01 00:00:00+00\n"
                )
                if buf.tell() > 1 << 20:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
            copy.write(buf.getvalue())
        with cur.copy(
            "COPY placements (id, seeker_id, owner_region_code, hukou_region_code, receiving_region_code, "
            "employer_name, region_code, category, started_on, created_by, version, created_at, updated_at) "
            "FROM STDIN"
        ) as copy:
            buf = io.StringIO()
            for pid, sid, county, receiving, category, started in placements:
                buf.write(
                    f"{pid}\t{sid}\t{county}\t{county}\t{receiving}\t某公司\t{receiving}\t{category}\t"
                    f"{started.isoformat()}\t{BENCH_BY}\t1\t2018-01-01 00:00:00+00\t2018-01-01 00:00:00+00\n"
                )
                if buf.tell() > 1 << 20:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
            copy.write(buf.getvalue())
        conn.commit()
        cur.execute("ANALYZE placements")
        conn.commit()
    print(
        f"PostgreSQL: loaded {len(seekers):,} seekers and {n:,} placements with COPY in {time.perf_counter() - t0:.1f} s"
    )
    secret, cleanup = _fixtures(get_sessionmaker())
    try:
        _measure("PostgreSQL", n, secret)
    finally:
        cleanup()
        with get_sessionmaker()() as s:
            s.execute(delete(Placement).where(Placement.created_by == BENCH_BY))
            s.execute(delete(Seeker).where(Seeker.external_id.like("B-%")))
            s.commit()


def bench_sqlite(n: int) -> None:
    """Runs in a child process: the app's settings and engine are per process."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        env = {**os.environ, "LAOWU_BENCH_SQLITE_URL": url}
        subprocess.run([sys.executable, __file__, "--sqlite-child", str(n)], env=env, check=True)


def _sqlite_child(n: int) -> None:
    url = os.environ["LAOWU_BENCH_SQLITE_URL"]
    _setup_env(url)
    _migrate(url)
    from sqlalchemy import text

    from app.db import get_engine, get_sessionmaker

    seekers, placements = _generate(n)
    t0 = time.perf_counter()
    with get_engine().begin() as conn:
        conn.execute(
            text(
                "INSERT INTO seekers (id, owner_region_code, external_id, name, id_number_enc, id_number_bidx, "
                "id_number_masked, gender, birth_date, hukou_region_code, skills, certificates, "
                "desired_occupations, occupation_codes, wants_work, mobility, preferred_region_codes, "
                "needs_housing, employment_status, tags, training_needs, tags_text, occupation_codes_text, "
                "content_hash, version, created_at, updated_at) VALUES (:id, :c, :e, '测试', 'x', :id, "
                "'x', 'male', '1990-01-01', :c, '[]', '[]', '[]', '[]', 1, 'cross_province', '[]', 0, "
                "'employed', '[]', '[]', ',', ',', :id, 1, '2018-01-01 00:00:00', '2018-01-01 00:00:00')"
            ),
            [{"id": sid, "c": county, "e": f"B-{sid}"} for sid, county in seekers],
        )
        conn.execute(
            text(
                "INSERT INTO placements (id, seeker_id, owner_region_code, hukou_region_code, "
                "receiving_region_code, employer_name, region_code, category, started_on, created_by, version, "
                "created_at, updated_at) VALUES (:id, :s, :c, :c, :r, '某公司', :r, :cat, :d, :by, 1, "
                "'2018-01-01 00:00:00', '2018-01-01 00:00:00')"
            ),
            [
                {"id": pid, "s": sid, "c": c, "r": r, "cat": cat, "d": d.isoformat(), "by": BENCH_BY}
                for pid, sid, c, r, cat, d in placements
            ],
        )
        conn.execute(text("ANALYZE"))
    print(f"SQLite: loaded {n:,} placements in {time.perf_counter() - t0:.1f} s")
    secret, _ = _fixtures(get_sessionmaker())
    _measure("SQLite", n, secret)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--placements", type=int, default=1_000_000, help="placements on PostgreSQL")
    parser.add_argument("--sqlite", type=int, default=100_000, help="placements on SQLite (0 to skip)")
    parser.add_argument("--sqlite-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sqlite_child:
        _sqlite_child(args.sqlite_child)
        return 0

    url = os.environ.get("LAOWU_BENCH_POSTGRES_URL")
    if not url and os.environ.get("LAOWU_BENCH_REEXEC") == "1":
        url = os.environ.get("LAOWU_TEST_DATABASE_URL")
    if not url:
        # No PostgreSQL given: run again inside a throwaway cluster.
        env = {**os.environ, "LAOWU_BENCH_REEXEC": "1"}
        script = str(ROOT / "tools" / "with-postgres.sh")
        os.execve(script, [script, sys.executable, __file__, *sys.argv[1:]], env)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    assert url is not None
    bench_postgres(url, args.placements)
    if args.sqlite:
        bench_sqlite(args.sqlite)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
