"""Load: the real server on PostgreSQL with 100,000 matches, driven at concurrency 32 from another process.

Usage (from the repo root):
    .venv/bin/python bench/load.py [--matches 100000] [--seconds 20] [--warmup 10] [--concurrency 32]

PostgreSQL comes from LAOWU_BENCH_POSTGRES_URL (a scratch database: its public schema is dropped and
migrated afresh); without it the script re-runs itself under tools/with-postgres.sh, which starts a
throwaway cluster and removes it afterwards. The script seeds the matches with COPY, starts
``laowu serve`` on 127.0.0.1, and from a separate process drives

- ``GET /v1/matches`` as district portals do: ``status=accepted&updated_since=…`` polls, ``updated_since``
  syncs and full walks, each following ``next_cursor`` page by page; once with the contract's default
  page (50 items) and once with ``limit=100``;
- ``POST /v1/matching/preview`` with small realistic bodies (3 labourers × 8 jobs);

then prints requests per second, p50, p90, p99 and errors per endpoint (one after the other, each
alone), the connections each worker held mid-way (the workers even them out, app/core/balance.py), and
the query plans of a few pages. Target: p99 under 100 ms for the list, zero errors. It starts driving
only once every worker is up and idle: /readyz answers as soon as the first one is.

The driver is a single asyncio process on raw keep-alive connections, so that it takes as little of the
machine as it can: on a 2-core machine it competes with the server and PostgreSQL for the same cores.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RECEIVING = ["120105", "120106"]
SENDING = ["620521", "620522", "620523", "620524"]
JOBS_PER_DISTRICT = 200
PER_SEEKER = 5
STATUSES = ["proposed"] * 60 + ["accepted"] * 20 + ["declined"] * 8 + ["interviewing"] * 7 + ["hired"] * 5
NOW = datetime.now(UTC).replace(microsecond=0)
SKILLS = ["电焊", "叉车", "保洁", "厨师", "缝纫", "水电安装", "钢筋工", "普工", "保安", "月嫂"]
TITLES = [
    "电焊工",
    "叉车司机",
    "保洁员",
    "中餐厨师",
    "缝纫工",
    "水电工",
    "钢筋工",
    "普工",
    "保安员",
    "育婴员",
]


def _env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "LAOWU_DATABASE_URL": url,
        "LAOWU_DATA_KEY": os.environ.get("LAOWU_DATA_KEY") or base64.b64encode(b"L" * 32).decode(),
        "LAOWU_RATE_LIMIT_PER_MINUTE": "10000000",
        "LAOWU_LOG_LEVEL": "WARNING",
    }


def _machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.node()}: {os.cpu_count()} CPUs ({model or platform.machine()}){mem}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


# -- seeding ------------------------------------------------------------------------------------------
def _defaults(table: Any, row: dict[str, Any]) -> tuple[Any, ...]:
    """The row in the table's column order, Python-side defaults filled in (COPY skips the ORM)."""
    out = []
    for col in table.columns:
        if col.name in row:
            value = row[col.name]
        elif col.default is not None and getattr(col.default, "is_scalar", False):
            value = col.default.arg
        elif col.default is not None and getattr(col.default, "is_callable", False):
            value = col.default.arg(None)
        else:
            value = None
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        out.append(value)
    return tuple(out)


def _copy(conn: Any, table: Any, rows: Iterator[dict[str, Any]]) -> int:
    cols = ", ".join(f'"{c.name}"' for c in table.columns)
    n = 0
    with conn.cursor() as cur, cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(_defaults(table, row))
            n += 1
    return n


