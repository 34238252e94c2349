"""Import benchmark: a generated 10,000-row 求职清单 (.xlsx, ~1% bad rows) on SQLite and PostgreSQL.

    .venv/bin/python bench/import.py [--rows 10000]

Runs the import through the service function ``app.seekers.service.import_file`` (no HTTP), the
same call the ``POST /v1/seekers/import`` endpoint makes, inside one transaction with one commit.
Each database runs in its own child process so its peak memory (ru_maxrss) is its own. PostgreSQL is
``LAOWU_BENCH_POSTGRES_URL`` when set (a scratch database: it is migrated and the bench county's seekers
are deleted first), else a throwaway cluster started by ``tools/with-postgres.sh``.

Prints wall time, rows/s, peak memory and the split parse / validate / write, then imports the same
file again and checks that every good row answers ``unchanged``. Targets: < 10 s and < 300 MB each.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OWNER = "620521"  # 清水县
TARGET_SECONDS = 10.0
TARGET_MB = 300.0
_SKILLS = [
    "电焊",
    "叉车",
    "普工",
    "保洁",
    "厨师",
    "电工",
    "瓦工",
    "缝纫",
    "保安",
    "快递分拣",
    "家政",
    "会开挖掘机",
]
_PREFIXES = ["135", "136", "138", "139", "150", "151", "186", "187", "188", "199"]
_HEADERS = [
    "外部编号",
    "姓名",
    "身份证号",
    "手机号",
    "户编号",
    "户籍地区划代码",
    "文化程度",
    "技能特长",
    "证书",
    "意向工种",
    "就业意愿",
    "外出意愿",
    "意向地区代码",
    "期望月薪",
    "需要住宿",
    "可到岗日期",
    "就业状态",
    "人员类别",
    "培训需求",
]


def _id_number(rng: random.Random, serial: int) -> str:
    from stdnum.cn import ric

    born = f"{rng.randint(1965, 2003)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"{OWNER}{born}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def generate(rows: int, seed: int = 20191) -> tuple[bytes, int]:
    """The workbook and how many of its rows are bad (~1%: checksum, phone, region, Excel number)."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("填写")
    ws.append(_HEADERS)
    bad = 0
    used: set[str] = set()
    for i in range(rows):
        ident = _id_number(rng, i)
        while ident in used:
            ident = _id_number(rng, i + rng.randint(1, 999))
        used.add(ident)
        phone: object = f"{rng.choice(_PREFIXES)}{rng.randint(0, 99_999_999):08d}"
        hukou = OWNER
        id_cell: object = ident
        kind = i % 100
        if kind == 17:  # checksum typo
            id_cell = ident[:17] + ("0" if ident[17] != "0" else "1")
            bad += 1
        elif kind == 42:  # a phone with a digit missing
            phone = str(phone)[:10]
            bad += 1
        elif kind == 63 and i % 200 == 63:  # an unknown county
            hukou = "629999"
            bad += 1
        elif kind == 63:  # Excel turned the ID number into a number
            id_cell = float(ident[:17])
            bad += 1
        skills = "、".join(rng.sample(_SKILLS, rng.randint(1, 3)))
        ws.append(
            [
                f"QS-{i:06d}",
                f"张{i % 97}",
                id_cell,
                phone,
                f"620521{i // 4:06d}",
                hukou,
                rng.choice(["小学", "初中", "高中", "中专"]),
                skills,
                rng.choice(["", "焊工证", "电工证"]),
                rng.choice(["普工", "焊工", "保洁员", "保安"]),
                rng.choice(["是", "是", "否"]),
                rng.choice(["跨省", "省内", "就近就地"]),
                "120000" if i % 3 else "120105、120102",
                rng.choice([3000, 4000, "4500元", 5000]),
                rng.choice(["是", "否"]),
                f"2019/{rng.randint(1, 12)}/{rng.randint(1, 28)}",
                "未就业",
                rng.choice(["建档立卡", "建档立卡、零就业家庭", "监测户", ""]),
                rng.choice(["", "焊工", "电工"]),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), bad


# ---------------------------------------------------------------------------------------------------
# one database, in a child process


def run_one(label: str, url: str, path: Path, bad: int) -> bool:
    os.environ["LAOWU_DATABASE_URL"] = url
    os.environ.setdefault("LAOWU_DATA_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    from alembic import command
    from sqlalchemy import delete

    from app.auth.principal import Principal, Role
    from app.core import importing
    from app.db import get_sessionmaker
    from app.matching.lexicon import get_lexicon
    from app.ops.service import alembic_config
    from app.seekers import service as seekers
    from app.seekers.models import Seeker

    command.upgrade(alembic_config(url), "head")
    with get_sessionmaker()() as s:
        s.execute(delete(Seeker).where(Seeker.owner_region_code == OWNER))
        s.commit()
    get_lexicon()  # loaded once per process in the service too; not part of an import's cost
    principal = Principal(id="bench", name="bench", role=Role.sending, region_code=OWNER)
    data = path.read_bytes()

    timings = {"parse": 0.0, "write": 0.0}
    read, write = importing.rows_from_file, importing.write

    def timed_read(*args, **kwargs):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return read(*args, **kwargs)
        finally:
            timings["parse"] += time.perf_counter() - t

    def timed_write(*args, **kwargs):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return write(*args, **kwargs)
        finally:
            timings["write"] += time.perf_counter() - t

    importing.rows_from_file, importing.write = timed_read, timed_write  # type: ignore[assignment]
    if os.environ.get("LAOWU_BENCH_PROFILE"):
        import cProfile
        import pstats

        with get_sessionmaker()() as session:
            seekers.import_file(
                session=session, principal=principal, data=data, filename="b.xlsx", mode="partial"
            )
            session.commit()
        prof = cProfile.Profile()
        with get_sessionmaker()() as session, prof:
            seekers.import_file(
                session=session, principal=principal, data=data, filename="b.xlsx", mode="partial"
            )
        pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
        return True
    ok = True
    for attempt in ("first import", "re-import"):
        timings.update(parse=0.0, write=0.0)
        start = time.perf_counter()
        with get_sessionmaker()() as session:
            result = seekers.import_file(
                session=session, principal=principal, data=data, filename="bench.xlsx", mode="partial"
            )
            t = time.perf_counter()
            session.commit()
            timings["write"] += time.perf_counter() - t
        wall = time.perf_counter() - start
        rows = result.created + result.updated + result.unchanged + result.failed
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        validate = wall - timings["parse"] - timings["write"]
        print(
            f"[{label}] {attempt}: {rows} rows in {wall:.2f} s ({rows / wall:,.0f} rows/s), "
            f"peak RSS {peak_mb:.0f} MB | parse {timings['parse']:.2f} s, validate {validate:.2f} s, "
            f"write+commit {timings['write']:.2f} s"
        )
        print(
            f"[{label}]   created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
            f"failed {result.failed} (expected {bad}); first errors:"
        )
        for err in result.errors[:4]:
            print(f"[{label}]     row {err.row} {err.field}: {err.msg}")
        if attempt == "re-import":
            good = rows - bad
            same = result.unchanged == good and result.created == 0 and result.updated == 0
            print(f"[{label}]   re-import: all {good} good rows unchanged: {'yes' if same else 'NO'}")
            ok &= same
        ok &= wall < TARGET_SECONDS and peak_mb < TARGET_MB and result.failed == bad
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--run", nargs=4, metavar=("LABEL", "URL", "FILE", "BAD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        label, url, file, bad = args.run
        if url == "from-env":
            url = os.environ["LAOWU_TEST_DATABASE_URL"]
        return 0 if run_one(label, url, Path(file), int(bad)) else 1

    tmp = Path(tempfile.mkdtemp(prefix="laowu-bench-"))
    t = time.perf_counter()
    data, bad = generate(args.rows)
    path = tmp / "seekers.xlsx"
    path.write_bytes(data)
    print(
        f"generated {args.rows} rows ({len(data) / 1e6:.1f} MB xlsx, {bad} bad) in {time.perf_counter() - t:.1f} s; "
        f"import through app.seekers.service.import_file (no HTTP), one transaction"
    )
    me = [sys.executable, str(Path(__file__).resolve()), "--run"]
    env = {**os.environ, "LAOWU_DATA_KEY": base64.b64encode(secrets.token_bytes(32)).decode()}
    status = subprocess.call([*me, "sqlite", f"sqlite:///{tmp / 'bench.db'}", str(path), str(bad)], env=env)
    pg_url = os.environ.get("LAOWU_BENCH_POSTGRES_URL")
    if pg_url:
        status |= subprocess.call([*me, "postgresql", pg_url, str(path), str(bad)], env=env)
    else:
        status |= subprocess.call(
            [str(ROOT / "tools" / "with-postgres.sh"), *me, "postgresql", "from-env", str(path), str(bad)],
            env={k: v for k, v in env.items() if k != "LAOWU_TEST_POSTGRES_URL"},
        )
    print(
        f"targets (< {TARGET_SECONDS:.0f} s, < {TARGET_MB:.0f} MB, re-import unchanged): {'met' if status == 0 else 'NOT met'}"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
