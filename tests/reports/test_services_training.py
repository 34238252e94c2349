from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.core.problems import Forbidden, Invalid
from app.reports import service
from tests.conftest import principal
from tests.reports.conftest import Factory, MakeKey, local

QINGSHUI, MAIJI = "620521", "620503"
HEBEI = "120105"
H1 = date(2019, 3, 1)


def _setup_services(factory: Factory) -> dict[str, str]:
    """清水县: a zero-employment household of two served 3 times in total, one of one served once,
    a labourer with three recommendations, one served only in the previous half-year, one not wanting
    work, one deleted. 麦积区: one zero-employment labourer without a household number, never served."""
    f = factory
    hh_a1 = f.seeker(QINGSHUI, name="王大明", household_id="H-A", tags=["registered_poor", "zero_employment"])
    hh_a2 = f.seeker(QINGSHUI, name="王小明", household_id="H-A", tags=["zero_employment"])
    hh_b = f.seeker(QINGSHUI, name="李四", household_id="H-B", tags=["zero_employment"])
    busy = f.seeker(QINGSHUI, name="赵六")
    stale = f.seeker(QINGSHUI, name="钱七")
    idle = f.seeker(QINGSHUI, name="孙八", wants_work=False)
    gone = f.seeker(QINGSHUI, name="周九", deleted=True)
    late = f.seeker(QINGSHUI, name="吴十", created=local(date(2019, 7, 2)))  # registered after the period
    maiji = f.seeker(MAIJI, name="郑一", tags=["zero_employment"])  # no household number: a household of one
    f.service(hh_a1, "recommendation", local(H1))
    f.service(hh_a1, "policy", local(H1))
    f.service(hh_a2, "recommendation", local(date(2019, 6, 30), 23, 30))  # Beijing time: still June
    f.service(hh_b, "guidance", local(H1))
    for _ in range(3):
        f.service(busy, "recommendation", local(H1))
    f.service(stale, "recommendation", local(date(2018, 12, 31), 23, 59))
    f.service(gone, "recommendation", local(H1))
    f.service(late, "recommendation", local(date(2019, 7, 3)))
    return {
        "hh_a1": hh_a1.id,
        "hh_a2": hh_a2.id,
        "hh_b": hh_b.id,
        "busy": busy.id,
        "stale": stale.id,
        "idle": idle.id,
        "maiji": maiji.id,
    }


def test_services_counts_and_shortfalls(factory: Factory, session: Session) -> None:
    ids = _setup_services(factory)
    report = service.services(session=session, principal=principal("admin"), period="2019-H1")
    qs = next(r for r in report.rows if r.region_code == QINGSHUI)
    assert qs.region_name == "清水县"
    assert qs.seekers_wanting_work == 5  # hh_a1, hh_a2, hh_b, busy, stale (not idle, deleted, late)
    assert qs.seekers_served == 4 and qs.seekers_not_served == 1
    assert qs.zero_employment_households == 2
    assert qs.zero_employment_households_served_3 == 1  # H-A: 3 services over two members
    assert qs.seekers_under_3_recommendations == 4  # everyone but busy
    assert [r.region_code for r in report.rows] == [MAIJI, QINGSHUI]
    assert report.totals.seekers_wanting_work == 6 and report.totals.seekers_not_served == 2

    short = {s.seeker_id: s for s in report.shortfalls}
    assert ids["busy"] not in short and ids["idle"] not in short
    assert short[ids["stale"]].missing == ["no_service", "under_3_recommendations"]
    assert short[ids["hh_b"]].missing == ["under_3_recommendations", "household_under_3_services"]
    assert short[ids["hh_b"]].household_services == 1
    assert (
        short[ids["hh_b"]].missing_text
        == "推荐岗位不足3个（已推荐0个）；零就业家庭全户服务不足3次（已服务1次）"
    )
    assert short[ids["hh_a1"]].household_services == 3 and short[ids["hh_a1"]].recommendations == 1
    assert short[ids["hh_a1"]].name_masked == "王**" and short[ids["hh_a1"]].household_id == "H-A"
    assert report.shortfalls_total == 5 and not report.shortfalls_truncated
    # Ordered by county code, then household, so a clerk calls one household in one go.
    assert report.shortfalls[0].seeker_id == ids["maiji"]
    assert report.shortfalls[0].missing == [
        "no_service",
        "under_3_recommendations",
        "household_under_3_services",
    ]
    maiji = report.rows[0]
    assert (maiji.zero_employment_households, maiji.zero_employment_households_served_3) == (1, 0)

    limited = service.services(
        session=session, principal=principal("admin"), period="2019-H1", shortfall_limit=2
    )
    assert len(limited.shortfalls) == 2 and limited.shortfalls_total == 5 and limited.shortfalls_truncated

    own = service.services(session=session, principal=principal("sending", MAIJI), period="2019-H1")
    assert [r.region_code for r in own.rows] == [MAIJI]
    assert [s.seeker_id for s in own.shortfalls] == [ids["maiji"]]
    with pytest.raises(Forbidden):
        service.services(session=session, principal=principal("receiving", HEBEI), period="2019-H1")


