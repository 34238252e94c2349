from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Query, Response, UploadFile

from app.auth.deps import Authenticated
from app.auth.principal import Principal, Role
from app.core.deps import PageDep, SessionDep
from app.core.etag import check_if_match, set_etag
from app.core.importing import BATCH_DESCRIPTION, BatchResult, Mode
from app.seekers import service
from app.seekers.schemas import (
    EmploymentStatus,
    Mobility,
    SeekerBatch,
    SeekerIn,
    SeekerOut,
    SeekerPage,
    SeekerPatch,
    Tag,
)

router = APIRouter(tags=["求职清单"])

Owner = Annotated[Principal, Depends(Authenticated(Role.sending))]
Reader = Annotated[Principal, Depends(Authenticated(Role.sending, Role.admin))]
IfMatch = Annotated[str | None, Header(description="上次 GET 返回的 ETag；不一致时返回 412")]
IncludeDeleted = Annotated[
    bool, Query(description="是否包含已删除的记录（墓碑，deleted_at 非空），供增量同步得知删除")
]
_BAD_UPLOAD: dict[int | str, dict[str, Any]] = {413: {"description": "文件或行数超过上限"}}


@router.post(
    "/v1/seekers",
    status_code=201,
    response_model=SeekerOut,
    summary="报送一名求职者（输出地）",
    description="身份证号只写不读；同一县内外部编号或身份证号重复返回 409。",
)
def create_seeker(body: SeekerIn, session: SessionDep, principal: Owner, response: Response) -> SeekerOut:
    seeker = service.create(session=session, principal=principal, data=body)
    [view] = service.views(session=session, principal=principal, seekers=[seeker])
    session.commit()
    set_etag(response, seeker.id, seeker.version)
    response.headers["Location"] = f"/v1/seekers/{seeker.id}"
    return view


@router.get(
    "/v1/seekers",
    response_model=SeekerPage,
    summary="求职清单（输出地看本县；管理员看全部）",
    description="按 (updated_at, id) 排序；本县调用时返回完整手机号，并为每条写入审计日志。",
)
def list_seekers(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    status: Annotated[EmploymentStatus | None, Query(description="就业状态")] = None,
    tag: Annotated[Tag | None, Query(description="人员类别")] = None,
    mobility: Annotated[Mobility | None, Query(description="外出意愿")] = None,
    occupation: Annotated[
        str | None, Query(max_length=20, description="职业代码（含其下级），如 6-18-02-04 或 6-18")
    ] = None,
    wants_work: Annotated[bool | None, Query(description="就业意愿")] = None,
    hukou_region_code: Annotated[
        str | None, Query(pattern=r"^\d{6}$", description="户籍地区划代码（省、市代码覆盖其下各县）")
    ] = None,
    household_id: Annotated[str | None, Query(max_length=64, description="户编号")] = None,
    q: Annotated[str | None, Query(max_length=64, description="按外部编号查找（包含）")] = None,
    include_deleted: IncludeDeleted = False,
) -> SeekerPage:
    rows, cursor = service.list_seekers(
        session=session,
        principal=principal,
        params=page,
        status=status,
        tag=tag,
        mobility=mobility,
        occupation=occupation,
        wants_work=wants_work,
        hukou_region_code=hukou_region_code,
        household_id=household_id,
        q=q,
        include_deleted=include_deleted,
    )
    items = service.views(session=session, principal=principal, seekers=rows)
    session.commit()
    return SeekerPage(items=items, next_cursor=cursor)


@router.get("/v1/seekers/{seeker_id}", response_model=SeekerOut, summary="获取求职者")
def get_seeker(
    seeker_id: str,
    session: SessionDep,
    principal: Reader,
    response: Response,
    include_deleted: IncludeDeleted = False,
) -> SeekerOut:
    seeker = service.get(
        session=session, principal=principal, seeker_id=seeker_id, include_deleted=include_deleted
    )
    [view] = service.views(session=session, principal=principal, seekers=[seeker])
    session.commit()
    set_etag(response, seeker.id, seeker.version)
    return view


@router.patch("/v1/seekers/{seeker_id}", response_model=SeekerOut, summary="修改求职者（输出地）")
def patch_seeker(
    seeker_id: str,
    body: SeekerPatch,
    session: SessionDep,
    principal: Owner,
    response: Response,
    if_match: IfMatch = None,
) -> SeekerOut:
    seeker = service.get(session=session, principal=principal, seeker_id=seeker_id)
    check_if_match(if_match, seeker.id, seeker.version)
    service.patch(session=session, principal=principal, seeker=seeker, data=body)
    [view] = service.views(session=session, principal=principal, seekers=[seeker])
    session.commit()
    set_etag(response, seeker.id, seeker.version)
    return view


@router.delete(
    "/v1/seekers/{seeker_id}",
    status_code=204,
    summary="删除求职者（输出地；软删除，保留墓碑供同步）",
    response_class=Response,
)
def delete_seeker(
    seeker_id: str, session: SessionDep, principal: Owner, if_match: IfMatch = None
) -> Response:
    seeker = service.get(session=session, principal=principal, seeker_id=seeker_id)
    check_if_match(if_match, seeker.id, seeker.version)
    service.delete(session=session, seeker=seeker)
    session.commit()
    return Response(status_code=204)


@router.post(
    "/v1/seekers/batch",
    response_model=BatchResult,
    summary="批量报送求职者（JSON）",
    description=BATCH_DESCRIPTION + " 错误的 row 为 items 中从 0 开始的序号。",
    responses=_BAD_UPLOAD,
)
def batch_seekers(body: SeekerBatch, session: SessionDep, principal: Owner) -> BatchResult:
    result = service.batch(session=session, principal=principal, items=body.items, mode=body.mode)
    session.commit()
    return result


@router.post(
    "/v1/seekers/import",
    response_model=BatchResult,
    summary="导入求职清单（.xlsx 或 .csv）",
    description=BATCH_DESCRIPTION
    + " 列同模板 GET /v1/templates/seekers.xlsx（中文表头，可用常见别名）；CSV 可为 UTF-8 或 GBK。"
    "错误的 row 为表格中的行号。",
    responses=_BAD_UPLOAD,
)
def import_seekers(
    session: SessionDep,
    principal: Owner,
    file: Annotated[UploadFile, File(description="求职清单文件（.xlsx 或 .csv）")],
    form_mode: Annotated[Mode | None, Form(alias="mode", description="partial 或 atomic")] = None,
    mode: Annotated[Mode | None, Query(description="partial（默认）或 atomic；也可作为表单字段提交")] = None,
) -> BatchResult:
    result = service.import_file(
        session=session,
        principal=principal,
        data=file.file.read(),
        filename=file.filename or "",
        mode=form_mode or mode or "partial",
    )
    session.commit()
    return result
