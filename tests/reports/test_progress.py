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

HEBEI, XIQING, WUQING = "120105", "120111", "120114"
QINGSHUI, MAIJI, QINZHOU = "620521", "620503", "620502"


def _row(report, code):  # type: ignore[no-untyped-def]
    return next(r for r in report.rows if r.region_code == code)


def test_each_labourer_counts_once_per_outcome_and_period(factory: Factory, session: Session) -> None:
    factory.partnership(HEBEI, QINGSHUI)
    factory.target(HEBEI, "2019-H1", employed_in_receiving=4, employed_locally=2, employed_elsewhere=10)
    a = factory.seeker(QINGSHUI)
    b = factory.seeker(QINGSHUI)
    # a: two jobs in Tianjin in the half-year (one person), then also local work: counts in both columns.
    factory.placement(a, HEBEI, "in_receiving", date(2019, 1, 1))
    factory.placement(a, HEBEI, "in_receiving", date(2019, 5, 2))
    factory.placement(a, HEBEI, "local", date(2019, 6, 30))
    factory.placement(b, HEBEI, "in_receiving", date(2019, 3, 3))
    # Outside the period on both sides, and one without a receiving region: not counted.
    factory.placement(b, HEBEI, "elsewhere", date(2018, 12, 31))
    factory.placement(b, HEBEI, "elsewhere", date(2019, 7, 1))
    factory.placement(b, None, "elsewhere", date(2019, 2, 1))

    report = service.progress(session=session, principal=principal("admin"), period="2019-H1")
    row = _row(report, HEBEI)
    assert row.region_name == "河北区"
    assert (row.employed_in_receiving.target, row.employed_in_receiving.achieved) == (4, 2)
    assert row.employed_in_receiving.rate == 50.0
    assert (row.employed_locally.target, row.employed_locally.achieved) == (2, 1)
    assert (row.employed_elsewhere.target, row.employed_elsewhere.achieved) == (10, 0)
    assert row.employed_elsewhere.rate == 0.0

    q3 = service.progress(session=session, principal=principal("admin"), period="2019-Q3")
    assert _row(q3, HEBEI).employed_elsewhere.achieved == 1
    assert _row(q3, HEBEI).employed_elsewhere.target is None  # no Q3 target: shown blank, not 0
    assert _row(q3, HEBEI).employed_elsewhere.rate is None
    month = service.progress(session=session, principal=principal("admin"), period="2019-05")
    assert _row(month, HEBEI).employed_in_receiving.achieved == 1
    year = service.progress(session=session, principal=principal("admin"), period="2019")
    assert _row(year, HEBEI).employed_in_receiving.achieved == 2
    assert _row(year, HEBEI).employed_elsewhere.achieved == 1


def test_rows_totals_order_and_jobs_rule(factory: Factory, session: Session) -> None:
    # Targets entered in the bureau's order (武清 before 河北) are listed in that order, not by code.
    factory.target(WUQING, "2019-H1", employed_in_receiving=10, jobs_to_provide=600)
    factory.target(HEBEI, "2019-H1", employed_in_receiving=5)
    factory.partnership(XIQING, MAIJI)  # partnership, no target: still a row, after the targeted ones
    s = factory.seeker(MAIJI)
    factory.placement(s, XIQING, "in_receiving", date(2019, 2, 1))
    factory.job(WUQING, 30, local(date(2019, 1, 1), 0, 5))
    factory.job(WUQING, 20, local(date(2019, 6, 30), 23, 50))
    factory.job(WUQING, 99, local(date(2019, 7, 1), 0, 10))  # next half-year (Beijing time)
    factory.job(WUQING, 77, local(date(2019, 2, 1)), deleted=True)

    report = service.progress(session=session, principal=principal("admin"), period="2019-H1")
    assert [r.region_code for r in report.rows] == [WUQING, HEBEI, XIQING]
    wuqing = report.rows[0]
    assert (wuqing.jobs.required_by_rule, wuqing.jobs.target, wuqing.jobs.provided) == (500, 600, 50)
    assert report.rows[2].employed_in_receiving.target is None
    totals = report.totals
    assert (totals.employed_in_receiving.target, totals.employed_in_receiving.achieved) == (15, 1)
    assert totals.employed_locally.target == 0
    assert totals.jobs.required_by_rule == 1500 and totals.jobs.provided == 50

    assert service.jobs_required_by_rule(service.period_of("2019")) == 1000
    assert service.jobs_required_by_rule(service.period_of("2019-Q3")) == 250
    assert service.jobs_required_by_rule(service.period_of("2019-07")) == 83