def test_services_http_formats(
    factory: Factory, session: Session, client: TestClient, make_key: MakeKey
) -> None:
    _setup_services(factory)
    session.commit()
    county = make_key("sending", QINGSHUI)
    body = client.get("/v1/reports/services", params={"period": "2019-H1"}, headers=county).json()
    assert [r["region_code"] for r in body["rows"]] == [QINGSHUI]
    assert all("王大明" not in s["name_masked"] for s in body["shortfalls"])
    assert "王大明" not in str(body)
    receiving = make_key("receiving", HEBEI)
    assert client.get("/v1/reports/services", params={"period": "2019"}, headers=receiving).status_code == 403

    csv_resp = client.get(
        "/v1/reports/services",
        params={"period": "2019-H1", "format": "csv", "part": "shortfalls"},
        headers=county,
    )
    assert csv_resp.status_code == 200
    assert csv_resp.headers["content-type"].startswith("text/csv")
    assert csv_resp.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_resp.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "输出地", "编号", "姓名"]
    assert len(rows) == 1 + 4

    xlsx = client.get(
        "/v1/reports/services",
        params={"period": "2019-H1", "format": "xlsx", "shortfall_limit": 1},
        headers=county,
    )
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["服务情况汇总", "待补服务名单"]
    summary = [list(r) for r in wb["服务情况汇总"].iter_rows(values_only=True)]
    assert summary[1][2] == "有就业意愿人数"
    assert summary[2][1:4] == ["清水县", 5, 4]
    assert summary[3][0] == "合计" and summary[3][2] == 5
    names = [r[3] for r in wb["待补服务名单"].iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]
    assert len(names) == 4  # the download lists every shortfall, whatever the JSON limit
    assert all("*" in n for n in names)


def test_training_needs_per_county_and_month(factory: Factory, session: Session) -> None:
    f = factory
    f.seeker(QINGSHUI, training_needs=["焊工", "电工"], updated=local(date(2020, 10, 31), 23))
    f.seeker(QINGSHUI, training_needs=["焊工"], updated=local(date(2020, 9, 5)))
    f.seeker(QINGSHUI, training_needs=[" 焊工 ", ""], updated=local(date(2020, 10, 1)))
    f.seeker(QINGSHUI, training_needs=["电工"], updated=local(date(2020, 11, 1), 0, 5))  # after October
    f.seeker(QINGSHUI, training_needs=["电工"], wants_work=False, updated=local(date(2020, 10, 1)))
    f.seeker(QINGSHUI, training_needs=["电工"], deleted=True, updated=local(date(2020, 10, 1)))
    f.seeker(QINGSHUI, training_needs=[], updated=local(date(2020, 10, 1)))
    f.seeker(MAIJI, training_needs=["家政服务员"], updated=local(date(2020, 10, 1)))

    report = service.training_needs(session=session, principal=principal("admin"), month="2020-10")
    assert report.as_of == date(2020, 10, 31)
    assert [(r.region_code, r.training_need, r.seekers) for r in report.rows] == [
        (MAIJI, "家政服务员", 1),
        (QINGSHUI, "焊工", 3),
        (QINGSHUI, "电工", 1),
    ]
    assert [(n.training_need, n.seekers) for n in report.by_need] == [
        ("焊工", 3),
        ("家政服务员", 1),
        ("电工", 1),
    ]
    assert [(r.region_code, r.seekers) for r in report.by_region] == [(MAIJI, 1), (QINGSHUI, 3)]
    assert report.total_seekers == 4

    september = service.training_needs(session=session, principal=principal("admin"), month="2020-09")
    assert [(r.training_need, r.seekers) for r in september.rows] == [("焊工", 1)]

    f.partnership(HEBEI, MAIJI)
    partner = service.training_needs(
        session=session, principal=principal("receiving", HEBEI), month="2020-10"
    )
    assert [r.region_code for r in partner.rows] == [MAIJI]
    own = service.training_needs(session=session, principal=principal("sending", QINGSHUI), month="2020-10")
    assert {r.region_code for r in own.rows} == {QINGSHUI}
    with pytest.raises(Invalid):
        service.training_needs(session=session, principal=principal("admin"), month="2020-H1")


def test_training_needs_http(
    factory: Factory, session: Session, client: TestClient, admin: dict[str, str]
) -> None:
    factory.seeker(QINGSHUI, training_needs=["焊工"], updated=local(date(2020, 10, 2)))
    session.commit()
    ok = client.get("/v1/reports/training-needs", params={"month": "2020-10"}, headers=admin)
    assert ok.status_code == 200 and ok.json()["total_seekers"] == 1
    for bad in ("2020", "0001-01", "9999-12"):
        resp = client.get("/v1/reports/training-needs", params={"month": bad}, headers=admin)
        assert resp.status_code == 422, bad
    assert client.get("/v1/reports/training-needs", headers=admin).status_code == 422
    xlsx = client.get(
        "/v1/reports/training-needs", params={"month": "2020-10", "format": "xlsx"}, headers=admin
    )
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="training-needs-2020-10.xlsx"' in xlsx.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(xlsx.content))["培训需求清单"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[1] == ["序号", "输出地", "培训需求", "人数"]
    assert rows[2] == [1, "清水县", "焊工", 1]
    assert rows[3][0] == "合计" and rows[3][3] == 1
