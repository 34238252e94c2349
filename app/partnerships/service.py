"""Partnerships (结对) and yearly targets: admin writes, partners read their own."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.principal import Principal, Role
from app.core.paging import PageParams, paginate
from app.core.problems import Conflict, NotFound
from app.db import utcnow
from app.partnerships.models import Partnership, Target
from app.partnerships.schemas import PartnershipCreate, PartnershipPatch, TargetCreate, TargetPatch
from app.regions import service as regions


def today() -> date:
    return utcnow().date()


def is_active(p: Partnership, on: date | None = None) -> bool:
    day = on or today()
    return p.valid_from <= day and (p.valid_to is None or p.valid_to >= day)


def _scoped(stmt: Select[Any], principal: Principal) -> Select[Any]:
    if principal.role is Role.admin:
        return stmt
    if principal.role is Role.sending:
        return stmt.where(Partnership.sending_region_code == principal.region_code)
    return stmt.where(Partnership.receiving_region_code == principal.region_code)


def create_partnership(*, session: Session, data: PartnershipCreate) -> Partnership:
    regions.check_codes(
        session=session, codes=[data.receiving_region_code], loc=["body", "receiving_region_code"]
    )
    regions.check_codes(
        session=session, codes=[data.sending_region_code], loc=["body", "sending_region_code"]
    )
    overlapping = session.scalars(
        select(Partnership).where(
            Partnership.receiving_region_code == data.receiving_region_code,
            Partnership.sending_region_code == data.sending_region_code,
            or_(Partnership.valid_to.is_(None), Partnership.valid_to >= data.valid_from),
        )
    ).all()
    for other in overlapping:
        if data.valid_to is None or other.valid_from <= data.valid_to:
            raise Conflict("这两个地区之间已有有效期重叠的结对关系", extra={"existing_id": other.id})
    partnership = Partnership(**data.model_dump())
    session.add(partnership)
    session.flush()
    return partnership


def get_partnership(*, session: Session, principal: Principal, partnership_id: str) -> Partnership:
    found = session.scalar(_scoped(select(Partnership).where(Partnership.id == partnership_id), principal))
    if found is None:
        raise NotFound("结对关系不存在")
    return found


def patch_partnership(*, session: Session, partnership: Partnership, data: PartnershipPatch) -> Partnership:
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(partnership, field, value)
    if partnership.valid_to is not None and partnership.valid_to < partnership.valid_from:
        raise Conflict("截止日期不能早于生效日期")
    session.flush()
    return partnership


def list_partnerships(
    *, session: Session, principal: Principal, params: PageParams, region_code: str | None = None
) -> tuple[list[Partnership], str | None]:
    stmt = _scoped(select(Partnership), principal)
    if region_code:
        stmt = stmt.where(
            or_(
                Partnership.receiving_region_code == region_code,
                Partnership.sending_region_code == region_code,
            )
        )
    return paginate(session, stmt, updated_at=Partnership.updated_at, id_col=Partnership.id, params=params)


def active_partnership(
    *, session: Session, receiving: str, sending: str, on: date | None = None
) -> Partnership | None:
    rows = session.scalars(
        select(Partnership).where(
            Partnership.receiving_region_code == receiving, Partnership.sending_region_code == sending
        )
    ).all()
    return next((p for p in rows if is_active(p, on)), None)


def partners_of(*, session: Session, region_code: str, on: date | None = None) -> list[Partnership]:
    rows = session.scalars(
        select(Partnership).where(
            or_(
                Partnership.receiving_region_code == region_code,
                Partnership.sending_region_code == region_code,
            )
        )
    ).all()
    return [p for p in rows if is_active(p, on)]


def create_target(*, session: Session, data: TargetCreate) -> Target:
    regions.check_codes(
        session=session, codes=[data.receiving_region_code], loc=["body", "receiving_region_code"]
    )
    exists = session.scalar(
        select(Target).where(
            Target.receiving_region_code == data.receiving_region_code, Target.period == data.period
        )
    )
    if exists is not None:
        raise Conflict("该输入地该期间的目标已存在，请用 PATCH 修改", extra={"existing_id": exists.id})
    target = Target(**data.model_dump())
    session.add(target)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("该输入地该期间的目标已存在") from None
    return target


def _scoped_targets(stmt: Select[Any], principal: Principal) -> Select[Any]:
    if principal.role is Role.admin:
        return stmt
    if principal.role is Role.sending:
        partner_codes = select(Partnership.receiving_region_code).where(
            Partnership.sending_region_code == principal.region_code
        )
        return stmt.where(Target.receiving_region_code.in_(partner_codes))
    return stmt.where(Target.receiving_region_code == principal.region_code)


def get_target(*, session: Session, principal: Principal, target_id: str) -> Target:
    found = session.scalar(_scoped_targets(select(Target).where(Target.id == target_id), principal))
    if found is None:
        raise NotFound("目标不存在")
    return found


def patch_target(*, session: Session, target: Target, data: TargetPatch) -> Target:
    for field, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(target, field, value)
    session.flush()
    return target


def list_targets(
    *, session: Session, principal: Principal, params: PageParams, period: str | None, region_code: str | None
) -> tuple[list[Target], str | None]:
    stmt = _scoped_targets(select(Target), principal)
    if period:
        stmt = stmt.where(Target.period == period)
    if region_code:
        stmt = stmt.where(Target.receiving_region_code == region_code)
    return paginate(session, stmt, updated_at=Target.updated_at, id_col=Target.id, params=params)
