"""求职清单 through the HTTP contract: CRUD, scoping, personal data, batch and import."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from stdnum.cn import ric

from app.core import importing
from app.core.models import AuditEvent
from app.seekers.models import Seeker

QINGSHUI, ZHANGJIACHUAN = "620521", "620525"


def id_number(n: int, born: str = "19900101") -> str:
    body = f"620521{born}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def seeker(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "external_id": f"QS-{n:04d}",
        "name": "张三",
        "id_number": id_number(n),
        "phone": "13912345678",
        "hukou_region_code": QINGSHUI,
        "skills": ["电焊", "叉车"],
        "tags": ["registered_poor"],
        **extra,
    }


@pytest.fixture
def sending(make_key: Callable[..., dict[str, str]]) -> dict[str, str]:
    return make_key("sending", QINGSHUI)


@pytest.fixture
def other_county(make_key: Callable[..., dict[str, str]]) -> dict[str, str]:
    return make_key("sending", ZHANGJIACHUAN)


def _create(client: TestClient, headers: dict[str, str], n: int = 1, **extra: Any) -> dict[str, Any]:
    r = client.post("/v1/seekers", json=seeker(n, **extra), headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_create_read_patch_with_etag(client: TestClient, sending: dict[str, str]) -> None:
    r = client.post(
        "/v1/seekers", json=seeker(1, name=" 张　三 ", skills=["电焊", "电焊 ", "叉车"]), headers=sending
    )
    assert r.status_code == 201 and r.headers["etag"]
    body = r.json()
    assert body["name"] == "张 三" and body["skills"] == ["电焊", "叉车"]
    assert body["gender"] == "male" and body["birth_date"] == "1990-01-01"
    assert body["id_number_masked"] == "620521********" + id_number(1)[-4:]
    assert "id_number" not in body and body["phone"] == "13912345678"
    assert "6-18-02-04" in body["occupation_codes"]
    assert body["created_at"].endswith("+08:00")

    got = client.get(f"/v1/seekers/{body['id']}", headers=sending)
    etag = got.headers["etag"]
    ok = client.patch(
        f"/v1/seekers/{body['id']}", json={"expected_salary": 4500}, headers={**sending, "If-Match": etag}
    )
    assert ok.status_code == 200 and ok.json()["expected_salary"] == 4500 and ok.headers["etag"] != etag
    stale = client.patch(
        f"/v1/seekers/{body['id']}", json={"expected_salary": 5000}, headers={**sending, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert client.patch(f"/v1/seekers/{body['id']}", json={"name": None}, headers=sending).status_code == 422
    assert client.patch(f"/v1/seekers/{body['id']}", json={"bogus": 1}, headers=sending).status_code == 422


def test_validation_errors_are_422_and_never_echo_the_id_number(
    client: TestClient, sending: dict[str, str]
) -> None:
    bad_id = id_number(1)[:17] + ("0" if id_number(1)[17] != "0" else "1")
    r = client.post("/v1/seekers", json=seeker(1, id_number=bad_id), headers=sending)
    assert r.status_code == 422 and bad_id not in r.text
    assert r.json()["errors"][0]["loc"] == ["body", "id_number"]
    r = client.post("/v1/seekers", json=seeker(1, phone="1391234567"), headers=sending)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "phone"]
    r = client.post("/v1/seekers", json=seeker(1, hukou_region_code="629999"), headers=sending)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "hukou_region_code"]
    r = client.post("/v1/seekers", json=seeker(1, mobility="abroad"), headers=sending)
    assert r.status_code == 422
    r = client.post("/v1/seekers", json=seeker(1, id_number=int(id_number(1)[:17])), headers=sending)
    assert r.status_code == 422 and "Excel" in r.text


def test_duplicate_id_number_in_one_county_is_409(client: TestClient, sending: dict[str, str]) -> None:
    _create(client, sending, 1)
    r = client.post("/v1/seekers", json=seeker(2, id_number=id_number(1)), headers=sending)
    assert r.status_code == 409
    assert client.post("/v1/seekers", json=seeker(1), headers=sending).status_code == 409  # same external_id


def test_other_county_sees_nothing(
    client: TestClient, sending: dict[str, str], other_county: dict[str, str], make_key: Callable[..., Any]
) -> None:
    created = _create(client, sending)
    path = f"/v1/seekers/{created['id']}"
    assert client.get(path, headers=other_county).status_code == 404
    assert client.patch(path, json={"name": "李四"}, headers=other_county).status_code == 404
    assert client.delete(path, headers=other_county).status_code == 404
    assert client.get("/v1/seekers", headers=other_county).json()["items"] == []
    # The other county may list the same person (its own list): the blind index is per owner.
    assert client.post("/v1/seekers", json=seeker(1), headers=other_county).status_code == 201
    receiving = make_key("receiving", "120105")
    assert client.post("/v1/seekers", json=seeker(3), headers=receiving).status_code == 403
    assert client.get("/v1/seekers", headers=receiving).status_code == 403


def test_phone_is_owner_only_and_every_unmasked_read_is_audited(
    client: TestClient, sending: dict[str, str], admin: dict[str, str], session: Session
) -> None:
    a = _create(client, sending, 1)
    b = _create(client, sending, 2, phone=None)
    session.execute(text("DELETE FROM audit_events"))
    session.commit()
    listed = client.get("/v1/seekers", headers=sending).json()["items"]
    assert {s["external_id"]: s["phone"] for s in listed} == {"QS-0001": "13912345678", "QS-0002": None}
    client.get(f"/v1/seekers/{a['id']}", headers=sending)
    events = session.scalars(select(AuditEvent)).all()
    assert sorted(e.resource_id for e in events) == [a["id"], a["id"]]  # b has no phone: nothing shown
    assert all(e.fields == ["phone"] and e.resource_type == "seeker" for e in events)
    as_admin = client.get(f"/v1/seekers/{a['id']}", headers=admin).json()
    assert as_admin["phone"] is None and as_admin["phone_masked"] == "139****5678"
    assert len(session.scalars(select(AuditEvent)).all()) == 2
    audit = client.get("/v1/audit-events", params={"resource_id": a["id"]}, headers=admin).json()
    assert len(audit["items"]) == 2
    assert b["id"] not in {e["resource_id"] for e in audit["items"]}


def test_no_plaintext_personal_data_in_responses_or_database(
    client: TestClient, sending: dict[str, str], session: Session
) -> None:
    ident = id_number(7)
    responses = [client.post("/v1/seekers", json=seeker(7), headers=sending)]
    sid = responses[0].json()["id"]
    responses += [
        client.get(f"/v1/seekers/{sid}", headers=sending),
        client.get("/v1/seekers", headers=sending),
    ]
    responses.append(client.post("/v1/seekers/batch", json={"items": [seeker(7)]}, headers=sending))
    assert all(ident not in r.text for r in responses)
    rows = session.execute(text("SELECT * FROM seekers")).all()
    dumped = repr([tuple(r) for r in rows])
    assert ident not in dumped and "13912345678" not in dumped and ident[6:14] + ident[14:] not in dumped


def test_delete_leaves_a_tombstone_for_pollers(client: TestClient, sending: dict[str, str]) -> None:
    a = _create(client, sending, 1)
    _create(client, sending, 2)
    since = client.get("/v1/seekers", headers=sending).json()["items"][-1]["updated_at"]
    assert client.delete(f"/v1/seekers/{a['id']}", headers=sending).status_code == 204
    assert client.get(f"/v1/seekers/{a['id']}", headers=sending).status_code == 404
    tomb = client.get(f"/v1/seekers/{a['id']}", params={"include_deleted": "true"}, headers=sending).json()
    assert tomb["deleted_at"] and tomb["phone"] is None
    assert [s["id"] for s in client.get("/v1/seekers", headers=sending).json()["items"]] != [a["id"]]
    polled = client.get(
        "/v1/seekers", params={"include_deleted": "true", "updated_since": since}, headers=sending
    ).json()["items"]
    assert [(s["id"], bool(s["deleted_at"])) for s in polled] == [(a["id"], True)]
    assert client.get("/v1/seekers", params={"updated_since": since}, headers=sending).json()["items"] == []
    # The same person can be listed again once the wrong entry is deleted.
    assert (
        client.post("/v1/seekers", json=seeker(1, external_id="QS-NEW"), headers=sending).status_code == 201
    )


def test_list_filters(client: TestClient, sending: dict[str, str]) -> None:
    _create(client, sending, 1)
    _create(client, sending, 2, tags=["zero_employment"], mobility="local", skills=["保洁"], wants_work=False)

    def ids(**params: Any) -> list[str]:
        return [
            s["external_id"]
            for s in client.get("/v1/seekers", params=params, headers=sending).json()["items"]
        ]

    assert ids(tag="zero_employment") == ["QS-0002"]
    assert ids(mobility="cross_province") == ["QS-0001"]
    assert ids(occupation="6-18-02-04") == ["QS-0001"]
    assert ids(occupation="6-18") == ["QS-0001"]
    assert ids(wants_work="false") == ["QS-0002"]
    assert ids(q="0001") == ["QS-0001"]
    assert ids(status="unemployed") == ["QS-0001", "QS-0002"]


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Seeker)) or 0


def test_batch_partial_atomic_and_unchanged(
    client: TestClient, sending: dict[str, str], session: Session
) -> None:
    items = [seeker(1), seeker(2, phone="123"), seeker(3, id_number=id_number(1)), seeker(4)]
    atomic = client.post("/v1/seekers/batch", json={"items": items, "mode": "atomic"}, headers=sending)
    assert atomic.status_code == 422 and atomic.headers["content-type"].startswith("application/problem+json")
    body = atomic.json()
    assert body["failed"] == 2 and body["created"] == 0
    assert {(e["row"], e["field"]) for e in body["errors"]} == {(1, "phone"), (2, "id_number")}
    assert _count(session) == 0

    partial = client.post("/v1/seekers/batch", json={"items": items}, headers=sending).json()
    assert (partial["created"], partial["failed"]) == (2, 2)
    assert all("手机号" in e["msg"] or "身份证号" in e["msg"] for e in partial["errors"])
    again = client.post(
        "/v1/seekers/batch", json={"items": [seeker(1), seeker(4, expected_salary=3000)]}, headers=sending
    )
    assert again.json() == {"created": 0, "updated": 1, "unchanged": 1, "failed": 0, "errors": []}


def _filled_template(client: TestClient, headers: dict[str, str], rows: list[list[Any]]) -> bytes:
    r = client.get("/v1/templates/seekers.xlsx", headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["填写"]
    headers_row = [c.value for c in ws[1]]
    for row in rows:
        ws.append(row + [None] * (len(headers_row) - len(row)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client: TestClient, headers: dict[str, str], data: bytes, name: str, **params: str) -> Any:
    return client.post("/v1/seekers/import", files={"file": (name, data)}, params=params, headers=headers)


def test_template_round_trip_imports_cleanly(client: TestClient, sending: dict[str, str]) -> None:
    # Columns in template order: 外部编号 姓名 身份证号 手机号 户编号 户籍地区划代码 文化程度 技能特长 ...
    rows = [
        [f"T-{i}", f"王{i}", id_number(i), "13812345678", "620521001", QINGSHUI, "初中", "电焊、叉车"]
        for i in range(5)
    ]
    r = _upload(client, sending, _filled_template(client, sending, rows), "清单.xlsx")
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 5, "updated": 0, "unchanged": 0, "failed": 0, "errors": []}
    again = _upload(client, sending, _filled_template(client, sending, rows), "清单.xlsx").json()
    assert again["unchanged"] == 5 and again["created"] == again["updated"] == 0


def test_import_with_typos_reports_rows_in_chinese_and_keeps_good_rows(
    client: TestClient, sending: dict[str, str]
) -> None:
    good = id_number(1)
    rows = [
        ["A-1", "赵一", good, "13812345678", None, QINGSHUI, "初中"],
        ["A-2", "钱二", good[:17] + ("0" if good[17] != "0" else "1"), None, None, QINGSHUI],  # checksum
        ["A-3", "孙三", float(id_number(3)[:17]), None, None, QINGSHUI],  # Excel number
        ["A-4", "李四", id_number(4), "12345", None, "629999", "博士后"],  # phone, region, education
        ["A-5", "周五", good, None, None, QINGSHUI],  # same ID number as row 3
        ["A-6", "吴六", id_number(6), " 139 1234 5678 ", None, QINGSHUI, "高中"],
    ]
    r = _upload(client, sending, _filled_template(client, sending, rows), "清单.xlsx")
    body = r.json()
    assert (body["created"], body["failed"]) == (2, 4), body
    by_row: dict[int, set[str]] = {}
    for e in body["errors"]:
        by_row.setdefault(e["row"], set()).add(e["field"])
        assert good not in e["msg"]
    assert by_row[4] == {"id_number"} and by_row[5] == {"id_number"} and by_row[7] == {"id_number"}
    assert {"phone", "hukou_region_code", "education"} <= by_row[6] or {"phone", "education"} <= by_row[6]
    messages = {(e["row"], e["field"]): e["msg"] for e in body["errors"]}
    assert messages[(4, "id_number")].startswith("身份证号") and "校验" in messages[(4, "id_number")]
    assert "Excel" in messages[(5, "id_number")]
    assert "第3行" in messages[(7, "id_number")]


def test_gbk_csv_import(client: TestClient, sending: dict[str, str]) -> None:
    csv = "外部编号,姓名,身份证号,手机号,户籍地区划代码,外出意愿,人员类别\n"
    csv += f"C-1,张三,{id_number(1)},13912345678,{QINGSHUI},跨省,建档立卡、零就业\n"
    csv += f"C-2,李四,{id_number(2)},,{QINGSHUI},就近,\n"
    r = _upload(client, sending, csv.encode("gbk"), "list.csv", mode="atomic")
    assert r.json() == {"created": 2, "updated": 0, "unchanged": 0, "failed": 0, "errors": []}
    items = client.get("/v1/seekers", headers=sending).json()["items"]
    assert {s["external_id"]: s["tags"] for s in items}["C-1"] == ["registered_poor", "zero_employment"]


def test_database_failure_mid_import_leaves_nothing(
    client: TestClient, sending: dict[str, str], session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "INSERT_CHUNK", 2)
    calls = {"n": 0}
    real = importing.insert_chunk

    def failing(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        real(*args, **kwargs)

    monkeypatch.setattr(importing, "insert_chunk", failing)
    r = client.post("/v1/seekers/batch", json={"items": [seeker(i) for i in range(1, 6)]}, headers=sending)
    assert r.status_code == 500 and calls["n"] == 2
    assert _count(session) == 0


def test_import_needs_a_real_file(client: TestClient, sending: dict[str, str], admin: dict[str, str]) -> None:
    assert _upload(client, sending, b"not a workbook", "x.xlsx").status_code == 422
    assert _upload(client, sending, b"a,b\n", "x.pdf").status_code == 422
    assert _upload(client, admin, b"a,b\n", "x.csv").status_code == 403


def test_batch_over_the_limit_is_413(
    client: TestClient, sending: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.config import get_settings

    monkeypatch.setattr(get_settings(), "max_import_rows", 3)
    r = client.post("/v1/seekers/batch", json={"items": [seeker(i) for i in range(4)]}, headers=sending)
    assert r.status_code == 413


def test_derived_gender_and_birth_date_may_be_echoed_but_must_agree(
    client: TestClient, sending: dict[str, str]
) -> None:
    from app.core.identity import parse_id_number

    ident = parse_id_number(id_number(1))
    echoed = {**seeker(1), "gender": ident.gender, "birth_date": ident.birth_date.isoformat()}
    created = client.post("/v1/seekers", json=echoed, headers=sending)
    assert created.status_code == 201, created.text
    assert created.json()["gender"] == ident.gender

    wrong_gender = "female" if parse_id_number(id_number(2)).gender == "male" else "male"
    bad = client.post("/v1/seekers", json={**seeker(2), "gender": wrong_gender}, headers=sending)
    assert bad.status_code == 422 and "gender" in bad.json()["detail"] + str(bad.json()["errors"])
    bad_date = client.post("/v1/seekers", json={**seeker(3), "birth_date": "1900-01-01"}, headers=sending)
    assert bad_date.status_code == 422 and "birth_date" in str(bad_date.json()["errors"])
    assert id_number(3) not in bad_date.text
