from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Query, Response, UploadFile

from app.auth.deps import Authenticated
from app.auth.principal import Principal, Role
from app.core.deps import PageDep, SessionDep
from app.core.etag import check_if_match, set_etag
from app.core.importing import BATCH_DESCRIPTION, BatchResult, Mode
from app.employers import service
from app.employers.schemas import (
    EmployerIn,
    EmployerKind,
    EmployerOut,
    EmployerPage,
    EmployerPatch,
    JobBatch,
    JobIn,
    JobOut,
    JobPage,
    JobPatch,
    JobStatus,
)

router = APIRouter(tags=["用人单位与岗位"])

Owner = Annotated[Principal, Depends(Authenticated(Role.receiving))]
Reader = Annotated[Principal, Depends(Authenticated(Role.receiving, Role.admin))]
IfMatch = Annotated[str | None, Header(description="上次 GET 返回的 ETag；不一致时返回 412")]
IncludeDeleted = Annotated[
    bool, Query(description="是否包含已删除的记录（墓碑，deleted_at 非空），供增量同步得知删除")
]
_BAD_UPLOAD: dict[int | str, dict[str, Any]] = {413: {"description": "文件或行数超过上限"}}


# ---------------------------------------------------------------------------------------------------
# employers


@router.post(
    "/v1/employers",
    status_code=201,
    response_model=EmployerOut,
    summary="登记用人单位（输入地）",
    description="同一输入地内统一社会信用代码重复返回 409。",
)
def create_employer(
    body: EmployerIn, session: SessionDep, principal: Owner, response: Response
) -> EmployerOut:
    employer = service.create_employer(session=session, principal=principal, data=body)
    [view] = service.employer_views(session=session, principal=principal, employers=[employer])
    session.commit()
    set_etag(response, employer.id, employer.version)
    response.headers["Location"] = f"/v1/employers/{employer.id}"
    return view


@router.get(
    "/v1/employers", response_model=EmployerPage, summary="用人单位列表（输入地看本区；管理员看全部）"
)
def list_employers(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=100, description="按单位名称查找（包含）")] = None,
    uscc: Annotated[str | None, Query(max_length=18, description="统一社会信用代码")] = None,
    kind: Annotated[EmployerKind | None, Query(description="单位类型")] = None,
    include_deleted: IncludeDeleted = False,
) -> EmployerPage:
    rows, cursor = service.list_employers(
        session=session,
        principal=principal,
        params=page,
        q=q,
        uscc=uscc,
        kind=kind,
        include_deleted=include_deleted,
    )
    items = service.employer_views(session=session, principal=principal, employers=rows)
    session.commit()
    return EmployerPage(items=items, next_cursor=cursor)


@router.get("/v1/employers/{employer_id}", response_model=EmployerOut, summary="获取用人单位")
def get_employer(
    employer_id: str,
    session: SessionDep,
    principal: Reader,
    response: Response,
    include_deleted: IncludeDeleted = False,
) -> EmployerOut:
    employer = service.get_employer(
        session=session, principal=principal, employer_id=employer_id, include_deleted=include_deleted
    )
    [view] = service.employer_views(session=session, principal=principal, employers=[employer])
    session.commit()
    set_etag(response, employer.id, employer.version)
    return view


@router.patch("/v1/employers/{employer_id}", response_model=EmployerOut, summary="修改用人单位（输入地）")
def patch_employer(
    employer_id: str,
    body: EmployerPatch,
    session: SessionDep,
    principal: Owner,
    response: Response,
    if_match: IfMatch = None,
) -> EmployerOut:
    employer = service.get_employer(session=session, principal=principal, employer_id=employer_id)
    check_if_match(if_match, employer.id, employer.version)
    service.patch_employer(session=session, employer=employer, data=body)
    [view] = service.employer_views(session=session, principal=principal, employers=[employer])
    session.commit()
    set_etag(response, employer.id, employer.version)
    return view


@router.delete(
    "/v1/employers/{employer_id}",
    status_code=204,
    response_class=Response,
    summary="删除用人单位（输入地；软删除；仍有岗位时返回 409）",
)
def delete_employer(
    employer_id: str, session: SessionDep, principal: Owner, if_match: IfMatch = None
) -> Response:
    employer = service.get_employer(session=session, principal=principal, employer_id=employer_id)
    check_if_match(if_match, employer.id, employer.version)
    service.delete_employer(session=session, employer=employer)
    session.commit()
    return Response(status_code=204)


# ---------------------------------------------------------------------------------------------------
# jobs


