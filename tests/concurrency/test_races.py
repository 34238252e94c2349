"""Races through the real HTTP stack: requests from many threads at once against one TestClient (its
sync endpoints run in the server's thread pool, each with its own database session and connection).

Every property holds on SQLite (one writer at a time) and is checked again on PostgreSQL, where writers
really interleave; ``make test`` runs both.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.exchanges.models import Match
from app.placements.models import ServiceRecord
from app.seekers.models import Seeker
from tests.security import world as w

H = dict[str, str]
RETRYABLE = {409, 412, 503}


def all_at_once(n: int, fn: Callable[[int], Any]) -> list[Any]:
    """Run ``fn(i)`` in ``n`` threads released together; return the results in order."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a request hung"
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def county(make_key: Callable[..., H]) -> H:
    return make_key("sending", w.COUNTY_A)


def test_one_idempotency_key_from_twenty_threads_creates_one_seeker(
    client: TestClient, county: H, session: Session
) -> None:
    body = w.seeker_body(1)
    headers = {**county, "Idempotency-Key": "race-seeker-1"}
    answers = all_at_once(20, lambda _: client.post("/v1/seekers", json=body, headers=headers))
    assert {r.status_code for r in answers} == {201}, [r.text for r in answers if r.status_code != 201]
    assert len({r.content for r in answers}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in answers) == 19
    count = session.scalar(
        select(func.count()).select_from(Seeker).where(Seeker.external_id == body["external_id"])
    )
    assert count == 1


HEADER = "外部编号,姓名,身份证号,手机号,户籍地区划代码,技能特长,期望月薪\n"


def _upload(version: str, people: dict[str, tuple[str, str]], ext_ids: list[str]) -> bytes:
    salary = {"甲": 3000, "乙": 5000}[version]
    skill = {"甲": "电焊", "乙": "叉车"}[version]
    lines = [
        f"{ext},{version}版{ext},{people[ext][0]},{people[ext][1]},{w.COUNTY_A},{skill},{salary}"
        for ext in ext_ids
    ]
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def _post_until_done(client: TestClient, headers: H, data: bytes) -> tuple[dict[str, Any], list[int]]:
    """What a well-behaved client does: retry what the service says is retryable."""
    statuses = []
    for _ in range(20):
        r = client.post("/v1/seekers/import", files={"file": ("list.csv", data)}, headers=headers)
        statuses.append(r.status_code)
        if r.status_code not in RETRYABLE:
            assert r.status_code == 200, r.text
            result: dict[str, Any] = r.json()
            return result, statuses
        time.sleep(0.05)
    pytest.fail(f"import never got through: {statuses}")


def test_two_overlapping_imports_at_once_neither_duplicate_nor_mix(
    client: TestClient, county: H, session: Session
) -> None:
    people = {f"E-{n:03d}": (w.id_number(), w.phone()) for n in range(60)}
    existing = [f"E-{n:03d}" for n in range(20)]
    fresh_both = [f"E-{n:03d}" for n in range(20, 40)]
    only_first = [f"E-{n:03d}" for n in range(40, 50)]
    only_second = [f"E-{n:03d}" for n in range(50, 60)]
    r = client.post(
        "/v1/seekers/import", files={"file": ("base.csv", _upload("甲", people, existing))}, headers=county
    )
    assert r.status_code == 200 and r.json()["created"] == 20
    # The first upload changes the existing rows (name and salary) as well as adding new ones.
    first = _upload("乙", people, existing + fresh_both + only_first)
    second = _upload("甲", people, [*reversed(existing), *fresh_both, *only_second])
    second = second.replace("版".encode(), "版二".encode())

    results = all_at_once(2, lambda i: _post_until_done(client, county, (first, second)[i]))
    for result, statuses in results:
        assert result["failed"] == 0, result
        assert not [s for s in statuses if s >= 500 and s != 503], statuses

    rows = session.execute(
        select(Seeker.external_id, Seeker.name, Seeker.skills, Seeker.expected_salary).where(
            Seeker.owner_region_code == w.COUNTY_A
        )
    ).all()
    counts = Counter(ext for ext, *_ in rows)
    assert set(counts) == set(people) and set(counts.values()) == {1}, "a row is missing or doubled"
    version = {}
    for ext, name, skills, salary in rows:
        kind = "first" if name == f"乙版{ext}" else "second" if name == f"甲版二{ext}" else None
        assert kind is not None, f"{ext}: {name}"
        expected = (["叉车"], 5000) if kind == "first" else (["电焊"], 3000)
        assert (skills, salary) == expected, f"{ext} mixes the two uploads: {name} {skills} {salary}"
        version[ext] = kind
    assert all(version[e] == "first" for e in only_first)
    assert all(version[e] == "second" for e in only_second)
    # One upload is one transaction: the overlap comes wholly from whichever committed last.
    assert len({version[e] for e in existing + fresh_both}) == 1


def test_concurrent_patches_with_one_etag_one_wins(client: TestClient, county: H, session: Session) -> None:
    created = client.post("/v1/seekers", json=w.seeker_body(2), headers=county)
    assert created.status_code == 201
    sid, etag = created.json()["id"], created.headers["etag"]

    def patch(i: int) -> Any:
        return client.patch(
            f"/v1/seekers/{sid}", json={"expected_salary": 1000 + i}, headers={**county, "If-Match": etag}
        )

    answers = all_at_once(12, patch)
    codes = Counter(r.status_code for r in answers)
    assert codes == {200: 1, 412: 11}, codes
    winner = next(r for r in answers if r.status_code == 200).json()["expected_salary"]
    session.expire_all()
    stored = session.scalar(select(Seeker).where(Seeker.id == sid))
    assert stored is not None and stored.expected_salary == winner and stored.version == 2
    for r in answers:
        if r.status_code == 412:
            assert r.headers["content-type"].startswith("application/problem+json")


def test_concurrent_match_runs_make_no_duplicates(
    client: TestClient, make_key: Callable[..., H], session: Session
) -> None:
    world = w.build(client, make_key)
    a, xid = world.keys["sending_a"], world.ids["exchange_id"]
    matched = session.scalar(select(func.count()).select_from(Match).where(Match.exchange_id == xid))

    answers = all_at_once(
        6, lambda _: client.post(f"/v1/exchanges/{xid}/match-runs", json={"per_seeker": 2}, headers=a)
    )
    codes = Counter(r.status_code for r in answers)
    assert set(codes) <= {201, 409, 412} and codes[201] >= 1, [r.text for r in answers]

    session.expire_all()
    rows = session.execute(
        select(Match.seeker_id, Match.job_id, Match.status, Match.run_id).where(Match.exchange_id == xid)
    ).all()
    pairs = Counter((s, j) for s, j, *_ in rows)
    assert set(pairs.values()) == {1}, "a (seeker, job) pair was proposed twice"
    # The proposals standing are those of exactly one run; matches acted upon were kept.
    proposed_runs = {run for *_, status, run in rows if status == "proposed"}
    assert len(proposed_runs) <= 1
    assert any(status == "hired" for _, _, status, _ in rows)
    assert matched and max(Counter(s for s, _, status, _ in rows if status == "proposed").values()) <= 2
    recommended = session.scalar(
        select(func.count()).select_from(ServiceRecord).where(ServiceRecord.source == "match_run")
    )
    # Every recommendation service record belongs to a match that still exists (none from a lost run).
    live = session.scalar(
        select(func.count())
        .select_from(ServiceRecord)
        .where(ServiceRecord.source == "match_run", ServiceRecord.match_id.in_(select(Match.id)))
    )
    assert recommended == live
