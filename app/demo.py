"""Demo data, loadable any number of times: each loader only adds what is missing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.partnerships.models import Partnership

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


def load_basic(session: Session) -> str:
    added = 0
    for receiving, sending in DEMO_PAIRS:
        added += ensure_partnership(
            session, receiving, sending, date(2019, 1, 1), f"津甘劳务-{receiving}-{sending}"
        )
    session.flush()
    return f"演示数据：新增结对 {added} 个（共 {len(DEMO_PAIRS)} 个）"


def load_demo(*, session: Session, dataset: str = "basic") -> str:
    from app import demo_tianjin  # imported here: it builds on this module's pairs

    loaders = {"basic": load_basic, "tianjin-2019h1": demo_tianjin.load}
    if dataset not in loaders:
        raise SystemExit(f"未知数据集 {dataset}；可选：{', '.join(loaders)}")
    return loaders[dataset](session)
