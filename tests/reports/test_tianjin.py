"""The seed's table (津人社办函〔2019〕401号 附件, 就业扶贫工作进展情况统计表) reproduced from data."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from app.core.pii import decrypt
from app.demo import load_demo
from app.partnerships.models import Partnership, Target
from app.placements.models import Placement, ServiceRecord
from app.regions.models import Region
from app.seekers.models import Seeker

# Typed in from seed 000_ea725d6b13f898d2.txt: 单位名称, 来津 任务/完成, 就近就地 任务/完成, 转移其他地区 任务/完成.
SEED_ROWS = [
    ("滨海新区", 124, 8, 1005, 699, 2587, 1556),
    ("和平区", 139, 56, 890, 662, 3064, 108),
    ("河北区", 64, 45, 105, 85, 1412, 1212),
    ("河东区", 101, 27, 595, 281, 1287, 16),
    ("河西区", 140, 103, 890, 443, 3064, 1096),
    ("南开区", 140, 32, 890, 52, 1287, 9),
    ("红桥区", 101, 43, 595, 327, 2239, 600),
    ("东丽区", 54, 9, 1185, 181, 2087, 101),
    ("西青区", 69, 44, 1358, 185, 1287, 333),
    ("津南区", 139, 104, 890, 428, 3064, 750),
    ("北辰区", 124, 77, 605, 401, 1287, 849),
    ("武清区", 44, 240, 1005, 765, 3064, 1390),
    ("宝坻区", 54, 45, 293, 466, 2237, 1721),
    ("蓟州区", 101, 73, 595, 580, 2239, 259),
    ("静海区", 63, 35, 300, 305, 1213, 910),
    ("宁河区", 44, 5, 300, 300, 787, 500),
]
SEED_TOTALS = (1501, 946, 11501, 6160, 32205, 11410)
OUTCOMES = ("employed_in_receiving", "employed_locally", "employed_elsewhere")


def _cells(part: dict) -> tuple[int, ...]:  # type: ignore[type-arg]
    return tuple(v for o in OUTCOMES for v in (part[o]["target"], part[o]["achieved"]))


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(m)) or 0
        for m in (Partnership, Target, Seeker, Placement, ServiceRecord)
    )


@pytest.fixture
def tianjin(session: Session) -> Session:
    # the whole dataset (18,516 labourers), with bulk inserts
    load_demo(session=session, dataset="tianjin-2019h1")
    session.commit()
    return session


def test_progress_report_equals_the_seed_table(
    tianjin: Session, client: TestClient, admin: dict[str, str]
) -> None:
    body = client.get("/v1/reports/progress", params={"period": "2019-H1"}, headers=admin).json()
    got = [(r["region_name"], *_cells(r)) for r in body["rows"]]
    assert got == SEED_ROWS
    assert _cells(body["totals"]) == SEED_TOTALS
    assert body["totals"]["employed_in_receiving"]["rate"] == 63.0  # 946 / 1501

    # The spreadsheet carries the same numbers under the seed's two-level headers.
    xlsx = client.get(
        "/v1/reports/progress", params={"period": "2019-H1", "format": "xlsx"}, headers=admin
    ).content
    ws = load_workbook(io.BytesIO(xlsx)).active
    assert ws is not None
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[1][:8] == [
        "序号",
        "单位名称",
        "来津就业人数",
        None,
        "就近就地就业人数",
        None,
        "转移其他地区就业人数",
        None,
    ]
    assert values[2][2:8] == ["任务数", "完成数"] * 3
    data = values[3 : 3 + 16]
    assert [tuple(r[1:8]) for r in data] == SEED_ROWS
    assert [r[0] for r in data] == list(range(1, 17))
    assert values[19][0] == "合计" and tuple(values[19][2:8]) == SEED_TOTALS


def test_demo_load_is_idempotent_and_stores_valid_encrypted_ids(tianjin: Session) -> None:
    before = _counts(tianjin)
    assert before[2] == before[3] == sum(SEED_TOTALS[1::2]) == 18516
    assert before[1] == 16
    every_district = set(tianjin.scalars(select(Partnership.receiving_region_code)))
    assert len(every_district) == 16
    summary = load_demo(session=tianjin, dataset="tianjin-2019h1")
    tianjin.commit()
    assert _counts(tianjin) == before
    assert "劳动力 0 人" in summary

    # Every partner county, including those whose code changed since the labourers were born.
    sample = [
        tianjin.scalars(select(Seeker).where(Seeker.owner_region_code == county).limit(20)).all()
        for county in sorted(set(tianjin.scalars(select(Partnership.sending_region_code))))
    ]
    assert len(sample) == 18
    for s in (s for group in sample for s in group):
        number = decrypt(s.id_number_enc, context="seeker.id_number")
        assert ric.is_valid(number)
        # The county's code in the birth year: today's, or the one it replaced (庆阳地区 622827 → 621027).
        first_registered = tianjin.get(Region, number[:6])
        assert first_registered is not None
        assert s.owner_region_code in (first_registered.code, first_registered.replaced_by)
        assert number not in s.id_number_enc
        assert s.id_number_masked == number[:6] + "********" + number[-4:]
        assert s.gender == ("male" if int(number[16]) % 2 else "female")
        assert decrypt(s.phone_enc or "", context="seeker.phone").endswith(s.phone_masked[-4:])  # type: ignore[index]
