from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth import service
from app.auth.deps import AdminPrincipal
from app.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut, ApiKeyPage
from app.core.deps import SessionDep

router = APIRouter(prefix="/v1/api-keys", tags=["API 密钥"])


@router.post("", status_code=201, response_model=ApiKeyCreated, summary="创建 API 密钥（明文只显示一次）")
def create_api_key(body: ApiKeyCreate, session: SessionDep, _: AdminPrincipal) -> ApiKeyCreated:
    key, secret = service.create_key(
        session=session, name=body.name, role=service.parse_role(body.role), region_code=body.region_code
    )
    session.commit()
    return ApiKeyCreated(**ApiKeyOut.model_validate(key).model_dump(), key=secret)


@router.get("", response_model=ApiKeyPage, summary="列出 API 密钥（不含密钥明文）")
def list_api_keys(
    session: SessionDep,
    _: AdminPrincipal,
    limit: Annotated[int, Query(ge=1, le=500, description="每页条数")] = 50,
    cursor: Annotated[str | None, Query(max_length=64, description="上一页返回的 next_cursor")] = None,
) -> ApiKeyPage:
    rows = service.list_keys(session=session, limit=limit + 1, after_id=cursor)
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return ApiKeyPage(items=[ApiKeyOut.model_validate(r) for r in rows[:limit]], next_cursor=next_cursor)


@router.delete("/{key_id}", response_model=ApiKeyOut, summary="吊销 API 密钥（立即失效）")
def revoke_api_key(key_id: str, session: SessionDep, _: AdminPrincipal) -> ApiKeyOut:
    key = service.revoke(session=session, key_id=key_id)
    session.commit()
    return ApiKeyOut.model_validate(key)
