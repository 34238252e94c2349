"""``POST /v1/matching/preview``: the same scorer exchange match runs use, on plain data."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from app.auth.deps import AnyPrincipal
from app.core.deps import SessionDep
from app.matching import preview
from app.matching.schemas import PreviewRequest, PreviewResponse

router = APIRouter(prefix="/v1/matching", tags=["人岗匹配"])


@router.post("/preview", response_model=PreviewResponse, summary="匹配预览（无状态，不含个人信息）")
async def matching_preview(body: PreviewRequest, session: SessionDep, _: AnyPrincipal) -> PreviewResponse:
    """按技能、地点、意愿为每位求职者推荐岗位，评分与交流批次的匹配运行完全一致。"""
    preview.check_region_codes(session=session, request=body)
    # Scoring is CPU-bound: keep the event loop free for other requests.
    return await run_in_threadpool(preview.run, body)
