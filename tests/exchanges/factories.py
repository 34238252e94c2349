"""Seekers, employers and jobs written straight through the models (the lists' services are built elsewhere)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.core import pii
from app.employers.models import Employer, Job
from app.partnerships.models import Partnership
from app.seekers.models import Seeker

_seq = itertools.count(1)

RECEIVING = "120105"  # 天津市河北区
SENDING = "620521"  # 甘肃省天水市清水县
OTHER_SENDING = "620522"  # 秦安县


def partnership(session: Session, receiving: str = RECEIVING, sending: str = SENDING) -> Partnership:
    p = Partnership(receiving_region_code=receiving, sending_region_code=sending, valid_from=date(2019, 1, 1))
    session.add(p)
    session.commit()
    return p


def seeker(
    session: Session,
    *,
    owner: str = SENDING,
    name: str = "张三",
    phone: str | None = "13812345678",
    commit: bool = True,
    **fields: Any,
) -> Seeker:
    n = next(_seq)
    id_number = f"{owner}1990{n % 12 + 1:02d}01{n:04d}"[:17] + "X"
    values: dict[str, Any] = {
        "owner_region_code": owner,
        "external_id": f"ext-{n}",
        "name": name,
        "id_number_enc": pii.encrypt(id_number, context="seeker.id_number"),
        "id_number_bidx": pii.blind_index(id_number, context="seeker.id_number"),
        "id_number_masked": pii.mask_id_number(id_number),
        "phone_enc": pii.encrypt(phone, context="seeker.phone") if phone else None,
        "phone_masked": pii.mask_phone(phone) if phone else None,
        "gender": "male",
        "birth_date": date(1990, 1, 1),
        "hukou_region_code": owner,
        "mobility": "cross_province",
        "content_hash": f"h{n}",
    }
    values.update(fields)
    s = Seeker(**values)
    session.add(s)
    if commit:
        session.commit()
    return s


def employer(session: Session, *, owner: str = RECEIVING, name: str = "天津某制造有限公司") -> Employer:
    n = next(_seq)
    e = Employer(owner_region_code=owner, name=name, uscc=f"91120105MA{n:08d}", region_code=owner)
    session.add(e)
    session.commit()
    return e


def job(
    session: Session,
    employer: Employer,
    *,
    title: str,
    headcount: int = 5,
    region_code: str | None = None,
    commit: bool = True,
    **fields: Any,
) -> Job:
    n = next(_seq)
    values: dict[str, Any] = {
        "owner_region_code": employer.owner_region_code,
        "external_id": f"job-{n}",
        "employer_id": employer.id,
        "title": title,
        "headcount": headcount,
        "region_code": region_code or employer.region_code,
        "salary_min": 4000,
        "salary_max": 6000,
        "housing_provided": True,
        "content_hash": f"j{n}",
    }
    values.update(fields)
    j = Job(**values)
    session.add(j)
    if commit:
        session.commit()
    return j


def keys(make_key: Any, session: Session) -> dict[str, dict[str, str]]:
    """Partnerships for both sending counties and the four keys of the black-box scenario."""
    partnership(session)
    partnership(session, sending=OTHER_SENDING)
    return {
        "sending": make_key("sending", SENDING),
        "other": make_key("sending", OTHER_SENDING),
        "receiving": make_key("receiving", RECEIVING),
        "scheduler": make_key("scheduler", RECEIVING),
        "admin": make_key("admin"),
    }


def matched_exchange(
    client: Any,
    keys: dict[str, dict[str, str]],
    seeker_ids: list[str],
    job_ids: list[str],
    per_seeker: int = 3,
) -> str:
    """An exchange taken over HTTP through list, job supply and one match run; returns its id."""
    r = client.post(
        "/v1/exchanges",
        json={"receiving_region_code": RECEIVING, "title": "测试清单", "seeker_ids": seeker_ids},
        headers=keys["sending"],
    )
    assert r.status_code == 201, r.text
    xid: str = r.json()["id"]
    r = client.post(f"/v1/exchanges/{xid}/job-supply", json={"job_ids": job_ids}, headers=keys["receiving"])
    assert r.status_code == 200, r.text
    r = client.post(
        f"/v1/exchanges/{xid}/match-runs", json={"per_seeker": per_seeker}, headers=keys["sending"]
    )
    assert r.status_code == 201, r.text
    return xid


def matches_of(client: Any, headers: dict[str, str], xid: str, **params: str) -> list[dict[str, Any]]:
    r = client.get(f"/v1/exchanges/{xid}/matches", headers=headers, params={"limit": "500", **params})
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return sorted(items, key=lambda m: (m["seeker"]["id"], m["rank"]))


def date_time() -> Any:
    from app.db import utcnow

    return utcnow()
