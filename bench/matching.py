"""Matching speed: 10,000 seekers x 5,000 jobs, top 3 per seeker with reasons.

Usage (from the repo root): .venv/bin/python bench/matching.py [--seekers N] [--jobs M] [--sample 200]
Prints wall time, peak memory and the speed-up over a naive per-pair Python loop timed on a sample, and
the time of one occupation search (GET /v1/occupations?q=) for an uncached recruiting title.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.matching.lexicon import get_lexicon  # noqa: E402
from app.matching.score import JobIn, SeekerIn, rank  # noqa: E402

# Tianjin districts (receiving), Tianshui counties (sending), a few other pairings from the seeds.
TIANJIN = [
    "120101",
    "120102",
    "120103",
    "120104",
    "120105",
    "120106",
    "120110",
    "120111",
    "120112",
    "120113",
    "120114",
    "120115",
    "120116",
    "120117",
    "120118",
    "120119",
]
TIANSHUI = ["620502", "620503", "620521", "620522", "620523", "620524", "620525"]
OTHER = ["610102", "610302", "320106", "320582", "440106", "450102", "450103"]

SKILLS = [
    "会电焊",
    "焊工",
    "开叉车",
    "叉车证",
    "打扫卫生",
    "保洁",
    "饭店服务员",
    "端菜",
    "当过保安",
    "看大门",
    "炒菜",
    "饭店厨师",
    "后厨打杂",
    "洗碗",
    "开大车",
    "A2驾照",
    "快递分拣",
    "送快递",
    "做家务",
    "保姆",
    "带小孩",
    "育儿嫂",
    "照顾老人",
    "护工",
    "工地小工",
    "搬砖",
    "绑钢筋",
    "木工活",
    "砌墙",
    "刷漆",
    "电工证",
    "接电线",
    "厂里流水线",
    "普工",
    "踩缝纫机",
    "打包",
    "管仓库",
    "超市上货",
    "收银",
    "客房",
    "种花种草",
    "修车",
    "开挖掘机",
    "理发",
    "种地",
    "养猪",
    "送外卖",
    "搬运",
    "会开车",
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
    "快递员",
    "家政服务员",
    "育婴员",
    "养老护理员",
    "建筑普工",
    "钢筋工",
    "木工",
    "砌筑工",
    "油漆工",
    "电工",
    "流水线操作工",
    "缝纫工",
    "包装工",
    "仓库管理员",
    "超市理货员",
    "收银员",
    "酒店客房服务员",
    "绿化工",
    "汽车维修工",
    "挖掘机司机",
    "美发师",
    "急招普工包吃住",
    "物业保洁（五险）",
    "小区保安 4500-5500元",
    "装卸工",
    "外卖骑手",
    "数控车床操作工",
    "电气柜装配工包吃住",
]
TAGS = ["registered_poor", "zero_employment", "monitored", "returned", "sanwu"]


def make_data(n_seekers: int, n_jobs: int, seed: int = 20240) -> tuple[list[SeekerIn], list[JobIn]]:
    rnd = random.Random(seed)
    jobs = []
    for i in range(n_jobs):
        home = rnd.random() < 0.15
        region = rnd.choice(TIANSHUI if home else TIANJIN + OTHER)
        lo = rnd.randrange(2500, 7000, 100)
        jobs.append(
            JobIn(
                ref=f"J{i}",
                title=rnd.choice(TITLES),
                region_code=region,
                salary_min=lo,
                salary_max=lo + rnd.randrange(0, 3000, 100),
                housing_provided=rnd.random() < 0.6,
                headcount=rnd.randint(1, 30),
                age_min=18 if rnd.random() < 0.5 else None,
                age_max=rnd.choice([None, 45, 50, 55, 60]),
                education_min=rnd.choice([None, None, None, "junior_high"]),
                public_welfare=home and rnd.random() < 0.2,
                meals_provided=rnd.random() < 0.4,
            )
        )
    seekers = []
    for i in range(n_seekers):
        seekers.append(
            SeekerIn(
                ref=f"S{i}",
                skills=tuple(rnd.sample(SKILLS, rnd.randint(0, 3))),
                desired_occupations=tuple(rnd.sample(TITLES[:30], rnd.randint(0, 1))),
                hukou_region_code=rnd.choice(TIANSHUI),
                mobility=rnd.choice(["local", "in_province", "cross_province", "cross_province"]),
                preferred_region_codes=tuple(
                    rnd.sample(["120000", "120105", "620500", "440100"], rnd.randint(0, 1))
                ),
                expected_salary=rnd.choice([None, 3000, 4000, 5000, 6000]),
                needs_housing=rnd.random() < 0.5,
                birth_date=date(rnd.randint(1965, 2005), rnd.randint(1, 12), rnd.randint(1, 28)),
                education=rnd.choice(["primary", "junior_high", "senior_high", "vocational", None]),
                tags=tuple(rnd.sample(TAGS, rnd.randint(0, 2))),
                wants_work=rnd.random() < 0.95,
            )
        )
    return seekers, jobs


def naive(seekers: list[SeekerIn], jobs: list[JobIn], per_seeker: int, today: date) -> None:
    """The per-pair loop the engine avoids: every pair scored in Python, then sorted."""
    lex = get_lexicon()
    for s in seekers:
        if not s.wants_work:
            continue
        scored = []
        s_hits = [h for t in (*s.skills, *s.desired_occupations) for h in lex.normalize(t, 3)]
        for j in jobs:
            if s.mobility == "local" and j.region_code != s.hukou_region_code:
                continue
            if s.mobility == "in_province" and j.region_code[:2] != s.hukou_region_code[:2]:
                continue
            if j.public_welfare and j.region_code != s.hukou_region_code:
                continue
            j_hits = lex.normalize(j.title, 3)
            fit = max(
                (a.score * b.score / 1e4 for a in s_hits for b in j_hits if a.code == b.code), default=0.0
            )
            sal = 1.0 if not s.expected_salary or (j.salary_max or 0) >= s.expected_salary else 0.5
            house = 1.0 if j.housing_provided or not s.needs_housing else 0.0
            scored.append((50 + 40 * fit + 5 * sal + 5 * house, j.ref))
        scored.sort(reverse=True)
        _ = scored[:per_seeker]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seekers", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=5_000)
    ap.add_argument("--sample", type=int, default=200)
    args = ap.parse_args()
    seekers, jobs = make_data(args.seekers, args.jobs)
    today = date(2024, 6, 1)
    get_lexicon().warm()  # the lexicon loads once per process (app/asgi.py), not per request
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    results = rank(seekers, jobs, per_seeker=3, today=today)
    wall = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n_matches = sum(len(r.matches) for r in results)
    short = sum(1 for s, r in zip(seekers, results, strict=True) if s.wants_work and len(r.matches) < 3)
    t1 = time.perf_counter()
    rank(seekers, jobs, per_seeker=3, today=today, capacity_multiple=3.0)
    wall_cap = time.perf_counter() - t1
    sample = seekers[: args.sample]
    t2 = time.perf_counter()
    naive(sample, jobs, 3, today)
    naive_per_seeker = (time.perf_counter() - t2) / max(len(sample), 1)
    naive_full = naive_per_seeker * len(seekers)
    print(
        f"machine: {platform.machine()} {platform.system()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"rank(): {len(seekers):,} seekers x {len(jobs):,} jobs, per_seeker=3 -> {n_matches:,} matches "
        f"with reasons ({short} wanting work got < 3)"
    )
    print(f"wall time: {wall:.2f} s   (with capacity_multiple=3: {wall_cap:.2f} s)")
    print(f"peak RSS: {max(rss0, rss1) / 1024:.0f} MB (ru_maxrss, whole process)")
    print(
        f"naive per-pair loop on {len(sample)} seekers: {naive_per_seeker * 1000:.1f} ms/seeker -> "
        f"~{naive_full:.0f} s for all; speed-up x{naive_full / wall:.0f}"
    )
    # GET /v1/occupations?q=: distinct recruiting titles, none of them cached before
    lex = get_lexicon()
    titles = [f"第{i}号车间{j.title}包吃住月薪{4000 + i}" for i, j in enumerate(jobs[:500])]
    t3 = time.perf_counter()
    for q in titles:
        lex.search(q, 5)
    per_query = (time.perf_counter() - t3) / len(titles)
    print(f"occupation search: {per_query * 1000:.2f} ms per uncached title ({len(titles)} titles)")


if __name__ == "__main__":
    main()
