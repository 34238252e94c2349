"""The reports: aggregated in SQL over the tables other domains write.

Reports only read. They query the other domains' tables directly (not through their services) because
each report is one or two GROUP BY statements over hundreds of thousands of rows; going row by row
through the domain services would be orders of magnitude slower.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    distinct,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from app.auth.principal import Principal, Role
from app.core.periods import parse_period
from app.core.pii import mask_name
from app.core.problems import Forbidden, invalid_field
from app.db import local_zone, utcnow
from app.employers.models import Job
from app.partnerships.models import Partnership, Target
from app.placements.models import Placement, ServiceRecord
from app.regions import service as regions
from app.reports.schemas import (
    JobsProgress,
    OutcomeProgress,
    ProgressReport,
    ProgressRow,
    ProgressTotals,
    ServicesReport,
    ServicesRow,
    ServicesTotals,
    Shortfall,
    ShortfallKind,
    TrainingNeedRow,
    TrainingNeedsReport,
    TrainingNeedTotal,
    TrainingRegionTotal,
)
from app.seekers.models import Seeker

# Placement.category → the outcome it counts towards (the three columns of the official table).
OUTCOMES: dict[str, str] = {
    "in_receiving": "employed_in_receiving",
    "local": "employed_locally",
    "elsewhere": "employed_elsewhere",
}
JOBS_PER_YEAR = 1000
ZERO_EMPLOYMENT_TAG = "zero_employment"
MIN_HOUSEHOLD_SERVICES = 3
MIN_RECOMMENDATIONS = 3
MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"

SHORTFALL_TEXT: dict[str, str] = {
    "no_service": "本期未获得就业服务",
    "under_3_recommendations": "推荐岗位不足3个",
    "household_under_3_services": "零就业家庭全户服务不足3次",
}


@dataclass(frozen=True)
class Period:
    label: str
    first_day: date
    last_day: date

    @property
    def months(self) -> int:
        return (
            (self.last_day.year - self.first_day.year) * 12 + self.last_day.month - self.first_day.month + 1
        )

    @property
    def start(self) -> datetime:
        # Days are the service's local days (Asia/Shanghai): a service at 07:00 on 1 July Beijing time
        # belongs to July although it is still 30 June in UTC.
        return datetime.combine(self.first_day, time.min, tzinfo=local_zone())

    @property
    def end(self) -> datetime:
        """Exclusive upper bound: midnight after the last day."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=local_zone())


def period_of(label: str, *, loc: list[str | int] | None = None) -> Period:
    try:
        first, last = parse_period(label)
    except ValueError as exc:
        raise invalid_field(loc or ["query", "period"], str(exc)) from None
    return Period(label, first, last)


def month_of(label: str) -> Period:
    if not re.match(MONTH_PATTERN, label):
        raise invalid_field(["query", "month"], "月份格式应为 2020-10")
    return period_of(label, loc=["query", "month"])


def jobs_required_by_rule(period: Period) -> int:
    """1000 jobs a year, pro-rated by whole months: 1000 / 500 / 250 / 83."""
    return round(JOBS_PER_YEAR * period.months / 12)


def _rate(achieved: int, target: int | None) -> float | None:
    if not target:
        return None
    return round(achieved * 100 / target, 1)


def _outcome(target: int | None, achieved: int) -> OutcomeProgress:
    return OutcomeProgress(target=target, achieved=achieved, rate=_rate(achieved, target))


# --- scoping: the one place that decides which regions a caller's report covers --------------------


def _receiving_scope(column: Any, principal: Principal) -> ColumnElement[bool]:
    """Rows keyed by a receiving region: admin all, receiving its own, sending its partners'."""
    if principal.role is Role.admin:
        return true()
    if principal.role is Role.receiving:
        return column == principal.region_code  # type: ignore[no-any-return]
    if principal.role is Role.sending:
        partners = select(Partnership.receiving_region_code).where(
            Partnership.sending_region_code == principal.region_code
        )
        return column.in_(partners)  # type: ignore[no-any-return]
    raise Forbidden("该角色无权查看此报表")


def _sending_scope(column: Any, principal: Principal, *, partners_may_read: bool) -> ColumnElement[bool]:
    """Rows keyed by a sending county: admin all, sending its own, receiving (if allowed) its partners'."""
    if principal.role is Role.admin:
        return true()
    if principal.role is Role.sending:
        return column == principal.region_code  # type: ignore[no-any-return]
    if principal.role is Role.receiving and partners_may_read:
        partners = select(Partnership.sending_region_code).where(
            Partnership.receiving_region_code == principal.region_code
        )
        return column.in_(partners)  # type: ignore[no-any-return]
    raise Forbidden("该角色无权查看此报表")


