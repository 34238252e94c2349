from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from app.auth.deps import AdminPrincipal, AnyPrincipal
from app.core.deps import PageDep, SessionDep
from app.core.etag import check_if_match, set_etag
from app.core.periods import PERIOD_PATTERN
from app.partnerships import service
from app.partnerships.models import Partnership
from app.partnerships.schemas import (
    PartnershipCreate,
    PartnershipOut,
    PartnershipPage,
    PartnershipPatch,
    TargetCreate,
    TargetOut,
    TargetPage,
    TargetPatch,
)

router = APIRouter(tags=["结对与目标"])

IfMatch = Annotated[str | None, Header(description="上次 GET 返回的 ETag；不一致时返回 412")]


def _out(p: Partnership) -> PartnershipOut:
    return PartnershipOut.model_validate({**p.__dict__, "active": service.is_active(p)})


@router.post(
    "/v1/partnerships", status_code=201, response_model=PartnershipOut, summary="建立结对关系（管理员）"
)
def create_partnership(
    body: PartnershipCreate, session: SessionDep, _: AdminPrincipal, response: Response
) -> PartnershipOut:
    p = service.create_partnership(session=session, data=body)
    session.commit()
    set_etag(response, p.id, p.version)
    return _out(p)


@router.get(
    "/v1/partnerships", response_model=PartnershipPage, summary="列出结对关系（管理员全部；各地区只看自己的）"
)
def list_partnerships(
    session: SessionDep,
    principal: AnyPrincipal,
    page: PageDep,
    region_code: Annotated[str | None, Query(pattern=r"^\d{6}$", description="只看涉及该地区的结对")] = None,
) -> PartnershipPage:
    rows, cursor = service.list_partnerships(
        session=session, principal=principal, params=page, region_code=region_code
    )
    return PartnershipPage(items=[_out(p) for p in rows], next_cursor=cursor)


@router.get("/v1/partnerships/{partnership_id}", response_model=PartnershipOut, summary="获取结对关系")
def get_partnership(
    partnership_id: str, session: SessionDep, principal: AnyPrincipal, response: Response
) -> PartnershipOut:
    p = service.get_partnership(session=session, principal=principal, partnership_id=partnership_id)
    set_etag(response, p.id, p.version)
    return _out(p)


@router.patch(
    "/v1/partnerships/{partnership_id}", response_model=PartnershipOut, summary="修改结对关系（管理员）"
)
def patch_partnership(
    partnership_id: str,
    body: PartnershipPatch,
    session: SessionDep,
    principal: AdminPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> PartnershipOut:
    p = service.get_partnership(session=session, principal=principal, partnership_id=partnership_id)
    check_if_match(if_match, p.id, p.version)
    service.patch_partnership(session=session, partnership=p, data=body)
    session.commit()
    set_etag(response, p.id, p.version)
    return _out(p)


@router.post("/v1/targets", status_code=201, response_model=TargetOut, summary="设定输入地期间目标（管理员）")
def create_target(
    body: TargetCreate, session: SessionDep, _: AdminPrincipal, response: Response
) -> TargetOut:
    t = service.create_target(session=session, data=body)
    session.commit()
    set_etag(response, t.id, t.version)
    return TargetOut.model_validate(t)


@router.get(
    "/v1/targets",
    response_model=TargetPage,
    summary="列出目标（管理员全部；输入地看自己的，输出地看结对方的）",
)
def list_targets(
    session: SessionDep,
    principal: AnyPrincipal,
    page: PageDep,
    period: Annotated[str | None, Query(pattern=PERIOD_PATTERN, description="期间")] = None,
    receiving_region_code: Annotated[str | None, Query(pattern=r"^\d{6}$", description="输入地代码")] = None,
) -> TargetPage:
    rows, cursor = service.list_targets(
        session=session, principal=principal, params=page, period=period, region_code=receiving_region_code
    )
    return TargetPage(items=[TargetOut.model_validate(t) for t in rows], next_cursor=cursor)


@router.get("/v1/targets/{target_id}", response_model=TargetOut, summary="获取目标")
def get_target(target_id: str, session: SessionDep, principal: AnyPrincipal, response: Response) -> TargetOut:
    t = service.get_target(session=session, principal=principal, target_id=target_id)
    set_etag(response, t.id, t.version)
    return TargetOut.model_validate(t)


@router.patch("/v1/targets/{target_id}", response_model=TargetOut, summary="修改目标（管理员）")
def patch_target(
    target_id: str,
    body: TargetPatch,
    session: SessionDep,
    principal: AdminPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> TargetOut:
    t = service.get_target(session=session, principal=principal, target_id=target_id)
    check_if_match(if_match, t.id, t.version)
    service.patch_target(session=session, target=t, data=body)
    session.commit()
    set_etag(response, t.id, t.version)
    return TargetOut.model_validate(t)
