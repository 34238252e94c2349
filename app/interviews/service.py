"""Interviews (远程面试): booking without double booking, reschedule, outcome, calendars."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, exists, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.principal import Principal, Role
from app.core.paging import PageParams, paginate
from app.core.problems import Conflict, NotFound
from app.db import utcnow
from app.employers.models import Job
from app.exchanges import service as exchanges
from app.exchanges import statemachine as sm
from app.exchanges.models import Match
from app.interviews.models import Interview, InterviewSlot
from app.interviews.schemas import InterviewCreate, InterviewOut, InterviewPatch

SLOT_MINUTES = 15
FEED_LIMIT = 2000


# -- slots: the database-enforced no-overlap rule -------------------------------------------------------
def slots(starts_at: datetime, ends_at: datetime) -> range:
    """15-minute slots covered, start rounded down and end rounded up to slot boundaries."""
    first = math.floor(starts_at.timestamp() / 60 / SLOT_MINUTES)
    last = math.ceil(ends_at.timestamp() / 60 / SLOT_MINUTES)
    return range(first, max(last, first + 1))


def interviewer_key(name: str) -> str:
    # "张 经理", "张经理" and full-width variants are one person to a clerk.
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(folded.split())


def _resources(iv: Interview) -> tuple[str, str]:
    return (
        f"seeker:{iv.seeker_id}",
        f"interviewer:{iv.receiving_region_code}:{interviewer_key(iv.interviewer)}",
    )


def _claim(session: Session, iv: Interview) -> None:
    """Check the slots are free (for a precise message), then insert them; the unique constraint decides races."""
    seeker_res, interviewer_res = _resources(iv)
    wanted = list(slots(iv.starts_at, iv.ends_at))
    taken = set(
        session.scalars(
            select(InterviewSlot.resource).where(
                InterviewSlot.resource.in_([seeker_res, interviewer_res]),
                InterviewSlot.slot.in_(wanted),
                InterviewSlot.interview_id != iv.id,
            )
        )
    )
    if seeker_res in taken:
        raise Conflict("该求职者在这一时段已有面试安排", extra={"conflict": "seeker"})
    if interviewer_res in taken:
        raise Conflict("该面试官在这一时段已有面试安排", extra={"conflict": "interviewer"})
    rows = [
        {"resource": r, "slot": s, "interview_id": iv.id}
        for r in (seeker_res, interviewer_res)
        for s in wanted
    ]
    try:
        session.execute(insert(InterviewSlot), rows)
        session.flush()
    except IntegrityError:
        # Another booking of the same slot committed between our check and our insert.
        raise Conflict("该时段刚被其他预约占用，请另选时间", extra={"conflict": "slot"}) from None


def _release(session: Session, iv: Interview) -> None:
    session.execute(delete(InterviewSlot).where(InterviewSlot.interview_id == iv.id))


# -- scoping ----------------------------------------------------------------------------------------------
def _scoped(stmt: Select[Any], principal: Principal) -> Select[Any]:
    """Receiving and scheduler see their region's interviews, sending those of its labourers, admin all."""
    if principal.role is Role.admin:
        return stmt
    if principal.role is Role.sending:
        return stmt.where(Interview.sending_region_code == principal.region_code)
    return stmt.where(Interview.receiving_region_code == principal.region_code)


def get_interview(*, session: Session, principal: Principal, interview_id: str) -> Interview:
    found = session.scalar(_scoped(select(Interview).where(Interview.id == interview_id), principal))
    if found is None:
        raise NotFound("面试不存在")
    return found


def list_interviews(
    *,
    session: Session,
    principal: Principal,
    params: PageParams,
    start: datetime | None,
    end: datetime | None,
    status: str | None,
    match_id: str | None = None,
) -> tuple[list[Interview], str | None]:
    stmt = _filtered(_scoped(select(Interview), principal), start, end, status)
    if match_id:
        stmt = stmt.where(Interview.match_id == match_id)
    return paginate(session, stmt, updated_at=Interview.updated_at, id_col=Interview.id, params=params)


def _filtered(
    stmt: Select[Any], start: datetime | None, end: datetime | None, status: str | None
) -> Select[Any]:
    if start is not None:
        stmt = stmt.where(Interview.ends_at > start)
    if end is not None:
        stmt = stmt.where(Interview.starts_at < end)
    if status:
        stmt = stmt.where(Interview.status == status)
    return stmt


def feed(
    *, session: Session, principal: Principal, start: datetime | None, end: datetime | None
) -> list[Interview]:
    """Interviews for a calendar feed, by start time; 30 days back to 180 ahead unless a range is given."""
    now = utcnow()
    start = start or now - timedelta(days=30)
    end = end or now + timedelta(days=180)
    stmt = _filtered(_scoped(select(Interview), principal), start, end, None)
    return list(session.scalars(stmt.order_by(Interview.starts_at, Interview.id).limit(FEED_LIMIT)))