def _names(session: Session, codes: set[str]) -> dict[str, str]:
    return {code: r.name for code, r in regions.known_codes(session=session, codes=codes).items()}


# --- progress ---------------------------------------------------------------------------------------


def progress(*, session: Session, principal: Principal, period: str) -> ProgressReport:
    """Targets and achievements per receiving region for ``period`` (the 就业扶贫工作进展情况统计表)."""
    p = period_of(period)
    scope = _receiving_scope

    achieved: dict[str, dict[str, int]] = defaultdict(dict)
    # Distinct (region, category, seeker) first, then a plain count: PostgreSQL hashes the distinct
    # triples instead of sorting every group for COUNT(DISTINCT ...), which is several times faster.
    triples = (
        select(Placement.receiving_region_code, Placement.category, Placement.seeker_id)
        .where(
            Placement.started_on >= p.first_day,
            Placement.started_on <= p.last_day,
            Placement.receiving_region_code.is_not(None),
            scope(Placement.receiving_region_code, principal),
        )
        .distinct()
        .subquery()
    )
    for code, category, n in session.execute(
        select(triples.c.receiving_region_code, triples.c.category, func.count()).group_by(
            triples.c.receiving_region_code, triples.c.category
        )
    ):
        if category in OUTCOMES:
            achieved[code][OUTCOMES[category]] = n

    targets = {
        t.receiving_region_code: t
        for t in session.scalars(
            select(Target).where(Target.period == p.label, scope(Target.receiving_region_code, principal))
        )
    }
    partnered = set(
        session.scalars(
            select(Partnership.receiving_region_code)
            .where(
                Partnership.valid_from <= p.last_day,
                or_(Partnership.valid_to.is_(None), Partnership.valid_to >= p.first_day),
                scope(Partnership.receiving_region_code, principal),
            )
            .distinct()
        )
    )
    codes = set(targets) | partnered | set(achieved)

    provided: dict[str, int] = dict(
        session.execute(  # type: ignore[arg-type]
            select(Job.owner_region_code, func.coalesce(func.sum(Job.headcount), 0))
            .where(
                Job.created_at >= p.start,
                Job.created_at < p.end,
                Job.deleted_at.is_(None),
                Job.owner_region_code.in_(sorted(codes)),
            )
            .group_by(Job.owner_region_code)
        ).all()
    )

    # Officials read the districts in their customary order (the seed table's), which is the order the
    # bureau entered its targets in, not code order; regions that never had a target follow, by code.
    first_target = dict(
        session.execute(  # type: ignore[arg-type]
            select(Target.receiving_region_code, func.min(Target.created_at))
            .where(Target.receiving_region_code.in_(sorted(codes)))
            .group_by(Target.receiving_region_code)
        ).all()
    )
    far_future = datetime.max.replace(tzinfo=local_zone())
    ordered = sorted(codes, key=lambda c: (first_target.get(c) or far_future, c))

    names = _names(session, codes)
    rule = jobs_required_by_rule(p)
    rows: list[ProgressRow] = []
    for code in ordered:
        t = targets.get(code)
        got = achieved.get(code, {})
        rows.append(
            ProgressRow(
                region_code=code,
                region_name=names.get(code, code),
                **{
                    outcome: _outcome(getattr(t, outcome) if t else None, got.get(outcome, 0))
                    for outcome in OUTCOMES.values()
                },
                jobs=JobsProgress(
                    required_by_rule=rule,
                    target=t.jobs_to_provide if t else None,
                    provided=provided.get(code, 0),
                ),
            )
        )
    return ProgressReport(
        period=p.label,
        first_day=p.first_day,
        last_day=p.last_day,
        rows=rows,
        totals=_progress_totals(rows),
        generated_at=utcnow().astimezone(local_zone()),
    )


