"""Matching quality: hit@1 / hit@3 of ``app.matching.score.rank`` on a labelled set.

Usage (from the repo root):
    .venv/bin/python bench/eval_matching.py /work/shared/eval/matching-dev.json
    .venv/bin/python bench/eval_matching.py SET.json --titles titles.csv   # also GET /v1/occupations top-1

SET.json: {"jobs": [JobIn fields], "cases": [{"seeker": {SeekerIn fields}, "relevant": [job refs]}]}.
titles.csv: job_name,expected_code[,expected_name] (e.g. cscoder's testcases.csv).  Titles are split by a
hash into a tuning half and a held-out half; tune on the first, the two figures should stay close.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz, process  # noqa: E402

from app.matching.lexicon import get_lexicon  # noqa: E402
from app.matching.score import JobIn, SeekerIn, rank  # noqa: E402


def _seeker(d: dict[str, Any]) -> SeekerIn:
    bd = d.get("birth_date")
    return SeekerIn(
        ref=d["ref"],
        skills=tuple(d.get("skills") or ()),
        desired_occupations=tuple(d.get("desired_occupations") or ()),
        certificates=tuple(d.get("certificates") or ()),
        hukou_region_code=d.get("hukou_region_code") or "",
        mobility=d.get("mobility") or "cross_province",
        preferred_region_codes=tuple(d.get("preferred_region_codes") or ()),
        expected_salary=d.get("expected_salary"),
        needs_housing=bool(d.get("needs_housing")),
        birth_date=date.fromisoformat(bd) if bd else None,
        education=d.get("education"),
        tags=tuple(d.get("tags") or ()),
        wants_work=d.get("wants_work", True),
    )


def _job(d: dict[str, Any]) -> JobIn:
    return JobIn(
        ref=d["ref"],
        title=d["title"],
        occupation=d.get("occupation"),
        skills_required=tuple(d.get("skills_required") or ()),
        region_code=d.get("region_code") or "",
        salary_min=d.get("salary_min"),
        salary_max=d.get("salary_max"),
        housing_provided=bool(d.get("housing_provided")),
        headcount=int(d.get("headcount") or 1),
        age_min=d.get("age_min"),
        age_max=d.get("age_max"),
        education_min=d.get("education_min"),
        public_welfare=bool(d.get("public_welfare")),
        meals_provided=bool(d.get("meals_provided")),
    )


def _baseline(cases: list[dict[str, Any]], jobs: list[dict[str, Any]]) -> tuple[float, float]:
    """Plain rapidfuzz WRatio of the seeker's phrases against job titles."""
    titles = [j["title"] for j in jobs]
    h1 = h3 = 0
    for c in cases:
        s = c["seeker"]
        best: dict[int, float] = {}
        for text in [*s.get("skills", []), *s.get("desired_occupations", []), *s.get("certificates", [])]:
            for _, sc, idx in process.extract(text, titles, scorer=fuzz.WRatio, limit=len(titles)):
                best[idx] = max(best.get(idx, 0.0), sc)
        ranked = [jobs[i]["ref"] for i, _ in sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))]
        rel = set(c["relevant"])
        h1 += bool(ranked[:1] and ranked[0] in rel)
        h3 += bool(rel & set(ranked[:3]))
    n = max(len(cases), 1)
    return h1 / n, h3 / n


