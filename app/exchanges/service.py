"""三来三往: exchanges, their lists, match runs and matches; every step a recorded state change."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, TypeVarTuple

from sqlalchemy import JSON, Select, String, Text, any_, bindparam, cast, delete, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.auth.principal import Principal, Role
from app.config import get_settings
from app.core import audit, pii
from app.core.fastjson import Fragment, json_list_fragment
from app.core.paging import PageParams, cut_page, paginate, window, window_params
from app.core.problems import Conflict, Invalid, NotFound, invalid_field
from app.db import local_zone, new_id, utcnow
from app.employers.models import Employer, Job
from app.exchanges import statemachine as sm
from app.exchanges.models import Exchange, ExchangeJob, ExchangeSeeker, Match, MatchRun
from app.exchanges.schemas import (
    CountOut,
    DemandSummaryOut,
    ExchangeCreate,
    HistoryOut,
    MatchOut,
    MatchPatch,
    PhraseOut,
    SeekerFullOut,
    SeekerMaskedOut,
)
from app.matching.lexicon import get_lexicon
from app.matching.score import JobIn, SeekerIn, rank
from app.partnerships import service as partnerships
from app.placements import service as placements
from app.placements.models import ServiceRecord
from app.regions import service as regions
from app.seekers.models import Seeker

_Ts = TypeVarTuple("_Ts")
SETTLED = frozenset({"hired", "declined", "rejected", "withdrawn"})
# Only these states get interviews booked: the labourer agreed and nothing is final yet.
BOOKABLE = frozenset({"accepted", "interviewing", "offered"})
PHONE_CONTEXT = "seeker.phone"
_CHUNK = 2000


def local_today() -> date:
    return datetime.now(local_zone()).date()


# -- scoping ----------------------------------------------------------------------------------------
def _exchange_scope(role: Role, region: Any) -> list[ColumnElement[bool]]:
    """Sending sees its outgoing exchanges, receiving and scheduler the incoming ones, admin all.

    ``region`` is the caller's region code, or a bind parameter in a statement built once for all."""
    if role is Role.admin:
        return []
    if role is Role.sending:
        return [Exchange.sending_region_code == region]
    return [Exchange.receiving_region_code == region]


def _match_scope(role: Role, region: Any) -> list[ColumnElement[bool]]:
    """Matches of the caller's exchanges (Exchange joined); a scheduler only those the labourer agreed to."""
    clauses = _exchange_scope(role, region)
    if role is Role.scheduler:
        clauses.append(Match.accepted_at.is_not(None))
    return clauses


def _scoped(stmt: Select[*_Ts], principal: Principal) -> Select[*_Ts]:
    return stmt.where(*_exchange_scope(principal.role, principal.region_code))


def _scoped_matches(stmt: Select[*_Ts], principal: Principal) -> Select[*_Ts]:
    stmt = stmt.join(Exchange, Exchange.id == Match.exchange_id)
    return stmt.where(*_match_scope(principal.role, principal.region_code))


# -- exchanges --------------------------------------------------------------------------------------
def get_exchange(*, session: Session, principal: Principal, exchange_id: str) -> Exchange:
    found = session.scalar(_scoped(select(Exchange).where(Exchange.id == exchange_id), principal))
    if found is None:
        raise NotFound("对接不存在")
    return found


def create_exchange(*, session: Session, principal: Principal, data: ExchangeCreate) -> Exchange:
    """Step 1 来: the sending county sends its 求职清单 to a partner."""
    regions.check_codes(
        session=session, codes=[data.receiving_region_code], loc=["body", "receiving_region_code"]
    )
    assert principal.region_code is not None
    partnership = partnerships.active_partnership(
        session=session, receiving=data.receiving_region_code, sending=principal.region_code
    )
    if partnership is None:
        raise Conflict("两地之间没有有效的结对关系")
    wanted = set(data.seeker_ids)
    own = set(
        session.scalars(
            select(Seeker.id).where(
                Seeker.id.in_(wanted),
                Seeker.owner_region_code == principal.region_code,
                Seeker.deleted_at.is_(None),
            )
        )
    )
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, sid in enumerate(data.seeker_ids):
        if sid not in own:
            errors.append(
                {"loc": ["body", "seeker_ids", i], "msg": "求职者不存在或不属于本县", "type": "not_found"}
            )
        elif sid in seen:
            errors.append({"loc": ["body", "seeker_ids", i], "msg": "求职者重复", "type": "duplicate"})
        seen.add(sid)
    if errors:
        where = "、".join(str(e["loc"][2]) for e in errors[:10])
        raise Invalid(f"求职清单第 {where} 项无效", errors=errors)
    exchange = Exchange(
        id=new_id(),
        sending_region_code=principal.region_code,
        receiving_region_code=data.receiving_region_code,
        partnership_id=partnership.id,
        title=data.title,
        state="seekers_sent",
        created_by=principal.id,
    )
    session.add(exchange)
    session.flush()
    session.execute(
        insert(ExchangeSeeker),
        [
            {"exchange_id": exchange.id, "seeker_id": sid, "position": i}
            for i, sid in enumerate(data.seeker_ids)
        ],
    )
    sm.record_start(
        session=session,
        machine=sm.EXCHANGE,
        subject_id=exchange.id,
        state="seekers_sent",
        principal=principal,
        note=f"报送求职清单 {len(data.seeker_ids)} 人",
    )
    session.flush()
    return exchange


