"""Health, readiness, metrics and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.auth.deps import AdminPrincipal
from app.core import audit
from app.core.deps import PageDep, SessionDep
from app.core.observability import metrics_payload
from app.core.problems import problem_response
from app.ops import service

router = APIRouter(tags=["运维"])


class Health(BaseModel):
    status: str = Field(description="ok 表示进程在运行")


class Ready(BaseModel):
    status: str = Field(description="ok 表示数据库可达且迁移已到最新")
    database: str = Field(description="数据库类型")
    revision: str | None = Field(description="当前迁移版本")


@router.get("/healthz", response_model=Health, summary="存活检查")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Ready,
    summary="就绪检查（数据库可达且迁移到最新）",
    responses={503: {"description": "数据库不可达或迁移未到最新"}},
)
def readyz() -> Response:
    ok, dialect, revision, reason = service.readiness()
    if not ok:
        return problem_response(503, reason, type_slug="not-ready", headers={"Retry-After": "5"})
    return JSONResponse(Ready(status="ok", database=dialect, revision=revision).model_dump())


@router.get("/metrics", summary="Prometheus 指标", response_class=Response)
def metrics() -> Response:
    payload, content_type = metrics_payload()
    return Response(content=payload, media_type=content_type)


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="事件 ID")
    occurred_at: datetime = Field(description="发生时间")
    principal_id: str = Field(description="调用方密钥 ID")
    principal_name: str = Field(description="调用方密钥名称")
    principal_role: str = Field(description="调用方角色")
    action: str = Field(description="动作：read_pii 表示查看了未脱敏的个人信息")
    resource_type: str = Field(description="资源类型，如 seeker")
    resource_id: str = Field(description="资源 ID")
    fields: list[str] = Field(description="被查看的敏感字段")
    request_id: str | None = Field(description="请求 ID")


class AuditPage(BaseModel):
    items: list[AuditEventOut] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标")


@router.get("/v1/audit-events", response_model=AuditPage, summary="个人信息查看审计日志（管理员）")
def list_audit_events(
    session: SessionDep,
    _: AdminPrincipal,
    page: PageDep,
    resource_type: Annotated[str | None, Query(max_length=40, description="资源类型")] = None,
    resource_id: Annotated[str | None, Query(max_length=32, description="资源 ID")] = None,
    principal_id: Annotated[str | None, Query(max_length=32, description="调用方密钥 ID")] = None,
) -> AuditPage:
    rows, cursor = audit.list_events(
        session=session,
        params=page,
        resource_type=resource_type,
        resource_id=resource_id,
        principal_id=principal_id,
    )
    return AuditPage(items=[AuditEventOut.model_validate(r) for r in rows], next_cursor=cursor)
