"""Placements (到岗) and employment service records (就业服务) per labourer."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.auth.principal import Principal, Role
from app.core.paging import PageParams, paginate
from app.core.problems import NotFound, invalid_field
from app.employers.models import Job
from app.partnerships import service as partnerships
from app.placements.models import Placement, ServiceRecord
from app.placements.schemas import PlacementCreate, PlacementPatch, ServiceCreate
from app.regions import service as regions
from app.seekers.models import Seeker


def is_under(code: str, parent: str) -> bool:
    """Whether region ``code`` equals ``parent`` or lies inside it (GB/T 2260 prefixes per level)."""
    if code == parent:
        return True
    if parent.endswith("0000"):
        return code[:2] == parent[:2]
    if parent.endswith("00"):
        return code[:4] == parent[:4]
    return False


def _same_county_or_city(a: str, b: str) -> bool:
    return a == b or a[:4] == b[:4]


def classify(
    *, region_code: str, hukou_region_code: str, receiving_codes: list[str]
) -> tuple[str, str | None]:
    """(category, the receiving region it is attributed to when ``in_receiving``)."""
    for rc in receiving_codes:
        if is_under(region_code, rc):
            return "in_receiving", rc
    if _same_county_or_city(region_code, hukou_region_code):
        return "local", None
    return "elsewhere", None


def _partner_receiving(session: Session, sending_code: str) -> list[str]:
    rows = partnerships.partners_of(session=session, region_code=sending_code)
    return [
        p.receiving_region_code
        for p in sorted(rows, key=lambda p: (p.valid_from, p.id))
        if p.sending_region_code == sending_code
    ]


def record_hire(
    *,
    session: Session,
    principal: Principal,
    seeker: Seeker,
    job: Job,
    employer_name: str,
    receiving_region_code: str,
    match_id: str,
    started_on: date,
) -> Placement:
    """The placement a ``hired`` match creates; attributed to the exchange's receiving region."""
    category, _ = classify(
        region_code=job.region_code,
        hukou_region_code=seeker.hukou_region_code,
        receiving_codes=[receiving_region_code],
    )
    placement = Placement(
        seeker_id=seeker.id,
        owner_region_code=seeker.owner_region_code,
        hukou_region_code=seeker.hukou_region_code,
        receiving_region_code=receiving_region_code,
        match_id=match_id,
        job_id=job.id,
        employer_name=employer_name,
        region_code=job.region_code,
        category=category,
        started_on=started_on,
        created_by=principal.id,
    )
    session.add(placement)
    session.flush()
    return placement


def _own_seeker(
    session: Session, principal: Principal, seeker_id: str, loc: list[str | int] | None
) -> Seeker:
    stmt = select(Seeker).where(Seeker.id == seeker_id, Seeker.deleted_at.is_(None))
    if principal.role is not Role.admin:
        stmt = stmt.where(Seeker.owner_region_code == principal.region_code)
    seeker = session.scalar(stmt)
    if seeker is None:
        if loc is not None:
            raise invalid_field(loc, "求职者不存在或不属于本县", "not_found")
        raise NotFound("求职者不存在")
    return seeker


def create_placement(*, session: Session, principal: Principal, data: PlacementCreate) -> Placement:
    """A placement recorded directly by the sending county (found work on their own, local jobs, …)."""
    regions.check_codes(session=session, codes=[data.region_code], loc=["body", "region_code"])
    seeker = _own_seeker(session, principal, data.seeker_id, ["body", "seeker_id"])
    partners = _partner_receiving(session, seeker.owner_region_code)
    category, attributed = classify(
        region_code=data.region_code, hukou_region_code=seeker.hukou_region_code, receiving_codes=partners
    )
    placement = Placement(
        seeker_id=seeker.id,
        owner_region_code=seeker.owner_region_code,
        hukou_region_code=seeker.hukou_region_code,
        receiving_region_code=attributed or (partners[0] if partners else None),
        employer_name=data.employer_name,
        region_code=data.region_code,
        category=category,
        started_on=data.started_on,
        ended_on=data.ended_on,
        end_reason=data.end_reason,
        created_by=principal.id,
    )
    session.add(placement)
    session.flush()
    return placement


def _scoped(stmt: Select[Any], principal: Principal) -> Select[Any]:
    """Sending sees its labourers' placements, receiving those attributed to it, admin all."""
    if principal.role is Role.admin:
        return stmt
    if principal.role is Role.sending:
        return stmt.where(Placement.owner_region_code == principal.region_code)
    return stmt.where(Placement.receiving_region_code == principal.region_code)


def get_placement(*, session: Session, principal: Principal, placement_id: str) -> Placement:
    found = session.scalar(_scoped(select(Placement).where(Placement.id == placement_id), principal))
    if found is None:
        raise NotFound("就业记录不存在")
    return found


def list_placements(
    *, session: Session, principal: Principal, params: PageParams, category: str | None, seeker_id: str | None
) -> tuple[list[Placement], str | None]:
    stmt = _scoped(select(Placement), principal)
    if category:
        stmt = stmt.where(Placement.category == category)
    if seeker_id:
        stmt = stmt.where(Placement.seeker_id == seeker_id)
    return paginate(session, stmt, updated_at=Placement.updated_at, id_col=Placement.id, params=params)


def patch_placement(*, session: Session, placement: Placement, data: PlacementPatch) -> Placement:
    """稳岗 follow-up: who left work, when and why."""
    fields = data.model_dump(exclude_unset=True)
    if "ended_on" in fields:
        ended = fields["ended_on"]
        if ended is not None and ended < placement.started_on:
            raise invalid_field(["body", "ended_on"], "离岗日期不能早于到岗日期")
        placement.ended_on = ended
    if "end_reason" in fields:
        placement.end_reason = fields["end_reason"]
    session.flush()
    return placement


def add_service(
    *, session: Session, principal: Principal, seeker_id: str, data: ServiceCreate
) -> ServiceRecord:
    seeker = _own_seeker(session, principal, seeker_id, None)
    record = ServiceRecord(
        seeker_id=seeker.id,
        owner_region_code=seeker.owner_region_code,
        kind=data.kind,
        occurred_at=data.occurred_at,
        note=data.note,
        source="manual",
        created_by=principal.id,
    )
    session.add(record)
    session.flush()
    return record


def list_services(
    *, session: Session, principal: Principal, seeker_id: str, params: PageParams
) -> tuple[list[ServiceRecord], str | None]:
    seeker = _own_seeker(session, principal, seeker_id, None)
    stmt = select(ServiceRecord).where(ServiceRecord.seeker_id == seeker.id)
    return paginate(
        session, stmt, updated_at=ServiceRecord.updated_at, id_col=ServiceRecord.id, params=params
    )
