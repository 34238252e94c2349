"""Placements (category and attribution, 稳岗 follow-up) and service records."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.placements.service import classify, is_under
from tests.exchanges import factories as f

H = dict[str, str]


@pytest.fixture
def keys(make_key: Callable[..., H], session: Session) -> dict[str, H]:
    return f.keys(make_key, session)


def test_region_containment_and_categories() -> None:
    assert is_under("120105", "120105") and is_under("120105", "120100") and is_under("120105", "120000")
    assert not is_under("120106", "120105") and not is_under("130105", "120000")
    tianjin = ["120105"]
    assert classify(region_code="120105", hukou_region_code="620521", receiving_codes=tianjin) == (
        "in_receiving",
        "120105",
    )
    assert classify(region_code="620521", hukou_region_code="620521", receiving_codes=tianjin)[0] == "local"
    assert (
        classify(region_code="620502", hukou_region_code="620521", receiving_codes=tianjin)[0] == "local"
    )  # same city
    assert (
        classify(region_code="620102", hukou_region_code="620521", receiving_codes=tianjin)[0] == "elsewhere"
    )
    assert (
        classify(region_code="120106", hukou_region_code="620521", receiving_codes=tianjin)[0] == "elsewhere"
    )
    assert (
        classify(region_code="120106", hukou_region_code="620521", receiving_codes=["120000"])[0]
        == "in_receiving"
    )


def test_direct_placements_are_classified_and_attributed(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    s = f.seeker(session)
    cases = {
        "120105": ("in_receiving", "120105"),
        "620521": ("local", "120105"),
        "440106": ("elsewhere", "120105"),
    }
    for region, (category, attributed) in cases.items():
        r = client.post(
            "/v1/placements",
            json={
                "seeker_id": s.id,
                "employer_name": "某厂",
                "region_code": region,
                "started_on": "2020-05-01",
            },
            headers=keys["sending"],
        )
        assert r.status_code == 201, r.text
        assert (r.json()["category"], r.json()["receiving_region_code"]) == (category, attributed)
    only = client.get("/v1/placements", params={"category": "local"}, headers=keys["sending"]).json()["items"]
    assert [p["region_code"] for p in only] == ["620521"]
    assert len(client.get("/v1/placements", headers=keys["receiving"]).json()["items"]) == 3
    assert client.get("/v1/placements", headers=keys["other"]).json()["items"] == []
    assert client.get("/v1/placements", headers=keys["scheduler"]).status_code == 403
    r = client.post(
        "/v1/placements",
        json={
            "seeker_id": s.id,
            "employer_name": "某厂",
            "region_code": "120105",
            "started_on": "2020-05-01",
        },
        headers=keys["other"],
    )
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "seeker_id"]
    bad = {
        "seeker_id": s.id,
        "employer_name": "某厂",
        "region_code": "120105",
        "started_on": "2020-05-01",
        "ended_on": "2020-04-01",
    }
    assert client.post("/v1/placements", json=bad, headers=keys["sending"]).status_code == 422


def test_follow_up_records_who_left_and_when(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    s = f.seeker(session)
    p = client.post(
        "/v1/placements",
        json={
            "seeker_id": s.id,
            "employer_name": "某厂",
            "region_code": "120105",
            "started_on": "2020-05-01",
        },
        headers=keys["sending"],
    ).json()
    got = client.get(f"/v1/placements/{p['id']}", headers=keys["sending"])
    etag = got.headers["ETag"]
    r = client.patch(
        f"/v1/placements/{p['id']}",
        json={"ended_on": "2020-08-31", "end_reason": "合同到期返乡"},
        headers={**keys["sending"], "If-Match": etag},
    )
    assert r.status_code == 200 and r.json()["ended_on"] == "2020-08-31"
    again = client.patch(
        f"/v1/placements/{p['id']}", json={"ended_on": None}, headers={**keys["sending"], "If-Match": etag}
    )
    assert again.status_code == 412
    early = client.patch(
        f"/v1/placements/{p['id']}", json={"ended_on": "2020-01-01"}, headers=keys["receiving"]
    )
    assert early.status_code == 422
    assert client.get(f"/v1/placements/{p['id']}", headers=keys["other"]).status_code == 404


def test_service_records_per_labourer(client: TestClient, keys: dict[str, H], session: Session) -> None:
    s = f.seeker(session)
    body = {"kind": "policy", "occurred_at": "2020-10-01T10:00:00+08:00", "note": "宣讲稳岗补贴政策"}
    r = client.post(f"/v1/seekers/{s.id}/services", json=body, headers=keys["sending"])
    assert r.status_code == 201 and r.json()["source"] == "manual"
    assert r.json()["occurred_at"] == "2020-10-01T10:00:00+08:00"
    naive = client.post(
        f"/v1/seekers/{s.id}/services",
        json={**body, "occurred_at": "2020-10-01T10:00:00"},
        headers=keys["sending"],
    )
    assert naive.status_code == 422
    assert client.post(f"/v1/seekers/{s.id}/services", json=body, headers=keys["other"]).status_code == 404
    assert (
        client.post(f"/v1/seekers/{s.id}/services", json=body, headers=keys["receiving"]).status_code == 403
    )
    items = client.get(f"/v1/seekers/{s.id}/services", headers=keys["sending"]).json()["items"]
    assert [(i["kind"], i["note"]) for i in items] == [("policy", "宣讲稳岗补贴政策")]
