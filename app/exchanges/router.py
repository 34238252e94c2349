from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from sqlalchemy.orm import Session

from app.auth.deps import AnyPrincipal, Authenticated
from app.auth.principal import Principal, Role
from app.core.deps import PageDep, SessionDep
from app.core.etag import check_if_match, set_etag
from app.core.fastjson import json_response
from app.db import run_db
from app.exchanges import service
from app.exchanges.models import Exchange
from app.exchanges.schemas import (
    DemandSummaryOut,
    ExchangeCreate,
    ExchangeOut,
    ExchangePage,
    ExchangeSeekerPage,
    ExchangeState,
    JobSupplyIn,
    MatchOut,
    MatchPage,
    MatchPatch,
    MatchRunIn,
    MatchRunOut,
    MatchStatus,
    NoteIn,
)

router = APIRouter(tags=["三来三往对接"])
matches_router = APIRouter(tags=["推荐"])

ExchangeId = Annotated[str, Path(max_length=64, description="对接 ID")]
RunId = Annotated[str, Path(max_length=64, description="匹配批次 ID")]
MatchId = Annotated[str, Path(max_length=64, description="推荐 ID")]
IfMatch = Annotated[str | None, Header(description="上次 GET 返回的 ETag；不一致时返回 412")]
Sending = Annotated[Principal, Depends(Authenticated(Role.sending))]
SendingOrAdmin = Annotated[Principal, Depends(Authenticated(Role.sending, Role.admin))]
Receiving = Annotated[Principal, Depends(Authenticated(Role.receiving))]
Parties = Annotated[Principal, Depends(Authenticated(Role.sending, Role.receiving, Role.admin))]


def _out(session: Session, e: Exchange, *, with_history: bool = False) -> ExchangeOut:
    seekers, jobs = service.list_counts(session=session, exchange_ids=[e.id])[e.id]
    history = service.exchange_history(session=session, exchange=e) if with_history else None
    return ExchangeOut.model_validate(
        {**e.__dict__, "seekers_count": seekers, "jobs_count": jobs, "history": history}
    )


@router.post(
    "/v1/exchanges", status_code=201, response_model=ExchangeOut, summary="报送求职清单，发起对接（输出地）"
)
def create_exchange(
    body: ExchangeCreate, session: SessionDep, principal: Sending, response: Response
) -> ExchangeOut:
    e = service.create_exchange(session=session, principal=principal, data=body)
    session.commit()
    set_etag(response, e.id, e.version)
    return _out(session, e, with_history=True)


@router.get(
    "/v1/exchanges",
    response_model=ExchangePage,
    summary="列出对接（输出地看发出的，输入地与调度方看收到的，管理员看全部）",
)
def list_exchanges(
    session: SessionDep,
    principal: AnyPrincipal,
    page: PageDep,
    state: Annotated[ExchangeState | None, Query(description="按状态筛选")] = None,
) -> ExchangePage:
    rows, cursor = service.list_exchanges(session=session, principal=principal, params=page, state=state)
    counts = service.list_counts(session=session, exchange_ids=[e.id for e in rows])
    items = [
        ExchangeOut.model_validate(
            {**e.__dict__, "seekers_count": counts[e.id][0], "jobs_count": counts[e.id][1]}
        )
        for e in rows
    ]
    return ExchangePage(items=items, next_cursor=cursor)


@router.get("/v1/exchanges/{exchange_id}", response_model=ExchangeOut, summary="获取对接（含状态变更记录）")
def get_exchange(
    exchange_id: ExchangeId, session: SessionDep, principal: AnyPrincipal, response: Response
) -> ExchangeOut:
    e = service.get_exchange(session=session, principal=principal, exchange_id=exchange_id)
    set_etag(response, e.id, e.version)
    return _out(session, e, with_history=True)


@router.get(
    "/v1/exchanges/{exchange_id}/seekers",
    response_model=ExchangeSeekerPage,
    summary="求职清单（输入地与调度方看到脱敏信息）",
)
def list_exchange_seekers(
    exchange_id: ExchangeId, session: SessionDep, principal: AnyPrincipal, page: PageDep
) -> ExchangeSeekerPage:
    e = service.get_exchange(session=session, principal=principal, exchange_id=exchange_id)
    rows, cursor = service.list_exchange_seekers(session=session, exchange=e, params=page)
    items = service.seeker_views(session=session, principal=principal, seekers=rows)
    # The audit rows of the unmasked reads must be stored before the data leaves.
    session.commit()
    return ExchangeSeekerPage(items=items, next_cursor=cursor)


@router.get(
    "/v1/exchanges/{exchange_id}/demand-summary",
    response_model=DemandSummaryOut,
    summary="求职需求汇总：按意向职业、技能、外出意愿、培训需求统计",
)
def demand_summary(exchange_id: ExchangeId, session: SessionDep, principal: AnyPrincipal) -> DemandSummaryOut:
    e = service.get_exchange(session=session, principal=principal, exchange_id=exchange_id)
    return service.demand_summary(session=session, exchange=e)


@router.post(
    "/v1/exchanges/{exchange_id}/job-supply",
    response_model=ExchangeOut,
    summary="提交岗位供给清单（输入地；可在 jobs_supplied 状态下追加）",
)
def supply_jobs(
    exchange_id: ExchangeId, body: JobSupplyIn, session: SessionDep, principal: Receiving, response: Response
) -> ExchangeOut:
    e = service.get_exchange(session=session, principal=principal, exchange_id=exchange_id)
    service.supply_jobs(session=session, principal=principal, exchange=e, job_ids=body.job_ids)
    session.commit()
    set_etag(response, e.id, e.version)
    return _out(session, e, with_history=True)


