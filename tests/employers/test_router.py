"""岗位供给清单 through the HTTP contract: employers, jobs, scoping, batch and import."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from app.core.models import AuditEvent

HEBEI, HEPING = "120105", "120101"


def uscc_code(n: int) -> str:
    body = f"91120105MA{n:07d}"
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def receiving(make_key: Callable[..., dict[str, str]]) -> dict[str, str]:
    return make_key("receiving", HEBEI)


@pytest.fixture
def other_district(make_key: Callable[..., dict[str, str]]) -> dict[str, str]:
    return make_key("receiving", HEPING)


def employer(n: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "name": f"天津某某电气有限公司{n}",
        "uscc": uscc_code(n),
        "region_code": HEBEI,
        "kind": "ordinary",
        "contact_name": "王经理",
        "contact_phone": "13612345678",
        **extra,
    }


def job(n: int, employer_id: str | None = None, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "external_id": f"HB-{n:04d}",
        "title": "电焊工",
        "headcount": 5,
        "region_code": HEBEI,
        "salary_min": 4000,
        "salary_max": 6000,
        "housing_provided": True,
    }
    if employer_id:
        base["employer_id"] = employer_id
    return base | extra


def _employer(client: TestClient, headers: dict[str, str], n: int = 1) -> dict[str, Any]:
    r = client.post("/v1/employers", json=employer(n), headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_employer_crud_uscc_and_phone(
    client: TestClient, receiving: dict[str, str], admin: dict[str, str], session: Session
) -> None:
    e = _employer(client, receiving)
    assert e["contact_phone"] == "13612345678" and e["contact_phone_masked"] == "136****5678"
    assert client.post("/v1/employers", json=employer(1), headers=receiving).status_code == 409
    bad = client.post("/v1/employers", json=employer(2, uscc="91120105MA05111110"), headers=receiving)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "uscc"]
    got = client.get(f"/v1/employers/{e['id']}", headers=receiving)
    r = client.patch(
        f"/v1/employers/{e['id']}",
        json={"kind": "workshop"},
        headers={**receiving, "If-Match": got.headers["etag"]},
    )
    assert r.status_code == 200 and r.json()["kind"] == "workshop"
    assert (
        client.patch(
            f"/v1/employers/{e['id']}",
            json={"kind": "soe"},
            headers={**receiving, "If-Match": got.headers["etag"]},
        ).status_code
        == 412
    )
    as_admin = client.get(f"/v1/employers/{e['id']}", headers=admin).json()
    assert as_admin["contact_phone"] is None
    events = session.scalars(select(AuditEvent).where(AuditEvent.resource_type == "employer")).all()
    assert len(events) == 3 and all(ev.fields == ["contact_phone"] for ev in events)
    raw = repr(session.execute(text("SELECT * FROM employers")).all())
    assert "13612345678" not in raw


def test_jobs_crud_validation_and_tombstones(client: TestClient, receiving: dict[str, str]) -> None:
    e = _employer(client, receiving)
    r = client.post("/v1/jobs", json=job(1, e["id"], salary_min=7000), headers=receiving)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "salary_min"]
    assert client.post("/v1/jobs", json=job(1, e["id"], headcount=0), headers=receiving).status_code == 422
    assert (
        client.post("/v1/jobs", json=job(1, e["id"], age_min=50, age_max=30), headers=receiving).status_code
        == 422
    )
    assert client.post("/v1/jobs", json=job(1, e["id"], extra=1), headers=receiving).status_code == 422
    r = client.post("/v1/jobs", json=job(1, e["id"], skills_required=["电焊", "电焊"]), headers=receiving)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["skills_required"] == ["电焊"] and "6-18-02-04" in created["occupation_codes"]
    assert created["employer_name"] == e["name"]
    by_uscc = client.post("/v1/jobs", json=job(2, employer_uscc=e["uscc"]), headers=receiving)
    assert by_uscc.status_code == 201 and by_uscc.json()["employer_id"] == e["id"]

    etag = client.get(f"/v1/jobs/{created['id']}", headers=receiving).headers["etag"]
    patched = client.patch(
        f"/v1/jobs/{created['id']}", json={"status": "closed"}, headers={**receiving, "If-Match": etag}
    )
    assert patched.status_code == 200 and patched.json()["status"] == "closed"
    bad = client.patch(f"/v1/jobs/{created['id']}", json={"salary_max": 100}, headers=receiving)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "salary_min"]

    def ids(**params: Any) -> list[str]:
        return [
            j["external_id"] for j in client.get("/v1/jobs", params=params, headers=receiving).json()["items"]
        ]

    assert ids(status="open") == ["HB-0002"]
    assert ids(occupation="6-18-02-04", employer_id=e["id"]) == ["HB-0002", "HB-0001"]
    assert ids(region_code="120000") == ["HB-0002", "HB-0001"]
    assert ids(region_code="620000") == []

    assert client.delete(f"/v1/employers/{e['id']}", headers=receiving).status_code == 409  # has jobs
    assert client.delete(f"/v1/jobs/{created['id']}", headers=receiving).status_code == 204
    assert client.get(f"/v1/jobs/{created['id']}", headers=receiving).status_code == 404
    tombs = client.get("/v1/jobs", params={"include_deleted": "true"}, headers=receiving).json()["items"]
    assert [(j["external_id"], bool(j["deleted_at"])) for j in tombs][-1] == ("HB-0001", True)


def test_job_for_another_districts_employer_is_422(
    client: TestClient, receiving: dict[str, str], other_district: dict[str, str]
) -> None:
    theirs = _employer(client, other_district, 9)
    r = client.post("/v1/jobs", json=job(1, theirs["id"]), headers=receiving)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "employer_id"]
    r = client.post("/v1/jobs", json=job(1, employer_uscc=theirs["uscc"]), headers=receiving)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "employer_uscc"]


def test_other_district_cannot_see_or_touch(
    client: TestClient,
    receiving: dict[str, str],
    other_district: dict[str, str],
    make_key: Callable[..., Any],
) -> None:
    e = _employer(client, receiving)
    j = client.post("/v1/jobs", json=job(1, e["id"]), headers=receiving).json()
    for path in (f"/v1/employers/{e['id']}", f"/v1/jobs/{j['id']}"):
        assert client.get(path, headers=other_district).status_code == 404
        assert (
            client.patch(
                path, json={"name" if "employers" in path else "title": "x"}, headers=other_district
            ).status_code
            == 404
        )
        assert client.delete(path, headers=other_district).status_code == 404
    assert client.get("/v1/jobs", headers=other_district).json()["items"] == []
    assert client.get("/v1/employers", headers=other_district).json()["items"] == []
    sending = make_key("sending", "620521")
    assert client.post("/v1/jobs", json=job(2, e["id"]), headers=sending).status_code == 403


def test_jobs_batch_and_import(client: TestClient, receiving: dict[str, str], session: Session) -> None:
    e = _employer(client, receiving)
    items = [job(1, e["id"]), job(2, e["id"], salary_min=9000), job(3, "nope")]
    atomic = client.post("/v1/jobs/batch", json={"items": items, "mode": "atomic"}, headers=receiving)
    assert atomic.status_code == 422
    assert {(x["row"], x["field"]) for x in atomic.json()["errors"]} == {
        (1, "salary_min"),
        (2, "employer_id"),
    }
    assert session.execute(text("SELECT count(*) FROM jobs")).scalar() == 0
    partial = client.post("/v1/jobs/batch", json={"items": items}, headers=receiving).json()
    assert (partial["created"], partial["failed"]) == (1, 2)

    tpl = client.get("/v1/templates/jobs.xlsx", headers=receiving)
    assert tpl.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(tpl.content))
    ws = wb["填写"]
    # 岗位编号 用人单位ID 统一社会信用代码 岗位名称 工种 岗位描述 技能要求 招聘人数 工作地区划代码 地址 月薪下限 月薪上限
    ws.append(["HB-0001", None, e["uscc"], "电焊工", None, None, None, 5, HEBEI, None, 4000, 6000, "是"])
    ws.append(["HB-0010", None, e["uscc"], "保洁", None, None, None, 2, HEBEI, None, "3,500元", 4000])
    ws.append(["HB-0011", None, uscc_code(77), "保安", None, None, None, 2, HEBEI, None, 5000, 4000])
    out = io.BytesIO()
    wb.save(out)
    r = client.post("/v1/jobs/import", files={"file": ("jobs.xlsx", out.getvalue())}, headers=receiving)
    body = r.json()
    assert (body["created"], body["unchanged"], body["failed"]) == (1, 1, 1), body
    fields = {x["field"] for x in body["errors"] if x["row"] == 5}
    assert fields == {"employer_uscc", "salary_min"}