def list_exchanges(
    *, session: Session, principal: Principal, params: PageParams, state: str | None
) -> tuple[list[Exchange], str | None]:
    stmt = _scoped(select(Exchange), principal)
    if state:
        stmt = stmt.where(Exchange.state == state)
    return paginate(session, stmt, updated_at=Exchange.updated_at, id_col=Exchange.id, params=params)


def list_counts(*, session: Session, exchange_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(seekers on the list, jobs on the supply list) per exchange."""
    if not exchange_ids:
        return {}
    seekers = dict(
        session.execute(
            select(ExchangeSeeker.exchange_id, func.count())
            .where(ExchangeSeeker.exchange_id.in_(exchange_ids))
            .group_by(ExchangeSeeker.exchange_id)
        )
        .tuples()
        .all()
    )
    jobs = dict(
        session.execute(
            select(ExchangeJob.exchange_id, func.count())
            .where(ExchangeJob.exchange_id.in_(exchange_ids))
            .group_by(ExchangeJob.exchange_id)
        )
        .tuples()
        .all()
    )
    return {e: (seekers.get(e, 0), jobs.get(e, 0)) for e in exchange_ids}


def history_rows(*, session: Session, machine: sm.Machine, subject_id: str) -> list[HistoryOut]:
    return [
        HistoryOut.model_validate(h)
        for h in sm.history(session=session, machine=machine, subject_id=subject_id)
    ]


def exchange_history(*, session: Session, exchange: Exchange) -> list[HistoryOut]:
    return history_rows(session=session, machine=sm.EXCHANGE, subject_id=exchange.id)


def match_history(*, session: Session, match: Match) -> list[HistoryOut]:
    return history_rows(session=session, machine=sm.MATCH, subject_id=match.id)


def _require_state(exchange: Exchange, *states: str) -> None:
    if exchange.state not in states:
        raise sm.out_of_order(sm.EXCHANGE, exchange.state)


def _touch(session: Session, exchange: Exchange) -> None:
    # A version bump taken before the work: two concurrent steps on one exchange serialise on the row,
    # and the later one fails with 412 instead of both acting on the same state.
    exchange.updated_at = utcnow()
    session.flush()


def supply_jobs(
    *, session: Session, principal: Principal, exchange: Exchange, job_ids: Sequence[str]
) -> Exchange:
    """Step 1 往: the receiving region answers with its own open jobs; may be repeated to add jobs."""
    _require_state(exchange, "seekers_sent", "jobs_supplied")
    wanted = set(job_ids)
    own = set(
        session.scalars(
            select(Job.id).where(
                Job.id.in_(wanted),
                Job.owner_region_code == principal.region_code,
                Job.status == "open",
                Job.deleted_at.is_(None),
            )
        )
    )
    bad = [(i, jid) for i, jid in enumerate(job_ids) if jid not in own]
    if bad:
        raise Invalid(
            "岗位不存在、不属于本地区或未在招：" + "、".join(jid for _, jid in bad[:10]),
            errors=[
                {
                    "loc": ["body", "job_ids", i],
                    "msg": f"岗位 {jid} 不存在、不属于本地区或未在招",
                    "type": "not_found",
                }
                for i, jid in bad
            ],
        )
    _touch(session, exchange)
    already = set(
        session.scalars(
            select(ExchangeJob.job_id).where(
                ExchangeJob.exchange_id == exchange.id, ExchangeJob.job_id.in_(wanted)
            )
        )
    )
    new = [jid for jid in dict.fromkeys(job_ids) if jid not in already]
    if new:
        now = utcnow()
        session.execute(
            insert(ExchangeJob), [{"exchange_id": exchange.id, "job_id": jid, "added_at": now} for jid in new]
        )
    sm.transition(
        session=session,
        machine=sm.EXCHANGE,
        subject=exchange,
        to_state="jobs_supplied",
        principal=principal,
        note=f"岗位供给清单新增 {len(new)} 个岗位",
    )
    session.flush()
    return exchange


def end_exchange(
    *, session: Session, principal: Principal, exchange: Exchange, to_state: str, note: str | None
) -> Exchange:
    """Close or cancel by hand; whatever is still open is withdrawn so nothing dangles."""
    if exchange.state in sm.EXCHANGE.terminal or not sm.EXCHANGE.allowed(exchange.state, to_state):
        if to_state == "closed" and exchange.state == "seekers_sent":
            raise Conflict("当前状态为 seekers_sent，尚无岗位与推荐，不能关闭；如需终止请取消（cancel）")
        raise sm.out_of_order(sm.EXCHANGE, exchange.state)
    _touch(session, exchange)
    label = "对接关闭" if to_state == "closed" else "对接取消"
    open_matches = session.scalars(
        select(Match).where(Match.exchange_id == exchange.id, Match.status.not_in(SETTLED))
    ).all()
    for m in open_matches:
        _move_match(
            session=session, principal=principal, match=m, to_state="withdrawn", note=label, by_rule=True
        )
    sm.transition(
        session=session,
        machine=sm.EXCHANGE,
        subject=exchange,
        to_state=to_state,
        principal=principal,
        note=note,
    )
    session.flush()
    return exchange


# -- the seekers of an exchange ------------------------------------------------------------------------
def list_exchange_seekers(
    *, session: Session, exchange: Exchange, params: PageParams
) -> tuple[list[Seeker], str | None]:
    stmt = (
        select(Seeker)
        .join(ExchangeSeeker, ExchangeSeeker.seeker_id == Seeker.id)
        .where(ExchangeSeeker.exchange_id == exchange.id)
    )
    return paginate(session, stmt, updated_at=Seeker.updated_at, id_col=Seeker.id, params=params)


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _phone(seeker: Seeker) -> str | None:
    if not seeker.phone_enc:
        return None
    try:
        return pii.decrypt(seeker.phone_enc, context=PHONE_CONTEXT)
    except pii.DecryptionError:
        # Better a missing phone than a 500 for the whole list; the masked value is still stored.
        return None


def sees_full(principal: Principal) -> bool:
    """The sending county (owner) and admin see full records; the receiving side only masked ones."""
    return principal.role in (Role.sending, Role.admin)


# The seeker columns views read: the list endpoints load these, not whole rows (no ciphertexts unless
# the phone is to be shown).
_SEEKER_VIEW_COLUMNS = (
    Seeker.id,
    Seeker.name,
    Seeker.gender,
    Seeker.birth_date,
    Seeker.hukou_region_code,
    Seeker.education,
    Seeker.skills,
    Seeker.certificates,
    Seeker.desired_occupations,
    Seeker.occupation_codes,
    Seeker.wants_work,
    Seeker.mobility,
    Seeker.preferred_region_codes,
    Seeker.expected_salary,
    Seeker.needs_housing,
    Seeker.available_from,
    Seeker.employment_status,
    Seeker.training_needs,
    Seeker.external_id,
    Seeker.id_number_masked,
    Seeker.household_id,
    Seeker.tags,
)


def _as_list(value: Any) -> list[Any]:
    return list(value or [])


def seeker_dicts(
    *,
    session: Session,
    principal: Principal,
    seekers: Sequence[Any],
    lists: Callable[[Any], Any] = _as_list,
) -> list[dict[str, Any]]:
    """Role-appropriate views as plain data (rows or Seeker objects in); every unmasked phone shown is
    written to the audit log. ``lists`` turns a stored JSON list into its output (decoded values, or
    text fragments when the caller read the columns raw)."""
    today = local_today()
    out: list[dict[str, Any]] = []
    full = sees_full(principal)
    shown: list[str] = []
    for s in seekers:
        view: dict[str, Any] = {
            "id": s.id,
            "gender": s.gender,
            "age": _age(s.birth_date, today),
            "hukou_region_code": s.hukou_region_code,
            "education": s.education,
            "skills": lists(s.skills),
            "certificates": lists(s.certificates),
            "desired_occupations": lists(s.desired_occupations),
            "occupation_codes": lists(s.occupation_codes),
            "wants_work": s.wants_work,
            "mobility": s.mobility,
            "preferred_region_codes": lists(s.preferred_region_codes),
            "expected_salary": s.expected_salary,
            "needs_housing": s.needs_housing,
            "available_from": s.available_from,
            "employment_status": s.employment_status,
            "training_needs": lists(s.training_needs),
        }
        if full:
            # As in the seekers domain: only the owning county reads the phone in clear.
            phone = _phone(s) if principal.role is Role.sending else None
            if phone is not None:
                shown.append(s.id)
            view |= {
                "name": s.name,
                "external_id": s.external_id,
                "id_number_masked": s.id_number_masked,
                "phone": phone,
                "birth_date": s.birth_date,
                "household_id": s.household_id,
                "tags": lists(s.tags),
            }
        else:
            view["name"] = pii.mask_name(s.name)
        out.append(view)
    if shown:
        audit.record_read(
            session=session, principal=principal, resource_type="seeker", resource_ids=shown, fields=["phone"]
        )
    return out


def seeker_views(
    *, session: Session, principal: Principal, seekers: Sequence[Seeker]
) -> list[SeekerFullOut | SeekerMaskedOut]:
    model = SeekerFullOut if sees_full(principal) else SeekerMaskedOut
    return [model(**d) for d in seeker_dicts(session=session, principal=principal, seekers=seekers)]


def demand_summary(*, session: Session, exchange: Exchange) -> DemandSummaryOut:
    """What the list asks for, in counts of people; phrases the lexicon missed are listed to teach it."""
    lex = get_lexicon()
    rows = session.execute(
        select(
            Seeker.desired_occupations,
            Seeker.skills,
            Seeker.mobility,
            Seeker.training_needs,
            Seeker.wants_work,
        )
        .join(ExchangeSeeker, ExchangeSeeker.seeker_id == Seeker.id)
        .where(ExchangeSeeker.exchange_id == exchange.id)
    ).all()
    occupations: Counter[tuple[str, str | None]] = Counter()
    skills: Counter[tuple[str, str | None]] = Counter()
    mobility: Counter[str] = Counter()
    training: Counter[str] = Counter()
    unrecognised: Counter[tuple[str, str]] = Counter()
    cache: dict[str, tuple[str, str] | None] = {}

    def recognise(text: str) -> tuple[str, str] | None:
        if text not in cache:
            hits = lex.normalize(text, limit=1)
            cache[text] = (hits[0].code, hits[0].name) if hits and lex.is_recognised(text) else None
        return cache[text]

    wants = 0
    for desired, skill_list, mob, needs, wants_work in rows:
        wants += bool(wants_work)
        mobility[mob] += 1
        for t in {x.strip() for x in needs or [] if x.strip()}:
            training[t] += 1
        for field_name, texts, counter in (
            ("desired_occupations", desired, occupations),
            ("skills", skill_list, skills),
        ):
            seen: set[tuple[str, str | None]] = set()
            for text in {x.strip() for x in texts or [] if x.strip()}:
                hit = recognise(text)
                if hit is None:
                    unrecognised[(text, field_name)] += 1
                key = (
                    (hit[1], hit[0])
                    if hit and field_name == "desired_occupations"
                    else (text, hit[0] if hit else None)
                )
                seen.add(key)
            for key in seen:
                counter[key] += 1

    def counts(counter: Counter[tuple[str, str | None]]) -> list[CountOut]:
        return [
            CountOut(label=k[0], code=k[1], count=n)
            for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0][0]))
        ]

    return DemandSummaryOut(
        exchange_id=exchange.id,
        seekers_total=len(rows),
        wants_work=wants,
        by_desired_occupation=counts(occupations),
        by_skill=counts(skills),
        by_mobility=[
            CountOut(label=k, count=n) for k, n in sorted(mobility.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        by_training_need=[
            CountOut(label=k, count=n) for k, n in sorted(training.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        unrecognised_phrases=[
            PhraseOut(phrase=p, field=f, count=n)  # type: ignore[arg-type]
            for (p, f), n in sorted(unrecognised.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    )


# -- match runs -----------------------------------------------------------------------------------------
def _seeker_in(s: Seeker, wants_work: bool) -> SeekerIn:
    return SeekerIn(
        ref=s.id,
        skills=s.skills or (),
        desired_occupations=s.desired_occupations or (),
        certificates=s.certificates or (),
        hukou_region_code=s.hukou_region_code,
        mobility=s.mobility,  # type: ignore[arg-type]
        preferred_region_codes=s.preferred_region_codes or (),
        expected_salary=s.expected_salary,
        needs_housing=s.needs_housing,
        birth_date=s.birth_date,
        education=s.education,
        tags=s.tags or (),
        wants_work=wants_work,
    )


def _job_in(j: Job) -> JobIn:
    return JobIn(
        ref=j.id,
        title=j.title,
        occupation=j.occupation,
        skills_required=j.skills_required or (),
        region_code=j.region_code,
        salary_min=j.salary_min,
        salary_max=j.salary_max,
        housing_provided=j.housing_provided,
        headcount=j.headcount,
        age_min=j.age_min,
        age_max=j.age_max,
        education_min=j.education_min,
        public_welfare=j.public_welfare,
        meals_provided=j.meals_provided,
    )


def run_matches(*, session: Session, principal: Principal, exchange: Exchange, per_seeker: int) -> MatchRun:
    """Step 2 来: score the list against the supplied jobs with the shared scorer and store the proposals.

    A re-run replaces the proposals nobody acted on (and their service records) and keeps the rest.
    """
    _require_state(exchange, "jobs_supplied", "matched", "recruiting")
    _touch(session, exchange)
    started = utcnow()
    seekers = list(
        session.scalars(
            select(Seeker)
            .join(ExchangeSeeker, ExchangeSeeker.seeker_id == Seeker.id)
            .where(ExchangeSeeker.exchange_id == exchange.id, Seeker.deleted_at.is_(None))
            .order_by(ExchangeSeeker.position)
        )
    )
    jobs = list(
        session.scalars(
            select(Job)
            .join(ExchangeJob, ExchangeJob.job_id == Job.id)
            .where(ExchangeJob.exchange_id == exchange.id, Job.status == "open", Job.deleted_at.is_(None))
            .order_by(Job.id)
        )
    )
    existing = session.execute(
        select(Match.seeker_id, Match.job_id, Match.status).where(Match.exchange_id == exchange.id)
    ).all()
    kept_pairs = {(s, j) for s, j, st in existing if st != "proposed"}
    kept_per_seeker = Counter(s for s, _ in kept_pairs)
    hired = {s for s, _, st in existing if st == "hired"}
    replaced = sum(1 for *_, st in existing if st == "proposed")

    t0 = time.perf_counter()
    # Ask for enough that the pairs already kept can be skipped and still leave ``per_seeker`` new ones.
    extra = max(kept_per_seeker.values(), default=0)
    results = rank(
        [_seeker_in(s, s.wants_work and s.id not in hired) for s in seekers],
        [_job_in(j) for j in jobs],
        per_seeker + extra,
        today=local_today(),
        capacity_multiple=get_settings().match_capacity_multiple,
    )
    scoring_ms = int((time.perf_counter() - t0) * 1000)

    t1 = time.perf_counter()
    run = MatchRun(
        id=new_id(),
        exchange_id=exchange.id,
        status="running",
        per_seeker=per_seeker,
        seekers_count=len(seekers),
        jobs_count=len(jobs),
        started_at=started,
        created_by=principal.id,
    )
    session.add(run)
    proposed = select(Match.id).where(Match.exchange_id == exchange.id, Match.status == "proposed")
    session.execute(delete(ServiceRecord).where(ServiceRecord.match_id.in_(proposed)))
    session.execute(delete(Match).where(Match.exchange_id == exchange.id, Match.status == "proposed"))

    now = utcnow()
    owner = {s.id: s.owner_region_code for s in seekers}
    titles = {j.id: j.title for j in jobs}
    match_rows: list[dict[str, Any]] = []
    service_rows: list[dict[str, Any]] = []
    without = 0
    for s, res in zip(seekers, results, strict=True):
        picked = [m for m in res.matches if (s.id, m.job_ref) not in kept_pairs][:per_seeker]
        if s.wants_work and s.id not in hired and not picked and not kept_per_seeker.get(s.id):
            without += 1
        for position, m in enumerate(picked, start=1):
            mid = new_id()
            match_rows.append(
                {
                    "id": mid,
                    "exchange_id": exchange.id,
                    "run_id": run.id,
                    "seeker_id": s.id,
                    "job_id": m.job_ref,
                    "score": m.score,
                    "rank": position,
                    "components": m.components,
                    "reasons": m.reasons,
                    "status": "proposed",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            service_rows.append(
                {
                    "id": new_id(),
                    "seeker_id": s.id,
                    "owner_region_code": owner[s.id],
                    "kind": "recommendation",
                    "occurred_at": now,
                    "note": f"匹配推荐岗位：{titles[m.job_ref]}",
                    "source": "match_run",
                    "match_id": mid,
                    "created_by": principal.id,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    try:
        for i in range(0, len(match_rows), _CHUNK):
            session.execute(insert(Match), match_rows[i : i + _CHUNK])
        for i in range(0, len(service_rows), _CHUNK):
            session.execute(insert(ServiceRecord), service_rows[i : i + _CHUNK])
        session.flush()
    except IntegrityError:
        raise Conflict("匹配期间推荐被他人修改，请重试") from None

    run.status = "succeeded"
    run.created_count = len(match_rows)
    run.replaced_count = replaced
    run.kept_count = len(kept_pairs)
    run.seekers_without_match = without
    run.finished_at = utcnow()
    run.scoring_ms = scoring_ms
    run.writing_ms = int((time.perf_counter() - t1) * 1000)
    to_state = "matched" if exchange.state == "jobs_supplied" else exchange.state
    sm.transition(
        session=session,
        machine=sm.EXCHANGE,
        subject=exchange,
        to_state=to_state,
        principal=principal,
        note=f"匹配：新建推荐 {len(match_rows)} 条，替换 {replaced} 条，保留 {len(kept_pairs)} 条",
    )
    session.flush()
    return run


def get_match_run(*, session: Session, exchange: Exchange, run_id: str) -> MatchRun:
    run = session.scalar(select(MatchRun).where(MatchRun.id == run_id, MatchRun.exchange_id == exchange.id))
    if run is None:
        raise NotFound("匹配批次不存在")
    return run


# -- matches ------------------------------------------------------------------------------------------
def get_match(*, session: Session, principal: Principal, match_id: str) -> Match:
    found = session.scalar(_scoped_matches(select(Match).where(Match.id == match_id), principal))
    if found is None:
        raise NotFound("推荐不存在")
    return found


_MATCH_ITEM_COLUMNS = (
    Match.id,
    Match.exchange_id,
    Match.score,
    Match.rank,
    Match.components,
    Match.reasons,
    Match.status,
    Match.start_date,
    Match.note,
    Match.created_at,
    Match.updated_at,
)
_JOB_SUMMARY_COLUMNS = (
    Job.id,
    Job.title,
    Job.occupation,
    Job.employer_id,
    Job.region_code,
    Job.salary_min,
    Job.salary_max,
    Job.housing_provided,
    Job.meals_provided,
    Job.headcount,
)
# Labels of the item query: match and job columns carry a prefix, seeker columns keep their names
# (the attribute names ``seeker_dicts`` reads).


def _match_item_rows(
    *, session: Session, principal: Principal, ids: Sequence[str], raw_json: bool
) -> list[Any]:
    """The matches with these ids (which the caller may see), each with its seeker (the caller's view)
    and job summary, in the order of ``ids``.

    A page is found first by a query on matches alone, then its rows are read here by id: a single
    statement of fixed shape, so PostgreSQL plans it once per connection. Asked as one five-table join
    with the page's filters, the planner misjudged how many rows a scheduler's filters keep and joined
    and sorted thousands of rows for a page of 100 (7 to 40 ms instead of 1).
    """
    if not ids:
        return []
    dialect = session.get_bind().dialect.name
    stmt = _match_item_base(principal.role is Role.sending, raw_json, dialect == "postgresql")
    # .all() fetches the page in one call; iterating the result would fetch row by row.
    by_id = {r.match_id: r for r in session.connection().execute(stmt, {"ids": list(ids)}).all()}
    return [by_id[i] for i in ids if i in by_id]


def _match_item_columns(with_phone: bool, raw_json: bool, match: Any = None) -> list[Any]:
    """Match, seeker and job columns, in that order (``_match_items`` reads them by position).

    With ``raw_json`` the JSON columns come back as their stored text, to be embedded in the response as
    is rather than parsed and encoded again (a page of 100 holds about 900 small JSON values). The match
    columns come from ``match`` (the columns of a subquery) when given, else from the table.
    """

    def col(c: Any, label: str) -> Any:
        if raw_json and isinstance(c.type, JSON):
            return cast(c, Text).label(label)
        return c.label(label)

    seeker_cols = (*_SEEKER_VIEW_COLUMNS, Seeker.phone_enc) if with_phone else _SEEKER_VIEW_COLUMNS
    return [
        *(col(match[c.key] if match is not None else c, f"match_{c.key}") for c in _MATCH_ITEM_COLUMNS),
        *(col(c, c.key) for c in seeker_cols),
        *(col(c, f"job_{c.key}") for c in _JOB_SUMMARY_COLUMNS),
        Employer.name.label("job_employer_name"),
    ]


def _with_seeker_and_job(
    stmt: Select[Any], seeker_id: Any = Match.seeker_id, job_id: Any = Match.job_id
) -> Select[Any]:
    return (
        stmt.join(Seeker, Seeker.id == seeker_id)
        .join(Job, Job.id == job_id)
        .join(Employer, Employer.id == Job.employer_id)
    )


@lru_cache(maxsize=8)
def _match_item_base(with_phone: bool, raw_json: bool, array_ids: bool) -> Select[Any]:
    """Built once: composing forty labelled columns costs more than running the query. On PostgreSQL the
    ids go as one array (``= ANY``), so the statement's text is the same for every page size.
    """
    ids = (
        Match.id == any_(bindparam("ids", type_=ARRAY(String)))
        if array_ids
        else Match.id.in_(bindparam("ids", expanding=True))
    )
    return _with_seeker_and_job(select(*_match_item_columns(with_phone, raw_json)).select_from(Match)).where(
        ids
    )


_MATCH_FILTERS = ("exchange_id", "status", "seeker_id")


@lru_cache(maxsize=256)
def _match_page_stmt(
    role: Role, filters: tuple[str, ...], since: bool, after: bool, limit: int
) -> Select[Any]:
    """A page of the match list with its items, in one statement; built once per shape of query, its
    values bound (``scope_region``, ``filter_<name>`` and those of ``paging.window``).

    The page, with the match columns it shows, is found first on matches alone, in a MATERIALIZED common
    table expression, then joined to its seekers and jobs by primary key. Asked as one plain five-table
    join with the page's filters, the planner misjudged how many rows a scheduler's filters keep and
    joined and sorted thousands of rows for a page of 100 (7 to 40 ms instead of 1); as two statements it
    cost a second round trip.
    """
    page = select(*_MATCH_ITEM_COLUMNS, Match.seeker_id, Match.job_id).join(
        Exchange, Exchange.id == Match.exchange_id
    )
    page = page.where(*_match_scope(role, bindparam("scope_region")))
    for name in filters:
        page = page.where(getattr(Match, name) == bindparam(f"filter_{name}"))
    found = (
        window(page, updated_at=Match.updated_at, id_col=Match.id, since=since, after=after, limit=limit)
        .cte("page")
        .prefix_with("MATERIALIZED")
    )
    stmt = select(*_match_item_columns(role is Role.sending, raw_json=True, match=found.c)).select_from(found)
    stmt = _with_seeker_and_job(stmt, seeker_id=found.c.seeker_id, job_id=found.c.job_id)
    return stmt.order_by(found.c.updated_at, found.c.id)


def _match_items(
    *, session: Session, principal: Principal, rows: Sequence[Any], raw_json: bool
) -> list[dict[str, Any]]:
    """Rows of ``_match_item_rows`` as the plain data of ``MatchOut`` (history left out).

    Rows are read by position: a Row's attribute lookup costs ten times an index, and a page of 100
    items reads some 4,000 values.
    """
    if not rows:
        return []
    labels: tuple[str, ...] = tuple(rows[0]._fields)
    # The select lays out match, seeker and job columns in that order.
    sid = labels.index("id")
    jid = labels.index("job_id")
    match_keys = tuple(k.removeprefix("match_") for k in labels[:sid])
    seeker_keys = labels[sid:jid]
    job_keys = tuple(k.removeprefix("job_") for k in labels[jid:])
    seekers: dict[str, SimpleNamespace] = {}
    for r in rows:
        if r[sid] not in seekers:
            seekers[r[sid]] = SimpleNamespace(**dict(zip(seeker_keys, r[sid:jid], strict=True)))
    views = dict(
        zip(
            seekers,
            seeker_dicts(
                session=session,
                principal=principal,
                seekers=list(seekers.values()),
                lists=json_list_fragment if raw_json else _as_list,
            ),
            strict=True,
        )
    )
    out = []
    for r in rows:
        d = dict(zip(match_keys, r[:sid], strict=True))
        d["seeker"] = views[r[sid]]
        d["job"] = dict(zip(job_keys, r[jid:], strict=True))
        d["history"] = None
        if raw_json:
            d["components"] = Fragment(d["components"])
            d["reasons"] = json_list_fragment(d["reasons"])
        else:
            d["reasons"] = _as_list(d["reasons"])
        out.append(d)
    return out


def list_match_items(
    *,
    session: Session,
    principal: Principal,
    params: PageParams,
    exchange_id: str | None = None,
    status: str | None = None,
    seeker_id: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of matches as plain data ready for ``json_response`` (JSON columns passed through)."""
    values = dict(zip(_MATCH_FILTERS, (exchange_id, status, seeker_id), strict=True))
    filters = tuple(name for name in _MATCH_FILTERS if values[name])
    bound = window_params(params) | {f"filter_{name}": values[name] for name in filters}
    if principal.role is not Role.admin:
        bound["scope_region"] = principal.region_code
    stmt = _match_page_stmt(
        principal.role, filters, "page_since" in bound, "page_after_id" in bound, params.limit
    )
    rows, cursor = cut_page(
        session.connection().execute(stmt, bound).all(), params.limit, "match_updated_at", "match_id"
    )
    return _match_items(session=session, principal=principal, rows=rows, raw_json=True), cursor


def match_views(
    *, session: Session, principal: Principal, matches: Sequence[Match], with_history: bool = False
) -> list[MatchOut]:
    """The views of the given matches, validated, with each match's history when asked for."""
    rows = _match_item_rows(session=session, principal=principal, ids=[m.id for m in matches], raw_json=False)
    items = _match_items(session=session, principal=principal, rows=rows, raw_json=False)
    by_id = {m.id: m for m in matches}
    out = []
    for d in items:
        if with_history:
            d["history"] = match_history(session=session, match=by_id[d["id"]])
        out.append(MatchOut(**d))
    return out


def _move_match(
    *,
    session: Session,
    principal: Principal,
    match: Match,
    to_state: str,
    note: str | None,
    by_rule: bool = False,
) -> None:
    """One match transition and what follows from it (consent time, freed interview slots)."""
    sm.transition(
        session=session,
        machine=sm.MATCH,
        subject=match,
        to_state=to_state,
        principal=principal,
        note=note,
        by_rule=by_rule,
    )
    if note is not None:
        match.note = note
    if to_state == "accepted":
        match.accepted_at = utcnow()
    if to_state in SETTLED:
        # Deferred import: interviews depend on matches, not the other way round, except for this clean-up.
        from app.interviews import service as interviews

        interviews.cancel_for_match(session=session, principal=principal, match_id=match.id, note=note)


def _advance_exchange(*, session: Session, principal: Principal, exchange: Exchange) -> None:
    """Recruiting once interviews start; closed once every match is settled."""
    if exchange.state == "matched" and session.scalar(
        select(func.count())
        .select_from(Match)
        .where(Match.exchange_id == exchange.id, Match.status == "interviewing")
    ):
        sm.transition(
            session=session,
            machine=sm.EXCHANGE,
            subject=exchange,
            to_state="recruiting",
            principal=principal,
            note="开始组织面试",
            by_rule=True,
        )
    if exchange.state in ("matched", "recruiting"):
        open_count = session.scalar(
            select(func.count())
            .select_from(Match)
            .where(Match.exchange_id == exchange.id, Match.status.not_in(SETTLED))
        )
        if open_count == 0:
            sm.transition(
                session=session,
                machine=sm.EXCHANGE,
                subject=exchange,
                to_state="closed",
                principal=principal,
                note="全部推荐已办结，自动关闭",
                by_rule=True,
            )


def change_match(
    *,
    session: Session,
    principal: Principal,
    match: Match,
    to_state: str,
    note: str | None = None,
    start_date: date | None = None,
    by_rule: bool = False,
) -> Match:
    """A match transition with its consequences: placement on hire, exchange progress."""
    exchange = session.get_one(Exchange, match.exchange_id)
    if exchange.state in sm.EXCHANGE.terminal:
        raise sm.out_of_order(sm.EXCHANGE, exchange.state)
    if to_state == "hired" and start_date is None:
        raise invalid_field(["body", "start_date"], "变更为 hired 时必须填写到岗日期 start_date")
    _move_match(
        session=session, principal=principal, match=match, to_state=to_state, note=note, by_rule=by_rule
    )
    session.flush()
    if to_state == "hired":
        assert start_date is not None
        match.start_date = start_date
        seeker = session.get_one(Seeker, match.seeker_id)
        job = session.get_one(Job, match.job_id)
        employer = session.get_one(Employer, job.employer_id)
        placements.record_hire(
            session=session,
            principal=principal,
            seeker=seeker,
            job=job,
            employer_name=employer.name,
            receiving_region_code=exchange.receiving_region_code,
            match_id=match.id,
            started_on=start_date,
        )
    _advance_exchange(session=session, principal=principal, exchange=exchange)
    session.flush()
    return match


def patch_match(*, session: Session, principal: Principal, match: Match, data: MatchPatch) -> Match:
    if data.status == match.status:
        # A retried PATCH over a flaky network lands on the state it already reached: nothing to do.
        return match
    return change_match(
        session=session,
        principal=principal,
        match=match,
        to_state=data.status,
        note=data.note,
        start_date=data.start_date,
    )


def match_for_booking(*, session: Session, principal: Principal, match_id: str) -> tuple[Match, Exchange]:
    """The match an interview is booked for: in the caller's scope and agreed to by the labourer."""
    match = session.scalar(_scoped_matches(select(Match).where(Match.id == match_id), principal))
    if match is None:
        raise invalid_field(["body", "match_id"], "推荐不存在或不在本地区范围内", "not_found")
    exchange = session.get_one(Exchange, match.exchange_id)
    if exchange.state in sm.EXCHANGE.terminal:
        raise sm.out_of_order(sm.EXCHANGE, exchange.state)
    if match.status not in BOOKABLE:
        raise Conflict(
            f"推荐当前状态为 {match.status}，须劳动者同意（accepted）后才能安排面试",
            extra={"state": match.status},
        )
    return match, exchange


def on_interview_booked(*, session: Session, principal: Principal, match: Match) -> None:
    if match.status == "accepted":
        change_match(
            session=session,
            principal=principal,
            match=match,
            to_state="interviewing",
            note="已安排面试",
            by_rule=True,
        )


def on_interview_outcome(
    *, session: Session, principal: Principal, match: Match, passed: bool, others_scheduled: bool
) -> None:
    """Completing an interview moves its match: passed → offered; failed → rejected unless another is due."""
    if match.status != "interviewing":
        return
    if passed:
        change_match(
            session=session,
            principal=principal,
            match=match,
            to_state="offered",
            note="面试通过",
            by_rule=True,
        )
    elif not others_scheduled:
        change_match(
            session=session,
            principal=principal,
            match=match,
            to_state="rejected",
            note="面试未通过",
            by_rule=True,
        )


def seeker_names(*, session: Session, seeker_ids: Iterable[str]) -> dict[str, str]:
    """Masked names for calendars and other places where PII must not go."""
    ids = list(set(seeker_ids))
    if not ids:
        return {}
    return {
        i: pii.mask_name(n)
        for i, n in session.execute(select(Seeker.id, Seeker.name).where(Seeker.id.in_(ids))).tuples().all()
    }