def _sum_optional(values: list[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _progress_totals(rows: list[ProgressRow]) -> ProgressTotals:
    outcomes: dict[str, OutcomeProgress] = {}
    for outcome in OUTCOMES.values():
        cells = [getattr(r, outcome) for r in rows]
        outcomes[outcome] = _outcome(_sum_optional([c.target for c in cells]), sum(c.achieved for c in cells))
    return ProgressTotals(
        **outcomes,
        jobs=JobsProgress(
            required_by_rule=sum(r.jobs.required_by_rule for r in rows),
            target=_sum_optional([r.jobs.target for r in rows]),
            provided=sum(r.jobs.provided for r in rows),
        ),
    )


# --- services ---------------------------------------------------------------------------------------


def _service_counts(p: Period, region_filter: ColumnElement[bool]) -> Any:
    """Per seeker: services and recommendations received within the period."""
    return (
        select(
            ServiceRecord.seeker_id.label("seeker_id"),
            func.count().label("services"),
            func.sum(case((ServiceRecord.kind == "recommendation", 1), else_=0)).label("recommendations"),
        )
        .where(ServiceRecord.occurred_at >= p.start, ServiceRecord.occurred_at < p.end, region_filter)
        .group_by(ServiceRecord.seeker_id)
        .subquery("svc")
    )


def _household_key() -> ColumnElement[str]:
    # A zero-employment labourer without a household number is a household of one.
    # A literal, not a bound parameter: PostgreSQL matches GROUP BY expressions textually, and two
    # bound parameters render as two different placeholders.
    return func.coalesce(Seeker.household_id, literal_column("'seeker:'", String) + Seeker.id)


def services(
    *, session: Session, principal: Principal, period: str, shortfall_limit: int = 500
) -> ServicesReport:
    """Employment services per sending county in ``period``, and whom still to serve.

    Services count when they occurred within the period (local days): the obligations — at least one
    service for every labourer wanting work, three for every zero-employment household, three job
    recommendations per labourer — are checked period by period.
    """
    p = period_of(period)
    if principal.role not in (Role.admin, Role.sending):
        raise Forbidden("服务情况报表仅供输出地和管理员查看")
    in_scope = _sending_scope(Seeker.owner_region_code, principal, partners_may_read=False)
    svc = _service_counts(
        p, _sending_scope(ServiceRecord.owner_region_code, principal, partners_may_read=False)
    )
    services_n = func.coalesce(svc.c.services, 0)
    recs_n = func.coalesce(svc.c.recommendations, 0)
    listed = and_(Seeker.deleted_at.is_(None), Seeker.created_at < p.end, in_scope)
    zero = Seeker.tags_text.like(f"%,{ZERO_EMPLOYMENT_TAG},%")

    wanting_rows = session.execute(
        select(
            Seeker.owner_region_code,
            func.count(),
            func.sum(case((services_n > 0, 1), else_=0)),
            func.sum(case((recs_n < MIN_RECOMMENDATIONS, 1), else_=0)),
        )
        .select_from(Seeker)
        .outerjoin(svc, svc.c.seeker_id == Seeker.id)
        .where(listed, Seeker.wants_work.is_(True))
        .group_by(Seeker.owner_region_code)
    ).all()

    households = (
        select(
            Seeker.owner_region_code.label("region_code"),
            _household_key().label("household"),
            func.sum(services_n).label("services"),
        )
        .select_from(Seeker)
        .outerjoin(svc, svc.c.seeker_id == Seeker.id)
        .where(listed, zero)
        .group_by(Seeker.owner_region_code, _household_key())
        .subquery("hh")
    )
    household_rows = session.execute(
        select(
            households.c.region_code,
            func.count(),
            func.sum(case((households.c.services >= MIN_HOUSEHOLD_SERVICES, 1), else_=0)),
        ).group_by(households.c.region_code)
    ).all()

    per_region: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ServicesTotals.model_fields, 0))
    for code, wanting, served, under3 in wanting_rows:
        row = per_region[code]
        row.update(
            seekers_wanting_work=wanting,
            seekers_served=int(served or 0),
            seekers_not_served=wanting - int(served or 0),
            seekers_under_3_recommendations=int(under3 or 0),
        )
    for code, n_households, served3 in household_rows:
        per_region[code].update(
            zero_employment_households=n_households, zero_employment_households_served_3=int(served3 or 0)
        )
    names = _names(session, set(per_region))
    rows = [
        ServicesRow(region_code=code, region_name=names.get(code, code), **per_region[code])
        for code in sorted(per_region)
    ]
    totals = ServicesTotals(**{f: sum(getattr(r, f) for r in rows) for f in ServicesTotals.model_fields})

    shortfalls, shortfalls_total = _shortfalls(
        session=session,
        svc=svc,
        households=households,
        listed=listed,
        zero=zero,
        limit=shortfall_limit,
    )
    return ServicesReport(
        period=p.label,
        first_day=p.first_day,
        last_day=p.last_day,
        rows=rows,
        totals=totals,
        shortfalls=shortfalls,
        shortfalls_total=shortfalls_total,
        shortfalls_truncated=shortfalls_total > len(shortfalls),
        generated_at=utcnow().astimezone(local_zone()),
    )


