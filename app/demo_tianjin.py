"""Demo dataset ``tianjin-2019h1``: the table at the end of seed 000 (津人社办函〔2019〕401号, 就业扶贫工作
进展情况统计表, first half of 2019), rebuilt from data.

It loads the 16 Tianjin districts' partnerships with poor counties, their 2019-H1 targets as the table
states them, and one synthetic labourer with one placement for every 完成数 in the table, so that the
progress report computed from placements reproduces the table cell by cell. The labourers are invented
(names, ID numbers, phones), but their ID numbers are checksum-valid and stored the way the service
stores real ones: encrypted, blind-indexed and masked.

Every row has a deterministic id derived from its natural key, so loading twice adds nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from app.core.pii import blind_index, encrypt, mask_id_number, mask_phone
from app.db import local_zone
from app.demo import DEMO_PAIRS, ensure_partnership
from app.partnerships.models import Target
from app.placements.models import Placement, ServiceRecord
from app.regions.models import Region
from app.seekers.models import Seeker

PERIOD = "2019-H1"
CREATED_BY = "demo-tianjin-2019h1"
EXTERNAL_PREFIX = "TJ19H1-"
_NAMESPACE = uuid.UUID("6b1f3c9e-2f0a-4c55-9d0e-7a6f2b8c4d11")

# 序号 order of the seed table; (来津 任务数, 完成数, 就近就地 任务数, 完成数, 转移其他地区 任务数, 完成数).
SEED_TABLE: list[tuple[str, tuple[int, int, int, int, int, int]]] = [
    ("120116", (124, 8, 1005, 699, 2587, 1556)),  # 滨海新区
    ("120101", (139, 56, 890, 662, 3064, 108)),  # 和平区
    ("120105", (64, 45, 105, 85, 1412, 1212)),  # 河北区
    ("120102", (101, 27, 595, 281, 1287, 16)),  # 河东区
    ("120103", (140, 103, 890, 443, 3064, 1096)),  # 河西区
    ("120104", (140, 32, 890, 52, 1287, 9)),  # 南开区
    ("120106", (101, 43, 595, 327, 2239, 600)),  # 红桥区
    ("120110", (54, 9, 1185, 181, 2087, 101)),  # 东丽区
    ("120111", (69, 44, 1358, 185, 1287, 333)),  # 西青区
    ("120112", (139, 104, 890, 428, 3064, 750)),  # 津南区
    ("120113", (124, 77, 605, 401, 1287, 849)),  # 北辰区
    ("120114", (44, 240, 1005, 765, 3064, 1390)),  # 武清区
    ("120115", (54, 45, 293, 466, 2237, 1721)),  # 宝坻区
    ("120119", (101, 73, 595, 580, 2239, 259)),  # 蓟州区
    ("120118", (63, 35, 300, 305, 1213, 910)),  # 静海区
    ("120117", (44, 5, 300, 300, 787, 500)),  # 宁河区
]
CATEGORIES = ("in_receiving", "local", "elsewhere")

# Partner counties. The Tianshui pairs are the basic demo's (河北区 ↔ 清水县 is stated in seed 000, the
# others follow its list of the six units that hand plaques to Tianshui's counties); the districts the
# seed does not pair are given real poor counties of 甘南, 庆阳, 平凉 and 承德 — illustrative pairings.
EXTRA_PAIRS: list[tuple[str, str]] = [
    ("120101", "623021"),  # 和平区 — 临潭县
    ("120101", "623022"),  # 和平区 — 卓尼县
    ("120102", "623023"),  # 河东区 — 舟曲县
    ("120103", "621027"),  # 河西区 — 镇原县
    ("120103", "621026"),  # 河西区 — 宁县
    ("120104", "620826"),  # 南开区 — 静宁县
    ("120106", "620825"),  # 红桥区 — 庄浪县
    ("120113", "621022"),  # 北辰区 — 环县
    ("120119", "130828"),  # 蓟州区 — 围场满族蒙古族自治县
    ("120118", "130826"),  # 静海区 — 丰宁满族自治县
    ("120117", "130825"),  # 宁河区 — 隆化县
]
PAIRS = [*DEMO_PAIRS, *EXTRA_PAIRS]

# Where 转移其他地区 labourers went: provincial capital and the usual coastal destinations.
ELSEWHERE = ["620102", "440306", "320583", "330106", "440113"]
EMPLOYERS = {
    "in_receiving": [
        "天津某电子科技有限公司",
        "天津某物流有限公司",
        "天津某汽车零部件有限公司",
        "天津某物业服务有限公司",
    ],
    "local": ["县扶贫车间", "县公益性岗位", "县农业合作社", "县劳务公司"],
    "elsewhere": ["某电子制造有限公司", "某建筑劳务有限公司", "某餐饮管理有限公司", "某服装有限公司"],
}
MOBILITY = {"in_receiving": "cross_province", "local": "local", "elsewhere": "cross_province"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高梁郑谢宋唐韩冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰红梅建华文玉海燕春花国荣志"
TRAINING_NEEDS = ["焊工", "电工", "叉车司机", "家政服务员", "中式烹调师", "保安员", "育婴员", "汽车维修工"]
RECOMMENDATIONS = (3, 0, 3, 1, 4, 3, 2, 3)
BIRTH_START = date(1985, 1, 1)
BIRTH_SPAN_DAYS = 5_800  # births 1985–2000: aged 18 to 34 in 2019


@dataclass(frozen=True)
class Labourer:
    n: int  # position in the whole dataset
    district: str
    category: str
    county: str
    county_seq: int  # position among this county's labourers: makes the ID number unique per county
    external_id: str


def stable_id(key: str) -> str:
    return uuid.uuid5(_NAMESPACE, key).hex


def partners_by_district() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for receiving, sending in PAIRS:
        out.setdefault(receiving, []).append(sending)
    return out


def labourers() -> Iterator[Labourer]:
    """One labourer per 完成数 of the seed table, spread over the district's partner counties."""
    partners = partners_by_district()
    per_county: dict[str, int] = {}
    n = 0
    for district, cells in SEED_TABLE:
        for ci, category in enumerate(CATEGORIES):
            for k in range(cells[2 * ci + 1]):
                county = partners[district][k % len(partners[district])]
                seq = per_county.get(county, 0)
                per_county[county] = seq + 1
                yield Labourer(
                    n, district, category, county, seq, f"{EXTERNAL_PREFIX}{district}-{category}-{k:05d}"
                )
                n += 1