def _half(title: str) -> str:
    """Deterministic split of a title list: "tune" (tune the method on it) or "held-out" (report only)."""
    return "tune" if int(hashlib.md5(title.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "held-out"


def _eval_titles(path: str, show_misses: int = 0) -> None:
    """Top-1 of ``Lexicon.search`` vs plain WRatio over titles+aliases, by half and by major group."""
    lex = get_lexicon()
    with open(path, encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("expected_code")]
    rows = [r for r in rows if r["expected_code"][:1] in ("4", "6")]
    choices: list[str] = []
    owners: list[str] = []
    for occ in lex.occupations.values():
        for p in (occ.name, *occ.aliases):
            choices.append(p)
            owners.append(occ.code)
    # tallies[(half, group)] = [ours, baseline, n]; half "all" and group "all" are the totals.
    tallies: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    misses: list[str] = []
    t0 = time.perf_counter()
    for r in rows:
        title, code = r["job_name"], r["expected_code"]
        hits = lex.search(title, 1)
        ok = bool(hits and hits[0].code == code)
        b = process.extractOne(title, choices, scorer=fuzz.WRatio)
        base = bool(b and owners[b[2]] == code)
        for half in (_half(title), "all"):
            for group in (code[0], "all"):
                t = tallies[(half, group)]
                t[0] += ok
                t[1] += base
                t[2] += 1
        if not ok and _half(title) == "tune" and len(misses) < show_misses:
            got = f"{hits[0].code} {hits[0].name}" if hits else "-"
            misses.append(f"  {title}: expected {code} {r.get('expected_name', '')} got {got}")
    elapsed = time.perf_counter() - t0
    print(f"occupation search top-1 on {path} (service 4 + production 6 titles, n={len(rows)}):")
    print(f"  {'half':<9} {'group':<6} {'n':>5}  {'laowu':>6}  {'WRatio baseline':>15}")
    for half in ("tune", "held-out", "all"):
        for group in ("4", "6", "all"):
            ours, base, n = tallies[(half, group)]
            if n:
                print(f"  {half:<9} {group:<6} {n:>5}  {ours / n:6.3f}  {base / n:15.3f}")
    print(f"  (search + baseline time {elapsed:.1f} s; the split is by md5 of the title)")
    for line in misses:
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set", help="evaluation set (JSON)")
    ap.add_argument("--titles", help="CSV of recruiting titles labelled with 2022 codes")
    ap.add_argument("--title-misses", type=int, default=0, help="print this many misses of the tuning half")
    args = ap.parse_args()
    data = json.loads(Path(args.set).read_text(encoding="utf-8"))
    jobs_raw: list[dict[str, Any]] = data["jobs"]
    cases: list[dict[str, Any]] = data["cases"]
    jobs = [_job(j) for j in jobs_raw]
    seekers = [_seeker(c["seeker"]) for c in cases]
    t0 = time.perf_counter()
    results = rank(seekers, jobs, per_seeker=3)
    elapsed = time.perf_counter() - t0
    h1 = h3 = 0
    misses: list[str] = []
    for case, res in zip(cases, results, strict=True):
        refs = [m.job_ref for m in res.matches]
        rel = set(case["relevant"])
        hit1 = bool(refs[:1] and refs[0] in rel)
        hit3 = bool(rel & set(refs[:3]))
        h1 += hit1
        h3 += hit3
        if not hit1:
            s = case["seeker"]
            phrases = [*s.get("skills", []), *s.get("desired_occupations", []), *s.get("certificates", [])]
            top = ", ".join(f"{m.job_ref}({m.score})" for m in res.matches[:3])
            misses.append(
                f"  {s['ref']}: {phrases} expected {sorted(rel)} got [{top}]{'' if hit3 else '  (not in top 3)'}"
            )
    n = max(len(cases), 1)
    b1, b3 = _baseline(cases, jobs_raw)
    print(f"set: {args.set}  cases: {len(cases)}  jobs: {len(jobs)}  rank() time: {elapsed * 1000:.0f} ms")
    print(f"laowu matching        hit@1 {h1 / n:.3f}  hit@3 {h3 / n:.3f}")
    print(f"baseline WRatio title hit@1 {b1:.3f}  hit@3 {b3:.3f}")
    print(f"misses at 1: {len(misses)}")
    for line in misses:
        print(line)
    if args.titles:
        _eval_titles(args.titles, args.title_misses)


if __name__ == "__main__":
    main()