@router.post(
    "/v1/exchanges/{exchange_id}/match-runs",
    status_code=201,
    response_model=MatchRunOut,
    summary="发起匹配（输出地）；重新匹配时替换未处理的推荐，保留已处理的",
)
def run_matches(
    exchange_id: ExchangeId, session: SessionDep, principal: SendingOrAdmin, body: MatchRunIn | None = None
) -> MatchRunOut:
    e = service.get_exchange(session=session, principal=principal, exchange_id=exchange_id)
    run = service.run_matches(
        session=session, principal=principal, exchange=e, per_seeker=(body or MatchRunIn()).per_seeker
    )
    session.commit()
    return MatchRunOut.model_validate(run)


@router.get(
    "/v1/exchanges/{exchange_id}/match-runs/{run_id}", response_model=MatchRunOut, summary="获取匹配批次"
)
def get_match_run(
    exchange_id: ExchangeId, run_id: RunId, session: SessionDep, principal: AnyPrincipal
) -> MatchRunOut:
    e = service.get_exchange(session=session, principal=principal, exchange_id=exchange_id)
    return MatchRunOut.model_validate(service.get_match_run(session=session, exchange=e, run_id=run_id))


def _end(
    session: Session, principal: Principal, response: Response, exchange_id: str, to: str, body: NoteIn | None
) -> ExchangeOut:
    e = service.get_exchange(session=session, principal=principal, exchange_id=exchange_id)
    service.end_exchange(
        session=session, principal=principal, exchange=e, to_state=to, note=(body or NoteIn()).note
    )
    session.commit()
    set_etag(response, e.id, e.version)
    return _out(session, e, with_history=True)


@router.post("/v1/exchanges/{exchange_id}/close", response_model=ExchangeOut, summary="关闭对接（任一方）")
def close_exchange(
    exchange_id: ExchangeId,
    session: SessionDep,
    principal: Parties,
    response: Response,
    body: NoteIn | None = None,
) -> ExchangeOut:
    return _end(session, principal, response, exchange_id, "closed", body)


@router.post("/v1/exchanges/{exchange_id}/cancel", response_model=ExchangeOut, summary="取消对接（任一方）")
def cancel_exchange(
    exchange_id: ExchangeId,
    session: SessionDep,
    principal: Parties,
    response: Response,
    body: NoteIn | None = None,
) -> ExchangeOut:
    return _end(session, principal, response, exchange_id, "cancelled", body)


@router.get(
    "/v1/exchanges/{exchange_id}/matches",
    response_model=MatchPage,
    summary="列出本对接的推荐",
)
def list_exchange_matches(
    exchange_id: ExchangeId,
    session: SessionDep,
    principal: AnyPrincipal,
    page: PageDep,
    status: Annotated[MatchStatus | None, Query(description="按状态筛选")] = None,
    seeker_id: Annotated[str | None, Query(max_length=32, description="只看该求职者的推荐")] = None,
) -> Response:
    e = service.get_exchange(session=session, principal=principal, exchange_id=exchange_id)
    items, cursor = service.list_match_items(
        session=session,
        principal=principal,
        params=page,
        exchange_id=e.id,
        status=status,
        seeker_id=seeker_id,
    )
    session.commit()
    return json_response({"items": items, "next_cursor": cursor})


@matches_router.get(
    "/v1/matches",
    response_model=MatchPage,
    summary="列出推荐（区级平台按 status=accepted&updated_since= 增量拉取）",
)
async def list_matches(
    session: SessionDep,
    principal: AnyPrincipal,
    page: PageDep,
    status: Annotated[MatchStatus | None, Query(description="按状态筛选")] = None,
    exchange_id: Annotated[str | None, Query(max_length=32, description="只看该对接的推荐")] = None,
    seeker_id: Annotated[str | None, Query(max_length=32, description="只看该求职者的推荐")] = None,
) -> Response:
    # The portals' polling path: one trip to the database threads (app.db.run_db) for the whole page.
    def read() -> tuple[list[dict[str, Any]], str | None]:
        items, cursor = service.list_match_items(
            session=session,
            principal=principal,
            params=page,
            exchange_id=exchange_id,
            status=status,
            seeker_id=seeker_id,
        )
        session.commit()
        return items, cursor

    items, cursor = await run_db(read)
    return json_response({"items": items, "next_cursor": cursor})


@matches_router.get("/v1/matches/{match_id}", response_model=MatchOut, summary="获取推荐（含状态变更记录）")
def get_match(
    match_id: MatchId, session: SessionDep, principal: AnyPrincipal, response: Response
) -> MatchOut:
    m = service.get_match(session=session, principal=principal, match_id=match_id)
    out = service.match_views(session=session, principal=principal, matches=[m], with_history=True)[0]
    session.commit()
    set_etag(response, m.id, m.version)
    return out


@matches_router.patch(
    "/v1/matches/{match_id}",
    response_model=MatchOut,
    summary="变更推荐状态（输出地记录同意/拒绝；输入地记录面试、录用；任一方可撤回）",
)
def patch_match(
    match_id: MatchId,
    body: MatchPatch,
    session: SessionDep,
    principal: Parties,
    response: Response,
    if_match: IfMatch = None,
) -> MatchOut:
    m = service.get_match(session=session, principal=principal, match_id=match_id)
    check_if_match(if_match, m.id, m.version)
    service.patch_match(session=session, principal=principal, match=m, data=body)
    session.commit()
    out = service.match_views(session=session, principal=principal, matches=[m], with_history=True)[0]
    session.commit()
    set_etag(response, m.id, m.version)
    return out