def id_number(lab: Labourer, predecessors: dict[str, list[str]]) -> str:
    """A checksum-valid number whose first six digits were the county's code in the birth year.

    ID numbers keep the code of the place of first registration: someone born in 镇原县 in 1990 has
    622827 (庆阳地区), not today's 621027 (庆阳市, since 2002), and the checker knows that.
    """
    birth = BIRTH_START + timedelta(days=lab.county_seq % BIRTH_SPAN_DAYS)
    # Sequence digits: odd last digit = male; the block number keeps numbers unique past one birth cycle.
    seq = (lab.county_seq // BIRTH_SPAN_DAYS) * 2 + lab.n % 2 + 100
    number = ""
    for code in [lab.county, *predecessors.get(lab.county, [])]:
        body = f"{code}{birth:%Y%m%d}{seq:03d}"
        # calc_check_digit expects the full number and ignores its last character.
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):
            break
    return number


def _name(n: int) -> str:
    surname = SURNAMES[n % len(SURNAMES)]
    given = GIVEN[(n // len(SURNAMES)) % len(GIVEN)]
    if n % 3:
        given += GIVEN[(n * 7 + 3) % len(GIVEN)]
    return surname + given


def _local(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=local_zone())


def seeker_row(lab: Labourer, predecessors: dict[str, list[str]]) -> dict[str, Any]:
    number = id_number(lab, predecessors)
    phone = f"139{lab.n:08d}"
    household = f"{lab.county}-H{lab.county_seq // 2:05d}"
    # Every 20th household (both members) is a zero-employment household.
    zero = (lab.county_seq // 2) % 20 == 0
    tags = ["registered_poor", *(["zero_employment"] if zero else [])]
    needs = [TRAINING_NEEDS[lab.n % len(TRAINING_NEEDS)]] if lab.n % 3 == 0 else []
    registered = _local(date(2018, 12, 1) + timedelta(days=lab.n % 31))
    return {
        "id": stable_id("seeker:" + lab.external_id),
        "owner_region_code": lab.county,
        "external_id": lab.external_id,
        "name": _name(lab.n),
        "id_number_enc": encrypt(number, context="seeker.id_number"),
        "id_number_bidx": blind_index(number, context="seeker.id_number"),
        "id_number_masked": mask_id_number(number),
        "phone_enc": encrypt(phone, context="seeker.phone"),
        "phone_masked": mask_phone(phone),
        "gender": "male" if int(number[16]) % 2 else "female",
        "birth_date": date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        "household_id": household,
        "hukou_region_code": lab.county,
        "education": "junior_high",
        "skills": [],
        "certificates": [],
        "desired_occupations": [],
        "occupation_codes": [],
        "occupation_codes_text": ",",
        "wants_work": True,
        "mobility": MOBILITY[lab.category],
        "preferred_region_codes": [],
        "needs_housing": lab.category == "in_receiving",
        "employment_status": "employed",
        "tags": tags,
        "tags_text": "," + ",".join(tags) + ",",
        "training_needs": needs,
        "content_hash": hashlib.sha256(lab.external_id.encode()).hexdigest(),
        "version": 1,
        "created_at": registered,
        "updated_at": registered,
    }


def placement_row(lab: Labourer) -> dict[str, Any]:
    started = date(2019, 1, 1) + timedelta(days=lab.n % 181)  # 181 days: 1 January – 30 June 2019
    workplace = {
        "in_receiving": lab.district,
        "local": lab.county,
        "elsewhere": ELSEWHERE[lab.n % len(ELSEWHERE)],
    }[lab.category]
    return {
        "id": stable_id("placement:" + lab.external_id),
        "seeker_id": stable_id("seeker:" + lab.external_id),
        "owner_region_code": lab.county,
        "hukou_region_code": lab.county,
        "receiving_region_code": lab.district,
        "employer_name": EMPLOYERS[lab.category][lab.n % 4],
        "region_code": workplace,
        "category": lab.category,
        "started_on": started,
        "created_by": CREATED_BY,
        "version": 1,
        "created_at": _local(started, 18),
        "updated_at": _local(started, 18),
    }


def service_rows(lab: Labourer) -> list[dict[str, Any]]:
    """0–4 job recommendations (most got 3) and a policy briefing for every other labourer, all before
    the start date, so the services report has some households and labourers to chase."""
    started = date(2019, 1, 1) + timedelta(days=lab.n % 181)
    kinds = ["recommendation"] * RECOMMENDATIONS[lab.n % len(RECOMMENDATIONS)] + (
        ["policy"] if lab.n % 2 else []
    )
    return [
        {
            "id": stable_id(f"service:{lab.external_id}:{i}"),
            "seeker_id": stable_id("seeker:" + lab.external_id),
            "owner_region_code": lab.county,
            "kind": kind,
            "occurred_at": _local(started, 8 + i),
            "source": "manual",
            "created_by": CREATED_BY,
            "created_at": _local(started, 8 + i),
            "updated_at": _local(started, 8 + i),
        }
        for i, kind in enumerate(kinds)
    ]


def _insert_missing(session: Session, model: Any, rows: list[dict[str, Any]], existing: set[str]) -> int:
    fresh = [r for r in rows if r["id"] not in existing]
    for start in range(0, len(fresh), 2000):
        session.execute(insert(model), fresh[start : start + 2000])
    return len(fresh)


def load(session: Session) -> str:
    added_pairs = sum(
        ensure_partnership(session, receiving, sending, date(2019, 1, 1), f"津劳务协作-{receiving}-{sending}")
        for receiving, sending in PAIRS
    )
    existing_targets = set(
        session.scalars(select(Target.receiving_region_code).where(Target.period == PERIOD))
    )
    added_targets = 0
    set_on = _local(date(2019, 1, 2))
    for i, (district, cells) in enumerate(SEED_TABLE):
        if district in existing_targets:
            continue
        # Reports list districts in the order their targets were set: the seed table's order.
        stamp = set_on + timedelta(minutes=i)
        session.add(
            Target(
                receiving_region_code=district,
                period=PERIOD,
                jobs_to_provide=500,
                employed_in_receiving=cells[0],
                employed_locally=cells[2],
                employed_elsewhere=cells[4],
                created_at=stamp,
                updated_at=stamp,
            )
        )
        added_targets += 1
    session.flush()

    labs = list(labourers())
    predecessors: dict[str, list[str]] = {}
    counties = sorted({sending for _, sending in PAIRS})
    for old in session.scalars(
        select(Region).where(Region.retired.is_(True), Region.replaced_by.in_(counties)).order_by(Region.code)
    ):
        predecessors.setdefault(old.replaced_by or "", []).append(old.code)
    seeker_ids = set(session.scalars(select(Seeker.id).where(Seeker.external_id.like(EXTERNAL_PREFIX + "%"))))
    placement_ids = set(session.scalars(select(Placement.id).where(Placement.created_by == CREATED_BY)))
    service_ids = set(session.scalars(select(ServiceRecord.id).where(ServiceRecord.created_by == CREATED_BY)))
    added_seekers = _insert_missing(
        session,
        Seeker,
        # Encrypting is the slow part: only build the rows that are missing.
        [
            seeker_row(lab, predecessors)
            for lab in labs
            if stable_id("seeker:" + lab.external_id) not in seeker_ids
        ],
        seeker_ids,
    )
    added_placements = _insert_missing(
        session, Placement, [placement_row(lab) for lab in labs], placement_ids
    )
    added_services = _insert_missing(
        session, ServiceRecord, [r for lab in labs for r in service_rows(lab)], service_ids
    )
    session.flush()
    return (
        f"演示数据 tianjin-2019h1：新增结对 {added_pairs} 个（共 {len(PAIRS)} 个），"
        f"{PERIOD} 目标 {added_targets} 个（共 {len(SEED_TABLE)} 个），劳动力 {added_seekers} 人，"
        f"到岗记录 {added_placements} 条，服务记录 {added_services} 条（共 {len(labs)} 名劳动力）"
    )
