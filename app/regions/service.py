"""Regions (GB/T 2260): lookups and the check every region code the API accepts goes through."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from app.core.problems import Invalid, NotFound
from app.regions.models import Region

LEVELS = ("province", "city", "county")


def get(*, session: Session, code: str) -> Region:
    region = session.get(Region, code)
    if region is None:
        raise NotFound(f"行政区划代码 {code} 不存在")
    return region


def search(
    *,
    session: Session,
    q: str | None,
    level: str | None,
    parent_code: str | None,
    include_retired: bool,
    limit: int,
    offset: int,
) -> list[Region]:
    """Regions matching the filters; with ``q``, exact names first, then prefixes, then the rest."""
    stmt = select(Region)
    if level:
        stmt = stmt.where(Region.level == level)
    if parent_code:
        stmt = stmt.where(Region.parent_code == parent_code)
    if not include_retired:
        stmt = stmt.where(Region.retired.is_(False))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(
                Region.name.like(like),
                Region.full_name.like(like),
                Region.short_name.like(like),
                Region.code == q,
            )
        )
        rank = case(
            (or_(Region.name == q, Region.short_name == q, Region.code == q, Region.full_name == q), 0),
            (or_(Region.name.like(f"{q}%"), Region.short_name.like(f"{q}%")), 1),
            else_=2,
        )
        stmt = stmt.order_by(rank, Region.retired, Region.code)
    else:
        stmt = stmt.order_by(Region.code)
    return list(session.scalars(stmt.offset(offset).limit(limit + 1)))


def check_codes(
    *, session: Session, codes: Iterable[str | None], loc: Sequence[str | int], allow_retired: bool = False
) -> None:
    """Raise 422 naming ``loc`` when any code is not a known (active) region."""
    wanted = {c for c in codes if c}
    if not wanted:
        return
    found = {r.code: r for r in session.scalars(select(Region).where(Region.code.in_(sorted(wanted))))}
    errors: list[dict[str, Any]] = []
    for code in sorted(wanted):
        region = found.get(code)
        if region is None:
            errors.append({"loc": list(loc), "msg": f"行政区划代码 {code} 不存在", "type": "region_unknown"})
        elif region.retired and not allow_retired:
            hint = f"，请改用 {region.replaced_by}" if region.replaced_by else ""
            errors.append(
                {"loc": list(loc), "msg": f"行政区划代码 {code} 已撤销{hint}", "type": "region_retired"}
            )
    if errors:
        raise Invalid(errors[0]["msg"], errors=errors)


def known_codes(*, session: Session, codes: Iterable[str]) -> dict[str, Region]:
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    return {r.code: r for r in session.scalars(select(Region).where(Region.code.in_(wanted)))}
