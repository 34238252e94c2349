from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from app.auth.deps import AnyPrincipal
from app.core.deps import SessionDep
from app.regions import service
from app.regions.schemas import RegionOut

router = APIRouter(prefix="/v1/regions", tags=["行政区划"])


class RegionPage(BaseModel):
    items: list[RegionOut] = Field(description="本页数据（按代码排序）")
    next_cursor: str | None = Field(description="下一页游标")


@router.get("", response_model=RegionPage, summary="查询行政区划（全称、简称或代码）")
def list_regions(
    session: SessionDep,
    _: AnyPrincipal,
    q: Annotated[str | None, Query(max_length=50, description="名称关键词，如“清水”或“天水市”")] = None,
    level: Annotated[Literal["province", "city", "county"] | None, Query(description="层级")] = None,
    parent_code: Annotated[str | None, Query(pattern=r"^\d{6}$", description="上级区划代码")] = None,
    include_retired: Annotated[bool, Query(description="是否包含已撤销的历史代码")] = False,
    limit: Annotated[int, Query(ge=1, le=500, description="每页条数")] = 50,
    cursor: Annotated[
        str | None, Query(pattern=r"^o\d{1,6}$", description="上一页返回的 next_cursor")
    ] = None,
) -> RegionPage:
    offset = int(cursor[1:]) if cursor else 0
    rows = service.search(
        session=session,
        q=q.strip() if q else None,
        level=level,
        parent_code=parent_code,
        include_retired=include_retired,
        limit=limit,
        offset=offset,
    )
    next_cursor = f"o{offset + limit}" if len(rows) > limit else None
    return RegionPage(items=[RegionOut.model_validate(r) for r in rows[:limit]], next_cursor=next_cursor)


@router.get("/{code}", response_model=RegionOut, summary="按代码获取行政区划")
def get_region(
    code: Annotated[str, Path(pattern=r"^\d{6}$", description="六位行政区划代码")],
    session: SessionDep,
    _: AnyPrincipal,
) -> RegionOut:
    return RegionOut.model_validate(service.get(session=session, code=code))
