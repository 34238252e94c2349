from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.demo import DEMO_JOBS, DEMO_SEEKERS, load_demo


def test_basic_demo_is_idempotent_and_usable_through_the_api(
    session: Session, client: TestClient, make_key: Callable[..., dict[str, str]]
) -> None:
    first = load_demo(session=session, dataset="basic")
    session.commit()
    second = load_demo(session=session, dataset="basic")
    session.commit()
    assert f"新增清水县求职者 {len(DEMO_SEEKERS)} 人" in first
    assert "新增结对 0 个" in second and "新增清水县求职者 0 人" in second and "岗位 0 个" in second

    county = make_key("sending", "620521")
    seekers = client.get("/v1/seekers", headers=county).json()["items"]
    assert len(seekers) == len(DEMO_SEEKERS)
    assert all(s["id_number_masked"].startswith("620521") for s in seekers)
    district = make_key("receiving", "120105")
    assert len(client.get("/v1/jobs", headers=district).json()["items"]) == len(DEMO_JOBS)
    welder = next(s for s in seekers if s["external_id"] == "QS-0001")
    assert "6-18-02-04" in welder["occupation_codes"]