@router.post(
    "/v1/jobs",
    status_code=201,
    response_model=JobOut,
    summary="发布岗位（输入地）",
    description="用人单位须为本输入地登记的单位（employer_id 或 employer_uscc），否则 422。",
)
def create_job(body: JobIn, session: SessionDep, principal: Owner, response: Response) -> JobOut:
    job = service.create_job(session=session, principal=principal, data=body)
    session.commit()
    [view] = service.job_views(session=session, jobs=[job])
    set_etag(response, job.id, job.version)
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return view


@router.get("/v1/jobs", response_model=JobPage, summary="岗位供给清单（输入地看本区；管理员看全部）")
def list_jobs(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    status: Annotated[JobStatus | None, Query(description="岗位状态")] = None,
    employer_id: Annotated[str | None, Query(max_length=64, description="用人单位 ID")] = None,
    occupation: Annotated[
        str | None, Query(max_length=20, description="职业代码（含其下级），如 6-18-02-04 或 6-18")
    ] = None,
    region_code: Annotated[
        str | None, Query(pattern=r"^\d{6}$", description="工作地区划代码（省、市代码覆盖其下各县）")
    ] = None,
    q: Annotated[str | None, Query(max_length=64, description="按岗位编号查找（包含）")] = None,
    include_deleted: IncludeDeleted = False,
) -> JobPage:
    rows, cursor = service.list_jobs(
        session=session,
        principal=principal,
        params=page,
        status=status,
        employer_id=employer_id,
        occupation=occupation,
        region_code=region_code,
        q=q,
        include_deleted=include_deleted,
    )
    return JobPage(items=service.job_views(session=session, jobs=rows), next_cursor=cursor)


@router.get("/v1/jobs/{job_id}", response_model=JobOut, summary="获取岗位")
def get_job(
    job_id: str,
    session: SessionDep,
    principal: Reader,
    response: Response,
    include_deleted: IncludeDeleted = False,
) -> JobOut:
    job = service.get_job(
        session=session, principal=principal, job_id=job_id, include_deleted=include_deleted
    )
    set_etag(response, job.id, job.version)
    [view] = service.job_views(session=session, jobs=[job])
    return view


@router.patch("/v1/jobs/{job_id}", response_model=JobOut, summary="修改岗位（输入地）")
def patch_job(
    job_id: str,
    body: JobPatch,
    session: SessionDep,
    principal: Owner,
    response: Response,
    if_match: IfMatch = None,
) -> JobOut:
    job = service.get_job(session=session, principal=principal, job_id=job_id)
    check_if_match(if_match, job.id, job.version)
    service.patch_job(session=session, principal=principal, job=job, data=body)
    session.commit()
    set_etag(response, job.id, job.version)
    [view] = service.job_views(session=session, jobs=[job])
    return view


@router.delete(
    "/v1/jobs/{job_id}",
    status_code=204,
    response_class=Response,
    summary="删除岗位（输入地；软删除，保留墓碑供同步）",
)
def delete_job(job_id: str, session: SessionDep, principal: Owner, if_match: IfMatch = None) -> Response:
    job = service.get_job(session=session, principal=principal, job_id=job_id)
    check_if_match(if_match, job.id, job.version)
    service.delete_job(session=session, job=job)
    session.commit()
    return Response(status_code=204)


@router.post(
    "/v1/jobs/batch",
    response_model=BatchResult,
    summary="批量发布岗位（JSON）",
    description=BATCH_DESCRIPTION + " 错误的 row 为 items 中从 0 开始的序号。",
    responses=_BAD_UPLOAD,
)
def batch_jobs(body: JobBatch, session: SessionDep, principal: Owner) -> BatchResult:
    result = service.batch_jobs(session=session, principal=principal, items=body.items, mode=body.mode)
    session.commit()
    return result


@router.post(
    "/v1/jobs/import",
    response_model=BatchResult,
    summary="导入岗位供给清单（.xlsx 或 .csv）",
    description=BATCH_DESCRIPTION
    + " 列同模板 GET /v1/templates/jobs.xlsx；用人单位可填“用人单位ID”或“统一社会信用代码”（单位须已登记）。"
    "CSV 可为 UTF-8 或 GBK。错误的 row 为表格中的行号。",
    responses=_BAD_UPLOAD,
)
def import_jobs(
    session: SessionDep,
    principal: Owner,
    file: Annotated[UploadFile, File(description="岗位清单文件（.xlsx 或 .csv）")],
    form_mode: Annotated[Mode | None, Form(alias="mode", description="partial 或 atomic")] = None,
    mode: Annotated[Mode | None, Query(description="partial（默认）或 atomic；也可作为表单字段提交")] = None,
) -> BatchResult:
    result = service.import_jobs(
        session=session,
        principal=principal,
        data=file.file.read(),
        filename=file.filename or "",
        mode=form_mode or mode or "partial",
    )
    session.commit()
    return result
