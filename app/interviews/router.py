from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Response

import app.core.convertors  # noqa: F401  (registers {x:plainid})
from app.auth.deps import AnyPrincipal, Authenticated, CalendarPrincipal
from app.auth.principal import Principal, Role
from app.core.deps import PageDep, SessionDep
from app.core.etag import check_if_match, set_etag
from app.core.paging import parse_rfc3339
from app.interviews import ics, service
from app.interviews.schemas import (
    InterviewCreate,
    InterviewOut,
    InterviewPage,
    InterviewPatch,
    InterviewStatus,
)

router = APIRouter(tags=["远程面试"])

InterviewId = Annotated[str, Path(max_length=64, description="面试 ID")]
IfMatch = Annotated[str | None, Header(description="上次 GET 返回的 ETag；不一致时返回 412")]
Organiser = Annotated[Principal, Depends(Authenticated(Role.receiving, Role.scheduler, Role.admin))]
From = Annotated[
    str | None,
    Query(
        alias="from",
        max_length=40,
        description="时间范围起点（RFC 3339，含时区）",
        json_schema_extra={"format": "date-time"},
    ),
]
To = Annotated[
    str | None,
    Query(
        alias="to",
        max_length=40,
        description="时间范围终点（RFC 3339，含时区，不含）",
        json_schema_extra={"format": "date-time"},
    ),
]
CALENDAR = "text/calendar; charset=utf-8"
_ICS_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "iCalendar（RFC 5545）",
        "content": {"text/calendar": {"schema": {"type": "string"}}},
    }
}


def _aware(value: str | None, name: str) -> datetime | None:
    return parse_rfc3339(value, ["query", name]) if value is not None else None


@router.post(
    "/v1/interviews", status_code=201, response_model=InterviewOut, summary="安排面试（输入地、调度方）"
)
def book_interview(
    body: InterviewCreate, session: SessionDep, principal: Organiser, response: Response
) -> InterviewOut:
    iv = service.book(session=session, principal=principal, data=body)
    session.commit()
    set_etag(response, iv.id, iv.version)
    return service.views(session=session, interviews=[iv], with_history=True)[0]


# Declared before /v1/interviews/{interview_id}: otherwise "x.ics" would be taken for an interview id.
@router.get(
    "/v1/interviews.ics",
    response_class=Response,
    responses=_ICS_RESPONSE,
    summary="面试日历订阅（iCalendar，可被 Outlook、手机日历订阅）",
)
def interviews_feed(
    session: SessionDep, principal: CalendarPrincipal, start: From = None, end: To = None
) -> Response:
    rows = service.feed(
        session=session, principal=principal, start=_aware(start, "from"), end=_aware(end, "to")
    )
    body = ics.calendar(service.views(session=session, interviews=rows), "劳务协作面试安排")
    return Response(content=body, media_type=CALENDAR)


@router.get(
    "/v1/interviews/{interview_id:plainid}.ics",
    response_class=Response,
    responses=_ICS_RESPONSE,
    summary="单场面试的日历文件（iCalendar）",
)
def interview_ics(interview_id: InterviewId, session: SessionDep, principal: CalendarPrincipal) -> Response:
    iv = service.get_interview(session=session, principal=principal, interview_id=interview_id)
    body = ics.calendar(service.views(session=session, interviews=[iv]), "劳务协作面试")
    return Response(
        content=body,
        media_type=CALENDAR,
        headers={"Content-Disposition": f'attachment; filename="interview-{iv.id}.ics"'},
    )


@router.get("/v1/interviews", response_model=InterviewPage, summary="列出面试")
def list_interviews(
    session: SessionDep,
    principal: AnyPrincipal,
    page: PageDep,
    start: From = None,
    end: To = None,
    status: Annotated[InterviewStatus | None, Query(description="按状态筛选")] = None,
    match_id: Annotated[str | None, Query(max_length=32, description="只看该推荐的面试")] = None,
) -> InterviewPage:
    rows, cursor = service.list_interviews(
        session=session,
        principal=principal,
        params=page,
        start=_aware(start, "from"),
        end=_aware(end, "to"),
        status=status,
        match_id=match_id,
    )
    return InterviewPage(items=service.views(session=session, interviews=rows), next_cursor=cursor)


@router.get(
    "/v1/interviews/{interview_id:plainid}", response_model=InterviewOut, summary="获取面试（含状态变更记录）"
)
def get_interview(
    interview_id: InterviewId, session: SessionDep, principal: AnyPrincipal, response: Response
) -> InterviewOut:
    iv = service.get_interview(session=session, principal=principal, interview_id=interview_id)
    set_etag(response, iv.id, iv.version)
    return service.views(session=session, interviews=[iv], with_history=True)[0]


@router.patch(
    "/v1/interviews/{interview_id:plainid}",
    response_model=InterviewOut,
    summary="改期，或取消、完成（含结果）、记为缺席",
)
def patch_interview(
    interview_id: InterviewId,
    body: InterviewPatch,
    session: SessionDep,
    principal: Organiser,
    response: Response,
    if_match: IfMatch = None,
) -> InterviewOut:
    iv = service.get_interview(session=session, principal=principal, interview_id=interview_id)
    check_if_match(if_match, iv.id, iv.version)
    service.patch(session=session, principal=principal, interview=iv, data=body)
    session.commit()
    set_etag(response, iv.id, iv.version)
    return service.views(session=session, interviews=[iv], with_history=True)[0]