def test_scope_admin_receiving_sending(factory: Factory, session: Session) -> None:
    factory.partnership(HEBEI, QINGSHUI)
    factory.partnership(XIQING, MAIJI)
    factory.target(HEBEI, "2019", employed_in_receiving=1)
    factory.target(XIQING, "2019", employed_in_receiving=1)
    factory.target(WUQING, "2019", employed_in_receiving=1)

    def codes(p) -> list[str]:  # type: ignore[no-untyped-def]
        return [r.region_code for r in service.progress(session=session, principal=p, period="2019").rows]

    assert codes(principal("admin")) == [HEBEI, XIQING, WUQING]
    assert codes(principal("receiving", XIQING)) == [XIQING]
    assert codes(principal("sending", QINGSHUI)) == [HEBEI]
    assert codes(principal("sending", QINZHOU)) == []
    with pytest.raises(Forbidden):
        service.progress(session=session, principal=principal("scheduler"), period="2019")
    with pytest.raises(Invalid):
        service.progress(session=session, principal=principal("admin"), period="2019-H3")


def test_progress_http_contract(client: TestClient, admin: dict[str, str], make_key: MakeKey) -> None:
    r = client.get("/v1/reports/progress", params={"period": "2019-H1"}, headers=admin)
    assert r.status_code == 200
    assert r.json()["rows"] == [] and r.json()["totals"]["jobs"]["required_by_rule"] == 0
    for bad in ("2019-H3", "2019-13", "19", "2019-Q5", "", "0001", "9999-12", "1999"):
        resp = client.get("/v1/reports/progress", params={"period": bad}, headers=admin)
        assert resp.status_code == 422, bad
        assert resp.headers["content-type"].startswith("application/problem+json")
    assert client.get("/v1/reports/progress", params={"period": "2019"}).status_code == 401
    scheduler = make_key("scheduler", QINGSHUI)
    assert client.get("/v1/reports/progress", params={"period": "2019"}, headers=scheduler).status_code == 403
    bad_format = client.get("/v1/reports/progress", params={"period": "2019", "format": "pdf"}, headers=admin)
    assert bad_format.status_code == 422


def test_progress_spreadsheet_and_csv(
    factory: Factory, session: Session, client: TestClient, admin: dict[str, str]
) -> None:
    factory.partnership(HEBEI, QINGSHUI)
    factory.target(HEBEI, "2019-H1", employed_in_receiving=64, employed_locally=105, employed_elsewhere=1412)
    factory.placement(factory.seeker(QINGSHUI), HEBEI, "in_receiving", date(2019, 4, 1))
    session.commit()

    r = client.get("/v1/reports/progress", params={"period": "2019-H1", "format": "xlsx"}, headers=admin)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = r.headers["content-disposition"]
    assert (
        disposition.startswith('attachment; filename="progress-2019-H1.xlsx"')
        and "filename*=UTF-8''" in disposition
    )
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    assert ws["A1"].value == "就业扶贫工作进展情况统计表（2019-H1）"
    merged = {str(m) for m in ws.merged_cells.ranges}
    # Two-level headers as in the bureau's table: 序号/单位名称 span two rows, each outcome two columns.
    assert {"A2:A3", "B2:B3", "C2:D2", "E2:F2", "G2:H2", "I2:J2", "A5:B5"} <= merged
    assert [c.value for c in ws[4]] == [1, "河北区", 64, 1, 105, 0, 1412, 0, 500, 0]
    assert ws["A5"].value == "合计" and ws["A5"].font.bold
    assert "每年1000个" in str(ws["A7"].value)
    assert ws.column_dimensions["B"].width >= 10  # fits 单位名称 / district names
    assert ws.column_dimensions["I"].width >= 14

    c = client.get("/v1/reports/progress", params={"period": "2019-H1", "format": "csv"}, headers=admin)
    assert c.headers["content-type"] == "text/csv; charset=utf-8"
    assert c.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(c.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["序号", "单位名称", "来津就业人数-任务数", "来津就业人数-完成数"]
    assert lines[1] == ["1", "河北区", "64", "1", "105", "0", "1412", "0", "500", "0"]
    assert lines[2][0] == "合计" and lines[2][2] == "64"