def _shortfalls(
    *,
    session: Session,
    svc: Any,
    households: Any,
    listed: ColumnElement[bool],
    zero: ColumnElement[bool],
    limit: int,
) -> tuple[list[Shortfall], int]:
    services_n = func.coalesce(svc.c.services, 0)
    recs_n = func.coalesce(svc.c.recommendations, 0)
    wants = Seeker.wants_work.is_(True)
    no_service = and_(wants, services_n == 0)
    few_recs = and_(wants, recs_n < MIN_RECOMMENDATIONS)
    household_short = and_(zero, households.c.services < MIN_HOUSEHOLD_SERVICES)
    short = or_(no_service, few_recs, household_short)

    base: Select[Any] = (
        select(
            Seeker.id,
            Seeker.external_id,
            Seeker.name,
            Seeker.owner_region_code,
            Seeker.household_id,
            Seeker.wants_work,
            zero.label("zero"),
            services_n.label("services"),
            recs_n.label("recommendations"),
            households.c.services.label("household_services"),
        )
        .select_from(Seeker)
        .outerjoin(svc, svc.c.seeker_id == Seeker.id)
        .outerjoin(
            households,
            and_(
                zero,
                households.c.region_code == Seeker.owner_region_code,
                households.c.household == _household_key(),
            ),
        )
        .where(listed, short)
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    found = session.execute(
        base.order_by(Seeker.owner_region_code, _household_key(), Seeker.external_id).limit(limit)
    ).all()
    out: list[Shortfall] = []
    for r in found:
        is_zero = bool(r.zero)
        missing: list[ShortfallKind] = []
        if r.wants_work and r.services == 0:
            missing.append("no_service")
        if r.wants_work and r.recommendations < MIN_RECOMMENDATIONS:
            missing.append("under_3_recommendations")
        hh = int(r.household_services or 0) if is_zero else None
        if hh is not None and hh < MIN_HOUSEHOLD_SERVICES:
            missing.append("household_under_3_services")
        out.append(
            Shortfall(
                seeker_id=r.id,
                external_id=r.external_id,
                name_masked=mask_name(r.name),
                region_code=r.owner_region_code,
                household_id=r.household_id,
                wants_work=bool(r.wants_work),
                zero_employment=is_zero,
                services=int(r.services),
                recommendations=int(r.recommendations),
                household_services=hh,
                missing=missing,
                missing_text="；".join(_missing_text(m, r.recommendations, hh) for m in missing),
            )
        )
    return out, total


def _missing_text(kind: str, recommendations: int, household_services: int | None) -> str:
    if kind == "under_3_recommendations":
        return f"{SHORTFALL_TEXT[kind]}（已推荐{int(recommendations)}个）"
    if kind == "household_under_3_services":
        return f"{SHORTFALL_TEXT[kind]}（已服务{household_services or 0}次）"
    return SHORTFALL_TEXT[kind]


# --- training needs ---------------------------------------------------------------------------------


def training_needs(*, session: Session, principal: Principal, month: str) -> TrainingNeedsReport:
    """The monthly 培训需求清单: labourers wanting work per county and training need, as of month end.

    A labourer counts in a month when the record was last updated by the end of that month; the
    service keeps no history of earlier versions, so a record changed later cannot say what it held.
    """
    p = month_of(month)
    in_scope = _sending_scope(Seeker.owner_region_code, principal, partners_may_read=True)
    if session.get_bind().dialect.name == "postgresql":
        need = func.json_array_elements_text(Seeker.training_needs).table_valued("value").alias("need")
    else:
        need = func.json_each(Seeker.training_needs).table_valued("value").alias("need")
    label = func.trim(need.c.value)
    filters = (
        Seeker.deleted_at.is_(None),
        Seeker.wants_work.is_(True),
        Seeker.updated_at < p.end,
        in_scope,
        label != "",
    )
    counted = session.execute(
        select(Seeker.owner_region_code, label.label("need"), func.count(distinct(Seeker.id)))
        .select_from(Seeker)
        .join(need, true())
        .where(*filters)
        .group_by(Seeker.owner_region_code, label)
    ).all()
    per_region_seekers = session.execute(
        select(Seeker.owner_region_code, func.count(distinct(Seeker.id)))
        .select_from(Seeker)
        .join(need, true())
        .where(*filters)
        .group_by(Seeker.owner_region_code)
    ).all()
    names = _names(session, {c for c, _, _ in counted})
    rows = sorted(
        (
            TrainingNeedRow(region_code=c, region_name=names.get(c, c), training_need=n, seekers=k)
            for c, n, k in counted
        ),
        key=lambda r: (r.region_code, -r.seekers, r.training_need),
    )
    by_need_counts: dict[str, int] = defaultdict(int)
    for r in rows:
        by_need_counts[r.training_need] += r.seekers
    by_need = [
        TrainingNeedTotal(training_need=n, seekers=k)
        for n, k in sorted(by_need_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    by_region = [
        TrainingRegionTotal(region_code=c, region_name=names.get(c, c), seekers=k)
        for c, k in sorted(per_region_seekers)
    ]
    return TrainingNeedsReport(
        month=p.label,
        as_of=p.last_day,
        rows=rows,
        by_need=by_need,
        by_region=by_region,
        total_seekers=sum(r.seekers for r in by_region),
        generated_at=utcnow().astimezone(local_zone()),
    )
