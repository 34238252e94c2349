"""Demo data, loadable any number of times: each loader only adds what is missing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

from app.auth.principal import Principal, Role
from app.employers import service as employers
from app.employers.models import Employer
from app.employers.schemas import EmployerIn
from app.partnerships.models import Partnership
from app.seekers import service as seekers

TIANJIN_DISTRICTS = {
    "120116": "滨海新区",
    "120101": "和平区",
    "120105": "河北区",
    "120102": "河东区",
    "120103": "河西区",
    "120104": "南开区",
    "120106": "红桥区",
    "120110": "东丽区",
    "120111": "西青区",
    "120112": "津南区",
    "120113": "北辰区",
    "120114": "武清区",
    "120115": "宝坻区",
    "120119": "蓟州区",
    "120118": "静海区",
    "120117": "宁河区",
}
TIANSHUI_COUNTIES = {
    "620502": "秦州区",
    "620503": "麦积区",
    "620521": "清水县",
    "620522": "秦安县",
    "620523": "甘谷县",
    "620524": "武山县",
    "620525": "张家川回族自治县",
}
# 对口帮扶: the six Tianjin units named in seed 000 hand plaques to Tianshui's counties; 河北区 ↔ 清水县 is
# stated there, the rest of this pairing is illustrative.
DEMO_PAIRS = [
    ("120105", "620521"),
    ("120111", "620503"),
    ("120115", "620522"),
    ("120110", "620523"),
    ("120112", "620524"),
    ("120116", "620525"),
    ("120114", "620502"),
]


def ensure_partnership(
    session: Session, receiving: str, sending: str, valid_from: date, agreement_no: str
) -> bool:
    exists = session.scalar(
        select(Partnership).where(
            Partnership.receiving_region_code == receiving, Partnership.sending_region_code == sending
        )
    )
    if exists is not None:
        return False
    session.add(
        Partnership(
            receiving_region_code=receiving,
            sending_region_code=sending,
            agreement_no=agreement_no,
            valid_from=valid_from,
        )
    )
    return True


def demo_id_number(county: str, birth: date, serial: int) -> str:
    """A checksum-valid, obviously synthetic ID number (serial 9xx) for demo labourers."""
    body = f"{county}{birth:%Y%m%d}{900 + serial % 100:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def demo_uscc(serial: int) -> str:
    body = f"91120105MA05{serial:05d}"
    return body + uscc.calc_check_digit(body)


# 清水县's 求职清单 and 河北区's 岗位供给清单, small enough to read in /docs.
DEMO_SEEKERS = [
    (
        "QS-0001",
        "张建国",
        date(1985, 3, 12),
        ["会电焊", "氩弧焊"],
        ["电焊工"],
        "cross_province",
        ["registered_poor"],
    ),
    (
        "QS-0002",
        "李秀英",
        date(1990, 7, 1),
        ["做饭", "收拾家务"],
        ["保洁", "家政"],
        "cross_province",
        ["zero_employment"],
    ),
    (
        "QS-0003",
        "王志强",
        date(1978, 11, 23),
        ["开过大车", "A2驾照"],
        ["货车司机"],
        "cross_province",
        ["returned"],
    ),
    ("QS-0004", "赵小红", date(1996, 5, 30), ["端盘子"], ["服务员"], "in_province", []),
    ("QS-0005", "刘大山", date(1970, 1, 8), ["看大门"], ["保安"], "local", ["sanwu", "registered_poor"]),
    (
        "QS-0006",
        "陈桂兰",
        date(1982, 9, 17),
        ["伺候老人"],
        ["护工"],
        "cross_province",
        ["zero_employment", "monitored"],
    ),
    ("QS-0007", "杨军", date(1993, 4, 4), ["会开叉车", "叉车证"], ["叉车司机"], "cross_province", []),
    ("QS-0008", "周丽", date(1988, 12, 25), [], [], "cross_province", ["relocated"]),
]
DEMO_JOBS = [
    ("HB-J01", "电焊工（包吃住）", ["焊接操作"], 3, 5500, 7500, True),
    ("HB-J02", "叉车司机", ["叉车驾驶", "特种设备作业证"], 2, 5000, 6500, True),
    ("HB-J03", "物业保洁员", ["环境清洁"], 5, 3200, 3800, True),
    ("HB-J04", "小区保安员", ["安全防范"], 4, 3500, 4200, True),
    ("HB-J05", "餐厅服务员", ["餐饮服务"], 6, 3600, 4500, True),
    ("HB-J06", "养老护理员", ["老年人照护"], 3, 4500, 5500, True),
]


def _load_lists(session: Session) -> tuple[int, int]:
    """Seekers of 清水县 and jobs of 河北区 through the services the API uses (upsert by external_id)."""
    county = Principal(id="demo", name="演示数据", role=Role.sending, region_code="620521")
    district = Principal(id="demo", name="演示数据", role=Role.receiving, region_code="120105")
    items = [
        {
            "external_id": ext,
            "name": name,
            "id_number": demo_id_number("620521", birth, i),
            "phone": f"1390938{i:04d}",
            "hukou_region_code": "620521",
            "household_id": f"QS-H{i:03d}",
            "education": "junior_high",
            "skills": skills,
            "desired_occupations": desired,
            "mobility": mobility,
            "preferred_region_codes": ["120000"] if mobility == "cross_province" else [],
            "expected_salary": 4000,
            "needs_housing": mobility != "local",
            "tags": tags,
            "training_needs": ["电工"] if i % 3 == 0 else [],
        }
        for i, (ext, name, birth, skills, desired, mobility, tags) in enumerate(DEMO_SEEKERS, start=1)
    ]
    seekers_done = seekers.batch(session=session, principal=county, items=items, mode="atomic")
    employer = session.scalar(
        select(Employer).where(Employer.owner_region_code == "120105", Employer.uscc == demo_uscc(1))
    )
    if employer is None:
        employer = employers.create_employer(
            session=session,
            principal=district,
            data=EmployerIn(
                name="天津河北区演示用工企业", uscc=demo_uscc(1), region_code="120105", kind="poverty_base"
            ),
        )
    jobs = [
        {
            "external_id": ext,
            "employer_id": employer.id,
            "title": title,
            "skills_required": skills,
            "headcount": headcount,
            "region_code": "120105",
            "salary_min": smin,
            "salary_max": smax,
            "housing_provided": housing,
            "meals_provided": True,
        }
        for ext, title, skills, headcount, smin, smax, housing in DEMO_JOBS
    ]
    jobs_done = employers.batch_jobs(session=session, principal=district, items=jobs, mode="atomic")
    return seekers_done.created, jobs_done.created


def load_basic(session: Session) -> str:
    added = 0
    for receiving, sending in DEMO_PAIRS:
        added += ensure_partnership(
            session, receiving, sending, date(2019, 1, 1), f"津甘劳务-{receiving}-{sending}"
        )
    session.flush()
    new_seekers, new_jobs = _load_lists(session)
    session.flush()
    return (
        f"演示数据：新增结对 {added} 个（共 {len(DEMO_PAIRS)} 个），"
        f"新增清水县求职者 {new_seekers} 人、河北区岗位 {new_jobs} 个"
    )


def load_demo(*, session: Session, dataset: str = "basic") -> str:
    from app import demo_tianjin  # imported here: it builds on this module's pairs

    loaders = {"basic": load_basic, "tianjin-2019h1": demo_tianjin.load}
    if dataset not in loaders:
        raise SystemExit(f"未知数据集 {dataset}；可选：{', '.join(loaders)}")
    return loaders[dataset](session)
