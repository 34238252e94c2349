"""Fresh everyday phrasings (bench/sets/phrasings-*.json) through the same path as bench/eval_matching.py.

Each set has fresh seekers for each of the dev set's 30 jobs (4 per job in a and b, 2 in c), written before
the lexicon was measured on them: the lexicon has to know the occupations, not the dev set's phrases.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from app.matching.lexicon import get_lexicon
from app.matching.score import rank

ROOT = Path(__file__).resolve().parents[2]
SETS = sorted((ROOT / "bench" / "sets").glob("phrasings-*.json"))


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_matching", ROOT / "bench" / "eval_matching.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _hits(path: Path) -> tuple[float, float, list[str]]:
    bench = _bench()
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    jobs = [bench._job(j) for j in data["jobs"]]
    seekers = [bench._seeker(c["seeker"]) for c in data["cases"]]
    h1 = h3 = 0
    misses: list[str] = []
    for case, res in zip(data["cases"], rank(seekers, jobs, per_seeker=3), strict=True):
        got = [m.job_ref for m in res.matches]
        rel = set(case["relevant"])
        h1 += bool(got[:1] and got[0] in rel)
        h3 += bool(rel & set(got[:3]))
        if not (got[:1] and got[0] in rel):
            misses.append(f"{case['seeker']['ref']} {case['seeker']['skills']} -> {got}")
    n = len(data["cases"])
    return h1 / n, h3 / n, misses


def test_sets_are_there() -> None:
    assert [p.name for p in SETS] == ["phrasings-a.json", "phrasings-b.json", "phrasings-c.json"]


@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_phrasing_set_hits(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["jobs"]) == 30
    per_job: dict[str, int] = {}
    for c in data["cases"]:
        for ref in c["relevant"]:
            per_job[ref] = per_job.get(ref, 0) + 1
    assert len(per_job) == 30 and min(per_job.values()) >= 2
    h1, h3, misses = _hits(path)
    assert h1 >= 0.95, misses
    assert h3 == 1.0, misses


def test_traditional_characters_particles_and_bracketed_trades() -> None:
    lex = get_lexicon()
    assert lex.normalize("燒電焊")[0].code == "6-18-02-04"
    assert lex.normalize("學過美髮")[0].code == "4-10-03-02"
    assert lex.normalize("在便利店收过银")[0].code == "4-01-02-04"
    assert lex.normalize("特种作业操作证（焊接与热切割）")[0].code == "6-18-02-04"
    assert lex.normalize("在鞋厂上班")[0].code == "6-05-04-01"  # the factory is the head
