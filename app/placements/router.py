from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from app.auth.deps import Authenticated
from app.auth.principal import Principal, Role
from app.core.deps import PageDep, SessionDep
from app.core.etag import check_if_match, set_etag
from app.placements import service
from app.placements.schemas import (
    Category,
    PlacementCreate,
    PlacementOut,
    PlacementPage,
    PlacementPatch,
    ServiceCreate,
    ServiceOut,
    ServicePage,
)

router = APIRouter(tags=["就业与服务"])

PlacementId = Annotated[str, Path(max_length=64, description="就业记录 ID")]
SeekerId = Annotated[str, Path(max_length=64, description="求职者 ID")]
IfMatch = Annotated[str | None, Header(description="上次 GET 返回的 ETag；不一致时返回 412")]
Reader = Annotated[Principal, Depends(Authenticated(Role.sending, Role.receiving, Role.admin))]
Owner = Annotated[Principal, Depends(Authenticated(Role.sending, Role.admin))]


@router.get(
    "/v1/placements",
    response_model=PlacementPage,
    summary="列出就业记录（输出地看本县劳动者的，输入地看归属本地区的）",
)
def list_placements(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    category: Annotated[Category | None, Query(description="就业类别")] = None,
    seeker_id: Annotated[str | None, Query(max_length=32, description="只看该求职者的")] = None,
) -> PlacementPage:
    rows, cursor = service.list_placements(
        session=session, principal=principal, params=page, category=category, seeker_id=seeker_id
    )
    return PlacementPage(items=[PlacementOut.model_validate(p) for p in rows], next_cursor=cursor)


@router.post("/v1/placements", status_code=201, response_model=PlacementOut, summary="直接登记就业（输出地）")
def create_placement(
    body: PlacementCreate, session: SessionDep, principal: Owner, response: Response
) -> PlacementOut:
    p = service.create_placement(session=session, principal=principal, data=body)
    session.commit()
    set_etag(response, p.id, p.version)
    return PlacementOut.model_validate(p)


@router.get("/v1/placements/{placement_id}", response_model=PlacementOut, summary="获取就业记录")
def get_placement(
    placement_id: PlacementId, session: SessionDep, principal: Reader, response: Response
) -> PlacementOut:
    p = service.get_placement(session=session, principal=principal, placement_id=placement_id)
    set_etag(response, p.id, p.version)
    return PlacementOut.model_validate(p)


@router.patch(
    "/v1/placements/{placement_id}", response_model=PlacementOut, summary="稳岗跟踪：登记离岗日期与原因"
)
def patch_placement(
    placement_id: PlacementId,
    body: PlacementPatch,
    session: SessionDep,
    principal: Reader,
    response: Response,
    if_match: IfMatch = None,
) -> PlacementOut:
    p = service.get_placement(session=session, principal=principal, placement_id=placement_id)
    check_if_match(if_match, p.id, p.version)
    service.patch_placement(session=session, placement=p, data=body)
    session.commit()
    set_etag(response, p.id, p.version)
    return PlacementOut.model_validate(p)


@router.post(
    "/v1/seekers/{seeker_id}/services",
    status_code=201,
    response_model=ServiceOut,
    summary="登记一次就业服务（输出地）",
)
def add_service(
    seeker_id: SeekerId, body: ServiceCreate, session: SessionDep, principal: Owner
) -> ServiceOut:
    r = service.add_service(session=session, principal=principal, seeker_id=seeker_id, data=body)
    session.commit()
    return ServiceOut.model_validate(r)


@router.get(
    "/v1/seekers/{seeker_id}/services",
    response_model=ServicePage,
    summary="列出求职者的就业服务记录（含匹配推荐自动记录）",
)
def list_services(seeker_id: SeekerId, session: SessionDep, principal: Owner, page: PageDep) -> ServicePage:
    rows, cursor = service.list_services(
        session=session, principal=principal, seeker_id=seeker_id, params=page
    )
    return ServicePage(items=[ServiceOut.model_validate(r) for r in rows], next_cursor=cursor)