def seed(url: str, n_matches: int) -> dict[str, Any]:
    """Migrate a fresh schema and bulk-load exchanges, seekers, jobs and ``n_matches`` matches."""
    os.environ.update(_env(url))
    from alembic import command
    from sqlalchemy import text

    import app.models  # noqa: F401
    from app.auth import service as auth
    from app.auth.principal import Role
    from app.core import pii
    from app.db import Base, get_engine, get_sessionmaker, new_id
    from app.ops.service import alembic_config

    engine = get_engine()
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    command.upgrade(alembic_config(url), "head")
    t = Base.metadata.tables
    rng = random.Random(2020)
    started = time.perf_counter()

    pairs = [(RECEIVING[0], s) for s in SENDING[:3]] + [(RECEIVING[1], SENDING[3])]
    per_exchange = n_matches // len(pairs)
    seekers_per_exchange = per_exchange // PER_SEEKER
    # A handful of real tokens reused: the list path never decrypts (the portals see masked views).
    id_tokens = [pii.encrypt(f"62052119900101{i:03d}X", context="seeker.id_number") for i in range(8)]
    phone_tokens = [pii.encrypt(f"139{i:08d}", context="seeker.phone") for i in range(8)]

    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert conn is not None
        partnership_ids = {p: new_id() for p in pairs}
        _copy(
            conn,
            t["partnerships"],
            (
                {
                    "id": pid,
                    "receiving_region_code": r,
                    "sending_region_code": s,
                    "valid_from": date(2019, 1, 1),
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for (r, s), pid in partnership_ids.items()
            ),
        )
        employers = {r: new_id() for r in RECEIVING}
        _copy(
            conn,
            t["employers"],
            (
                {
                    "id": eid,
                    "owner_region_code": r,
                    "name": f"天津{r}压测制造有限公司",
                    "uscc": f"9112{r[2:]}MA05BENCH0",
                    "region_code": r,
                    "kind": "ordinary",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for r, eid in employers.items()
            ),
        )
        jobs: dict[str, list[str]] = {r: [new_id() for _ in range(JOBS_PER_DISTRICT)] for r in RECEIVING}
        _copy(
            conn,
            t["jobs"],
            (
                {
                    "id": jid,
                    "owner_region_code": r,
                    "external_id": f"BJ-{r}-{i}",
                    "employer_id": employers[r],
                    "title": TITLES[i % len(TITLES)],
                    "skills_required": [SKILLS[i % len(SKILLS)]],
                    "headcount": 10,
                    "region_code": r,
                    "salary_min": 4000,
                    "salary_max": 6500,
                    "housing_provided": True,
                    "content_hash": f"bench-job-{jid}",
                    "status": "open",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for r, ids in jobs.items()
                for i, jid in enumerate(ids)
            ),
        )
        exchanges = {p: new_id() for p in pairs}
        _copy(
            conn,
            t["exchanges"],
            (
                {
                    "id": xid,
                    "sending_region_code": s,
                    "receiving_region_code": r,
                    "partnership_id": partnership_ids[(r, s)],
                    "title": f"{s} 压测求职清单",
                    "state": "recruiting",
                    "created_by": "bench",
                    "created_at": NOW - timedelta(days=60),
                    "updated_at": NOW - timedelta(days=60),
                }
                for (r, s), xid in exchanges.items()
            ),
        )
        seekers: dict[tuple[str, str], list[str]] = {
            p: [new_id() for _ in range(seekers_per_exchange)] for p in pairs
        }

        def seeker_rows() -> Iterator[dict[str, Any]]:
            for (_, s), ids in seekers.items():
                for i, sid in enumerate(ids):
                    yield {
                        "id": sid,
                        "owner_region_code": s,
                        "external_id": f"B-{s}-{i}",
                        "name": "压测" + "甲乙丙丁戊己庚辛"[i % 8] + str(i),
                        "id_number_enc": id_tokens[i % 8],
                        "id_number_bidx": f"bench-{s}-{i}",
                        "id_number_masked": f"{s}********{i % 10000:04d}",
                        "phone_enc": phone_tokens[i % 8],
                        "phone_masked": f"139****{i % 10000:04d}",
                        "gender": "male" if i % 2 else "female",
                        "birth_date": date(1970 + i % 35, 1 + i % 12, 1 + i % 28),
                        "hukou_region_code": s,
                        "skills": [SKILLS[i % len(SKILLS)]],
                        "mobility": "cross_province",
                        "content_hash": f"bench-{sid}",
                        "created_at": NOW - timedelta(days=61),
                        "updated_at": NOW - timedelta(days=61),
                    }

        _copy(conn, t["seekers"], seeker_rows())
        _copy(
            conn,
            t["exchange_seekers"],
            (
                {"exchange_id": exchanges[p], "seeker_id": sid, "position": i}
                for p, ids in seekers.items()
                for i, sid in enumerate(ids)
            ),
        )
        _copy(
            conn,
            t["exchange_jobs"],
            (
                {"exchange_id": exchanges[(r, s)], "job_id": jid, "added_at": NOW - timedelta(days=59)}
                for (r, s) in pairs
                for jid in jobs[r]
            ),
        )
        run_ids = {p: new_id() for p in pairs}
        _copy(
            conn,
            t["match_runs"],
            (
                {
                    "id": rid,
                    "exchange_id": exchanges[p],
                    "status": "succeeded",
                    "per_seeker": PER_SEEKER,
                    "seekers_count": seekers_per_exchange,
                    "jobs_count": JOBS_PER_DISTRICT,
                    "created_count": seekers_per_exchange * PER_SEEKER,
                    "started_at": NOW - timedelta(days=58),
                    "finished_at": NOW - timedelta(days=58),
                    "created_by": "bench",
                    "created_at": NOW - timedelta(days=58),
                    "updated_at": NOW - timedelta(days=58),
                }
                for p, rid in run_ids.items()
            ),
        )

        def match_rows() -> Iterator[dict[str, Any]]:
            for p in pairs:
                run_at = NOW - timedelta(days=58)
                district_jobs = jobs[p[0]]
                for sid in seekers[p]:
                    picked = rng.sample(district_jobs, PER_SEEKER)
                    for rank, jid in enumerate(picked, start=1):
                        status = rng.choice(STATUSES)
                        # One run writes all its proposals at one instant (a tie of tens of thousands on
                        # updated_at); those acted upon since carry their own later times.
                        updated = (
                            run_at
                            if status == "proposed"
                            else run_at + timedelta(seconds=rng.randint(60, 58 * 86400))
                        )
                        yield {
                            "id": new_id(),
                            "exchange_id": exchanges[p],
                            "run_id": run_ids[p],
                            "seeker_id": sid,
                            "job_id": jid,
                            "score": round(rng.uniform(40, 98), 1),
                            "rank": rank,
                            "components": {"skill": 0.8, "location": 1.0, "salary": 0.9, "housing": 1.0},
                            "reasons": ["技能相符：电焊", "提供住宿", "薪资符合期望"],
                            "status": status,
                            "accepted_at": None if status in ("proposed", "declined") else updated,
                            "start_date": date(2020, 11, 1) if status == "hired" else None,
                            "version": 1,
                            "created_at": run_at,
                            "updated_at": updated,
                        }

        n = _copy(conn, t["matches"], match_rows())
        conn.commit()
    finally:
        raw.close()
    with engine.begin() as c:
        c.execute(text("ANALYZE"))
    with get_sessionmaker()() as s:
        keys = {}
        for role, region in (
            ("receiving", RECEIVING[0]),
            ("scheduler", RECEIVING[0]),
            ("receiving", RECEIVING[1]),
        ):
            _, secret = auth.create_key(
                session=s, name=f"bench-{role}-{region}", role=Role(role), region_code=region
            )
            keys[f"{role}-{region}"] = secret
        _, keys["admin"] = auth.create_key(session=s, name="bench-admin", role=Role.admin, region_code=None)
        s.commit()
    print(
        f"seeded {n:,} matches ({len(pairs)} exchanges, {len(pairs) * seekers_per_exchange:,} seekers) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return {"keys": keys, "since": (NOW - timedelta(days=7)).isoformat()}


def explain(url: str) -> None:
    """EXPLAIN ANALYZE of pages a 河北区 portal asks for, with the statements captured from the service: the
    page query (matches alone) of each case, and once the query that reads a page's items by id."""
    from sqlalchemy import event

    from app.auth.principal import Principal, Role
    from app.core.paging import PageParams
    from app.db import get_engine, get_sessionmaker
    from app.exchanges import service

    captured: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "FROM matches" in statement:
            captured.append((statement, parameters))

    engine = get_engine()
    principal = Principal(id="bench", name="bench", role=Role.receiving, region_code=RECEIVING[0])
    event.listen(engine, "before_cursor_execute", grab)
    try:
        with get_sessionmaker()() as s:
            with get_sessionmaker()() as s2:
                # A cursor deep in the tie of one run's proposals (tens of thousands share updated_at).
                _, deep = service.list_match_items(
                    session=s2,
                    principal=principal,
                    params=PageParams(limit=5000, cursor=None, updated_since=None),
                )
            scheduler = Principal(id="bench", name="bench", role=Role.scheduler, region_code=RECEIVING[0])
            cases = [
                (
                    "status=accepted&updated_since=7 days ago",
                    principal,
                    "accepted",
                    PageParams(limit=100, cursor=None, updated_since=NOW - timedelta(days=7)),
                ),
                (
                    "status=accepted, first page",
                    principal,
                    "accepted",
                    PageParams(limit=100, cursor=None, updated_since=None),
                ),
                (
                    "full walk, page 51",
                    principal,
                    None,
                    PageParams(limit=100, cursor=deep, updated_since=None),
                ),
                (
                    "scheduler's full walk, first page",
                    scheduler,
                    None,
                    PageParams(limit=100, cursor=None, updated_since=None),
                ),
            ]
            for label, who, status, params in cases:
                captured.clear()
                service.list_match_items(session=s, principal=who, params=params, status=status)
                for what, (statement, parameters) in [("page with its items", captured[0])]:
                    with engine.connect() as c:
                        raw = c.connection.driver_connection
                        assert raw is not None
                        with raw.cursor() as cur:
                            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                            plan = "\n".join("    " + r[0] for r in cur.fetchall())
                    print(
                        f"  plan of GET /v1/matches ({label}), limit 100, as 120105 {who.role.value}, {what}:"
                    )
                    print(plan)
    finally:
        event.remove(engine, "before_cursor_execute", grab)


# -- server -------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, workers: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    laowu = Path(sys.executable).with_name("laowu")
    cmd = [str(laowu), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=_env(url), cwd=ROOT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                _wait_workers_settled(proc, workers, deadline)
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("server did not become ready in 60 s")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_pids(proc: subprocess.Popen[bytes]) -> list[int]:
    """The server's worker processes (uvicorn's children; the process itself when it has none)."""
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    except OSError:
        children = []
    workers = []
    for child in children:
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in cmdline:  # multiprocessing's helper, not a worker
            workers.append(int(child))
    return workers or [proc.pid]


def _wait_workers_settled(proc: subprocess.Popen[bytes], workers: int, deadline: float) -> None:
    """/readyz answers as soon as one worker serves; the others may still be loading the lexicon, and
    every connection opened meanwhile would stay with the first. Wait until all are up and idle."""
    while time.monotonic() < deadline:
        pids = worker_pids(proc)
        if len(pids) >= workers:
            before = [_cpu_seconds(p) for p in pids]
            time.sleep(0.5)
            if all(_cpu_seconds(p) - b < 0.05 for p, b in zip(pids, before, strict=True)):
                return
        else:
            time.sleep(0.2)


def connections_per_worker(port: int, pids: list[int]) -> list[int]:
    """Established connections to ``port`` held by each worker (from /proc: sockets by inode)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "01":
                inodes.add(cols[9])
    counts = []
    for pid in pids:
        n = 0
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    n += 1
        except OSError:
            pass
        counts.append(n)
    return counts


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# -- driver (runs in its own process) -----------------------------------------------------------------
def _preview_body(rng: random.Random) -> dict[str, Any]:
    seekers = [
        {
            "ref": f"s{i}",
            "skills": rng.sample(SKILLS, 2),
            "desired_occupations": [rng.choice(TITLES)],
            "certificates": [],
            "hukou_region_code": rng.choice(SENDING),
            "mobility": "cross_province",
            "preferred_region_codes": ["120000"],
            "expected_salary": rng.choice([3500, 4000, 5000]),
            "needs_housing": rng.random() < 0.7,
            "birth_date": "1985-03-01",
            "education": "junior_high",
            "tags": ["registered_poor"] if i == 0 else [],
        }
        for i in range(3)
    ]
    jobs = [
        {
            "ref": f"j{i}",
            "title": TITLES[i],
            "skills_required": [SKILLS[i]],
            "region_code": rng.choice(RECEIVING),
            "salary_min": 3800,
            "salary_max": 6500,
            "housing_provided": i % 2 == 0,
            "headcount": 5,
            "age_min": 18,
            "age_max": 55,
            "public_welfare": False,
        }
        for i in range(8)
    ]
    return {"seekers": seekers, "jobs": jobs, "per_seeker": 3}


class _Conn:
    """One keep-alive HTTP/1.1 connection, as lean as can be: the driver shares the server's two cores,
    so every millisecond it spends parsing is one the server does not get (httpx in threads cost
    several times the server's own time per page)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: Any = None
        self.writer: Any = None

    async def request(
        self, method: str, target: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        import asyncio

        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = f"{method} {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        if body:
            head += f"Content-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        raw_head = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw_head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
        if "content-length" in fields:
            payload = await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            payload = b"".join(parts)
        else:
            payload = await self.reader.read()
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


_CURSOR = re.compile(rb'"next_cursor":(?:"([^"]*)"|null)\}$')


def drive(
    base: str,
    keys: dict[str, str],
    since: str,
    seconds: float,
    concurrency: int,
    endpoints: tuple[str, ...] = ("list", "list100", "preview"),
    warmup: float = 10.0,
) -> dict[str, Any]:
    import asyncio

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    host, port = base.removeprefix("http://").split(":")
    portals = [keys["receiving-120105"], keys["scheduler-120105"], keys["receiving-120106"]]

    async def matches_worker(
        n: int, stop: float, out: list[tuple[float, int]], conn: _Conn, limit: str | None
    ) -> None:
        rng = random.Random(n)
        while time.monotonic() < stop:
            kind = rng.random()
            params: dict[str, str] = {"limit": limit} if limit else {}
            if kind < 0.5:
                params |= {"status": "accepted", "updated_since": since}
            elif kind < 0.8:
                params["updated_since"] = since
            elif kind < 0.9:
                params["status"] = "hired"
            # else: an initial sync walking everything from the start
            headers = {"Authorization": f"Bearer {rng.choice(portals)}"}
            # Follow the cursor a few pages, as a sync does, then start over.
            for _ in range(rng.randint(1, 8)):
                t0 = time.perf_counter()
                try:
                    code, payload = await conn.request("GET", "/v1/matches?" + urlencode(params), headers)
                    found = _CURSOR.search(payload) if code == 200 else None
                    if code == 200 and found is None:
                        code = -1  # a 200 whose body is not a page
                    cursor = found.group(1) if found and found.group(1) else None
                except (OSError, EOFError, ValueError, asyncio.IncompleteReadError):
                    conn.close()
                    code, cursor = 0, None
                out.append((time.perf_counter() - t0, code))
                if not cursor or time.monotonic() >= stop:
                    break
                params["cursor"] = cursor.decode()

    async def preview_worker(n: int, stop: float, out: list[tuple[float, int]], conn: _Conn) -> None:
        rng = random.Random(1000 + n)
        headers = {"Authorization": f"Bearer {keys['admin']}", "Content-Type": "application/json"}
        bodies = [json.dumps(_preview_body(rng)).encode() for _ in range(20)]
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                code, _ = await conn.request("POST", "/v1/matching/preview", headers, rng.choice(bodies))
            except (OSError, EOFError, ValueError, asyncio.IncompleteReadError):
                conn.close()
                code = 0
            out.append((time.perf_counter() - t0, code))

    async def run(worker: Any) -> tuple[list[tuple[float, int]], float]:
        conns = [_Conn(host, int(port)) for _ in range(concurrency)]
        # Portals come one after another rather than in the same millisecond: each starts (and opens its
        # keep-alive connection) a moment after the last. A burst lands unevenly on the workers (28 of 32
        # on one of two was seen); the server evens that out itself (app.core.balance) within seconds,
        # and the split is printed beside the figures.
        gap = min(0.05, warmup / (2 * concurrency))

        async def portal(i: int, stop: float) -> None:
            await asyncio.sleep(i * gap)
            await worker(i, stop, [], conns[i])

        # Warm up before the clock starts: each pooled connection prepares a statement on its fifth use,
        # and PostgreSQL settles on a generic plan after five more, so a cold server plans every page.
        warm_stop = time.monotonic() + warmup
        await asyncio.gather(*(portal(i, warm_stop) for i in range(concurrency)))
        samples: list[list[tuple[float, int]]] = [[] for _ in range(concurrency)]
        start = time.monotonic()
        await asyncio.gather(*(worker(i, start + seconds, samples[i], conns[i]) for i in range(concurrency)))
        for c in conns:
            c.close()
        return [s for per in samples for s in per], time.monotonic() - start

    runs: list[tuple[str, str, Any]] = [
        # Portals that take the contract's default page (50), and portals that ask for 100 at a time.
        ("list", "GET /v1/matches", lambda n, stop, out, conn: matches_worker(n, stop, out, conn, None)),
        (
            "list100",
            "GET /v1/matches?limit=100",
            lambda n, stop, out, conn: matches_worker(n, stop, out, conn, "100"),
        ),
        ("preview", "POST /v1/matching/preview", preview_worker),
    ]
    results: dict[str, Any] = {}
    for key, name, worker in runs:
        if key not in endpoints:
            continue
        flat, elapsed = asyncio.run(run(worker))
        lat = sorted(d for d, _ in flat)
        errors = sum(1 for _, c in flat if c != 200)
        q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [lat[0]] * 99
        results[name] = {
            "requests": len(flat),
            "rps": len(flat) / elapsed,
            "p50_ms": q[49] * 1000,
            "p90_ms": q[89] * 1000,
            "p99_ms": q[98] * 1000,
            "max_ms": lat[-1] * 1000,
            "errors": errors,
            "codes": sorted({c for _, c in flat}),
        }
    return results


def _driver_main() -> None:
    spec = json.loads(sys.stdin.read())
    out = drive(
        spec["base"], spec["keys"], spec["since"], spec["seconds"], spec["concurrency"], warmup=spec["warmup"]
    )
    print(json.dumps(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--matches", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per endpoint")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=10.0, help="unmeasured seconds before each endpoint")
    parser.add_argument(
        "--workers", type=int, default=2, help="server worker processes (this machine: 2 cores)"
    )
    parser.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.driver:
        _driver_main()
        return 0

    url = os.environ.get("LAOWU_BENCH_POSTGRES_URL")
    if not url and os.environ.get("LAOWU_BENCH_REEXEC") == "1":
        url = os.environ.get("LAOWU_TEST_DATABASE_URL")
    if not url:
        env = {**os.environ, "LAOWU_BENCH_REEXEC": "1"}
        script = str(ROOT / "tools" / "with-postgres.sh")
        os.execve(script, [script, sys.executable, __file__, *sys.argv[1:]], env)

    print(f"machine: {_machine()}")
    world = seed(url, args.matches)
    explain(url)
    proc, base = start_server(url, args.workers)
    try:
        spec = {
            "base": base,
            "keys": world["keys"],
            "since": world["since"],
            "seconds": args.seconds,
            "concurrency": args.concurrency,
            "warmup": args.warmup,
        }
        timeout = 3 * (args.seconds + args.warmup + 10) + 60
        pids = worker_pids(proc)
        splits: list[list[int]] = []

        def watch(started: float) -> None:
            # Mid-way through each endpoint's measured window (the driver takes a moment to start).
            for k in range(3):
                mid = started + k * (args.warmup + args.seconds) + args.warmup + args.seconds / 2
                time.sleep(max(0.0, mid - time.monotonic()))
                splits.append(connections_per_worker(int(base.rsplit(":", 1)[1]), pids))

        watcher = threading.Thread(target=watch, args=(time.monotonic(),), daemon=True)
        watcher.start()
        driver = subprocess.run(
            [sys.executable, __file__, "--driver"],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if driver.returncode != 0:
            print(driver.stderr, file=sys.stderr)
            return 1
        results = json.loads(driver.stdout.strip().splitlines()[-1])
    finally:
        stop_server(proc)

    print(
        f"\nconcurrency {args.concurrency}, {args.seconds:.0f} s per endpoint after {args.warmup:.0f} s of warm-up, server `laowu serve --workers {args.workers}`"
    )
    print(
        f"{'endpoint':<30}{'requests':>9}{'rps':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
    )
    failed = False
    for n, (name, r) in enumerate(results.items()):
        split = "/".join(map(str, splits[n])) if n < len(splits) else "?"
        print(
            f"{name:<30}{r['requests']:>9}{r['rps']:>8.0f}{r['p50_ms']:>9.1f}{r['p90_ms']:>9.1f}"
            f"{r['p99_ms']:>9.1f}{r['max_ms']:>9.1f}{r['errors']:>8}   connections per worker {split}"
        )
        failed |= r["errors"] > 0
    print()
    # The target is on the list as the contract serves it (default page of 50); 100-item pages are
    # measured too and reported against the same bar, not hidden.
    for name, what in (
        ("GET /v1/matches", "target (issue #8: p99 < 100 ms, zero errors), contract's default page"),
        ("GET /v1/matches?limit=100", "same bar for 100-item pages (beyond the issue)"),
    ):
        ok = results[name]["p99_ms"] < 100 and not failed
        print(f"{what}, {name}: {'met' if ok else 'NOT met'} (p99 {results[name]['p99_ms']:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
