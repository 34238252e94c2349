"""Exchange match run: 5,000 seekers x 2,000 jobs through the real service and database.

Usage (from the repo root): .venv/bin/python bench/match_run.py [--seekers N] [--jobs M]
Runs on a temporary SQLite database, and also on PostgreSQL when LAOWU_BENCH_POSTGRES_URL is set
(or run it under tools/with-postgres.sh, which sets LAOWU_TEST_DATABASE_URL). Prints the time spent
scoring, writing matches and service records, and committing, for the first run and a re-run.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import random
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("LAOWU_DATA_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
os.environ.setdefault("LAOWU_LOG_LEVEL", "WARNING")

from alembic import command  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

import app.models  # noqa: E402, F401
from app.auth.principal import Principal, Role  # noqa: E402
from app.core import pii  # noqa: E402
from app.db import make_engine, new_id, utcnow  # noqa: E402
from app.employers.models import Employer, Job  # noqa: E402
from app.exchanges import service as exchanges  # noqa: E402
from app.exchanges.models import Match  # noqa: E402
from app.exchanges.schemas import ExchangeCreate  # noqa: E402
from app.ops.service import alembic_config  # noqa: E402
from app.partnerships.models import Partnership  # noqa: E402
from app.placements.models import ServiceRecord  # noqa: E402
from app.seekers.models import Seeker  # noqa: E402

SENDING, RECEIVING = "620521", "120105"
TIANJIN = ["120101", "120102", "120103", "120104", "120105", "120106", "120110", "120111", "120112", "120113"]
TIANSHUI = ["620502", "620503", "620521", "620522", "620523", "620524", "620525"]
SKILLS = [
    "会电焊",
    "开叉车",
    "打扫卫生",
    "饭店服务员",
    "当过保安",
    "炒菜",
    "后厨打杂",
    "开大车",
    "快递分拣",
    "做家务",
    "育儿嫂",
    "照顾老人",
    "工地小工",
    "绑钢筋",
    "木工活",
    "刷漆",
    "电工证",
    "厂里流水线",
    "踩缝纫机",
    "打包",
    "管仓库",
    "收银",
    "客房",
    "修车",
    "开挖掘机",
    "理发",
    "种地",
    "送外卖",
    "搬运",
    "数控车床",
]
TITLES = [
    "电焊工",
    "叉车司机",
    "保洁员",
    "餐厅服务员",
    "保安员",
    "中式烹调师",
    "厨房帮工",
    "货车司机",
    "快递分拣员",
    "家政服务员",
    "育婴员",
    "养老护理员",
    "建筑普工",
    "钢筋工",
    "木工",
    "油漆工",
    "电工",
    "流水线操作工",
    "缝纫工",
    "包装工",
    "仓库管理员",
    "收银员",
    "酒店客房服务员",
    "汽车维修工",
    "挖掘机司机",
    "美发师",
    "急招普工包吃住",
    "物业保洁（五险）",
    "装卸工",
    "外卖骑手",
    "数控车床操作工",
    "电气柜装配工包吃住",
]
TAGS = ["registered_poor", "zero_employment", "monitored", "returned", "sanwu"]


def populate(session_factory: sessionmaker, n_seekers: int, n_jobs: int) -> tuple[list[str], list[str]]:  # type: ignore[type-arg]
    rnd = random.Random(20201012)
    now = utcnow()
    with session_factory() as s:
        s.add(
            Partnership(
                id=new_id(),
                receiving_region_code=RECEIVING,
                sending_region_code=SENDING,
                valid_from=date(2019, 1, 1),
            )
        )
        employer = Employer(
            id=new_id(),
            owner_region_code=RECEIVING,
            name="天津某集团",
            uscc="91120105MA05X0000X",
            region_code=RECEIVING,
        )
        s.add(employer)
        s.flush()
        phone_token = pii.encrypt("13812345678", context="seeker.phone")
        seekers: list[dict[str, Any]] = []
        for i in range(n_seekers):
            idn = f"{SENDING}1990{i % 12 + 1:02d}01{i:04d}"[:17] + "X"
            tags = rnd.sample(TAGS, rnd.choice([0, 0, 1, 2]))
            seekers.append(
                {
                    "id": new_id(),
                    "owner_region_code": SENDING,
                    "external_id": f"b{i}",
                    "name": "张三",
                    "id_number_enc": "v1.x",
                    "id_number_bidx": f"{i:064d}",
                    "id_number_masked": pii.mask_id_number(idn),
                    "phone_enc": phone_token,
                    "phone_masked": "138****5678",
                    "gender": "male",
                    "birth_date": date(1970 + rnd.randrange(35), 1 + rnd.randrange(12), 1),
                    "hukou_region_code": rnd.choice(TIANSHUI),
                    "skills": rnd.sample(SKILLS, rnd.choice([0, 1, 1, 2, 3])),
                    "desired_occupations": rnd.sample(TITLES, rnd.choice([0, 1, 1, 2])),
                    "certificates": [],
                    "occupation_codes": [],
                    "wants_work": rnd.random() > 0.05,
                    "mobility": rnd.choice(
                        ["local", "in_province", "cross_province", "cross_province", "cross_province"]
                    ),
                    "preferred_region_codes": [],
                    "expected_salary": rnd.choice([None, 3000, 4000, 5000, 6000]),
                    "needs_housing": rnd.random() < 0.6,
                    "employment_status": "unemployed",
                    "tags": tags,
                    "training_needs": [],
                    "tags_text": "," + ",".join(tags) + ",",
                    "occupation_codes_text": ",",
                    "content_hash": str(i),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        jobs: list[dict[str, Any]] = []
        for i in range(n_jobs):
            low = rnd.choice([3000, 3500, 4000, 4500, 5000, 6000])
            jobs.append(
                {
                    "id": new_id(),
                    "owner_region_code": RECEIVING,
                    "external_id": f"j{i}",
                    "employer_id": employer.id,
                    "title": rnd.choice(TITLES),
                    "skills_required": [],
                    "occupation_codes": [],
                    "occupation_codes_text": ",",
                    "headcount": rnd.choice([1, 2, 5, 10, 20]),
                    "region_code": rnd.choice(TIANJIN + ["620521"] * 1),
                    "salary_min": low,
                    "salary_max": low + rnd.choice([0, 1000, 2000]),
                    "housing_provided": rnd.random() < 0.5,
                    "meals_provided": rnd.random() < 0.5,
                    "public_welfare": False,
                    "status": "open",
                    "content_hash": str(i),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        s.execute(insert(Seeker), seekers)
        s.execute(insert(Job), jobs)
        s.commit()
    return [r["id"] for r in seekers], [r["id"] for r in jobs]


def bench(url: str, n_seekers: int, n_jobs: int) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    command.upgrade(alembic_config(url), "head")
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    t = time.perf_counter()
    seeker_ids, job_ids = populate(factory, n_seekers, n_jobs)
    print(
        f"[{engine.dialect.name}] populated {n_seekers} seekers, {n_jobs} jobs in {time.perf_counter() - t:.1f} s"
    )
    sending = Principal(id="b" * 32, name="bench-sending", role=Role.sending, region_code=SENDING)
    receiving = Principal(id="c" * 32, name="bench-receiving", role=Role.receiving, region_code=RECEIVING)
    with factory() as s:
        ex = exchanges.create_exchange(
            session=s,
            principal=sending,
            data=ExchangeCreate(receiving_region_code=RECEIVING, title="bench", seeker_ids=seeker_ids),
        )
        exchanges.supply_jobs(session=s, principal=receiving, exchange=ex, job_ids=job_ids)
        s.commit()
        xid = ex.id
    for label in ("first run", "re-run"):
        with factory() as s:
            ex = exchanges.get_exchange(session=s, principal=sending, exchange_id=xid)
            if label == "re-run":
                # Some consent first, so the re-run has matches to keep.
                for m in s.scalars(select(Match).where(Match.exchange_id == xid).limit(500)):
                    exchanges.change_match(session=s, principal=sending, match=m, to_state="accepted")
                s.commit()
            t0 = time.perf_counter()
            run = exchanges.run_matches(session=s, principal=sending, exchange=ex, per_seeker=3)
            t1 = time.perf_counter()
            s.commit()
            t2 = time.perf_counter()
            total_matches = s.scalar(select(func.count()).select_from(Match).where(Match.exchange_id == xid))
            services = s.scalar(select(func.count()).select_from(ServiceRecord))
        print(
            f"[{engine.dialect.name}] {label}: total {t2 - t0:.2f} s = scoring {run.scoring_ms / 1000:.2f} s"
            f" + writing {run.writing_ms / 1000:.2f} s + other {(t1 - t0) - (run.scoring_ms + run.writing_ms) / 1000:.2f} s"
            f" + commit {t2 - t1:.2f} s; created {run.created_count}, replaced {run.replaced_count},"
            f" kept {run.kept_count}, without match {run.seekers_without_match}; matches {total_matches},"
            f" service records {services}"
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seekers", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=2000)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="laowu-bench-") as tmp:
        bench(f"sqlite:///{tmp}/bench.db", args.seekers, args.jobs)
    pg = os.environ.get("LAOWU_BENCH_POSTGRES_URL") or os.environ.get("LAOWU_TEST_DATABASE_URL")
    if pg and pg.startswith("postgresql"):
        bench(pg, args.seekers, args.jobs)
    else:
        print("PostgreSQL skipped: set LAOWU_BENCH_POSTGRES_URL or run under tools/with-postgres.sh")


if __name__ == "__main__":
    main()