# -- writes -----------------------------------------------------------------------------------------------
def book(*, session: Session, principal: Principal, data: InterviewCreate) -> Interview:
    """Book an interview on an agreed match; a booked ``accepted`` match moves to ``interviewing``."""
    match, exchange = exchanges.match_for_booking(
        session=session, principal=principal, match_id=data.match_id
    )
    iv = Interview(
        match_id=match.id,
        exchange_id=exchange.id,
        seeker_id=match.seeker_id,
        sending_region_code=exchange.sending_region_code,
        receiving_region_code=exchange.receiving_region_code,
        mode=data.mode,
        starts_at=data.starts_at,
        ends_at=data.starts_at + timedelta(minutes=data.duration_minutes),
        duration_minutes=data.duration_minutes,
        interviewer=data.interviewer.strip(),
        meeting_url=data.meeting_url,
        location=data.location,
        status="scheduled",
        note=data.note,
        sequence=0,
        created_by=principal.id,
    )
    session.add(iv)
    session.flush()
    _claim(session, iv)
    sm.record_start(
        session=session,
        machine=sm.INTERVIEW,
        subject_id=iv.id,
        state="scheduled",
        principal=principal,
        note=data.note,
    )
    exchanges.on_interview_booked(session=session, principal=principal, match=match)
    session.flush()
    return iv


def patch(*, session: Session, principal: Principal, interview: Interview, data: InterviewPatch) -> Interview:
    fields = data.model_dump(exclude_unset=True)
    if data.status is not None:
        return _finish(session=session, principal=principal, iv=interview, data=data)
    if interview.status != "scheduled":
        raise sm.illegal(sm.INTERVIEW, interview.status, "scheduled")
    moved = {"starts_at", "duration_minutes", "interviewer"} & fields.keys()
    for name in ("mode", "meeting_url", "location", "note"):
        if name in fields:
            setattr(interview, name, fields[name])
    if "interviewer" in fields and fields["interviewer"] is not None:
        interview.interviewer = fields["interviewer"].strip()
    if fields.get("starts_at") is not None:
        interview.starts_at = fields["starts_at"]
    if fields.get("duration_minutes") is not None:
        interview.duration_minutes = fields["duration_minutes"]
    if moved:
        interview.ends_at = interview.starts_at + timedelta(minutes=interview.duration_minutes)
        interview.sequence += 1
        _release(session, interview)
        session.flush()
        _claim(session, interview)
        sm.transition(
            session=session,
            machine=sm.INTERVIEW,
            subject=interview,
            to_state="scheduled",
            principal=principal,
            note=data.note or "改期",
        )
    elif fields:
        # Details (link, place) changed: calendars still need to pick the update up.
        interview.sequence += 1
    session.flush()
    return interview


def _finish(*, session: Session, principal: Principal, iv: Interview, data: InterviewPatch) -> Interview:
    assert data.status is not None
    if iv.status == data.status and (data.status != "completed" or iv.outcome == data.outcome):
        return iv  # a retried PATCH: already done
    sm.transition(
        session=session,
        machine=sm.INTERVIEW,
        subject=iv,
        to_state=data.status,
        principal=principal,
        note=data.note,
    )
    if data.note is not None:
        iv.note = data.note
    _release(session, iv)
    if data.status == "cancelled":
        iv.sequence += 1
    session.flush()
    if data.status == "completed":
        iv.outcome = data.outcome
        others = session.scalar(
            select(
                exists().where(
                    Interview.match_id == iv.match_id, Interview.status == "scheduled", Interview.id != iv.id
                )
            )
        )
        match = session.get_one(Match, iv.match_id)
        exchanges.on_interview_outcome(
            session=session,
            principal=principal,
            match=match,
            passed=data.outcome == "passed",
            others_scheduled=bool(others),
        )
    session.flush()
    return iv


def cancel_for_match(*, session: Session, principal: Principal, match_id: str, note: str | None) -> None:
    """A settled match needs no interviews any more: cancel those still scheduled and free their slots."""
    for iv in session.scalars(
        select(Interview).where(Interview.match_id == match_id, Interview.status == "scheduled")
    ).all():
        sm.transition(
            session=session,
            machine=sm.INTERVIEW,
            subject=iv,
            to_state="cancelled",
            principal=principal,
            note=note or "推荐已办结，面试取消",
            by_rule=True,
        )
        iv.sequence += 1
        _release(session, iv)


# -- views ------------------------------------------------------------------------------------------------
def views(
    *, session: Session, interviews: Sequence[Interview], with_history: bool = False
) -> list[InterviewOut]:
    names = exchanges.seeker_names(session=session, seeker_ids=[iv.seeker_id for iv in interviews])
    match_ids = list({iv.match_id for iv in interviews})
    titles: dict[str, str] = (
        dict(
            session.execute(
                select(Match.id, Job.title).join(Job, Job.id == Match.job_id).where(Match.id.in_(match_ids))
            )
            .tuples()
            .all()
        )
        if match_ids
        else {}
    )
    out = []
    for iv in interviews:
        out.append(
            InterviewOut(
                id=iv.id,
                match_id=iv.match_id,
                exchange_id=iv.exchange_id,
                seeker_id=iv.seeker_id,
                seeker_name=names.get(iv.seeker_id, ""),
                job_title=titles.get(iv.match_id, ""),
                mode=iv.mode,  # type: ignore[arg-type]
                starts_at=iv.starts_at,
                ends_at=iv.ends_at,
                duration_minutes=iv.duration_minutes,
                interviewer=iv.interviewer,
                meeting_url=iv.meeting_url,
                location=iv.location,
                status=iv.status,  # type: ignore[arg-type]
                outcome=iv.outcome,  # type: ignore[arg-type]
                note=iv.note,
                sequence=iv.sequence,
                history=exchanges.history_rows(session=session, machine=sm.INTERVIEW, subject_id=iv.id)
                if with_history
                else None,
                created_at=iv.created_at,
                updated_at=iv.updated_at,
            )
        )
    return out
